/* interopguard.h - the one public header of libinteropguard: the shadow allocator, the shadow table,
 * options, sites and violations. Included by C users and tests; mirrored field for field by the managed
 * runtime (src/InteropGuard/Native/) and read from outside the process by the validator. */
#ifndef INTEROPGUARD_H
#define INTEROPGUARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IG_API __attribute__((visibility("default")))
#else
#define IG_API
#endif

#define IG_VERSION_MAJOR 0
#define IG_VERSION_MINOR 1
#define IG_VERSION_PATCH 0

/* ---------------------------------------------------------------------------------------------------
 * Status codes. Every function that can fail returns one; 0 is success.
 * ------------------------------------------------------------------------------------------------ */
typedef enum ig_status {
  IG_OK = 0,
  IG_ERR_DOUBLE_FREE = 1,   /* the block was already freed (it is in quarantine) */
  IG_ERR_INVALID_FREE = 2,  /* not an address ig_malloc returned: unknown, interior, or not a block */
  IG_ERR_OVERFLOW = 3,      /* a redzone canary of the block was damaged (the block is still freed) */
  IG_ERR_NOMEM = 4,         /* the system allocator or the table could not supply memory */
  IG_ERR_BAD_ARG = 5,       /* null where not allowed, size overflow, bad alignment, bad kind */
  IG_ERR_NOT_FOUND = 6,     /* no range with this id (never issued, or already evicted) */
  IG_ERR_STATE = 7,         /* the range is not live (released twice, freed pin, ...) */
  IG_ERR_TABLE_FULL = 8     /* the shadow table reached max_ranges; the range is not tracked */
} ig_status_t;

/* ---------------------------------------------------------------------------------------------------
 * Violation kinds, one line each in ig_kinds.inc. The numeric value is the report id (IG0001 = 1); the
 * kind string is the contract (ig_kind_name). Runtime checks own IG0001-IG0999. C# (ViolationKind) is
 * generated from the same table.
 * ------------------------------------------------------------------------------------------------ */
typedef enum ig_kind {
  IG_KIND_NONE = 0,
#define IG_KIND(ENUM, ident, name, id, def, page, what, note) IG_KIND_##ENUM = id,
#include "ig_kinds.inc"
#undef IG_KIND
  IG_KIND_COUNT
} ig_kind_t;

/* ---------------------------------------------------------------------------------------------------
 * Ranges: everything the library knows about memory shared with native code.
 * ------------------------------------------------------------------------------------------------ */
typedef enum ig_range_kind {
  IG_RANGE_NATIVE_BLOCK = 1,   /* a block of the shadow allocator (ig_malloc and friends) */
  IG_RANGE_MANAGED_PIN = 2,    /* managed memory pinned for native code (Guard.Pin, call-scoped pins) */
  IG_RANGE_MAPPED_VIEW = 3,    /* a memory-mapped view */
  IG_RANGE_CALLBACK = 4,       /* a function pointer handed to native code (start = entry, size = 1) */
  IG_RANGE_NATIVE_REGION = 5   /* native memory registered by hand (not owned by the allocator) */
} ig_range_kind_t;

typedef enum ig_range_state {
  IG_STATE_EMPTY = 0,     /* slot unused */
  IG_STATE_LIVE = 1,      /* allocated / pinned / mapped / registered */
  IG_STATE_FREED = 2,     /* native block freed: poisoned and held in quarantine */
  IG_STATE_RELEASED = 3   /* pin, view, callback or region released; kept in the release history */
} ig_range_state_t;

/* ig_range_t.flags */
#define IG_RANGE_F_RETAINED 0x1u     /* native code keeps a reference past the call (validator checks it) */
#define IG_RANGE_F_CALL_SCOPED 0x2u  /* pinned for the duration of one call by generated code */
#define IG_RANGE_F_ALIGNED 0x4u      /* native block from ig_aligned_alloc */
#define IG_RANGE_F_USER_MASK 0xFFFF0000u /* free for the managed runtime */
/* Flags the managed runtime sets in IG_RANGE_F_USER_MASK (the validator reads them from the table): */
#define IG_RANGE_F_MANAGED_STRING 0x10000u /* a managed pin of a string (Guard.Pin(string)); reports suggest a copy */
#define IG_RANGE_F_POOLED_ARRAY 0x20000u   /* an array of a GuardedArrayPool: live = rented, released = returned */

/* One record of the shadow table. This layout is part of the versioned table format
 * (docs/design/shadow-table.md) and is read from outside the process by the validator.
 *
 *   offset size field
 *   0      8    id             slot index | (generation << 32); 0 is never a valid id
 *   8      8    start          first user byte (native block: the pointer ig_malloc returned)
 *   16     8    size           user bytes
 *   24     8    alloc_seq      table sequence number when the range became live
 *   32     8    release_seq    sequence number when it was freed/released; 0 while live
 *   40     8    alloc_time_ns  CLOCK_MONOTONIC_COARSE when it became live
 *   48     8    release_time_ns CLOCK_MONOTONIC_COARSE when freed/released; 0 while live
 *   56     8    user_tag       kind-specific: a GCHandle of the pinned object or delegate; 0 if none
 *   64     4    kind           ig_range_kind_t
 *   68     4    state          ig_range_state_t; written last (release store) when a record changes
 *   72     4    flags          IG_RANGE_F_*
 *   76     4    alloc_site     site id (ig_site_intern), 0 = unknown
 *   80     4    release_site   site id, 0 = unknown or still live
 *   84     4    alloc_tid      OS thread id that made it live
 *   88     4    release_tid    OS thread id that freed/released it
 *   92     2    redzone_left   bytes before start that belong to the block (native blocks; else 0)
 *   94     2    redzone_right  bytes after start+size that belong to the block (native blocks; else 0)
 *   96          (sizeof)
 */
typedef struct ig_range {
  uint64_t id;
  uint64_t start;
  uint64_t size;
  uint64_t alloc_seq;
  uint64_t release_seq;
  uint64_t alloc_time_ns;
  uint64_t release_time_ns;
  uint64_t user_tag;
  uint32_t kind;
  uint32_t state;
  uint32_t flags;
  uint32_t alloc_site;
  uint32_t release_site;
  uint32_t alloc_tid;
  uint32_t release_tid;
  uint16_t redzone_left;
  uint16_t redzone_right;
} ig_range_t;

/* A source site: where a range was created, freed or released, or where an access happened.
 * Interned once (ig_site_intern) and referred to by a 32-bit id; 0 means unknown.
 *
 *   offset size field
 *   0      4    id
 *   4      4    line
 *   8      120  function   NUL-terminated, truncated
 *   128    128  file       NUL-terminated, truncated (the tail of the path is kept)
 *   256         (sizeof)
 */
typedef struct ig_site {
  uint32_t id;
  uint32_t line;
  char function[120];
  char file[128];
} ig_site_t;

/* The table header, found through the exported symbol ig_shadow_table (or ig_table()). Every pointer is
 * a 64-bit address in this process. A reader outside the process checks magic, version, header_size,
 * range_size and site_size before it trusts anything else, and treats every record as possibly torn. It reads
 * records only below slot_limit: every slot at or past it is EMPTY (never handed out), so a stop reads the slots
 * the program ever used, not the chunks' capacity.
 *
 *   offset size field
 *   0      8    magic            "IGTABLE" + NUL
 *   8      4    version          IG_TABLE_VERSION
 *   12     4    header_size      sizeof(ig_table_header_t)
 *   16     4    range_size       sizeof(ig_range_t)
 *   20     4    site_size        sizeof(ig_site_t)
 *   24     8    ranges_per_chunk records in one chunk
 *   32     8    max_chunks       entries in the chunk directory
 *   40     8    chunk_count      chunks published so far (chunks[0..chunk_count) are valid)
 *   48     8    chunks           address of the chunk directory: max_chunks addresses of ig_range_t[]
 *   56     8    sites            address of the site array (ig_site_t[site_capacity], index = id - 1)
 *   64     8    site_capacity
 *   72     8    site_count       sites published so far
 *   80     8    seq              the table's sequence counter
 *   88     8    live_ranges      ranges in state LIVE
 *   96     8    quarantine_bytes user bytes of freed blocks held in quarantine
 *   104    8    pid              the owning process
 *   112    8    canary_byte      the value every right-redzone byte holds (low 8 bits)
 *   120    8    fill_flags       IG_TABLE_F_*: how much of a new block the allocator writes
 *   128    8    fill_size        with IG_TABLE_F_PARTIAL_FILL: bytes at the start of a new block filled (or zeroed)
 *   136    8    native_heap      address of the native-heap registry (ig_heap_header_t), 0 while it is not installed
 *   144    8    call_regions     address of the first call region (ig_call_region_t), 0 until a thread pinned a call's argument
 *   152    4    call_region_size sizeof(ig_call_region_t)
 *   156    4    call_pin_size    sizeof(ig_call_pin_t)
 *   160    8    slot_limit       record slots handed out so far (a high-water mark, never lowered): slot s holds a
 *                                record only when s < slot_limit; stored (release) after the slot's chunk is published
 *   168    8    pin_logs         address of the first pin log (ig_pin_log_t), 0 until a thread registered an explicit pin
 *   176    4    pin_log_size     sizeof(ig_pin_log_t)
 *   180    4    pin_log_slots    IG_PIN_LOG_SLOTS: records in one pin log
 *   184    8    reserved[9]
 *   256         (sizeof)
 */
#define IG_TABLE_MAGIC "IGTABLE"
#define IG_TABLE_VERSION 4u

typedef struct ig_table_header {
  char magic[8];
  uint32_t version;
  uint32_t header_size;
  uint32_t range_size;
  uint32_t site_size;
  uint64_t ranges_per_chunk;
  uint64_t max_chunks;
  uint64_t chunk_count;
  uint64_t chunks;
  uint64_t sites;
  uint64_t site_capacity;
  uint64_t site_count;
  uint64_t seq;
  uint64_t live_ranges;
  uint64_t quarantine_bytes;
  uint64_t pid;
  uint64_t canary_byte;
  uint64_t fill_flags;
  uint64_t fill_size;
  uint64_t native_heap;
  uint64_t call_regions;
  uint32_t call_region_size;
  uint32_t call_pin_size;
  uint64_t slot_limit;
  uint64_t pin_logs;
  uint32_t pin_log_size;
  uint32_t pin_log_slots;
  uint64_t reserved[9];
} ig_table_header_t;

/* fill_flags: new blocks that are not zeroed are filled with malloc_fill_byte only in their first fill_size bytes
 * (max_malloc_fill_size; not IG_INIT_FULL_FILL): bytes past that hold whatever malloc's previous user left, so a
 * scan of native memory reads a block only up to fill_size unless the program wrote it. Without the flag every
 * byte of a new block is written (filled or zeroed) before the block is returned. */
#define IG_TABLE_F_PARTIAL_FILL 0x1u

/* The table header of this process (never NULL once the library is initialised). */
IG_API extern ig_table_header_t *ig_shadow_table;
IG_API const ig_table_header_t *ig_table(void);

/* ---------------------------------------------------------------------------------------------------
 * A violation found by the native side, as data. Reporting is separate (ig_report).
 * ------------------------------------------------------------------------------------------------ */
typedef struct ig_violation {
  uint32_t kind;          /* ig_kind_t */
  uint32_t access_site;   /* site of the access/free that found it, 0 if unknown */
  uint64_t address;       /* the address that was accessed, freed or found damaged */
  uint64_t size;          /* bytes accessed (0 for frees) */
  uint64_t detail;        /* kind-specific. native-buffer-overflow found in a redzone: the signed (two's complement)
                           * distance of the first damaged byte from the user bytes: 0 = first byte past the end,
                           * N = N bytes past it, -N = N bytes before the start. ig_check: addr - range start.
                           * Write after free found at eviction: offset from the start of the block. */
  uint32_t has_range;     /* 1 when range holds the record involved */
  uint32_t reserved;
  ig_range_t range;       /* snapshot of the range involved */
} ig_violation_t;

/* ---------------------------------------------------------------------------------------------------
 * Initialisation and options.
 * ------------------------------------------------------------------------------------------------ */

/* ig_init flags */
#define IG_INIT_QUIET 0x1u /* do not print option warnings (the caller printed them already) */
/* release mode (docs/design/modes.md): sample_rate defaults to IG_RELEASE_SAMPLE_RATE; blocks that are not sampled
 * are plain malloc blocks (no header, redzone, record or quarantine: freeing one costs a range compare and free()),
 * sampled blocks are guarded-pool blocks with their record as in every mode. */
#define IG_INIT_RELEASE 0x2u
/* mode 2 (the validator scans blocks as roots): every byte of a new block is filled with malloc_fill_byte, whatever
 * max_malloc_fill_size says, so the scan never reads a word nobody wrote (a stale pointer malloc's previous user
 * left would be reported as dangling or unpinned). Costs a memset of the whole block (benchmarks/results/full-fill.md). */
#define IG_INIT_FULL_FILL 0x4u
/* 1 in 20000, a quarter of LLVM GWP-ASan's 1 in 5000: a sample costs tens of microseconds (two mprotect calls and, in a
 * never-used slot, a page fault, with caches cold between samples), so a program allocating ~1 M native buffers a
 * second, like the release-mode gate's buffer churn, needs 1 in 20000 to stay within release mode's 1 % budget
 * (the measurements: benchmarks/results/2026-12-06-bench-gate.md). A bug that repeats over allocations or runs is
 * still found; sample_rate sets the rate per process. */
#define IG_RELEASE_SAMPLE_RATE 20000

/* 1 when the library runs in release mode (ig_init with IG_INIT_RELEASE), else 0. */
IG_API int ig_release_mode(void);

/* Initialises the library with an options string in INTEROPGUARD_OPTIONS syntax (key=value:key=value).
 * NULL means: read INTEROPGUARD_OPTIONS. The first call wins; later calls and the lazy initialisation
 * done by every other entry point return IG_OK without changing anything. Never fails on bad options:
 * unknown keys and bad values warn on stderr (unless IG_INIT_QUIET) and keep the defaults. */
IG_API ig_status_t ig_init(const char *options, uint32_t flags);

/* The current value of a numeric option by name (the names of the option table); -1 if unknown. */
IG_API int64_t ig_option_int(const char *name);

/* ---------------------------------------------------------------------------------------------------
 * Shadow allocator. Blocks: [left redzone + header][user bytes][right redzone filled with a canary].
 * Freed blocks are poisoned and kept in a FIFO quarantine bounded by quarantine_mb.
 * The plain functions report problems themselves (ig_report) and behave like their libc namesakes.
 * ------------------------------------------------------------------------------------------------ */
IG_API void *ig_malloc(size_t size);
IG_API void *ig_calloc(size_t count, size_t size);
IG_API void *ig_realloc(void *ptr, size_t size);
IG_API void *ig_aligned_alloc(size_t alignment, size_t size);
IG_API void ig_free(void *ptr);
/* User bytes of a live block; 0 for NULL, unknown, interior or freed addresses. In release mode (IG_INIT_RELEASE) an
 * address outside the guarded pool is taken to be a live plain block and answered with malloc_usable_size, like
 * glibc: passing anything else is undefined there, as it is for malloc_usable_size. */
IG_API size_t ig_usable_size(const void *ptr);

/* The largest alignment the allocator supports: the left redzone must fit redzone_left (16 bits). */
#define IG_MAX_ALIGN 32768u

/* Site-aware forms used by the managed runtime. alignment 0 = default (16). On a detected problem the
 * function fills *out (when out is not NULL) instead of reporting, and returns the status. ig_malloc_at returns NULL
 * with errno EINVAL for an alignment that is not a power of two or above IG_MAX_ALIGN, ENOSPC when the shadow table is
 * full (max_ranges; the memory itself was available), ENOMEM when the memory was not. */
IG_API void *ig_malloc_at(size_t size, size_t alignment, uint32_t site);
IG_API ig_status_t ig_free_at(void *ptr, uint32_t site, ig_violation_t *out);
/* Sets the allocation site of the live block at ptr (its first user byte): for callers that learn the site is worth
 * interning only after the allocation (release mode names only sampled blocks). IG_ERR_NOT_FOUND when ptr is not a
 * live tracked block (a plain release-mode block, freed, interior), IG_ERR_BAD_ARG for NULL. */
IG_API ig_status_t ig_set_alloc_site(const void *ptr, uint32_t site);

/* Allocates the one block in sample_rate that the caller chose itself (release mode's managed runtime counts its own
 * allocations and leaves the rest to plain malloc): the block is placed in the guarded pool, ending at a guard page,
 * with its record and site, when sample_rate > 0 and it fits one page (size + 48 <= page size); otherwise it is made
 * as ig_malloc_at would make it (a plain malloc block in release mode). Resets the thread's own countdown, so native
 * callers on the same thread are sampled 1 in N after it. zero != 0: the bytes are set to zero. */
IG_API void *ig_malloc_sampled(size_t size, uint32_t site, int zero);

/* Checks the canaries of every live block. Fills up to max violations into out (may be NULL with
 * max 0) and returns how many damaged blocks there are. Does not report. */
IG_API size_t ig_verify(ig_violation_t *out, size_t max);

/* The guarded pool (sample_rate > 0; docs/design/guarded-pool.md): 1 when ptr lies in the pool (a sampled block
 * that ends at a guard page), else 0. *pool_lo / *pool_hi (may be NULL) receive the pool's reservation, 0 when
 * there is no pool (sample_rate=0 or the reservation failed). */
IG_API int ig_guarded_info(const void *ptr, uint64_t *pool_lo, uint64_t *pool_hi);

/* ---------------------------------------------------------------------------------------------------
 * Shadow table: registering and looking up ranges.
 * ------------------------------------------------------------------------------------------------ */

/* Registers a range (not a native block: those come from the allocator). size 0 is allowed and is
 * tracked as a 1-byte range at start. On success *out_id holds the id. */
IG_API ig_status_t ig_range_register(uint32_t kind, const void *start, size_t size, uint32_t flags,
                                     uint32_t site, uint64_t user_tag, uint64_t *out_id);
/* Marks a live range released at site. A second release: IG_ERR_STATE with *out filled (if given). Takes pin-log ids
 * (ig_pin_register, ig_pin_register_callback) too, from any thread. */
IG_API ig_status_t ig_range_release(uint64_t id, uint32_t site, ig_range_t *out);
/* Sets and clears flags of a live range. */
IG_API ig_status_t ig_range_set_flags(uint64_t id, uint32_t set, uint32_t clear);
/* Copies the record of id (live, freed or released and not yet evicted). */
IG_API ig_status_t ig_range_get(uint64_t id, ig_range_t *out);

/* ig_lookup results */
typedef enum ig_lookup_result {
  IG_LOOKUP_UNKNOWN = 0, /* no range the library knows contains addr */
  IG_LOOKUP_INSIDE = 1,  /* [addr, addr+len) lies inside the range's user bytes */
  IG_LOOKUP_OUTSIDE = 2  /* addr lies in the range or its redzones, but [addr, addr+len) leaves the user bytes */
} ig_lookup_result_t;

/* Finds the range whose user bytes or redzones contain addr (an interior address), in O(log n) or
 * better, without serialising concurrent lookups. Among several ranges that contain addr, a live one
 * wins over a freed/released one, and the newest wins among equals. len 0 is treated as 1 for the
 * containment test except that addr == start+size (one past the end) with len 0 is INSIDE.
 * The calling thread's call pins count (ig_call_pin_push): an in-flight one as a LIVE MANAGED_PIN range, an ended one
 * as RELEASED, both flagged CALL_SCOPED, with id 0 (they have no table record) and the call as alloc and release site;
 * other threads' call pins are not seen. Never dereferences addr. out may be NULL. */
IG_API ig_lookup_result_t ig_lookup(const void *addr, size_t len, ig_range_t *out);

/* The call-boundary check in one call: lookup, then classify.
 *   freed native block                      -> IG_KIND_NATIVE_USE_AFTER_FREE
 *   OUTSIDE any range                       -> IG_KIND_NATIVE_BUFFER_OVERFLOW
 *   released managed pin                    -> IG_KIND_USE_AFTER_UNPIN
 *   released mapped view                    -> IG_KIND_USE_AFTER_UNMAP
 *   released callback                       -> IG_KIND_COLLECTED_DELEGATE_CALLBACK
 *   inside a live range, or unknown address -> IG_KIND_NONE
 * The calling thread's in-flight call pins are live ranges here (an access leaving one is an overflow); its ended
 * ones are never reported by ig_check: a later pointer into a call's argument may be pinned again by a `fixed` the
 * library cannot see (the validator decides; ig_lookup shows them).
 * Returns the kind; fills *out (when not NULL and kind != NONE). Does not report, does not consult
 * detect_* options (the caller does). Cheap enough for [SuppressGCTransition]: no blocking locks. */
IG_API ig_kind_t ig_check(const void *addr, size_t len, ig_violation_t *out);

/* ---------------------------------------------------------------------------------------------------
 * Call-scoped pins (ig_calls.c; docs/design/shadow-table.md, "Call regions"). Managed memory the marshaller pins for one
 * P/Invoke call (an array, span or string argument) is not put in the shared table: each thread owns a call region
 * with a stack of its in-flight calls' pins and a ring of the IG_CALL_RING pins its calls ended most recently. A push
 * or a pop is a few stores into the calling thread's own region (no lock, no shared cache line, nothing that
 * allocates: signal-safe once the thread has its region). The validator reads every region with the table: a word of
 * native memory inside a stack entry is pinned, one inside a ring entry is a use-after-unpin that names the call.
 *
 * Regions form a list from ig_table_header_t.call_regions (linked through next, push-only, never unmapped). A
 * region belongs to one thread while tid != 0; when its thread exits, the pins still on its stack move to the ring
 * and tid becomes 0 (free): the ring stays readable, and the next thread that takes the region continues it.
 *
 * Reading a region (the validator reads it with the target stopped; ig_lookup reads the calling thread's own):
 * read ended (e1) and depth (d1), copy stack[0, d1) and ring entries k in [max(0, e1 - IG_CALL_RING + 1), e1) (entry k
 * sits at ring[k % IG_CALL_RING]), then read ended again (e2). The ring entries k > e2 - IG_CALL_RING are whole; the
 * stack copy is whole when e2 == e1 (a pop writes the ring entry, then ended, then depth). Entry e1 - IG_CALL_RING is
 * left out: its slot is the one a pop may be writing.
 *
 * Call pin (ig_call_pin_t), one entry of a stack or ring:
 *
 *   offset size field
 *   0      8    start          first pinned byte
 *   8      8    size           pinned bytes (0 is tracked as 1)
 *   16     8    seq            a table sequence number taken at the push (orders it with ranges, as alloc_seq does)
 *   24     8    time_ns        CLOCK_MONOTONIC_COARSE at the push: the call's start (the pop is not timed, which
 *                              would double its cost; an ended pin's "N ms ago" counts from its call's start)
 *   32     4    site           the call site (the pin's alloc and release site)
 *   36     4    flags          IG_RANGE_F_CALL_SCOPED and the runtime's IG_RANGE_F_USER_MASK flags
 *   40          (sizeof)
 */
typedef struct ig_call_pin {
  uint64_t start;
  uint64_t size;
  uint64_t seq;
  uint64_t time_ns;
  uint32_t site;
  uint32_t flags;
} ig_call_pin_t;

/* In-flight call pins a thread holds at most; a push past it goes to the shared table (a MANAGED_PIN range flagged
 * CALL_SCOPED, registered and released as before), so nothing is lost, only slower. */
#define IG_CALL_STACK 32u
/* Ended call pins a thread's region remembers (newest first); an older one is forgotten, as release_history forgets
 * released table ranges. */
#define IG_CALL_RING 256u

/* Call region (ig_call_region_t), one per thread that pinned a call's argument:
 *
 *   offset size field
 *   0      8    next           address of the next region of the list, 0 for the last (written before publication)
 *   8      4    tid            OS thread id of the owner; 0 while the region is free
 *   12     4    depth          stack entries in use (0..IG_CALL_STACK), stored after the entry it counts
 *   16     8    ended          pins this region's calls ended so far; stored after the ring entry it counts
 *   24     8    ring_lo        lowest start of a pin ever ended here (a reader's quick reject), UINT64_MAX while none
 *   32     8    ring_hi        highest end of a pin ever ended here, 0 while none
 *   40     8    overflowed     pushes the full stack sent to the shared table
 *   48     8    reserved[2]
 *   64     1280 stack          ig_call_pin_t[IG_CALL_STACK]: stack[depth - 1] is the innermost call's last pin
 *   1344   10240 ring          ig_call_pin_t[IG_CALL_RING]: the pin ended k-th (from 0) is at ring[k % IG_CALL_RING]
 *   11584         (sizeof)
 */
typedef struct ig_call_region {
  uint64_t next;
  uint32_t tid;
  uint32_t depth;
  uint64_t ended;
  uint64_t ring_lo;
  uint64_t ring_hi;
  uint64_t overflowed;
  uint64_t reserved[2];
  ig_call_pin_t stack[IG_CALL_STACK];
  ig_call_pin_t ring[IG_CALL_RING];
} ig_call_region_t;

/* Pins [start, start + size) for the call the calling thread is about to make: pushes it on the thread's call stack
 * (flags: IG_RANGE_F_CALL_SCOPED is added; site: the call). Returns the token for ig_call_pin_pop: nonzero, except for
 * NULL start, an address past user space, or a full stack whose shared-table fallback found the table full (the pin is
 * then not tracked). The first push of a thread takes a region (a free one, else a new one). */
IG_API uint64_t ig_call_pin_push(const void *start, size_t size, uint32_t flags, uint32_t site);
/* Ends the pin of token after its call returned (or threw): it moves to the ring, with the pins pushed after it that
 * were not popped yet (a wrapper pops in reverse order, so there are none). 0, and a token already popped, are
 * ignored. Must run on the thread that pushed. */
IG_API void ig_call_pin_pop(uint64_t token);
/* The calling thread's region; NULL while it has none. */
IG_API const ig_call_region_t *ig_call_region(void);

/* ---------------------------------------------------------------------------------------------------
 * Explicit pins in per-thread pin logs (ig_pinlog.c; docs/design/shadow-table.md, "Pin logs"). A pin the program makes
 * and releases itself (Guard.Pin, a tracked pinned GCHandle, a rented GuardedArrayPool array), and the CALLBACK range of a
 * delegate passed to an intercepted call for that call only (ig_pin_register_callback), is not put in the shared
 * table and its interval index: the registering thread writes it into a slot of its own pin log, an array of
 * IG_PIN_LOG_SLOTS range records taken in turn, so a released pin stays readable until its thread has registered
 * IG_PIN_LOG_SLOTS more (the log is the release history of its thread's pins). Any thread may release a pin: it claims
 * the slot with a compare-and-swap on state (LIVE to IG_STATE_RELEASING), writes the release fields, and stores
 * RELEASED. ig_check and ig_lookup read every thread's log after the index missed or found only a dead range (a live
 * pin wins over a dead range, the newest dead one wins among dead ones: a pin's alloc_seq is drawn from the table's
 * counter one at a time, so pins of one address order as they were made whichever threads made them); the validator
 * reads every log with the table.
 *
 * Logs form a list from ig_table_header_t.pin_logs (linked through next, push-only, never unmapped), like call regions.
 * A log belongs to one thread while tid != 0; when its thread exits its live pins stay live (another thread may release
 * them) and tid becomes 0 (free): the next thread that takes the log continues it, skipping live slots.
 *
 * A slot is an ig_range_t (same layout, same meaning) with kind IG_RANGE_MANAGED_PIN, or IG_RANGE_CALLBACK flagged
 * IG_RANGE_F_CALL_SCOPED, and an id in the pin-log form
 * below. Writing a slot (its owner only, from EMPTY or RELEASED): state EMPTY, id (a new generation), the fields, then
 * state LIVE (release). Reading one from another thread or process: state (acquire), id, the fields, then id and state
 * again; the copy is whole when both are unchanged and state is not EMPTY. IG_STATE_RELEASING counts as LIVE (the pin
 * is still held while its releaser writes). user_tag survives the reuse of a slot when the register call passes
 * IG_PIN_TAG_KEEP: the managed runtime keeps one weak GC handle per slot, set to each new pin's object (the validator
 * reads *user_tag to say where a released pin's object went), and never allocates one per pin.
 *
 * Pin log (ig_pin_log_t):
 *
 *   offset size field
 *   0      8    next           address of the next log of the list, 0 for the last (written before publication)
 *   8      4    tid            OS thread id of the owner; 0 while the log is free
 *   12     4    index          the log's number in this process (the middle of its pins' ids), from 0
 *   16     8    cursor         registrations so far: the next one tries slot cursor % IG_PIN_LOG_SLOTS first
 *   24     8    lo             lowest start of a pin ever registered here (a reader's quick reject), UINT64_MAX while none
 *   32     8    hi             highest end of a pin ever registered here, 0 while none
 *   40     4    used           slots ever written (slots past it are EMPTY): a reader reads slots[0, used)
 *   44     4    reserved0
 *   48     8    overflowed     registrations sent to the shared table because every slot held a live pin
 *   56     8    reserved1
 *   64     24576 slots         ig_range_t[IG_PIN_LOG_SLOTS]
 *   24640        (sizeof)
 */
#define IG_PIN_LOG_SLOTS 256u
/* Logs a process can number (threads holding one at the same time); a thread past it registers in the shared table. */
#define IG_PIN_LOG_MAX 4096u
/* A slot's state while a releaser writes its release fields (counts as LIVE for every reader). */
#define IG_STATE_RELEASING 4u
/* user_tag argument of ig_pin_register: keep the slot's previous user_tag. */
#define IG_PIN_TAG_KEEP UINT64_MAX

/* Pin-log ids: bits 63 and 62 set (a table id's generation never reaches bit 63), a 30-bit generation of the slot, the
 * log's index, the slot:
 *   63 62 | 61 ........ 32 | 31 ........ 12 | 11 ...... 0
 *    1  1 |   generation   |   log index    |    slot
 */
#define IG_PIN_LOG_ID_TAG 0xC000000000000000ull
#define IG_PIN_LOG_IS_ID(id) (((id) & IG_PIN_LOG_ID_TAG) == IG_PIN_LOG_ID_TAG)
#define IG_PIN_LOG_ID_LOG(id) ((uint32_t)(((id) >> 12) & 0xFFFFFu))
#define IG_PIN_LOG_ID_SLOT(id) ((uint32_t)((id) & 0xFFFu))

typedef struct ig_pin_log {
  uint64_t next;
  uint32_t tid;
  uint32_t index;
  uint64_t cursor;
  uint64_t lo;
  uint64_t hi;
  uint32_t used;
  uint32_t reserved0;
  uint64_t overflowed;
  uint64_t reserved1;
  ig_range_t slots[IG_PIN_LOG_SLOTS];
} ig_pin_log_t;

/* Registers an explicit pin of [start, start + size) (kind IG_RANGE_MANAGED_PIN) in the calling thread's pin log; size
 * 0 is tracked as 1. user_tag IG_PIN_TAG_KEEP keeps the slot's previous tag. *out_id receives a pin-log id, or a table
 * id when every slot of the log holds a live pin or the process has IG_PIN_LOG_MAX logs (the pin then goes to the
 * shared table, as ig_range_register would put it; IG_ERR_TABLE_FULL when that is full too). The id works with
 * ig_range_release, ig_range_get and ig_range_set_flags whichever it is. No lock, no allocation after a thread's first
 * pin (which takes a log). */
IG_API ig_status_t ig_pin_register(const void *start, size_t size, uint32_t flags, uint32_t site, uint64_t user_tag,
                                   uint64_t *out_id);
/* Registers the CALLBACK range of a delegate passed to one intercepted call (start entry, size 1, flags |
 * IG_RANGE_F_CALL_SCOPED, IG_RANGE_F_RETAINED and IG_RANGE_F_ALIGNED cleared) in the calling thread's pin log, as
 * ig_pin_register registers a pin: the same ids, the same fall-back to the shared table, released by ig_range_release
 * when the call returns. user_tag is stored as given (IG_PIN_TAG_KEEP is IG_ERR_BAD_ARG): the managed runtime's slot cell
 * of the call site's parameter. The released record stays readable until the thread has registered IG_PIN_LOG_SLOTS more
 * pins and callbacks. */
IG_API ig_status_t ig_pin_register_callback(const void *entry, uint32_t flags, uint32_t site, uint64_t user_tag,
                                            uint64_t *out_id);
/* Sets user_tag of the pin id (live or released, as long as its slot was not reused; table ids too). */
IG_API ig_status_t ig_pin_set_tag(uint64_t id, uint64_t user_tag);
/* The calling thread's pin log; NULL while it has none. */
IG_API const ig_pin_log_t *ig_pin_log(void);

/* ---------------------------------------------------------------------------------------------------
 * Sites.
 * ------------------------------------------------------------------------------------------------ */

/* Interns a site; the same (file, line, function) always gives the same id. NULL strings are "".
 * Returns 0 when the site table is full (the site is then reported as unknown). */
IG_API uint32_t ig_site_intern(const char *file, uint32_t line, const char *function);
/* Copies site id into *out; IG_ERR_NOT_FOUND for 0 or ids never issued. */
IG_API ig_status_t ig_site_get(uint32_t id, ig_site_t *out);

/* ---------------------------------------------------------------------------------------------------
 * Reporting (native side). Used by the plain allocator functions and by pure C users.
 * ------------------------------------------------------------------------------------------------ */

/* Receives violations the native side reports. Called on the detecting thread; must not call back into
 * the allocator of a freed block. When a hook is set, ig_report calls it instead of printing. */
typedef void (*ig_report_hook_t)(const ig_violation_t *violation, void *context);
IG_API void ig_set_report_hook(ig_report_hook_t hook, void *context);

/* Reports a violation: calls the hook if set, otherwise writes the ASan-like text report to stderr
 * (and to report_path when set) without allocating; then aborts when halt_on_error=1. Repeated
 * reports of the same kind and site are printed once. */
IG_API void ig_report(const ig_violation_t *violation);

/* "native-use-after-free" for IG_KIND_NATIVE_USE_AFTER_FREE, "" for unknown kinds. */
IG_API const char *ig_kind_name(uint32_t kind);

/* ---------------------------------------------------------------------------------------------------
 * Process helpers for mode 2 (the validator child).
 * ------------------------------------------------------------------------------------------------ */

/* Allows process pid (the validator child) to ptrace this process: prctl(PR_SET_PTRACER, pid), which Yama
 * (ptrace_scope=1) needs because the child is not an ancestor. pid 0 clears the permission, -1 allows any
 * process. Returns 0 on success (also when the kernel has no Yama: EINVAL counts as success) or the errno. */
IG_API int ig_set_ptracer(int64_t pid);

/* Zeroed read-write memory the library never frees (NULL on failure or size 0). On x86-64 Linux it is mapped below
 * 2 GiB (MAP_32BIT) when the kernel can, so code that holds its address as a constant can encode it as a 32-bit
 * displacement: release mode's released-range filter lives here, and the JIT folds the table's address into each
 * inlined check instead of loading a 64-bit constant first. Elsewhere, or when that fails, anywhere. */
IG_API void *ig_map_low(size_t size);

/* ---------------------------------------------------------------------------------------------------
 * Statistics.
 * ------------------------------------------------------------------------------------------------ */
typedef struct ig_stats {
  uint64_t live_blocks;
  uint64_t live_block_bytes;
  uint64_t quarantine_blocks;
  uint64_t quarantine_bytes;
  uint64_t live_ranges;        /* all kinds, state LIVE */
  uint64_t released_ranges;    /* freed + released records still in the table */
  uint64_t total_allocs;
  uint64_t total_frees;
  uint64_t reports;
} ig_stats_t;

IG_API void ig_get_stats(ig_stats_t *out);

/* ---------------------------------------------------------------------------------------------------
 * Native-heap tracking (ig_heap*.c; docs/design/native-heap.md). In mode 2 the import slots (GOT) of every
 * non-runtime native library, and libSystem.Native's allocation imports, are patched to route malloc, calloc,
 * realloc, reallocarray, free, posix_memalign, aligned_alloc, memalign and C++ operator new/delete through
 * InteropGuard: each block such a library allocates is zeroed and recorded in the registry below, which the
 * validator reads from outside the process. Blocks are plain libc blocks (no header, no redzone).
 *
 * Registry header (ig_heap_header_t, static storage; ig_table_header_t.native_heap points at it). A reader treats every
 * slot as possibly torn: it uses a slot only when state is 1 and addr is neither 0 nor IG_HEAP_TOMBSTONE, and
 * confirms a slot it acts on by reading it again with the target stopped.
 *
 *   offset size field
 *   0      8    magic            "IGHEAP" + 2 NUL
 *   8      4    version          IG_HEAP_VERSION
 *   12     4    slot_size        sizeof(ig_heap_slot_t)
 *   16     8    capacity         slots (a power of two)
 *   24     8    slots            address of ig_heap_slot_t[capacity] (mmap'ed once, never unmapped)
 *   32     8    untracked_frees  frees and reallocs of blocks the registry never saw (allocated before a library
 *                                was hooked, or by code that is not hooked): passed to libc untouched
 *   40     8    dropped          allocations left untracked because their probe window was full
 *   48     8    modules          libraries hooked so far
 *   56     8    generation       incremented each time libraries are hooked
 *   64          (sizeof)
 */
#define IG_HEAP_MAGIC "IGHEAP"
#define IG_HEAP_VERSION 1u
/* addr of a removed slot */
#define IG_HEAP_TOMBSTONE 1u
/* slots a block's address may sit in past its hash: open addressing with linear probing in a bounded window */
#define IG_HEAP_PROBES 64u

/* ig_heap_slot_t.how: which call made the block */
#define IG_HEAP_HOW_MALLOC 1u
#define IG_HEAP_HOW_CALLOC 2u
#define IG_HEAP_HOW_REALLOC 3u
#define IG_HEAP_HOW_ALIGNED 4u
#define IG_HEAP_HOW_NEW 5u

typedef struct ig_heap_header {
  char magic[8];
  uint32_t version;
  uint32_t slot_size;
  uint64_t capacity;
  uint64_t slots;
  uint64_t untracked_frees;
  uint64_t dropped;
  uint64_t modules;
  uint64_t generation;
} ig_heap_header_t;

/* Slot of the registry (ig_heap_slot_t), at slots + 32 * (hash(addr) + k) for some k < IG_HEAP_PROBES:
 *
 *   offset size field
 *   0      8    addr    user pointer; 0 = never used, IG_HEAP_TOMBSTONE = removed
 *   8      8    size    bytes requested
 *   16     8    caller  return address of the allocation call (inside the library that asked)
 *   24     4    state   0 = being written or removed, 1 = live (release store after every other field)
 *   28     4    how     IG_HEAP_HOW_*
 *   32          (sizeof)
 */
typedef struct ig_heap_slot {
  uint64_t addr;
  uint64_t size;
  uint64_t caller;
  uint32_t state;
  uint32_t how;
} ig_heap_slot_t;

/* Patches the libraries loaded so far (and, from then on, those the runtime loads: libcoreclr's dlopen import is
 * routed through ig_heap_refresh). Reads the native_heap and native_heap_blocks options; IG_OK when tracking runs,
 * IG_ERR_STATE when native_heap=0 or on an architecture without GOT patching (not x86-64 or AArch64 Linux),
 * IG_ERR_NOMEM when the registry cannot be mapped. Idempotent. */
IG_API ig_status_t ig_heap_install(void);
/* Hooks the libraries loaded since the last call (cheap when none was: one dl_iterate_phdr); returns how many were
 * newly hooked. 0 before ig_heap_install. */
IG_API uint32_t ig_heap_refresh(void);
/* The registry header; NULL before ig_heap_install. */
IG_API const ig_heap_header_t *ig_heap(void);
/* 1 and *out filled when ptr is the start of a tracked block, else 0. */
IG_API int ig_heap_find(const void *ptr, ig_heap_slot_t *out);
/* 1 when the library whose file name (basename) starts with prefix has been hooked, else 0. */
IG_API int ig_heap_hooked(const char *prefix);

#ifdef __cplusplus
}
#endif

#endif /* INTEROPGUARD_H */
