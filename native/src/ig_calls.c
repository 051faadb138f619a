/* ig_calls.c - call-scoped pins: each thread's call region (a stack of its in-flight calls' pins and a ring of the ones
 * its calls ended), the push and pop every intercepted call with an array, span or string argument makes, and the
 * calling thread's view of them for ig_lookup and ig_check. Layout and reading protocol: interopguard.h.
 *
 *   ig_shadow_table.call_regions ──► region ──next──► region ──next──► ... ──► 0
 *                                     (mmap'ed IG_CALL_BATCH at a time, never unmapped; tid 0 = free)
 *
 * The owner is the only writer of its region. A push writes the entry, then depth (release); a pop copies the entry
 * to ring[ended % IG_CALL_RING], then ended (release), then depth (release). Nothing on those paths locks, allocates
 * or calls the kernel except the coarse clock (a vDSO read), so a signal handler may push and pop; taking a region
 * (a thread's first push) is lock-free too: a CAS on a free region's tid, or a new batch linked in with a CAS
 * (ig_regions.c, shared with the pin logs).
 */
#include "internal/ig_internal.h"

_Static_assert(sizeof(ig_call_pin_t) == 40, "ig_call_pin_t is 40 bytes");
_Static_assert(offsetof(ig_call_pin_t, start) == 0, "call_pin.start");
_Static_assert(offsetof(ig_call_pin_t, size) == 8, "call_pin.size");
_Static_assert(offsetof(ig_call_pin_t, seq) == 16, "call_pin.seq");
_Static_assert(offsetof(ig_call_pin_t, time_ns) == 24, "call_pin.time_ns");
_Static_assert(offsetof(ig_call_pin_t, site) == 32, "call_pin.site");
_Static_assert(offsetof(ig_call_pin_t, flags) == 36, "call_pin.flags");
_Static_assert(sizeof(ig_call_region_t) == 11584, "ig_call_region_t is 11584 bytes");
_Static_assert(offsetof(ig_call_region_t, next) == 0, "call_region.next");
_Static_assert(offsetof(ig_call_region_t, tid) == 8, "call_region.tid");
_Static_assert(offsetof(ig_call_region_t, depth) == 12, "call_region.depth");
_Static_assert(offsetof(ig_call_region_t, ended) == 16, "call_region.ended");
_Static_assert(offsetof(ig_call_region_t, ring_lo) == 24, "call_region.ring_lo");
_Static_assert(offsetof(ig_call_region_t, ring_hi) == 32, "call_region.ring_hi");
_Static_assert(offsetof(ig_call_region_t, overflowed) == 40, "call_region.overflowed");
_Static_assert(offsetof(ig_call_region_t, stack) == 64, "call_region.stack");
_Static_assert(offsetof(ig_call_region_t, ring) == 1344, "call_region.ring");
_Static_assert(offsetof(ig_table_header_t, call_regions) == 144, "header.call_regions");
_Static_assert(offsetof(ig_table_header_t, call_region_size) == 152, "header.call_region_size");
_Static_assert(offsetof(ig_table_header_t, call_pin_size) == 156, "header.call_pin_size");
_Static_assert((IG_CALL_RING & (IG_CALL_RING - 1)) == 0, "the ring size is a power of two");

/* Regions mapped at once when no free one is left (~90 KiB of address space, touched as used). */
#define IG_CALL_BATCH 8

IG_TLS ig_call_region_t *_ig_call_tls;

const ig_call_region_t *ig_call_region(void) { return _ig_call_tls; }

static void _ig_call_region_init(void *region, int i) {
  (void)i;
  ((ig_call_region_t *)region)->ring_lo = UINT64_MAX;
}

/* The calling thread's first push: a region of its own (free, else new), bound to its thread state so that thread
 * exit frees it. NULL only when memory cannot be mapped. */
static IG_NOINLINE ig_call_region_t *_ig_call_region_slow(void) {
  IG_ENSURE_INIT();
  _ig_thread_t *t = _ig_thread();
  uint32_t tid = _ig_os_tid();
  ig_call_region_t *r = _ig_region_claim_free(&ig_shadow_table->call_regions, tid);
  if (r == NULL)
    r = _ig_region_map_batch(&ig_shadow_table->call_regions, sizeof(ig_call_region_t), IG_CALL_BATCH, tid, _ig_call_region_init);
  if (r == NULL) return NULL;
  t->calls = r;
  _ig_call_tls = r;
  return r;
}

/* Moves stack entries [keep, depth) to the ring, innermost first (the order their calls end in). */
static void _ig_call_end(ig_call_region_t *r, uint32_t keep) {
  uint32_t d = IG_LOAD(&r->depth);
  uint64_t e = IG_LOAD(&r->ended);
  while (d > keep) {
    const ig_call_pin_t *p = &r->stack[--d];
    ig_call_pin_t *q = &r->ring[e & (IG_CALL_RING - 1)];
    uint64_t start = IG_LOAD(&p->start), end = start + IG_LOAD(&p->size);
    IG_STORE(&q->start, start);
    IG_STORE(&q->size, IG_LOAD(&p->size));
    IG_STORE(&q->seq, IG_LOAD(&p->seq));
    IG_STORE(&q->time_ns, IG_LOAD(&p->time_ns));
    IG_STORE(&q->site, IG_LOAD(&p->site));
    IG_STORE(&q->flags, IG_LOAD(&p->flags));
    if (IG_UNLIKELY(start < IG_LOAD(&r->ring_lo))) IG_STORE(&r->ring_lo, start);
    if (IG_UNLIKELY(end > IG_LOAD(&r->ring_hi))) IG_STORE(&r->ring_hi, end);
    IG_STORE_REL(&r->ended, ++e);
  }
  IG_STORE_REL(&r->depth, d);
}

void _ig_calls_thread_exit(_ig_thread_t *t) {
  ig_call_region_t *r = t->calls;
  if (r == NULL) return;
  _ig_call_end(r, 0); /* a thread that ends inside a call (pthread_exit from native code) ends its pins too */
  t->calls = NULL;
  _ig_call_tls = NULL;
  IG_STORE_REL(&r->tid, 0u); /* free: the ring stays readable until a new owner's calls overwrite it */
}

/* A push the stack cannot hold (or a thread without a region): a CALL_SCOPED pin in the shared table; its id is the
 * token (ids have a generation >= 1 in their high half, stack tokens never do). */
static IG_NOINLINE uint64_t _ig_call_push_table(ig_call_region_t *r, uint64_t a, uint64_t size, uint32_t flags,
                                                uint32_t site) {
  if (r != NULL) IG_STORE(&r->overflowed, IG_LOAD(&r->overflowed) + 1);
  uint64_t id = 0;
  return ig_range_register(IG_RANGE_MANAGED_PIN, (const void *)(uintptr_t)a, size, flags, site, 0, &id) == IG_OK ? id : 0;
}

uint64_t ig_call_pin_push(const void *start, size_t size, uint32_t flags, uint32_t site) {
  uint64_t a = (uint64_t)(uintptr_t)start;
  if (IG_UNLIKELY(a == 0 || a >= IG_ADDR_LIMIT)) return 0;
  if (size == 0) size = 1;
  if (IG_UNLIKELY(size > IG_ADDR_LIMIT - a)) size = IG_ADDR_LIMIT - a;
  flags |= IG_RANGE_F_CALL_SCOPED;
  ig_call_region_t *r = _ig_call_tls;
  if (IG_UNLIKELY(r == NULL) && (r = _ig_call_region_slow()) == NULL) return _ig_call_push_table(NULL, a, size, flags, site);
  uint32_t d = IG_LOAD(&r->depth);
  if (IG_UNLIKELY(d >= IG_CALL_STACK)) return _ig_call_push_table(r, a, size, flags, site);
  ig_call_pin_t *p = &r->stack[d];
  IG_STORE(&p->start, a);
  IG_STORE(&p->size, (uint64_t)size);
  IG_STORE(&p->seq, _ig_next_seq());
  IG_STORE(&p->time_ns, _ig_os_now_ns());
  IG_STORE(&p->site, site);
  IG_STORE(&p->flags, flags);
  IG_STORE_REL(&r->depth, d + 1);
  return (uint64_t)d + 1;
}

static IG_NOINLINE void _ig_call_pop_table(uint64_t id) {
  ig_range_t rec;
  if (ig_range_get(id, &rec) == IG_OK) ig_range_release(id, rec.alloc_site, NULL);
}

void ig_call_pin_pop(uint64_t token) {
  if (IG_UNLIKELY(token >> 32 != 0)) {
    _ig_call_pop_table(token);
    return;
  }
  ig_call_region_t *r = _ig_call_tls;
  if (IG_UNLIKELY(r == NULL || token == 0 || token > IG_LOAD(&r->depth))) return; /* never pushed here, or popped */
  _ig_call_end(r, (uint32_t)token - 1);
}

/* ---------------------------------------------------------------------------------------------------
 * The calling thread's pins, for ig_lookup and ig_check.
 * ------------------------------------------------------------------------------------------------ */
IG_INLINE bool _ig_call_contains(const ig_call_pin_t *p, uint64_t a) { return a - p->start < p->size; }

const ig_call_pin_t *_ig_call_find_live(uint64_t a) {
  const ig_call_region_t *r = _ig_call_tls;
  if (r == NULL) return NULL;
  for (uint32_t i = r->depth; i-- > 0;)
    if (_ig_call_contains(&r->stack[i], a)) return &r->stack[i];
  return NULL;
}

const ig_call_pin_t *_ig_call_find_ended(uint64_t a) {
  const ig_call_region_t *r = _ig_call_tls;
  if (r == NULL || a < r->ring_lo || a >= r->ring_hi) return NULL;
  uint64_t e = r->ended, oldest = e > IG_CALL_RING ? e - IG_CALL_RING : 0;
  for (uint64_t k = e; k-- > oldest;) {
    const ig_call_pin_t *p = &r->ring[k & (IG_CALL_RING - 1)];
    if (_ig_call_contains(p, a)) return p;
  }
  return NULL;
}

void _ig_call_to_range(const ig_call_pin_t *p, uint32_t state, ig_range_t *out) {
  memset(out, 0, sizeof *out);
  out->start = p->start;
  out->size = p->size;
  out->alloc_seq = p->seq;
  out->alloc_time_ns = p->time_ns;
  out->kind = IG_RANGE_MANAGED_PIN;
  out->state = state;
  out->flags = p->flags;
  out->alloc_site = p->site;
  out->alloc_tid = _ig_os_tid();
  if (state != IG_STATE_LIVE) {
    out->release_seq = p->seq;
    out->release_time_ns = p->time_ns;
    out->release_site = p->site;
    out->release_tid = out->alloc_tid;
  }
}
