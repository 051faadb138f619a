/* ig_pinlog.c - explicit pins and call-scoped callbacks in per-thread pin logs: a thread's slots of range records that
 * Guard.Pin, tracked pinned GCHandles, guarded pools and the callbacks of intercepted calls register into and any thread
 * releases, and every log's view for ig_check and ig_lookup.
 * Layout and reading protocol: interopguard.h, "Explicit pins in per-thread pin logs".
 *
 *   ig_shadow_table.pin_logs ──► log ──next──► log ──next──► ... ──► 0       (ig_regions.c; tid 0 = free)
 *   _ig_pinlog_dir[index] ──► log                                             (a pin-log id's log, in this process)
 *
 * Only the owner writes a free (EMPTY or RELEASED) slot, taking slots in turn from its cursor so that a released pin
 * stays readable for IG_PIN_LOG_SLOTS registrations; a releaser owns a LIVE slot once its CAS to RELEASING wins. Neither
 * path locks, allocates or touches the shared interval index.
 */
#include "internal/ig_internal.h"

_Static_assert(sizeof(ig_pin_log_t) == 24640, "ig_pin_log_t is 24640 bytes");
_Static_assert(offsetof(ig_pin_log_t, next) == 0, "pin_log.next");
_Static_assert(offsetof(ig_pin_log_t, tid) == 8, "pin_log.tid");
_Static_assert(offsetof(ig_pin_log_t, index) == 12, "pin_log.index");
_Static_assert(offsetof(ig_pin_log_t, cursor) == 16, "pin_log.cursor");
_Static_assert(offsetof(ig_pin_log_t, lo) == 24, "pin_log.lo");
_Static_assert(offsetof(ig_pin_log_t, hi) == 32, "pin_log.hi");
_Static_assert(offsetof(ig_pin_log_t, used) == 40, "pin_log.used");
_Static_assert(offsetof(ig_pin_log_t, overflowed) == 48, "pin_log.overflowed");
_Static_assert(offsetof(ig_pin_log_t, slots) == 64, "pin_log.slots");
_Static_assert((IG_PIN_LOG_SLOTS & (IG_PIN_LOG_SLOTS - 1)) == 0, "the slot count is a power of two");
_Static_assert(IG_PIN_LOG_SLOTS <= 0x1000u, "a slot fits the id's 12 bits");
_Static_assert(IG_PIN_LOG_MAX <= 0x100000u, "a log's index fits the id's 20 bits");
_Static_assert(IG_STATE_RELEASING > IG_STATE_RELEASED, "RELEASING is not a table state");

/* Logs mapped at once when no free one is left (~96 KiB of address space, touched as used). */
#define IG_PIN_LOG_BATCH 4
#define IG_PIN_LOG_GEN_MASK 0x3FFFFFFFull

IG_TLS ig_pin_log_t *_ig_pinlog_tls;
uint32_t _ig_pinlog_any;
static ig_pin_log_t *_ig_pinlog_dir[IG_PIN_LOG_MAX];
static uint32_t _ig_pinlog_numbered;

/* Each log's filter, private to this process (the validator reads every slot and needs none): bits, by hash, of the
 * 256-byte lines a slot's range touches when it spans at most IG_PIN_FILTER_LINES of them (an array pinned whole, the
 * usual pin), else of its 4 KiB pages when they are at most IG_PIN_FILTER_PAGES, else every page bit (a wide pin,
 * until a rebuild finds none). A check whose address has neither its line's nor its page's bit set skips the log's
 * slots: without it, once a thread's log has taken its slots (a few hundred pins), every address inside the log's
 * [lo, hi) that the index does not know (a `fixed` pointer passed as an argument, say) costs a scan of every slot.
 * Only the owner writes its log's filter: a new slot's bits are set before the slot is published, and at the end of
 * a round of IG_PIN_LOG_SLOTS registrations the filter is rebuilt from the slots it holds, so bits of overwritten slots
 * clear; a reader sees each word old or new, both holding every slot still there. A round that set no new bit (a
 * program pinning the same buffers again) skips the rebuild, for at most IG_PIN_FILTER_STALE rounds: the filter still
 * holds every slot's bits (bits are only ever cleared by a rebuild), and the stale bits it keeps meanwhile cost only
 * scans that find nothing. */
#define IG_PIN_FILTER_HALF 32u /* words per granularity: 2048 bits of lines, then 2048 of pages (512 B per log) */
#define IG_PIN_FILTER_WORDS (2u * IG_PIN_FILTER_HALF)
#define IG_PIN_FILTER_LINES 16u
#define IG_PIN_FILTER_PAGES 16u
#define IG_PIN_FILTER_STALE 8u /* rounds a filter may go without a rebuild */
static uint64_t _ig_pinlog_filter[IG_PIN_LOG_MAX][IG_PIN_FILTER_WORDS];
/* The owner's: did this round set a new bit, and rounds since the last rebuild. */
static struct {
  bool grew;
  uint32_t rounds;
} _ig_pinlog_round[IG_PIN_LOG_MAX];

IG_INLINE uint32_t _ig_filter_bit(uint64_t unit) {
  return (uint32_t)((unit * 0x9E3779B97F4A7C15ull) >> 53); /* 11 bits: Fibonacci hashing */
}

/* Sets mask m in word w; true when that set a bit that was clear. */
IG_INLINE bool _ig_filter_set(uint64_t *w, uint64_t m, bool shared) {
  uint64_t v = shared ? IG_LOAD(w) : *w;
  if ((v & m) == m) return false;
  if (shared) IG_STORE(w, v | m); /* the owner is the only writer: no read-modify-write needed */
  else *w = v | m;
  return true;
}

/* Adds [a, end) to the filter words f (lines, then pages); true when a bit was new. */
IG_INLINE bool _ig_filter_add(uint64_t *f, uint64_t a, uint64_t end, bool shared) {
  bool grew = false;
  uint64_t first = a >> 8, last = (end - 1) >> 8;
  if (last - first < IG_PIN_FILTER_LINES) {
    for (uint64_t u = first; u <= last; u++) {
      uint32_t b = _ig_filter_bit(u);
      grew |= _ig_filter_set(&f[b >> 6], (uint64_t)1 << (b & 63), shared);
    }
    return grew;
  }
  first = a >> 12, last = (end - 1) >> 12;
  for (uint64_t u = first; u <= last && last - first < IG_PIN_FILTER_PAGES; u++) {
    uint32_t b = _ig_filter_bit(u);
    grew |= _ig_filter_set(&f[IG_PIN_FILTER_HALF + (b >> 6)], (uint64_t)1 << (b & 63), shared);
  }
  for (uint32_t w = IG_PIN_FILTER_HALF; last - first >= IG_PIN_FILTER_PAGES && w < IG_PIN_FILTER_WORDS; w++)
    grew |= _ig_filter_set(&f[w], UINT64_MAX, shared);
  return grew;
}

/* The owner's rebuild: the filter of the slots the log holds now. */
static IG_NOINLINE void _ig_filter_rebuild(const ig_pin_log_t *l) {
  uint64_t f[IG_PIN_FILTER_WORDS] = {0};
  uint32_t used = IG_LOAD(&l->used);
  if (used > IG_PIN_LOG_SLOTS) used = IG_PIN_LOG_SLOTS;
  for (uint32_t i = 0; i < used; i++) {
    const ig_range_t *s = &l->slots[i];
    if (IG_LOAD(&s->state) != IG_STATE_EMPTY) _ig_filter_add(f, IG_LOAD(&s->start), IG_LOAD(&s->start) + IG_LOAD(&s->size), false);
  }
  uint64_t *shared = _ig_pinlog_filter[l->index];
  for (uint32_t w = 0; w < IG_PIN_FILTER_WORDS; w++) IG_STORE(&shared[w], f[w]);
}

/* The end of a round of the owner's registrations: rebuild when the round set a new bit or the filter is stale. */
IG_INLINE void _ig_filter_round_end(const ig_pin_log_t *l) {
  if (!_ig_pinlog_round[l->index].grew && ++_ig_pinlog_round[l->index].rounds < IG_PIN_FILTER_STALE) return;
  _ig_filter_rebuild(l);
  _ig_pinlog_round[l->index].grew = false;
  _ig_pinlog_round[l->index].rounds = 0;
}

/* May log l hold a slot whose range contains a? False only when none does (or one is being published right now). */
IG_INLINE bool _ig_filter_may_hold(const ig_pin_log_t *l, uint64_t a) {
  uint32_t index = IG_LOAD(&l->index);
  if (index >= IG_PIN_LOG_MAX) return true;
  const uint64_t *f = _ig_pinlog_filter[index];
  uint32_t line = _ig_filter_bit(a >> 8), page = _ig_filter_bit(a >> 12);
  return ((IG_LOAD(&f[line >> 6]) >> (line & 63)) & 1) || ((IG_LOAD(&f[IG_PIN_FILTER_HALF + (page >> 6)]) >> (page & 63)) & 1);
}

const ig_pin_log_t *ig_pin_log(void) { return _ig_pinlog_tls; }

/* Numbers a new log (before it is published): a log past IG_PIN_LOG_MAX keeps index UINT32_MAX and is never used. */
static void _ig_pinlog_init(void *region, int i) {
  (void)i;
  ig_pin_log_t *l = region;
  l->lo = UINT64_MAX;
  uint32_t index = __atomic_fetch_add(&_ig_pinlog_numbered, 1u, __ATOMIC_RELAXED);
  l->index = index < IG_PIN_LOG_MAX ? index : UINT32_MAX;
  if (index < IG_PIN_LOG_MAX) IG_STORE_REL(&_ig_pinlog_dir[index], l);
}

/* The calling thread's first pin: a log of its own (free, else new), bound to its thread state so that thread exit
 * frees it. NULL only when memory cannot be mapped. */
static IG_NOINLINE ig_pin_log_t *_ig_pinlog_slow(void) {
  IG_ENSURE_INIT();
  _ig_thread_t *t = _ig_thread();
  uint32_t tid = _ig_os_tid();
  ig_pin_log_t *l = _ig_region_claim_free(&ig_shadow_table->pin_logs, tid);
  if (l == NULL)
    l = _ig_region_map_batch(&ig_shadow_table->pin_logs, sizeof(ig_pin_log_t), IG_PIN_LOG_BATCH, tid, _ig_pinlog_init);
  if (l == NULL) return NULL;
  t->pin_log = l;
  _ig_pinlog_tls = l;
  IG_STORE_REL(&_ig_pinlog_any, 1u);
  return l;
}

void _ig_pinlog_thread_exit(_ig_thread_t *t) {
  ig_pin_log_t *l = t->pin_log;
  if (l == NULL) return;
  t->pin_log = NULL;
  _ig_pinlog_tls = NULL;
  IG_STORE_REL(&l->tid, 0u); /* free: live pins stay live, released ones readable until a new owner reuses their slots */
}

/* A record the log cannot hold: the shared table, as ig_range_register would register it. */
static IG_NOINLINE ig_status_t _ig_pinlog_to_table(ig_pin_log_t *l, uint32_t kind, const void *start, size_t size,
                                                    uint32_t flags, uint32_t site, uint64_t user_tag, uint64_t *out_id) {
  if (l != NULL) IG_STORE(&l->overflowed, IG_LOAD(&l->overflowed) + 1);
  return ig_range_register(kind, start, size, flags, site, user_tag == IG_PIN_TAG_KEEP ? 0 : user_tag, out_id);
}

/* Writes a LIVE record of kind into the calling thread's log (the table when the log cannot hold it); the checks of
 * the arguments are the callers'. */
IG_INLINE ig_status_t _ig_pinlog_put(uint32_t kind, uint64_t a, size_t size, uint32_t flags, uint32_t site,
                                            uint64_t user_tag, uint64_t *out_id) {
  const void *start = (const void *)(uintptr_t)a;
  ig_pin_log_t *l = _ig_pinlog_tls;
  if (IG_UNLIKELY(l == NULL) && (l = _ig_pinlog_slow()) == NULL)
    return _ig_pinlog_to_table(NULL, kind, start, size, flags, site, user_tag, out_id);
  if (IG_UNLIKELY(l->index >= IG_PIN_LOG_MAX))
    return _ig_pinlog_to_table(l, kind, start, size, flags, site, user_tag, out_id);
  uint64_t c = l->cursor;
  for (uint32_t n = 0; n < IG_PIN_LOG_SLOTS; n++, c++) {
    uint32_t i = (uint32_t)(c & (IG_PIN_LOG_SLOTS - 1));
    ig_range_t *s = &l->slots[i];
    uint32_t st = IG_LOAD_ACQ(&s->state);
    if (st != IG_STATE_EMPTY && st != IG_STATE_RELEASED) continue; /* held by a live record (or its releaser) */
    uint64_t gen = ((IG_LOAD(&s->id) >> 32) & IG_PIN_LOG_GEN_MASK) + 1;
    if (gen > IG_PIN_LOG_GEN_MASK) gen = 1;
    uint64_t id = IG_PIN_LOG_ID_TAG | gen << 32 | (uint64_t)l->index << 12 | i;
    uint64_t end = a + size;
    /* the quick-reject bounds and the read limit first: a reader that sees the slot LIVE sees them */
    if (a < IG_LOAD(&l->lo)) IG_STORE(&l->lo, a);
    if (end > IG_LOAD(&l->hi)) IG_STORE(&l->hi, end);
    if (i >= IG_LOAD(&l->used)) IG_STORE(&l->used, i + 1);
    if (_ig_filter_add(_ig_pinlog_filter[l->index], a, end, true)) _ig_pinlog_round[l->index].grew = true;
    IG_STORE(&s->state, (uint32_t)IG_STATE_EMPTY);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* a reader that sees any new field sees EMPTY when it reads state again */
    IG_STORE(&s->id, id);
    IG_STORE(&s->start, a);
    IG_STORE(&s->size, (uint64_t)size);
    /* One number from the table's counter itself, not the thread's block of them: released records of one address made
     * by different threads must order as they happened (the newest is the one a use is blamed on), and a thread's block
     * can lag another thread's by up to a block. */
    IG_STORE(&s->alloc_seq, __atomic_add_fetch(&ig_shadow_table->seq, 1, __ATOMIC_RELAXED));
    IG_STORE(&s->release_seq, 0);
    IG_STORE(&s->alloc_time_ns, _ig_os_now_ns());
    IG_STORE(&s->release_time_ns, 0);
    if (user_tag != IG_PIN_TAG_KEEP) IG_STORE(&s->user_tag, user_tag);
    IG_STORE(&s->kind, kind);
    IG_STORE(&s->flags, flags);
    IG_STORE(&s->alloc_site, site);
    IG_STORE(&s->release_site, 0u);
    IG_STORE(&s->alloc_tid, l->tid); /* the owner: this thread */
    IG_STORE(&s->release_tid, 0u);
    IG_STORE_REL(&s->state, (uint32_t)IG_STATE_LIVE);
    IG_STORE(&l->cursor, c + 1);
    if (IG_UNLIKELY(((c + 1) & (IG_PIN_LOG_SLOTS - 1)) == 0)) _ig_filter_round_end(l);
    _ig_live_add(1);
    *out_id = id;
    return IG_OK;
  }
  return _ig_pinlog_to_table(l, kind, start, size, flags, site, user_tag, out_id);
}

ig_status_t ig_pin_register(const void *start, size_t size, uint32_t flags, uint32_t site, uint64_t user_tag,
                            uint64_t *out_id) {
  uint64_t a = (uint64_t)(uintptr_t)start;
  if (IG_UNLIKELY(out_id == NULL || start == NULL)) return IG_ERR_BAD_ARG;
  *out_id = 0;
  if (size == 0) size = 1;
  if (IG_UNLIKELY(a >= IG_ADDR_LIMIT || size > IG_ADDR_LIMIT - a)) return IG_ERR_BAD_ARG;
  flags &= ~(uint32_t)(IG_RANGE_F_ALIGNED | IG_RANGE_F_CALL_SCOPED);
  return _ig_pinlog_put(IG_RANGE_MANAGED_PIN, a, size, flags, site, user_tag, out_id);
}

ig_status_t ig_pin_register_callback(const void *entry, uint32_t flags, uint32_t site, uint64_t user_tag,
                                     uint64_t *out_id) {
  uint64_t a = (uint64_t)(uintptr_t)entry;
  if (IG_UNLIKELY(out_id == NULL || entry == NULL)) return IG_ERR_BAD_ARG;
  *out_id = 0;
  if (IG_UNLIKELY(a >= IG_ADDR_LIMIT - 1 || user_tag == IG_PIN_TAG_KEEP)) return IG_ERR_BAD_ARG;
  flags = (flags & ~(uint32_t)(IG_RANGE_F_ALIGNED | IG_RANGE_F_RETAINED)) | IG_RANGE_F_CALL_SCOPED;
  return _ig_pinlog_put(IG_RANGE_CALLBACK, a, 1, flags, site, user_tag, out_id);
}

/* The slot a pin-log id names (whatever it holds now); NULL for an id no log of this process could have issued. */
static ig_range_t *_ig_pinlog_slot(uint64_t id) {
  uint32_t li = IG_PIN_LOG_ID_LOG(id), si = IG_PIN_LOG_ID_SLOT(id);
  if (li >= IG_PIN_LOG_MAX || si >= IG_PIN_LOG_SLOTS) return NULL;
  ig_pin_log_t *l = IG_LOAD_ACQ(&_ig_pinlog_dir[li]);
  return l != NULL ? &l->slots[si] : NULL;
}

/* A whole copy of slot s (the reading protocol); false when it is EMPTY or kept changing. RELEASING reads as LIVE. */
static bool _ig_pinlog_copy(const ig_range_t *s, ig_range_t *out) {
  for (int tries = 0; tries < 8; tries++) {
    uint32_t st = IG_LOAD_ACQ(&s->state);
    if (st == IG_STATE_EMPTY) return false;
    uint64_t id = IG_LOAD(&s->id);
    out->start = IG_LOAD(&s->start);
    out->size = IG_LOAD(&s->size);
    out->alloc_seq = IG_LOAD(&s->alloc_seq);
    out->release_seq = IG_LOAD(&s->release_seq);
    out->alloc_time_ns = IG_LOAD(&s->alloc_time_ns);
    out->release_time_ns = IG_LOAD(&s->release_time_ns);
    out->user_tag = IG_LOAD(&s->user_tag);
    out->kind = IG_LOAD(&s->kind);
    out->flags = IG_LOAD(&s->flags);
    out->alloc_site = IG_LOAD(&s->alloc_site);
    out->release_site = IG_LOAD(&s->release_site);
    out->alloc_tid = IG_LOAD(&s->alloc_tid);
    out->release_tid = IG_LOAD(&s->release_tid);
    out->redzone_left = 0;
    out->redzone_right = 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (IG_LOAD(&s->state) == st && IG_LOAD(&s->id) == id) {
      out->id = id;
      out->state = st == IG_STATE_RELEASING ? IG_STATE_LIVE : st;
      if (st == IG_STATE_RELEASING) out->release_seq = out->release_time_ns = 0, out->release_site = out->release_tid = 0;
      return true;
    }
  }
  return false;
}

ig_status_t _ig_pinlog_release(uint64_t id, uint32_t site, ig_range_t *out) {
  ig_range_t *s = _ig_pinlog_slot(id);
  if (s == NULL || IG_LOAD_ACQ(&s->id) != id) return IG_ERR_NOT_FOUND; /* never issued, or its slot was reused */
  uint32_t live = IG_STATE_LIVE;
  if (!__atomic_compare_exchange_n(&s->state, &live, (uint32_t)IG_STATE_RELEASING, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    ig_range_t snap;
    if (!_ig_pinlog_copy(s, &snap) || snap.id != id) return IG_ERR_NOT_FOUND;
    if (out != NULL) *out = snap;
    return IG_ERR_STATE; /* released already (or being released by another thread) */
  }
  if (IG_UNLIKELY(IG_LOAD(&s->id) != id)) { /* released and reused between the id check and the CAS: not ours */
    IG_STORE_REL(&s->state, (uint32_t)IG_STATE_LIVE);
    return IG_ERR_NOT_FOUND;
  }
  /* The slot is this thread's until RELEASED is stored: nobody else writes it. */
  IG_STORE(&s->release_seq, _ig_next_seq());
  IG_STORE(&s->release_time_ns, _ig_os_now_ns());
  IG_STORE(&s->release_site, site);
  IG_STORE(&s->release_tid, _ig_os_tid());
  if (out != NULL) {
    _ig_pinlog_copy(s, out);
    out->state = IG_STATE_RELEASED;
    out->release_seq = IG_LOAD(&s->release_seq);
    out->release_time_ns = IG_LOAD(&s->release_time_ns);
    out->release_site = site;
    out->release_tid = IG_LOAD(&s->release_tid);
  }
  IG_STORE_REL(&s->state, (uint32_t)IG_STATE_RELEASED);
  _ig_live_add(-1);
  return IG_OK;
}

ig_status_t _ig_pinlog_get(uint64_t id, ig_range_t *out) {
  ig_range_t *s = _ig_pinlog_slot(id);
  ig_range_t snap;
  if (s == NULL || !_ig_pinlog_copy(s, &snap) || snap.id != id) return IG_ERR_NOT_FOUND;
  *out = snap;
  return IG_OK;
}

ig_status_t _ig_pinlog_set_flags(uint64_t id, uint32_t set, uint32_t clear) {
  ig_range_t *s = _ig_pinlog_slot(id);
  if (s == NULL || IG_LOAD_ACQ(&s->id) != id) return IG_ERR_NOT_FOUND;
  uint32_t st = IG_LOAD_ACQ(&s->state);
  if (st != IG_STATE_LIVE || IG_LOAD(&s->id) != id) return st == IG_STATE_EMPTY ? IG_ERR_NOT_FOUND : IG_ERR_STATE;
  set &= ~(uint32_t)(IG_RANGE_F_ALIGNED | IG_RANGE_F_CALL_SCOPED);
  clear &= ~(uint32_t)(IG_RANGE_F_ALIGNED | IG_RANGE_F_CALL_SCOPED);
  __atomic_fetch_and(&s->flags, ~clear, __ATOMIC_RELAXED);
  __atomic_fetch_or(&s->flags, set, __ATOMIC_RELAXED);
  return IG_OK;
}

ig_status_t ig_pin_set_tag(uint64_t id, uint64_t user_tag) {
  IG_ENSURE_INIT();
  if (!IG_PIN_LOG_IS_ID(id)) return _ig_range_set_tag(id, user_tag); /* a pin the log could not hold */
  ig_range_t *s = _ig_pinlog_slot(id);
  if (s == NULL || IG_LOAD_ACQ(&s->id) != id) return IG_ERR_NOT_FOUND;
  IG_STORE(&s->user_tag, user_tag);
  return IG_LOAD(&s->id) == id ? IG_OK : IG_ERR_NOT_FOUND;
}

int _ig_pinlog_find(uint64_t a, uint64_t len, ig_range_t *out, bool *held) {
  int found = 0; /* 2: a live pin in *out, 1: a released one */
  *held = false;
  for (const ig_pin_log_t *l = (const ig_pin_log_t *)(uintptr_t)IG_LOAD_ACQ(&ig_shadow_table->pin_logs); l != NULL;
       l = (const ig_pin_log_t *)(uintptr_t)IG_LOAD_ACQ(&l->next)) {
    if (a < IG_LOAD(&l->lo) || a >= IG_LOAD(&l->hi) || !_ig_filter_may_hold(l, a)) continue;
    uint32_t used = IG_LOAD(&l->used);
    if (used > IG_PIN_LOG_SLOTS) used = IG_PIN_LOG_SLOTS;
    for (uint32_t i = 0; i < used; i++) {
      const ig_range_t *s = &l->slots[i];
      if (IG_LOAD(&s->state) == IG_STATE_EMPTY || a - IG_LOAD(&s->start) >= IG_LOAD(&s->size)) continue;
      ig_range_t c;
      if (!_ig_pinlog_copy(s, &c) || a - c.start >= c.size) continue;
      int rank = c.state == IG_STATE_LIVE ? 2 : 1;
      if (rank == 2 && _ig_classify(&c, a, len) == IG_LOOKUP_INSIDE) *held = true;
      if (rank > found || (rank == found && c.alloc_seq > out->alloc_seq)) {
        *out = c;
        found = rank;
      }
    }
  }
  return found;
}
