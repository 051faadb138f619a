/* ig_internal.h - the internal interface between the flat ig_*.c files of libinteropguard; included only
 * by the library's own sources and by nothing at run time outside it. */
#ifndef IG_INTERNAL_H
#define IG_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "interopguard.h"

/* ---------------------------------------------------------------------------------------------------
 * Compiler helpers.
 * ------------------------------------------------------------------------------------------------ */
#define IG_LIKELY(x) __builtin_expect(!!(x), 1)
#define IG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define IG_NOINLINE __attribute__((noinline))
#define IG_INLINE static inline __attribute__((always_inline))
#define IG_CACHE_LINE 64
#define IG_ALIGNED(n) __attribute__((aligned(n)))
/* initial-exec TLS: one pointer per thread, cheap to reach even from a dlopen'ed library. */
#define IG_TLS __thread __attribute__((tls_model("initial-exec")))

#define IG_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define IG_LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define IG_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define IG_STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define IG_ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define IG_SUB(p, v) __atomic_fetch_sub((p), (v), __ATOMIC_RELAXED)

/* IG_SEQLOCK_READER(): put first in a seqlock reader (an index bin's scan, a record snapshot), which copies what a
 * writer may be rewriting and discards the copy when the sequence (the record's id) re-reads different. Under
 * ThreadSanitizer the reader's plain and atomic accesses are left out of race detection until it returns: TSan does
 * not model the acquire fence that orders the re-read, and it would report the copy as a race with the writer's
 * stores. TSan still takes the acquire loads' synchronisation, and it still checks every writer's stores against each
 * other. (A suppression by function name cannot do this reliably: when TSan has lost the reader's stack, as it does
 * under load, the name is not there to match.) Empty in every other build. */
#if defined(__SANITIZE_THREAD__)
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
IG_INLINE void _ig_seqlock_reader_end(int *unused) {
  (void)unused;
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}
#define IG_SEQLOCK_READER()                                                                               \
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);                                                           \
  int _ig_seqlock_scope __attribute__((cleanup(_ig_seqlock_reader_end), unused)) = 0
#else
#define IG_SEQLOCK_READER() ((void)0)
#endif

/* The value of every right-redzone (and left-canary) byte of a native block (header.canary_byte). */
#define IG_CANARY_BYTE 0xFCu

/* Addresses above this are never tracked (x86-64 / AArch64 user space is 47/48 bits). */
#define IG_ADDR_LIMIT (((uint64_t)1) << 47)

/* Internal invariant checks: a bug in InteropGuard itself, not a user error. Never compiled out. */
#define IG_ASSERT(cond)                                                                                   \
  do {                                                                                                    \
    if (IG_UNLIKELY(!(cond))) _ig_assert_fail(#cond, __FILE__, __LINE__);                                 \
  } while (0)
__attribute__((noreturn)) void _ig_assert_fail(const char *cond, const char *file, int line);

/* ---------------------------------------------------------------------------------------------------
 * Locks (ig_os.c). A test-and-test-and-set spinlock that yields; it neither allocates nor sleeps in the
 * kernel on the fast path. (Index bins are seqlocks, ig_index.c.)
 * ------------------------------------------------------------------------------------------------ */
typedef struct _ig_lock_s {
  uint32_t v;
} _ig_lock_t;
void _ig_lock_slow(_ig_lock_t *l);
IG_INLINE void _ig_lock(_ig_lock_t *l) {
  if (IG_LIKELY(__atomic_exchange_n(&l->v, 1u, __ATOMIC_ACQUIRE) == 0)) return;
  _ig_lock_slow(l);
}
IG_INLINE void _ig_unlock(_ig_lock_t *l) { __atomic_store_n(&l->v, 0u, __ATOMIC_RELEASE); }

/* ---------------------------------------------------------------------------------------------------
 * OS primitives (ig_os.c).
 * ------------------------------------------------------------------------------------------------ */
void *_ig_os_reserve(size_t size);           /* zeroed read-write anonymous memory, NULL on failure */
void _ig_os_release(void *p, size_t size);   /* only for memory no other thread can still read */
void _ig_os_populate(void *p, size_t size);  /* pre-fault for writing (best effort; a no-op where unsupported) */
uint64_t _ig_os_now_ns(void);                /* CLOCK_MONOTONIC_COARSE (same epoch as CLOCK_MONOTONIC) */
uint32_t _ig_os_tid(void);                   /* OS thread id, cached per thread */
uint64_t _ig_os_pid(void);
uint64_t _ig_os_max_map_count(void);         /* vm.max_map_count (mappings per process); 0 when unreadable */
void _ig_os_write(int fd, const char *buf, size_t len); /* write(2) until done or error */
void _ig_os_cpu_relax(void);
void _ig_os_yield(void);                     /* sched_yield: let a preempted lock holder run */

/* ---------------------------------------------------------------------------------------------------
 * Text without stdio (ig_report.c): append into a fixed buffer, truncating silently.
 * ------------------------------------------------------------------------------------------------ */
typedef struct _ig_buf_s {
  char *p;
  size_t len;
  size_t cap;
} _ig_buf_t;
void _ig_buf_str(_ig_buf_t *b, const char *s);
void _ig_buf_u64(_ig_buf_t *b, uint64_t v);
void _ig_buf_i64(_ig_buf_t *b, int64_t v);
void _ig_buf_hex(_ig_buf_t *b, uint64_t v); /* 0x... */
void _ig_buf_file(_ig_buf_t *b, const char *path); /* the file name only, as the managed reports print it */
void _ig_warn(const char *msg);             /* "InteropGuard: WARNING: msg\n" on stderr */

/* ---------------------------------------------------------------------------------------------------
 * Options (ig_options.c, table in ig_options.inc).
 * ------------------------------------------------------------------------------------------------ */
typedef enum _ig_opt_type_e { IG_OT_BOOL, IG_OT_INT, IG_OT_POW2, IG_OT_STR, IG_OT_FORMAT } _ig_opt_type_t;

typedef enum _ig_opt_id_e {
#define IG_OPTION(name, type, def, lo, hi, desc) IG_OPT_ID_##name,
#include "../ig_options.inc"
#undef IG_OPTION
  IG_OPT_COUNT
} _ig_opt_id_t;

#define IG_OPT_STR_MAX 256
typedef struct _ig_options_s {
  int64_t v[IG_OPT_COUNT];
  char s[IG_OPT_COUNT][IG_OPT_STR_MAX];
} _ig_options_t;
extern _ig_options_t _ig_opt;
#define IG_OPT(name) (_ig_opt.v[IG_OPT_ID_##name])
#define IG_OPT_S(name) (_ig_opt.s[IG_OPT_ID_##name])

void _ig_options_defaults(void);
void _ig_options_parse(const char *text, bool quiet);
const char *_ig_option_name(int id);

/* ---------------------------------------------------------------------------------------------------
 * Initialisation (ig_options.c): every entry point calls IG_ENSURE_INIT() first.
 * ------------------------------------------------------------------------------------------------ */
extern uint32_t _ig_initialized;
extern uint32_t _ig_release;      /* ig_init with IG_INIT_RELEASE: unsampled blocks are plain malloc blocks */
extern uint32_t _ig_full_fill;    /* ig_init with IG_INIT_FULL_FILL: every byte of a new block is filled */
void _ig_init_slow(void);
#define IG_ENSURE_INIT()                                                                                  \
  do {                                                                                                    \
    if (IG_UNLIKELY(!IG_LOAD_ACQ(&_ig_initialized))) _ig_init_slow();                                     \
  } while (0)

/* ---------------------------------------------------------------------------------------------------
 * Per-thread state (ig_table.c). Reached through one initial-exec TLS pointer; the structs live in
 * mmap'ed pages, are recycled when threads exit and are never unmapped, so statistics can sum them.
 * ------------------------------------------------------------------------------------------------ */
#define IG_SLOT_CACHE 64
#define IG_QBATCH 64 /* entries per quarantine / history batch */

/* One entry of the quarantine or the release history: what eviction needs, so it never reads the
 * (cold) record first. */
typedef struct _ig_qitem_s {
  uint64_t start;     /* user start */
  uint64_t size;      /* user bytes */
  uint32_t slot;
  uint16_t rz_left;
  uint16_t rz_right;
} _ig_qitem_t;

/* A batch of queued entries; batches come from a pool of mmap'ed pages and are never unmapped. */
typedef struct _ig_qbatch_s {
  struct _ig_qbatch_s *next;
  uint32_t count;  /* entries filled */
  uint32_t first;  /* entries already evicted from the front */
  uint64_t _pad[2];
  _ig_qitem_t item[IG_QBATCH];
} _ig_qbatch_t;

/* A FIFO of batches: a thread's own quarantine or history (written by its owner only), or the list of
 * FIFOs handed over by exited threads (under the orphan lock). */
typedef struct _ig_local_fifo_s {
  _ig_qbatch_t *head, *tail; /* oldest batch .. the batch being filled; NULL if empty */
  _ig_qbatch_t *spare;       /* one emptied batch kept for reuse (saves the pool lock) */
  uint64_t count;            /* entries held (read by ig_get_stats) */
  uint64_t bytes;            /* budget bytes held (what the bound counts) */
  uint64_t user_bytes;       /* user bytes held (read by ig_get_stats) */
  uint64_t unpub_bytes;      /* budget bytes not yet added to the shared total */
  uint64_t unpub_user;       /* user bytes not yet added to header.quarantine_bytes */
} _ig_local_fifo_t;

/* The reuse cache (ig_alloc.c): native blocks that left the quarantine, kept by the thread that evicted them for its
 * next allocation of the same size class instead of going back to libc. A held block stays FREED, in the index and in
 * the table, exactly as in the quarantine (a stale pointer into it is still a use after free); reusing it rewrites
 * its index entries in place (the block keeps its extent; the new size's right redzone takes the slack) and gives its
 * record slot a new generation. One bucket per size class of the extent (ig_alloc.c: up to 64 bytes, then four per
 * power of two up to 128 KiB). */
#define IG_REUSE_CLASSES 45
#define IG_REUSE_DEPTH 64 /* blocks held per class: a quarantine round evicts up to IG_QBATCH at once */
typedef struct _ig_reuse_s {
  uint32_t count;
  uint32_t total[IG_REUSE_DEPTH];  /* extent bytes (header to the end of the right redzone) */
  uint64_t base[IG_REUSE_DEPTH];   /* what libc returned (= the extent's low end) */
  uint64_t id[IG_REUSE_DEPTH];     /* the FREED record's id (slot in the low 32 bits) */
  uint64_t hint[IG_REUSE_DEPTH];   /* where its index entry was when it came in (_ig_index_hint) */
} _ig_reuse_t;

typedef struct _ig_thread_s {
  struct _ig_thread_s *next_all;  /* every thread struct ever made (for statistics) */
  struct _ig_thread_s *next_free; /* recycled structs */
  uint32_t slot_count;
  uint32_t slots[IG_SLOT_CACHE];
  uint32_t in_report;
  uint32_t tid;
  _ig_local_fifo_t quarantine;
  _ig_local_fifo_t history;
  /* statistics, written by the owner with relaxed atomics, summed by ig_get_stats */
  uint64_t allocs, frees, alloc_bytes, free_bytes;
  int64_t live_delta; /* LIVE records made minus ended, not yet added to header.live_ranges */
  uint64_t seq_next, seq_end; /* this thread's block of sequence numbers [next, end) (see _ig_next_seq) */
  uint64_t reuse_bytes;        /* extent bytes held in reuse[] */
  _ig_reuse_t reuse[IG_REUSE_CLASSES];
  ig_call_region_t *calls;     /* the thread's call region (ig_calls.c), freed at thread exit; NULL while none */
  ig_pin_log_t *pin_log;       /* the thread's pin log (ig_pinlog.c), freed at thread exit; NULL while none */
} IG_ALIGNED(IG_CACHE_LINE) _ig_thread_t;

extern IG_TLS _ig_thread_t *_ig_tls;
_ig_thread_t *_ig_thread_slow(void);
IG_INLINE _ig_thread_t *_ig_thread(void) {
  _ig_thread_t *t = _ig_tls;
  return IG_LIKELY(t != NULL) ? t : _ig_thread_slow();
}
_ig_thread_t *_ig_threads_all(void);

/* ---------------------------------------------------------------------------------------------------
 * Shadow table (ig_table.c): records in lazily mapped chunks, plus internal per-slot metadata.
 * ------------------------------------------------------------------------------------------------ */
#define IG_RANGES_PER_CHUNK_SHIFT 16
#define IG_RANGES_PER_CHUNK (1u << IG_RANGES_PER_CHUNK_SHIFT)
#define IG_SLOT_NONE 0xFFFFFFFFu

/* Internal, never read from outside; used by registered ranges only (native blocks never touch it, so
 * the allocation path does not pay a cache miss for it). */
typedef struct _ig_slot_meta_s {
  uint32_t indexed;  /* generation while the range is in the interval index, 0 once it left */
  uint32_t _pad[3];  /* keeps the struct 16 bytes */
} _ig_slot_meta_t;

extern ig_range_t *_ig_chunks[];  /* internal copy of the chunk directory (same pointers) */
extern _ig_slot_meta_t *_ig_meta_chunks[];
IG_INLINE ig_range_t *_ig_record(uint32_t slot) {
  return &_ig_chunks[slot >> IG_RANGES_PER_CHUNK_SHIFT][slot & (IG_RANGES_PER_CHUNK - 1)];
}
IG_INLINE _ig_slot_meta_t *_ig_meta(uint32_t slot) {
  return &_ig_meta_chunks[slot >> IG_RANGES_PER_CHUNK_SHIFT][slot & (IG_RANGES_PER_CHUNK - 1)];
}
void _ig_table_init(void);
uint32_t _ig_slot_alloc(void);    /* IG_SLOT_NONE when the table is full (warns once) */
void _ig_slot_free(uint32_t slot);
uint32_t _ig_slot_limit(void);    /* slots handed out so far (every slot < this has a mapped record) */
uint64_t _ig_next_seq(void);
/* Fills a fresh record and publishes it LIVE; returns its id. */
uint64_t _ig_record_publish(uint32_t slot, uint32_t kind, uint64_t start, uint64_t size, uint32_t flags,
                            uint32_t site, uint64_t user_tag, uint16_t rz_left, uint16_t rz_right);
/* Writes the release fields of a record whose LIVE state the caller won (_ig_index_claim); the caller
 * publishes the new state with _ig_record_set_state. */
void _ig_record_mark_released(uint32_t slot, uint32_t site);
void _ig_record_set_state(uint32_t slot, uint32_t state);
/* Copies a record; the copy's state is the one observed after the copy. */
void _ig_record_snapshot(uint32_t slot, ig_range_t *out);
/* Adds to header.live_ranges through the thread's batch (flushed every 64 changes and at thread exit). */
void _ig_live_add(int64_t d);
/* Recycles a record whose range has left the index and every FIFO. */
void _ig_record_retire(uint32_t slot);
IG_INLINE uint32_t _ig_id_slot(uint64_t id) { return (uint32_t)id; }
IG_INLINE uint32_t _ig_id_gen(uint64_t id) { return (uint32_t)(id >> 32); }
/* The extent a range occupies in the index: user bytes plus redzones. */
IG_INLINE uint64_t _ig_extent_lo(const ig_range_t *r) { return r->start - r->redzone_left; }
IG_INLINE uint64_t _ig_extent_hi(const ig_range_t *r) {
  return r->start + (r->size ? r->size : (r->kind == IG_RANGE_NATIVE_BLOCK ? 0 : 1)) + r->redzone_right;
}

/* ---------------------------------------------------------------------------------------------------
 * Interval index (ig_index.c). An entry carries everything a lookup needs, so a lookup reads the
 * directory, one bin and its entries per populated level, and the record only to copy it out. This is
 * the entry as the index hands it in and out; inside a bin it is stored split into a 32-byte hot part
 * (lo, hi, pmax, redzones, state, kind) and a 16-byte cold part (id, seq) in parallel arrays.
 *
 *   entry (48 B): | lo u64 | hi u64 | pmax u64 | id u64 | seq u64 | rz_left u16 | rz_right u16 |
 *                 | state u8 | kind u8 | pad u16 |
 *   extent [lo, hi); user start = lo + rz_left; user size = hi - rz_right - start
 * ------------------------------------------------------------------------------------------------ */
typedef struct _ig_entry_s {
  uint64_t lo;
  uint64_t hi;
  uint64_t pmax;  /* running maximum of hi over the entries up to this one (bin-internal) */
  uint64_t id;    /* record id (slot | generation << 32) */
  uint64_t seq;   /* alloc_seq of the record */
  uint16_t rz_left;
  uint16_t rz_right;
  uint8_t state;
  uint8_t kind;
  uint16_t _pad;
} _ig_entry_t;
_Static_assert(sizeof(_ig_entry_t) == 48, "index entry is 48 bytes");

IG_INLINE uint64_t _ig_entry_start(const _ig_entry_t *e) { return e->lo + e->rz_left; }
IG_INLINE uint64_t _ig_entry_size(const _ig_entry_t *e) { return e->hi - e->rz_right - (e->lo + e->rz_left); }

void _ig_index_init(void);
void _ig_index_insert(const _ig_entry_t *e);
void _ig_index_remove(uint32_t slot, uint64_t lo, uint64_t hi);
/* Rewrites, in every bin of its extent, the entry of old_id (a FREED native block the caller owns, whose extent is
 * exactly e's) as e: a reused block enters the index without a remove and an insert. */
void _ig_index_replace(uint64_t old_id, const _ig_entry_t *e);
/* Moves the range's entries from LIVE to `state`. Exactly one caller wins for a given id (the first bin
 * decides, under its write lock); false when the range is not LIVE in the index. */
bool _ig_index_claim(uint64_t id, uint64_t lo, uint64_t hi, uint32_t state);
/* Best range (live beats not live, newest wins) whose extent contains addr; false if none. */
bool _ig_index_find(uint64_t addr, _ig_entry_t *out);
/* The free path: finds the native block whose user start is exactly addr and, when it is LIVE, claims it (moves it to
 * `state`; exactly one caller wins, as with _ig_index_claim). IG_CLAIM_WON: claimed, *out is the entry as it was;
 * IG_CLAIM_NOT_LIVE: found but freed already or claimed by another caller first (*out holds what was found);
 * IG_CLAIM_NONE: no block starts at addr. */
enum { IG_CLAIM_NONE = 0, IG_CLAIM_WON = 1, IG_CLAIM_NOT_LIVE = 2 };
int _ig_index_find_claim(uint64_t addr, _ig_entry_t *out, uint32_t state);
/* A native block whose user start is exactly addr (live or freed); false if none. */
bool _ig_index_find_block(uint64_t addr, _ig_entry_t *out);
/* Copies the record of a found entry (state = the entry's state); false when the record was recycled
 * meanwhile (the caller looks up again). */
bool _ig_index_snapshot(const _ig_entry_t *e, ig_range_t *out);
/* Locks (for writing) the first bin of a native block's extent if the block's entry is in it and LIVE,
 * and copies the entry; NULL (and nothing held) otherwise. While held, the block cannot be claimed, so it cannot go back to
 * libc; and since the entry is inserted only after the header and canaries are written, they are
 * complete. */
void *_ig_index_pin_block(uint64_t id, uint64_t lo, uint64_t hi, _ig_entry_t *out);
void _ig_index_unpin_bin(void *bin);
/* Eviction helper: stage 0 prefetches the first bin of an extent, stage 1 (a few victims later) its entry array's
 * header and sub-index word for lo, stage 2 (a few more later) the entry there. Each stage loads only what the one
 * before it fetched. Hints only: reads without the seqlock, never trusted. */
void _ig_index_prefetch(uint64_t lo, uint64_t hi, int stage);
/* The reuse cache's pair: where the first-bin entry of [lo, hi) sits (taken when a block enters the cache, packed in
 * one word, 0 for none), and prefetches of that entry and its bin from such a word when the block is taken, all at
 * once, so the rewrite that follows finds them cached instead of missing four times in a row. Hints only: read
 * without the seqlock and never trusted (a stale hint prefetches lines nobody needs). */
uint64_t _ig_index_hint(uint64_t lo, uint64_t hi);
void _ig_index_prefetch_hint(uint64_t lo, uint64_t hi, uint64_t hint);

/* ---------------------------------------------------------------------------------------------------
 * Quarantine and release history (ig_quarantine.c).
 * ------------------------------------------------------------------------------------------------ */
void _ig_quarantine_init(void);
void _ig_quarantine_push(const _ig_qitem_t *item);
void _ig_history_push(const _ig_qitem_t *item);
void _ig_thread_flush(_ig_thread_t *t); /* at thread exit */
uint64_t _ig_quarantine_blocks(void);
uint64_t _ig_quarantine_user_bytes(void);
uint64_t _ig_history_count(void);

/* A freed native block leaves the quarantine: into the evicting thread's reuse cache, or for good (leaves the index,
 * back to libc, record recycled) (ig_alloc.c). */
void _ig_block_evict(const _ig_qitem_t *item);
/* At thread exit: releases every block of the thread's reuse cache for good. */
void _ig_reuse_flush(_ig_thread_t *t);
/* The end of an eviction for a block already out of the index: libc free and record recycled. */
void _ig_block_release(const _ig_qitem_t *item);
/* Forgets a released range (ig_table.c). */
void _ig_range_evict(const _ig_qitem_t *item);

/* ---------------------------------------------------------------------------------------------------
 * Reporting and sites.
 * ------------------------------------------------------------------------------------------------ */
void _ig_report_init(void);
uint64_t _ig_report_count(void);
void _ig_sites_init(void);
/* Copies site fields for printing; returns false for unknown ids (fields then say "unknown"). */
bool _ig_site_lookup(uint32_t id, const char **function, const char **file, uint32_t *line);

/* Appends a finished report to report_path (open/write/close: async-signal-safe; no lock). */
void _ig_report_write_file(const char *text, size_t len);

/* A fault in the guarded pool, as data: the pool's signal handler (ig_guarded.c) fills it from the slot's metadata,
 * _ig_report_fault words it. Times are ages at the fault; a site or thread id 0 is unknown. */
typedef enum { IG_FAULT_ACCESS = 0, IG_FAULT_READ = 1, IG_FAULT_WRITE = 2 } _ig_fault_access_t;
typedef struct _ig_fault_s {
  uint32_t kind;                 /* IG_KIND_NATIVE_BUFFER_OVERFLOW (guard page) or IG_KIND_NATIVE_USE_AFTER_FREE */
  _ig_fault_access_t access;     /* what the faulting instruction did; ACCESS where the CPU does not say */
  bool guard;                    /* on the guard page after the block, else on its own (inaccessible) page */
  bool freed;                    /* the block was freed: its free site and age are known */
  uint64_t address;              /* the faulting address */
  uint64_t start, size;          /* the block's user bytes */
  uint64_t sample_rate;          /* sample_rate in force */
  uint32_t fault_tid;            /* the faulting thread */
  uint32_t alloc_site, alloc_tid, free_site, free_tid;
  uint64_t alloc_age_ns, free_age_ns;
} _ig_fault_t;

/* Writes the report of a guarded-pool fault to stderr and report_path. Async-signal-safe: a stack buffer, no
 * allocation, no lock, never the report hook (managed code cannot run in a fault handler). */
void _ig_report_fault(const _ig_fault_t *f);

/* ---------------------------------------------------------------------------------------------------
 * Guarded pool (ig_guarded.c), only with sample_rate > 0. The sampling decision is a per-thread countdown:
 * the non-sampled path reads one global and decrements one thread-local.
 * ------------------------------------------------------------------------------------------------ */
extern uint64_t _ig_gp_rate;            /* sample_rate once the pool exists, else 0 */
extern IG_TLS int64_t _ig_gp_countdown;
void _ig_guarded_init(void);
bool _ig_guarded_owns(uint64_t addr);
/* A user start whose block ends at a page boundary, or NULL (too large, pool full); resets the countdown. */
void *_ig_guarded_take(size_t size, uint32_t *out_gslot);
void _ig_guarded_commit(uint32_t gslot, const _ig_qitem_t *item, uint32_t site);
void _ig_guarded_release(const _ig_qitem_t *item, uint32_t site);
void _ig_guarded_set_site(uint64_t start, uint32_t site);

/* ---------------------------------------------------------------------------------------------------
 * Call-scoped pins (ig_calls.c): the calling thread's region, reached through one initial-exec TLS pointer.
 * ------------------------------------------------------------------------------------------------ */
extern IG_TLS ig_call_region_t *_ig_call_tls;
/* The innermost in-flight pin of the calling thread whose bytes contain a; NULL if none. */
const ig_call_pin_t *_ig_call_find_live(uint64_t a);
/* The newest ended pin of the calling thread whose bytes contain a; NULL if none (or forgotten). */
const ig_call_pin_t *_ig_call_find_ended(uint64_t a);
/* A call pin as a range record (id 0, kind MANAGED_PIN, the call as alloc and release site) in `state`. */
void _ig_call_to_range(const ig_call_pin_t *p, uint32_t state, ig_range_t *out);
/* At thread exit: the pins still on the stack end, and the region is published free. */
void _ig_calls_thread_exit(_ig_thread_t *t);

/* ---------------------------------------------------------------------------------------------------
 * Per-thread region lists (ig_regions.c): call regions and pin logs share the shape of their list. A region starts with
 * `uint64_t next; uint32_t tid;` (tid 0 = free), lists are push-only from a header word, and regions are never unmapped.
 * ------------------------------------------------------------------------------------------------ */
typedef struct _ig_region_link {
  uint64_t next;
  uint32_t tid;
} _ig_region_link_t;
/* A free region of the list at *head, claimed for tid (a CAS on its tid); NULL when every region is owned. */
void *_ig_region_claim_free(uint64_t *head, uint32_t tid);
/* Maps `count` zeroed regions of `size` bytes, lets init(region, i) prepare each, gives the first to tid and links all
 * of them in front of the list at *head (one CAS). NULL when the memory cannot be mapped. */
void *_ig_region_map_batch(uint64_t *head, size_t size, int count, uint32_t tid, void (*init)(void *region, int i));

/* ---------------------------------------------------------------------------------------------------
 * Pin logs (ig_pinlog.c).
 * ------------------------------------------------------------------------------------------------ */
/* Nonzero once any thread has a pin log: ig_check and ig_lookup consult the logs only then. */
extern uint32_t _ig_pinlog_any;
/* The pin logs' view of a for ig_check and ig_lookup: 2 with *out a copy of the newest live (or RELEASING, reported as
 * LIVE) pin whose bytes contain a, else 1 with the newest released one; 0 when no log holds a. *held: some live pin's
 * bytes hold all of [a, a + len) (overlapping live pins allow an access that fits any of them). */
int _ig_pinlog_find(uint64_t a, uint64_t len, ig_range_t *out, bool *held);
ig_status_t _ig_pinlog_release(uint64_t id, uint32_t site, ig_range_t *out);
ig_status_t _ig_pinlog_get(uint64_t id, ig_range_t *out);
ig_status_t _ig_pinlog_set_flags(uint64_t id, uint32_t set, uint32_t clear);
/* Sets user_tag of a table record that still exists (ig_table.c). */
ig_status_t _ig_range_set_tag(uint64_t id, uint64_t user_tag);
/* At thread exit: the log is published free (its live pins stay live). */
void _ig_pinlog_thread_exit(_ig_thread_t *t);

/* Classifies a lookup result (shared by ig_lookup and ig_check). */
ig_lookup_result_t _ig_classify(const ig_range_t *r, uint64_t addr, uint64_t len);

#endif /* IG_INTERNAL_H */
