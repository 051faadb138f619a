/* ig_index.c - the interval index that maps any address to the ranges whose extent contains it, and the
 * ig_lookup / ig_check entry points built on it; runs on every allocation, free, pin, release and check.
 *
 * Design: four levels of fixed-size bins plus one list for huge ranges. A range goes to the first level
 * whose bins are large enough that the range touches at most IG_SPAN_MAX (16) of them, and is inserted
 * into every bin it touches, so a lookup reads exactly one bin per populated level.
 *
 *   level  bin size  ranges (extent incl. redzones)   directory
 *   0      4 KiB     up to ~60 KiB                     top[2^19] ─► leaf[2^16] bins (2 MiB, lazy)
 *   1      256 KiB   up to ~3.75 MiB                   top[2^13] ─► leaf[2^16]
 *   2      16 MiB    up to ~240 MiB                    top[2^7]  ─► leaf[2^16]
 *   3      1 GiB     up to ~15 GiB                     top[2]    ─► leaf[2^16]
 *   huge   -         larger                             one bin
 *
 * Directory and leaves are mmap'ed on first use and never freed, so a lookup of any 64-bit address is
 * memory-safe (addresses >= 2^47 are answered "unknown" before any table is touched). A level is only
 * consulted while it holds ranges. A bin is an array of entries sorted by extent start (ties: insertion
 * order), each carrying the running maximum of the ends before it (pmax), under a reader-writer spinlock:
 * readers share it, so concurrent lookups never serialise. Lookup = binary search for the last entry that
 * starts at or before addr, then a backward walk that stops as soon as pmax <= addr: O(log b + k) for b
 * entries in the bin and k entries overlapping addr.
 *
 *   bin (32 B):   | lock u32 | count u32 | cap u32 | pad u32 | entries* | pad |
 *   entry (32 B): | lo u64 | hi u64 | pmax u64 | slot u32 | pad u32 |      extent = [lo, hi)
 *
 * A released range whose extent equals that of a newly inserted range can never win a lookup again
 * (live beats released; later, newer beats older), so the insert drops it from the index at once: pinning
 * the same array a million times keeps one history entry per bin, not a million. Its record stays in the
 * table (and in the release FIFO) until it is evicted.
 */
#include "internal/ig_internal.h"

typedef struct _ig_entry_s {
  uint64_t lo;
  uint64_t hi;
  uint64_t pmax;
  uint32_t slot;
  uint32_t _pad;
} _ig_entry_t;

typedef struct _ig_bin_s {
  uint32_t lock;
  uint32_t count;
  uint32_t cap;
  uint32_t _pad;
  _ig_entry_t *e;
  uint64_t _pad2;
} _ig_bin_t;

_Static_assert(sizeof(_ig_entry_t) == 32, "index entry is 32 bytes");
_Static_assert(sizeof(_ig_bin_t) == 32, "index bin is 32 bytes");

#define IG_LEVELS 4
#define IG_SPAN_MAX 16u
#define IG_LEAF_BITS 16u
#define IG_LEAF_BINS (1u << IG_LEAF_BITS)

typedef struct _ig_level_s {
  unsigned shift;
  uint64_t top_count;
  _ig_bin_t **top;
  uint64_t population; /* ranges held at this level */
} _ig_level_t;

static _ig_level_t _ig_levels[IG_LEVELS] IG_ALIGNED(IG_CACHE_LINE);
static _ig_bin_t _ig_huge IG_ALIGNED(IG_CACHE_LINE);
static uint64_t _ig_huge_population;

void _ig_index_init(void) {
  static const unsigned shifts[IG_LEVELS] = {12, 18, 24, 30};
  for (int i = 0; i < IG_LEVELS; i++) {
    _ig_level_t *lv = &_ig_levels[i];
    lv->shift = shifts[i];
    unsigned bits = 47 - shifts[i];
    lv->top_count = bits > IG_LEAF_BITS ? (uint64_t)1 << (bits - IG_LEAF_BITS) : 1;
    lv->top = _ig_os_reserve(lv->top_count * sizeof(_ig_bin_t *));
    IG_ASSERT(lv->top != NULL);
  }
}

/* ---------------------------------------------------------------------------------------------------
 * Bins.
 * ------------------------------------------------------------------------------------------------ */
IG_INLINE _ig_bin_t *_ig_bin_peek(const _ig_level_t *lv, uint64_t b) {
  _ig_bin_t *leaf = IG_LOAD_ACQ(&lv->top[b >> IG_LEAF_BITS]);
  return leaf ? &leaf[b & (IG_LEAF_BINS - 1)] : NULL;
}

static _ig_bin_t *_ig_bin_make(_ig_level_t *lv, uint64_t b) {
  _ig_bin_t **slotp = &lv->top[b >> IG_LEAF_BITS];
  _ig_bin_t *leaf = IG_LOAD_ACQ(slotp);
  if (leaf == NULL) {
    _ig_bin_t *fresh = _ig_os_reserve(IG_LEAF_BINS * sizeof(_ig_bin_t));
    IG_ASSERT(fresh != NULL);
    _ig_bin_t *expected = NULL;
    if (__atomic_compare_exchange_n(slotp, &expected, fresh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      leaf = fresh;
    } else {
      _ig_os_release(fresh, IG_LEAF_BINS * sizeof(_ig_bin_t)); /* nobody else ever saw it */
      leaf = expected;
    }
  }
  return &leaf[b & (IG_LEAF_BINS - 1)];
}

static void _ig_bin_fix_pmax(_ig_bin_t *bin, uint32_t from) {
  _ig_entry_t *e = bin->e;
  uint64_t m = from ? e[from - 1].pmax : 0;
  for (uint32_t i = from; i < bin->count; i++) {
    if (e[i].hi > m) m = e[i].hi;
    e[i].pmax = m;
  }
}

static void _ig_bin_resize(_ig_bin_t *bin, uint32_t cap) {
  _ig_entry_t *fresh = NULL;
  if (cap) {
    fresh = _ig_meta_alloc(cap * sizeof(_ig_entry_t));
    IG_ASSERT(fresh != NULL);
    if (bin->count) memcpy(fresh, bin->e, bin->count * sizeof(_ig_entry_t));
  }
  if (bin->e) _ig_meta_free(bin->e, bin->cap * sizeof(_ig_entry_t));
  bin->e = fresh;
  bin->cap = cap;
}

/* First index whose lo is > addr (upper bound). */
IG_INLINE uint32_t _ig_bin_upper(const _ig_bin_t *bin, uint64_t addr) {
  const _ig_entry_t *e = bin->e;
  uint32_t lo = 0, hi = bin->count;
  while (lo < hi) {
    uint32_t mid = (lo + hi) >> 1;
    if (e[mid].lo <= addr) lo = mid + 1; else hi = mid;
  }
  return lo;
}

typedef struct _ig_dropped_s {
  uint32_t n;
  uint32_t slot[8];
  uint32_t gen[8];
} _ig_dropped_t;

/* Inserts under the bin's write lock; drops superseded released entries with the same extent. */
static void _ig_bin_insert(_ig_bin_t *bin, uint64_t lo, uint64_t hi, uint32_t slot, _ig_dropped_t *dropped) {
  _ig_rw_wrlock(&bin->lock);
  uint32_t pos = _ig_bin_upper(bin, lo);
  uint32_t fix = pos;
  for (uint32_t j = pos; j-- > 0 && bin->e[j].lo == lo;) {
    if (bin->e[j].hi != hi) continue;
    const ig_range_t *r = _ig_record(bin->e[j].slot);
    uint32_t st = IG_LOAD_ACQ(&r->state);
    if (st != IG_STATE_RELEASED) continue;
    if (dropped->n < 8) {
      uint32_t k;
      for (k = 0; k < dropped->n && dropped->slot[k] != bin->e[j].slot; k++) {}
      if (k == dropped->n) {
        dropped->slot[k] = bin->e[j].slot;
        dropped->gen[k] = _ig_id_gen(IG_LOAD(&r->id));
        dropped->n++;
      }
    }
    memmove(&bin->e[j], &bin->e[j + 1], (bin->count - j - 1) * sizeof(_ig_entry_t));
    bin->count--;
    pos--;
    fix = j;
  }
  if (bin->count == bin->cap) _ig_bin_resize(bin, bin->cap ? bin->cap * 2 : 4);
  memmove(&bin->e[pos + 1], &bin->e[pos], (bin->count - pos) * sizeof(_ig_entry_t));
  bin->e[pos].lo = lo;
  bin->e[pos].hi = hi;
  bin->e[pos].slot = slot;
  bin->e[pos]._pad = 0;
  bin->count++;
  _ig_bin_fix_pmax(bin, fix < pos ? fix : pos);
  _ig_rw_wrunlock(&bin->lock);
}

/* Removes slot's entry if present (a superseded entry may already be gone). Returns whether it was. */
static bool _ig_bin_remove(_ig_bin_t *bin, uint64_t lo, uint32_t slot) {
  _ig_rw_wrlock(&bin->lock);
  bool found = false;
  uint32_t i = _ig_bin_upper(bin, lo);
  while (i-- > 0 && bin->e[i].lo == lo) {
    if (bin->e[i].slot != slot) continue;
    memmove(&bin->e[i], &bin->e[i + 1], (bin->count - i - 1) * sizeof(_ig_entry_t));
    bin->count--;
    _ig_bin_fix_pmax(bin, i);
    found = true;
    break;
  }
  if (bin->count == 0) _ig_bin_resize(bin, 0);
  else if (bin->cap > 8 && bin->count < bin->cap / 4) _ig_bin_resize(bin, bin->cap / 2);
  _ig_rw_wrunlock(&bin->lock);
  return found;
}

/* ---------------------------------------------------------------------------------------------------
 * Insert / remove.
 * ------------------------------------------------------------------------------------------------ */
static int _ig_level_for(uint64_t lo, uint64_t hi) {
  for (int i = 0; i < IG_LEVELS; i++) {
    unsigned s = _ig_levels[i].shift;
    if (((hi - 1) >> s) - (lo >> s) < IG_SPAN_MAX) return i;
  }
  return -1;
}

void _ig_index_insert(uint32_t slot, uint64_t lo, uint64_t hi) {
  IG_ASSERT(lo < hi && hi <= IG_ADDR_LIMIT);
  _ig_dropped_t dropped;
  dropped.n = 0;
  int level = _ig_level_for(lo, hi);
  if (level < 0) {
    IG_ADD(&_ig_huge_population, 1);
    _ig_bin_insert(&_ig_huge, lo, hi, slot, &dropped);
  } else {
    _ig_level_t *lv = &_ig_levels[level];
    IG_ADD(&lv->population, 1);
    for (uint64_t b = lo >> lv->shift, last = (hi - 1) >> lv->shift; b <= last; b++)
      _ig_bin_insert(_ig_bin_make(lv, b), lo, hi, slot, &dropped);
  }
  for (uint32_t k = 0; k < dropped.n; k++) {
    uint32_t gen = dropped.gen[k];
    if (__atomic_compare_exchange_n(&_ig_meta(dropped.slot[k])->indexed, &gen, 0u, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED)) {
      if (level < 0) IG_SUB(&_ig_huge_population, 1); else IG_SUB(&_ig_levels[level].population, 1);
    }
  }
}

void _ig_index_remove(uint32_t slot, uint64_t lo, uint64_t hi) {
  int level = _ig_level_for(lo, hi);
  if (level < 0) {
    _ig_bin_remove(&_ig_huge, lo, slot);
    IG_SUB(&_ig_huge_population, 1);
    return;
  }
  _ig_level_t *lv = &_ig_levels[level];
  for (uint64_t b = lo >> lv->shift, last = (hi - 1) >> lv->shift; b <= last; b++) {
    _ig_bin_t *bin = _ig_bin_peek(lv, b);
    if (bin) _ig_bin_remove(bin, lo, slot);
  }
  IG_SUB(&lv->population, 1);
}

uint32_t *_ig_index_bin_lock(uint64_t lo, uint64_t hi) {
  int level = _ig_level_for(lo, hi);
  if (level < 0) return &_ig_huge.lock;
  _ig_bin_t *bin = _ig_bin_peek(&_ig_levels[level], lo >> _ig_levels[level].shift);
  return bin ? &bin->lock : NULL;
}

/* ---------------------------------------------------------------------------------------------------
 * Find.
 * ------------------------------------------------------------------------------------------------ */
typedef struct _ig_best_s {
  uint32_t slot;
  uint32_t prio;  /* 2 live, 1 freed/released */
  uint64_t seq;
  ig_range_t *snap;
} _ig_best_t;

/* Scans one bin for ranges containing addr. With exact != 0 it looks for a native block starting at
 * addr and returns true when it finds one (best then holds it). */
static bool _ig_bin_scan(_ig_bin_t *bin, uint64_t addr, _ig_best_t *best, bool exact) {
  if (IG_LOAD(&bin->count) == 0) return false;
  bool hit = false;
  _ig_rw_rdlock(&bin->lock);
  const _ig_entry_t *e = bin->e;
  for (uint32_t i = _ig_bin_upper(bin, addr); i-- > 0;) {
    if (e[i].pmax <= addr) break;
    if (e[i].hi <= addr) continue;
    const ig_range_t *r = _ig_record(e[i].slot);
    uint32_t st = IG_LOAD_ACQ(&r->state);
    if (st == IG_STATE_EMPTY) continue;
    if (exact && r->kind == IG_RANGE_NATIVE_BLOCK && r->start == addr) {
      best->slot = e[i].slot;
      best->prio = 3;
      if (best->snap) _ig_record_snapshot(e[i].slot, best->snap);
      hit = true;
      break;
    }
    uint32_t prio = st == IG_STATE_LIVE ? 2 : 1;
    uint64_t seq = r->alloc_seq;
    if (prio > best->prio || (prio == best->prio && seq > best->seq)) {
      best->slot = e[i].slot;
      best->prio = prio;
      best->seq = seq;
      if (best->snap) _ig_record_snapshot(e[i].slot, best->snap);
    }
  }
  _ig_rw_rdunlock(&bin->lock);
  return hit;
}

static uint32_t _ig_find(uint64_t addr, ig_range_t *snapshot, bool exact) {
  _ig_best_t best = {IG_SLOT_NONE, 0, 0, snapshot};
  if (addr >= IG_ADDR_LIMIT) return IG_SLOT_NONE;
  for (int i = 0; i < IG_LEVELS; i++) {
    _ig_level_t *lv = &_ig_levels[i];
    if (IG_LOAD(&lv->population) == 0) continue;
    _ig_bin_t *bin = _ig_bin_peek(lv, addr >> lv->shift);
    if (bin && _ig_bin_scan(bin, addr, &best, exact)) return best.slot;
  }
  if (IG_LOAD(&_ig_huge_population) != 0 && _ig_bin_scan(&_ig_huge, addr, &best, exact)) return best.slot;
  return exact ? IG_SLOT_NONE : best.slot;
}

uint32_t _ig_index_find(uint64_t addr, ig_range_t *snapshot) { return _ig_find(addr, snapshot, false); }
uint32_t _ig_index_find_block(uint64_t addr, ig_range_t *snapshot) { return _ig_find(addr, snapshot, true); }

/* ---------------------------------------------------------------------------------------------------
 * ig_lookup / ig_check.
 * ------------------------------------------------------------------------------------------------ */
ig_lookup_result_t _ig_classify(const ig_range_t *r, uint64_t addr, uint64_t len) {
  uint64_t end = r->start + r->size;
  if (addr < r->start) return IG_LOOKUP_OUTSIDE;
  if (len == 0) return addr <= end ? IG_LOOKUP_INSIDE : IG_LOOKUP_OUTSIDE;
  if (addr >= end || len > end - addr) return IG_LOOKUP_OUTSIDE;
  return IG_LOOKUP_INSIDE;
}

ig_lookup_result_t ig_lookup(const void *addr, size_t len, ig_range_t *out) {
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)addr;
  ig_range_t snap;
  if (_ig_find(a, &snap, false) == IG_SLOT_NONE) return IG_LOOKUP_UNKNOWN;
  if (out) *out = snap;
  return _ig_classify(&snap, a, len);
}

ig_kind_t ig_check(const void *addr, size_t len, ig_violation_t *out) {
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)addr;
  ig_range_t snap;
  /* Cheapest first: most addresses are unknown or inside a live range. */
  if (_ig_find(a, &snap, false) == IG_SLOT_NONE) return IG_KIND_NONE;
  ig_lookup_result_t where = _ig_classify(&snap, a, len);
  ig_kind_t kind = IG_KIND_NONE;
  if (snap.state == IG_STATE_FREED) {
    kind = IG_KIND_NATIVE_USE_AFTER_FREE;
  } else if (snap.state == IG_STATE_RELEASED) {
    switch (snap.kind) {
      case IG_RANGE_MANAGED_PIN: kind = IG_KIND_USE_AFTER_UNPIN; break;
      case IG_RANGE_MAPPED_VIEW: kind = IG_KIND_USE_AFTER_UNMAP; break;
      case IG_RANGE_CALLBACK: kind = IG_KIND_COLLECTED_DELEGATE_CALLBACK; break;
      default: kind = IG_KIND_NATIVE_USE_AFTER_FREE; break; /* a released hand-registered native region */
    }
  } else if (where == IG_LOOKUP_OUTSIDE) {
    kind = IG_KIND_NATIVE_BUFFER_OVERFLOW;
  }
  if (kind != IG_KIND_NONE && out != NULL) {
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->address = a;
    out->size = len;
    out->detail = a - snap.start; /* offset of the access from the range start (two's complement if before) */
    out->has_range = 1;
    out->range = snap;
  }
  return kind;
}
