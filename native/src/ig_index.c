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
 * consulted once it has held a range (a sticky flag, so inserts and removes need no shared counter).
 * A bin is an array of entries sorted by extent start (ties: insertion order), each carrying the running
 * maximum of the ends before it (pmax) and everything a lookup needs (user start and size, state, kind,
 * alloc_seq, record id), so a lookup never reads a record unless it copies one out.
 *
 *   bin (32 B):     | seq u32 | count u32 | arr* | dead u32 | gshift u32 | base u64 |
 *   arr (arena):    | cap u64 | sub_ok u32 | pad u32 | sub u16[64] | hot[cap] (32 B) | cold[cap] (16 B) |
 *   hot  (32 B):    | lo u64 | hi u64 | pmax u64 | rz_left u16 | rz_right u16 | state u8 | kind u8 | pad |
 *   cold (16 B):    | id u64 | alloc_seq u64 |
 *
 * An entry is split in two parallel arrays: everything a scan and ig_check's fast path read sits in
 * the 32-byte hot part (two per cache line), the record id and sequence number, needed only by a full
 * lookup for the candidates it keeps, in the cold part. Both live in the same arena allocation; a reader
 * finds the cold array from the capacity it read in the array itself, so it stays in bounds.
 *
 * Each bin is a seqlock. Writers make seq odd with a CAS (that is the bin's lock), change the bin and
 * store seq + 2 (release). Readers take no lock and write nothing: read seq (acquire), read the entries,
 * fence, re-read seq, and retry when it was odd or changed. A reader may therefore read an array a
 * writer is replacing or has just given back: arrays come from an own mmap arena with one free list per
 * power-of-two capacity, are never unmapped and never change capacity class, and their capacity sits in
 * their own first word, so a reader bounds every index by the array it actually holds (count is clamped
 * to cap) and can never step outside mapped index memory, whatever it raced with.
 *
 * Lookup = find the last entry that starts at or before addr, then a backward walk that stops as soon as
 * pmax <= addr. The first step is one load in the array's sub-index (sub[g] = first entry whose lo is at
 * or after granule g of the bin's 64; the answer lies in [sub[g], sub[g+1]]), so a lookup costs O(1 + k)
 * for k entries overlapping addr; the huge list and bins of 65535+ entries use a binary search instead.
 * ig_check stops at the first live entry whose user bytes hold the whole access (_ig_bin_probe): such an
 * access is fine whatever else overlaps it, so only dead or too-small matches need the full priority
 * lookup.
 *
 * A removed entry becomes a tombstone in place (state EMPTY, hi 0, id 0: it contains nothing and keeps
 * the order), so a remove moves no memory, and an insert next to a tombstone (the common case: libc hands
 * the evicted block's address to the next allocation) overwrites it without moving memory either;
 * otherwise it shifts entries only up to the nearest tombstone. pmax is recomputed from the changed
 * entry until it matches the stored value. Tombstones are squeezed out when the array is full or more
 * than half dead.
 *
 * A range that touches several bins of its level has one authoritative entry, in its first bin (the bin of its lo):
 * state, record id, sequence number and right redzone change there only (a claim at free or release, a reused block's
 * rewrite). The entries in its later bins, "followers", carry what never changes while the range is indexed (lo, hi,
 * left redzone, kind and the record's slot: a reused block keeps its slot and extent); a reader that meets one (an
 * entry whose lo lies before the bin) reads the rest from the first bin (_ig_follow). So a free and the reuse of a
 * block lock and search one bin, not one per 4 KiB of the block; inserts and removes still visit every bin.
 *
 * A released range whose extent equals that of a newly inserted range can never win a lookup again
 * (live beats released; later, newer beats older), so the insert drops it from the index at once: pinning
 * the same array a million times keeps one history entry per bin, not a million. Its record stays in the
 * table (and in the release FIFO) until it is evicted.
 */
#include "internal/ig_internal.h"

/* Granules per bin of the sub-index: sub[g] = index of the first entry whose lo is at or after the
 * start of granule g (bin start + g * bin size / 64), so a lookup finds its place with one load and a
 * compare or two instead of a binary search over the whole bin. */
#define IG_GRANULES 64u

/* The hot part of an index entry (what scans read) and its cold part (read for kept candidates only). */
typedef struct _ig_hot_s {
  uint64_t lo;
  uint64_t hi;   /* 0 for a tombstone */
  uint64_t pmax; /* running maximum of hi over the entries up to this one */
  uint16_t rz_left;
  uint16_t rz_right;
  uint8_t state;
  uint8_t kind;
  uint16_t _pad;
} _ig_hot_t;

typedef struct _ig_cold_s {
  uint64_t id;  /* record id; 0 for a tombstone */
  uint64_t seq; /* alloc_seq of the record */
} _ig_cold_t;

typedef struct _ig_arr_s {
  uint64_t cap;
  uint32_t sub_ok; /* sub[] is valid (level bins with fewer than 65535 entries) */
  uint32_t _pad;
  union {
    uint16_t sub[IG_GRANULES];
    uint64_t subw[IG_GRANULES / 4]; /* writers update four granules per word */
  };
  _ig_hot_t e[]; /* then _ig_cold_t cold[cap] */
} _ig_arr_t;

typedef struct _ig_bin_s {
  uint32_t seq;   /* odd while a writer holds the bin */
  uint32_t count; /* entries in use, tombstones included */
  _ig_arr_t *arr; /* NULL until the first insert; arrays of capacity <= 8 are kept when the bin empties */
  uint32_t dead;  /* tombstones among count */
  uint32_t gshift; /* log2 of the granule size; 0 for the huge list (no sub-index) */
  uint64_t base;   /* address of the bin's first byte (level bins) */
} _ig_bin_t;

_Static_assert(sizeof(_ig_arr_t) == 144, "entry array header is 144 bytes");
_Static_assert(sizeof(_ig_bin_t) == 32, "index bin is 32 bytes");
_Static_assert(sizeof(_ig_hot_t) == 32 && sizeof(_ig_cold_t) == 16, "hot entry 32 bytes, cold 16");
_Static_assert(offsetof(_ig_entry_t, id) == 24 && offsetof(_ig_entry_t, rz_left) == 40 &&
                   offsetof(_ig_hot_t, rz_left) == 24 && offsetof(_ig_cold_t, seq) == 8,
               "_ig_entry_put copies lo..pmax, rz_left..pad and id..seq as blocks");
_Static_assert(sizeof(_ig_arr_t) % 16 == 0, "cold array stays 16-byte aligned");

#define IG_LEVELS 4
#define IG_SPAN_MAX 16u
#define IG_LEAF_BITS 16u
#define IG_LEAF_BINS (1u << IG_LEAF_BITS)

typedef struct _ig_level_s {
  unsigned shift;
  uint32_t _pad;
  uint64_t top_count;
  _ig_bin_t **top;
} _ig_level_t;

static _ig_level_t _ig_levels[IG_LEVELS] IG_ALIGNED(IG_CACHE_LINE);
static _ig_bin_t _ig_huge IG_ALIGNED(IG_CACHE_LINE);
/* Sticky bit per level (bit IG_LEVELS = the huge list): set once a range was inserted there. One load
 * tells a lookup which levels to consult, so unused levels cost nothing. */
#define IG_HUGE_BIT (1u << IG_LEVELS)
static uint32_t _ig_present;

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
 * Entry-array arena: size class c holds arrays of 4 << c entries. Small arrays are carved from 1 MiB
 * regions, large ones mapped one by one; nothing is ever unmapped or moved to another class.
 * ------------------------------------------------------------------------------------------------ */
#define IG_ARR_CLASSES 28
#define IG_ARR_REGION ((size_t)1 << 20)

static struct {
  _ig_lock_t lock;
  uint8_t *bump, *bump_end;
  _ig_arr_t *free[IG_ARR_CLASSES]; /* linked through the first entry's lo */
} _ig_arena IG_ALIGNED(IG_CACHE_LINE);

static size_t _ig_arr_bytes(unsigned c) {
  return sizeof(_ig_arr_t) + ((size_t)4 << c) * (sizeof(_ig_hot_t) + sizeof(_ig_cold_t));
}

/* The cold array of arr, whose capacity is cap (readers pass the cap they read from arr itself). */
IG_INLINE _ig_cold_t *_ig_cold(const _ig_arr_t *arr, uint64_t cap) {
  return (_ig_cold_t *)(uintptr_t)&arr->e[cap];
}

/* Writer side: stores a whole entry at i (three fixed-size copies: lo..pmax, rz_left..pad, id..seq). */
IG_INLINE void _ig_entry_put(_ig_arr_t *arr, uint32_t i, const _ig_entry_t *in) {
  _ig_hot_t *h = &arr->e[i];
  memcpy(h, in, 24);
  memcpy(&h->rz_left, &in->rz_left, 8);
  memcpy(&_ig_cold(arr, arr->cap)[i], &in->id, 16);
}

/* Assembles an entry from a hot copy and the cold part at cold (reader or writer side; a reader's torn
 * copy is discarded when the bin's seq re-reads different). */
IG_INLINE void _ig_entry_join(const _ig_hot_t *h, const _ig_cold_t *cold, _ig_entry_t *out) {
  memcpy(out, h, 24);
  memcpy(&out->id, cold, 16);
  memcpy(&out->rz_left, &h->rz_left, 8);
}

static _ig_arr_t *_ig_arr_alloc(unsigned c) {
  IG_ASSERT(c < IG_ARR_CLASSES);
  size_t bytes = _ig_arr_bytes(c);
  _ig_arr_t *a;
  _ig_lock(&_ig_arena.lock);
  a = _ig_arena.free[c];
  if (a != NULL) {
    _ig_arena.free[c] = (_ig_arr_t *)(uintptr_t)a->e[0].lo;
  } else if (bytes > IG_ARR_REGION / 4) {
    a = _ig_os_reserve(bytes);
  } else {
    if ((size_t)(_ig_arena.bump_end - _ig_arena.bump) < bytes) {
      _ig_arena.bump = _ig_os_reserve(IG_ARR_REGION); /* the tail of the old region stays unused */
      IG_ASSERT(_ig_arena.bump != NULL);
      _ig_arena.bump_end = _ig_arena.bump + IG_ARR_REGION;
    }
    a = (_ig_arr_t *)(void *)_ig_arena.bump;
    _ig_arena.bump += bytes;
  }
  _ig_unlock(&_ig_arena.lock);
  IG_ASSERT(a != NULL);
  /* The same value every time this memory is handed out, so it is written only the first time: a seqlock reader may
   * still be reading the cap of an array freed and handed out again, and an unchanged word is no store to race with. */
  uint64_t cap = (uint64_t)4 << c;
  if (a->cap != cap) {
    a->cap = cap;
  }
  return a;
}

static void _ig_arr_free(_ig_arr_t *a) {
  unsigned c = (unsigned)__builtin_ctzll(a->cap) - 2;
  _ig_lock(&_ig_arena.lock);
  IG_STORE(&a->e[0].lo, (uint64_t)(uintptr_t)_ig_arena.free[c]);
  _ig_arena.free[c] = a;
  _ig_unlock(&_ig_arena.lock);
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

/* Writer side of the seqlock: seq odd = locked. */
static void _ig_bin_wlock(_ig_bin_t *bin) {
  unsigned spins = 0;
  for (;;) {
    uint32_t s = IG_LOAD(&bin->seq);
    if (!(s & 1) && __atomic_compare_exchange_n(&bin->seq, &s, s + 1, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
      break;
    if (++spins < 64) _ig_os_cpu_relax(); else { spins = 0; _ig_os_yield(); }
  }
  __atomic_thread_fence(__ATOMIC_RELEASE); /* entry stores below become visible after seq went odd */
}
IG_INLINE void _ig_bin_wunlock(_ig_bin_t *bin) { IG_STORE_REL(&bin->seq, IG_LOAD(&bin->seq) + 1); }

IG_INLINE bool _ig_dead(const _ig_hot_t *e) { return e->hi == 0; }

/* Recomputes pmax from `from` on; stops once it agrees with what is stored (every later value then does). */
static void _ig_bin_fix_pmax(_ig_bin_t *bin, uint32_t from) {
  _ig_hot_t *e = bin->arr->e;
  uint64_t m = from ? e[from - 1].pmax : 0;
  for (uint32_t i = from; i < bin->count; i++) {
    if (e[i].hi > m) m = e[i].hi;
    if (i > from && e[i].pmax == m) break;
    IG_STORE(&e[i].pmax, m);
  }
}

/* The first granule whose start is above x (IG_GRANULES if none): sub[g] counts the entries with lo
 * below the granule start, so adding or removing an entry at x changes sub[g] for g >= this. */
static uint32_t _ig_granule_above(const _ig_bin_t *bin, uint64_t x) {
  if (x < bin->base) return 0;
  uint64_t g = ((x - bin->base) >> bin->gshift) + 1;
  return g < IG_GRANULES ? (uint32_t)g : IG_GRANULES;
}

/* Rebuilds the sub-index from the entries (after a resize or compaction). */
static void _ig_sub_rebuild(_ig_bin_t *bin, _ig_arr_t *arr, uint32_t n) {
  bool ok = bin->gshift != 0 && n < 65535;
  IG_STORE(&arr->sub_ok, (uint32_t)ok);
  if (!ok) return;
  uint32_t g = 0;
  for (uint32_t i = 0; i < n && g < IG_GRANULES; i++) /* entry i counts for the granules above its lo */
    for (uint32_t above = _ig_granule_above(bin, arr->e[i].lo); g < above; g++) IG_STORE(&arr->sub[g], (uint16_t)i);
  for (; g < IG_GRANULES; g++) IG_STORE(&arr->sub[g], (uint16_t)n); /* readers load sub[] racily: relaxed stores */
}

/* A word with a 1 in each 16-bit lane l < n (n <= 4). */
IG_INLINE uint64_t _ig_lanes_below(uint32_t n) {
  return (n >= 4 ? ~(uint64_t)0 : ((uint64_t)1 << (16 * n)) - 1) & 0x0001000100010001ull;
}

/* sub[g] += delta for the granules that start in (from, to]: an entry at `from` was removed and one
 * at `to` added (delta -1), or the reverse (delta +1); to = UINT64_MAX for an appended entry. */
static void _ig_sub_shift(_ig_bin_t *bin, uint64_t from, uint64_t to, int delta) {
  _ig_arr_t *arr = bin->arr;
  if (!arr->sub_ok) return;
  if (bin->count >= 65535) { /* indices no longer fit: plain binary search from now on */
    IG_STORE(&arr->sub_ok, 0u);
    return;
  }
  uint32_t g0 = _ig_granule_above(bin, from), g1 = _ig_granule_above(bin, to);
  if (g0 >= g1) return; /* the usual case: a block reuses the tombstone its predecessor left at its lo */
  /* four lanes at a time; no lane carries or borrows (counts stay within 0..65534) */
  for (uint32_t k = g0 / 4; k * 4 < g1; k++) {
    uint32_t l0 = g0 > k * 4 ? g0 - k * 4 : 0, l1 = g1 - k * 4;
    uint64_t m = _ig_lanes_below(l1) & ~_ig_lanes_below(l0);
    uint64_t w = IG_LOAD(&arr->subw[k]); /* one writer (the bin lock); readers load lanes racily */
    IG_STORE(&arr->subw[k], delta > 0 ? w + m : w - m);
  }
}

/* Replaces the entry array by one of class c, squeezing out tombstones (writer side). The old array
 * goes back to the arena at once: a reader that still reads it sees garbage of the right bounds and
 * retries on the changed seq. */
static void _ig_bin_resize(_ig_bin_t *bin, unsigned c) {
  _ig_arr_t *fresh = _ig_arr_alloc(c);
  _ig_arr_t *old = bin->arr;
  uint32_t n = 0;
  uint64_t m = 0;
  _ig_cold_t *fc = _ig_cold(fresh, fresh->cap), *oc = old != NULL ? _ig_cold(old, old->cap) : NULL;
  for (uint32_t i = 0; old != NULL && i < bin->count; i++) {
    if (_ig_dead(&old->e[i])) continue;
    fresh->e[n] = old->e[i];
    fc[n] = oc[i];
    if (fresh->e[n].hi > m) m = fresh->e[n].hi;
    fresh->e[n++].pmax = m;
  }
  _ig_sub_rebuild(bin, fresh, n);
  IG_STORE_REL(&bin->arr, fresh);
  IG_STORE(&bin->count, n);
  bin->dead = 0;
  if (old) _ig_arr_free(old);
}

/* Squeezes tombstones out in place. */
static void _ig_bin_compact(_ig_bin_t *bin) {
  _ig_hot_t *e = bin->arr->e;
  _ig_cold_t *c = _ig_cold(bin->arr, bin->arr->cap);
  uint32_t n = 0;
  uint64_t m = 0;
  for (uint32_t i = 0; i < bin->count; i++) {
    if (_ig_dead(&e[i])) continue;
    if (n != i) {
      e[n] = e[i];
      c[n] = c[i];
    }
    if (e[n].hi > m) m = e[n].hi;
    e[n++].pmax = m;
  }
  IG_STORE(&bin->count, n);
  bin->dead = 0;
  _ig_sub_rebuild(bin, bin->arr, n);
}

IG_INLINE unsigned _ig_class_of(uint64_t cap) { return (unsigned)__builtin_ctzll(cap) - 2; }

/* Reader side: index of the first of the n entries whose lo is above a. With the sub-index the answer
 * lies between sub[g] and sub[g + 1] (usually 0-2 entries); without it, a binary search over the bin.
 * Branch-free either way. Torn values are clamped to n, so every index read stays inside the array. */
IG_INLINE uint32_t _ig_upper(const _ig_arr_t *arr, uint32_t n, uint64_t a, unsigned shift) {
  const _ig_hot_t *e = arr->e;
  uint32_t lo = 0, w = n;
  if (IG_LIKELY(shift != 0 && IG_LOAD(&arr->sub_ok))) {
    uint32_t g = (uint32_t)(a >> (shift - 6)) & (IG_GRANULES - 1);
    uint32_t i1 = g + 1 < IG_GRANULES ? IG_LOAD(&arr->sub[g + 1]) : n;
    if (i1 > n) i1 = n;
    lo = IG_LOAD(&arr->sub[g]);
    if (lo > i1) lo = i1;
    w = i1 - lo;
  }
  if (w == 0) return lo;
  while (w > 1) {
    uint32_t half = w >> 1;
    lo = IG_LOAD(&e[lo + half].lo) <= a ? lo + half : lo;
    w -= half;
  }
  return lo + (IG_LOAD(&e[lo].lo) <= a);
}

/* First index whose lo is > addr (upper bound); the writer's exact view. */
static uint32_t _ig_bin_upper_w(const _ig_bin_t *bin, uint64_t addr) {
  if (bin->arr == NULL) return 0;
  /* the sub-index covers addresses inside the bin; a range that began in an earlier bin is searched */
  bool inside = bin->gshift != 0 && addr >= bin->base;
  return _ig_upper(bin->arr, bin->count, addr, inside ? bin->gshift + 6 : 0);
}

/* Turns entry i into a tombstone (keeps its lo, so the order holds). */
static void _ig_bin_kill(_ig_bin_t *bin, uint32_t i) {
  _ig_hot_t *e = &bin->arr->e[i];
  IG_STORE(&e->state, (uint8_t)IG_STATE_EMPTY);
  IG_STORE(&e->hi, 0);
  IG_STORE(&_ig_cold(bin->arr, bin->arr->cap)[i].id, 0);
  bin->dead++;
  _ig_bin_fix_pmax(bin, i);
}

typedef struct _ig_dropped_s {
  uint32_t n;
  uint32_t slot[8];
  uint32_t gen[8];
} _ig_dropped_t;

/* Inserts under the bin's write lock; drops superseded released entries with the same extent. */
static void _ig_bin_insert(_ig_bin_t *bin, uint64_t base, uint32_t gshift, const _ig_entry_t *in,
                           _ig_dropped_t *dropped) {
  _ig_bin_wlock(bin);
  if (bin->arr == NULL) {
    bin->base = base;
    bin->gshift = gshift;
    _ig_bin_resize(bin, 0);
  }
  uint32_t pos = _ig_bin_upper_w(bin, in->lo);
  _ig_hot_t *e = bin->arr->e;
  bool follower = in->lo < base; /* a later bin of the range: the first bin decided what to drop */
  for (uint32_t j = pos; j-- > 0 && e[j].lo == in->lo;) {
    if (e[j].hi != in->hi || _ig_dead(&e[j])) continue;
    if (follower) {
      uint32_t slot = _ig_id_slot(_ig_cold(bin->arr, bin->arr->cap)[j].id), k;
      for (k = 0; k < dropped->n && dropped->slot[k] != slot; k++) {}
      if (k < dropped->n) _ig_bin_kill(bin, j);
      continue;
    }
    if (e[j].state != IG_STATE_RELEASED) continue;
    if (dropped->n < 8) {
      uint64_t id = _ig_cold(bin->arr, bin->arr->cap)[j].id;
      uint32_t slot = _ig_id_slot(id), k;
      for (k = 0; k < dropped->n && dropped->slot[k] != slot; k++) {}
      if (k == dropped->n) {
        dropped->slot[k] = slot;
        dropped->gen[k] = _ig_id_gen(id);
        dropped->n++;
      }
    }
    _ig_bin_kill(bin, j);
  }
  uint32_t at;
  if (pos > 0 && _ig_dead(&e[pos - 1])) {
    at = pos - 1; /* a tombstone right where the entry goes: no memory moves */
    bin->dead--;
    _ig_sub_shift(bin, e[at].lo, in->lo, -1);
  } else {
    uint32_t t = pos;
    while (t < bin->count && !_ig_dead(&e[t])) t++;
    if (t == bin->count && bin->count == bin->arr->cap) {
      uint32_t live = bin->count - bin->dead;
      if (bin->dead > 0 && live < bin->count - bin->count / 4) _ig_bin_compact(bin);
      else _ig_bin_resize(bin, _ig_class_of(bin->arr->cap) + (live * 2 >= bin->arr->cap ? 1 : 0));
      e = bin->arr->e;
      pos = _ig_bin_upper_w(bin, in->lo);
      t = pos;
      while (t < bin->count && !_ig_dead(&e[t])) t++;
    }
    _ig_sub_shift(bin, in->lo, t < bin->count ? e[t].lo : UINT64_MAX, +1);
    if (t < bin->count) bin->dead--; else IG_STORE(&bin->count, bin->count + 1);
    _ig_cold_t *c = _ig_cold(bin->arr, bin->arr->cap);
    if (t > pos) {
      memmove(&e[pos + 1], &e[pos], (t - pos) * sizeof(_ig_hot_t));
      memmove(&c[pos + 1], &c[pos], (t - pos) * sizeof(_ig_cold_t));
    }
    at = pos;
  }
  _ig_entry_put(bin->arr, at, in);
  e[at].pmax = at ? e[at - 1].pmax : 0;
  if (in->hi > e[at].pmax) e[at].pmax = in->hi;
  _ig_bin_fix_pmax(bin, at + 1 < bin->count ? at + 1 : at);
  _ig_bin_wunlock(bin);
}

/* Index of the entry of `id` starting at lo, or count if absent. Writer side. */
static uint32_t _ig_bin_find_id(const _ig_bin_t *bin, uint64_t lo, uint64_t id) {
  uint32_t i = _ig_bin_upper_w(bin, lo);
  const _ig_cold_t *c = bin->arr ? _ig_cold(bin->arr, bin->arr->cap) : NULL;
  while (i-- > 0 && bin->arr->e[i].lo == lo)
    if (c[i].id == id) return i;
  return bin->count;
}

/* Index of the live or dead (not tombstone) entry of the range [lo, hi) whose record slot is `slot`, or count if
 * absent. Writer side; a range keeps its slot for as long as it is indexed, its id changes when a block is reused. */
static uint32_t _ig_bin_find_slot(const _ig_bin_t *bin, uint64_t lo, uint64_t hi, uint32_t slot) {
  uint32_t i = _ig_bin_upper_w(bin, lo);
  const _ig_cold_t *c = bin->arr ? _ig_cold(bin->arr, bin->arr->cap) : NULL;
  while (i-- > 0 && bin->arr->e[i].lo == lo)
    if (bin->arr->e[i].hi == hi && _ig_id_slot(c[i].id) == slot) return i;
  return bin->count;
}

/* After a removal: shrink a quarter-full array, squeeze out tombstones when more than half are dead. */
static void _ig_bin_tidy(_ig_bin_t *bin) {
  if (bin->arr == NULL) return;
  uint32_t live = bin->count - bin->dead;
  if (bin->arr->cap > 8 && live < bin->arr->cap / 4)
    _ig_bin_resize(bin, _ig_class_of(bin->arr->cap) - 1);
  else if (bin->dead > 8 && bin->dead * 2 > bin->count)
    _ig_bin_compact(bin); /* (an emptied bin keeps its few tombstones: the next block there reuses one) */
}

/* Removes slot's entry if present (a superseded entry may already be gone). */
static void _ig_bin_remove(_ig_bin_t *bin, uint64_t lo, uint32_t slot) {
  _ig_bin_wlock(bin);
  uint32_t i = _ig_bin_upper_w(bin, lo);
  while (i-- > 0 && bin->arr->e[i].lo == lo) {
    if (_ig_dead(&bin->arr->e[i]) || _ig_id_slot(_ig_cold(bin->arr, bin->arr->cap)[i].id) != slot) continue;
    _ig_bin_kill(bin, i);
    break;
  }
  _ig_bin_tidy(bin);
  _ig_bin_wunlock(bin);
}

/* ---------------------------------------------------------------------------------------------------
 * Insert / remove / claim.
 * ------------------------------------------------------------------------------------------------ */
static int _ig_level_for(uint64_t lo, uint64_t hi) {
  for (int i = 0; i < IG_LEVELS; i++) {
    unsigned s = _ig_levels[i].shift;
    if (((hi - 1) >> s) - (lo >> s) < IG_SPAN_MAX) return i;
  }
  return -1;
}

IG_INLINE void _ig_mark_used(uint32_t bit) {
  if (IG_UNLIKELY(!(IG_LOAD(&_ig_present) & bit))) __atomic_fetch_or(&_ig_present, bit, __ATOMIC_RELEASE);
}

void _ig_index_insert(const _ig_entry_t *in) {
  uint64_t lo = in->lo, hi = in->hi;
  IG_ASSERT(lo < hi && hi <= IG_ADDR_LIMIT);
  _ig_dropped_t dropped;
  dropped.n = 0;
  int level = _ig_level_for(lo, hi);
  if (level < 0) {
    _ig_bin_insert(&_ig_huge, 0, 0, in, &dropped);
    _ig_mark_used(IG_HUGE_BIT);
  } else {
    _ig_level_t *lv = &_ig_levels[level];
    for (uint64_t b = lo >> lv->shift, last = (hi - 1) >> lv->shift; b <= last; b++)
      _ig_bin_insert(_ig_bin_make(lv, b), b << lv->shift, lv->shift - 6, in, &dropped);
    _ig_mark_used(1u << level);
  }
  for (uint32_t k = 0; k < dropped.n; k++) {
    uint32_t gen = dropped.gen[k];
    __atomic_compare_exchange_n(&_ig_meta(dropped.slot[k])->indexed, &gen, 0u, false, __ATOMIC_ACQ_REL,
                                __ATOMIC_RELAXED);
  }
}

void _ig_index_remove(uint32_t slot, uint64_t lo, uint64_t hi) {
  int level = _ig_level_for(lo, hi);
  if (level < 0) {
    _ig_bin_remove(&_ig_huge, lo, slot);
    return;
  }
  _ig_level_t *lv = &_ig_levels[level];
  for (uint64_t b = lo >> lv->shift, last = (hi - 1) >> lv->shift; b <= last; b++) {
    _ig_bin_t *bin = _ig_bin_peek(lv, b);
    if (bin) _ig_bin_remove(bin, lo, slot);
  }
}

/* Rewrites old_id's entry in one bin as `in` (same extent, so pmax and the sub-index stay as they are). */
static bool _ig_bin_replace(_ig_bin_t *bin, uint64_t old_id, const _ig_entry_t *in) {
  _ig_bin_wlock(bin);
  uint32_t i = _ig_bin_find_id(bin, in->lo, old_id);
  bool ok = i < bin->count;
  if (ok) {
    _ig_entry_t x = *in;
    x.pmax = bin->arr->e[i].pmax;
    _ig_entry_put(bin->arr, i, &x);
  }
  _ig_bin_wunlock(bin);
  return ok;
}

void _ig_index_replace(uint64_t old_id, const _ig_entry_t *in) {
  /* the first bin only: the followers' extent, kind and slot stay what they are (_ig_follow) */
  int level = _ig_level_for(in->lo, in->hi);
  _ig_bin_t *bin = level < 0 ? &_ig_huge : _ig_bin_peek(&_ig_levels[level], in->lo >> _ig_levels[level].shift);
  IG_ASSERT(bin != NULL && _ig_bin_replace(bin, old_id, in)); /* the caller owns the FREED block: its entry stays */
}

/* Moves id's entry in its first bin from LIVE to `state`; false when it is not there or not LIVE. */
static bool _ig_bin_set_state(_ig_bin_t *bin, uint64_t id, uint64_t lo, uint32_t state) {
  _ig_bin_wlock(bin);
  uint32_t i = _ig_bin_find_id(bin, lo, id);
  bool ok = i < bin->count && bin->arr->e[i].state == IG_STATE_LIVE;
  if (ok) IG_STORE(&bin->arr->e[i].state, (uint8_t)state);
  _ig_bin_wunlock(bin);
  return ok;
}

bool _ig_index_claim(uint64_t id, uint64_t lo, uint64_t hi, uint32_t state) {
  /* the first bin only: it holds the range's state for every bin of the extent (_ig_follow) */
  int level = _ig_level_for(lo, hi);
  if (level < 0) return _ig_bin_set_state(&_ig_huge, id, lo, state);
  _ig_level_t *lv = &_ig_levels[level];
  _ig_bin_t *first = _ig_bin_peek(lv, lo >> lv->shift);
  return first != NULL && _ig_bin_set_state(first, id, lo, state);
}

void _ig_index_prefetch(uint64_t lo, uint64_t hi, int stage) {
  IG_SEQLOCK_READER();
  int level = _ig_level_for(lo, hi);
  if (level < 0) return;
  _ig_level_t *lv = &_ig_levels[level];
  _ig_bin_t *bin = _ig_bin_peek(lv, lo >> lv->shift);
  if (bin == NULL) return;
  if (stage == 0) {
    __builtin_prefetch(bin, 1);
    return;
  }
  /* stage 1: the bin line should be here by now: fetch the array header and the sub-index word for lo */
  const _ig_arr_t *arr = IG_LOAD(&bin->arr);
  if (arr == NULL) return;
  uint32_t g = (uint32_t)(lo >> (lv->shift - 6)) & (IG_GRANULES - 1);
  if (stage == 1) {
    __builtin_prefetch(arr, 1);
    __builtin_prefetch(&arr->sub[g], 1);
    return;
  }
  /* stage 2: those should be here too: fetch the entry near lo (loading them right after their prefetch would wait
   * for the miss the prefetch just started) */
  uint32_t i = IG_LOAD(&arr->sub[g]); /* may be stale; only a hint */
  uint64_t cap = IG_LOAD(&arr->cap);
  if (i < cap) {
    __builtin_prefetch(&arr->e[i], 1);
    __builtin_prefetch(&_ig_cold(arr, cap)[i], 1); /* eviction's find_id reads the id there */
  }
}

/* Where the first-bin entry of [lo, hi) sits now, packed for _ig_index_prefetch_hint: the entry array (bits 0-47),
 * its capacity class (48-52) and the entry's index (53-63; none past 2046). Read without the seqlock: a hint, never
 * trusted; 0 when there is none. */
uint64_t _ig_index_hint(uint64_t lo, uint64_t hi) {
  IG_SEQLOCK_READER();
  int level = _ig_level_for(lo, hi);
  if (level < 0) return 0;
  _ig_level_t *lv = &_ig_levels[level];
  const _ig_bin_t *bin = _ig_bin_peek(lv, lo >> lv->shift);
  const _ig_arr_t *arr = bin != NULL ? IG_LOAD(&bin->arr) : NULL;
  if (arr == NULL || (uint64_t)(uintptr_t)arr >= ((uint64_t)1 << 48)) return 0;
  uint32_t i = IG_LOAD(&arr->sub[(uint32_t)(lo >> (lv->shift - 6)) & (IG_GRANULES - 1)]);
  uint64_t cap = IG_LOAD(&arr->cap);
  if (i >= cap || i >= 2047 || cap < 4 || (cap & (cap - 1)) != 0) i = 2047;
  return (uint64_t)(uintptr_t)arr | (uint64_t)(__builtin_ctzll(cap | 4) - 2) << 48 | (uint64_t)i << 53;
}

void _ig_index_prefetch_hint(uint64_t lo, uint64_t hi, uint64_t hint) {
  int level = _ig_level_for(lo, hi);
  if (level < 0 || hint == 0) return;
  _ig_level_t *lv = &_ig_levels[level];
  const _ig_bin_t *bin = _ig_bin_peek(lv, lo >> lv->shift);
  const _ig_arr_t *arr = (const _ig_arr_t *)(uintptr_t)(hint & (((uint64_t)1 << 48) - 1));
  uint64_t cap = (uint64_t)4 << ((hint >> 48) & 31);
  uint32_t i = (uint32_t)(hint >> 53), g = (uint32_t)(lo >> (lv->shift - 6)) & (IG_GRANULES - 1);
  __builtin_prefetch(bin, 1);
  __builtin_prefetch(arr, 0);
  __builtin_prefetch(&arr->sub[g], 0);
  if (i >= 2047) return;
  __builtin_prefetch(&arr->e[i], 1);
  __builtin_prefetch(&_ig_cold(arr, cap)[i], 1);
}

void *_ig_index_pin_block(uint64_t id, uint64_t lo, uint64_t hi, _ig_entry_t *out) {
  if (lo >= hi || hi > IG_ADDR_LIMIT) return NULL; /* from a torn record copy */
  int level = _ig_level_for(lo, hi);
  _ig_bin_t *bin = level < 0 ? &_ig_huge : _ig_bin_peek(&_ig_levels[level], lo >> _ig_levels[level].shift);
  if (bin == NULL) return NULL;
  _ig_bin_wlock(bin);
  uint32_t i = _ig_bin_find_id(bin, lo, id);
  if (i < bin->count && bin->arr->e[i].state == IG_STATE_LIVE) {
    _ig_entry_join(&bin->arr->e[i], &_ig_cold(bin->arr, bin->arr->cap)[i], out);
    return bin;
  }
  _ig_bin_wunlock(bin);
  return NULL;
}

void _ig_index_unpin_bin(void *bin) { _ig_bin_wunlock(bin); }

/* ---------------------------------------------------------------------------------------------------
 * Find (reader side: no stores, no read-modify-write).
 * ------------------------------------------------------------------------------------------------ */
/* Opens a seqlock read of bin: waits while a writer holds it (odd sequence) and returns the even sequence the
 * reader must find unchanged after its reads. */
static inline uint32_t _ig_bin_read_begin(const _ig_bin_t *bin) {
  unsigned spins = 0;
  for (;;) {
    uint32_t s = IG_LOAD_ACQ(&bin->seq);
    if (IG_LIKELY(!(s & 1))) return s;
    if (++spins < 64) _ig_os_cpu_relax(); else { spins = 0; _ig_os_yield(); }
  }
}

/* A seqlock reader's view of a bin: the even sequence to find unchanged after the reads, the entry array, its capacity
 * (read from the array itself) and the count clamped to it, so every index a reader uses stays inside that array. */
typedef struct _ig_view_s {
  uint32_t seq, n;
  const _ig_arr_t *arr;
  uint64_t cap;
} _ig_view_t;

/* Opens a read of bin (waiting while a writer holds it); false when the bin has no array yet. */
IG_INLINE bool _ig_view_open(const _ig_bin_t *bin, _ig_view_t *v) {
  v->seq = _ig_bin_read_begin(bin);
  v->n = IG_LOAD(&bin->count);
  v->arr = IG_LOAD_ACQ(&bin->arr);
  if (v->arr == NULL) return false;
  v->cap = IG_LOAD(&v->arr->cap);
  if (v->n > v->cap) v->n = (uint32_t)v->cap; /* raced a resize: the seq will differ */
  return true;
}

/* A follower (an entry of a later bin of its range, met at an address whose bin at this level, of `shift`, starts
 * after the entry's lo) holds the range's extent, kind and record slot; the rest is in the range's first bin. Reads
 * that bin's entry of the range [lo, hi) with record slot `slot` into *out: false when it is not there (the range
 * is being removed, or the follower was a torn copy). lo, hi and slot may come from a torn copy: nothing is read
 * outside the index because of them. */
static IG_NOINLINE bool _ig_follow(unsigned shift, uint64_t lo, uint64_t hi, uint32_t slot, _ig_entry_t *out) {
  IG_SEQLOCK_READER();
  if (lo >= IG_ADDR_LIMIT || shift < 12) return false;
  const _ig_bin_t *bin = _ig_bin_peek(&_ig_levels[(shift - 12) / 6], lo >> shift);
  if (bin == NULL) return false;
  for (;;) {
    _ig_view_t v;
    if (!_ig_view_open(bin, &v)) return false;
    const _ig_hot_t *e = v.arr->e;
    const _ig_cold_t *cold = _ig_cold(v.arr, v.cap);
    bool hit = false;
    for (uint32_t i = _ig_upper(v.arr, v.n, lo, shift); i-- > 0 && IG_LOAD(&e[i].lo) == lo;) {
      if (IG_LOAD(&e[i].hi) != hi || _ig_id_slot(IG_LOAD(&cold[i].id)) != slot) continue;
      _ig_hot_t h;
      memcpy(&h, &e[i], sizeof h);
      _ig_entry_join(&h, &cold[i], out);
      hit = true;
      break;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (IG_LIKELY(IG_LOAD(&bin->seq) == v.seq)) return hit;
  }
}

/* An entry met in the bin of addr at a level of `shift` is a follower when its range starts in an earlier bin. */
IG_INLINE bool _ig_is_follower(uint64_t lo, uint64_t addr, unsigned shift) {
  return shift != 0 && (lo >> shift) != (addr >> shift);
}

typedef struct _ig_best_s {
  uint32_t prio; /* 3 exact block start, 2 live, 1 freed/released, 0 none */
  _ig_entry_t e;
} _ig_best_t;

/* Scans one bin for ranges containing addr. With exact it looks for a native block starting at addr
 * and returns true when it finds one (best then holds it). */
static bool _ig_bin_scan(_ig_bin_t *bin, uint64_t addr, _ig_best_t *best, bool exact, unsigned shift) {
  IG_SEQLOCK_READER();
  for (;;) {
    uint32_t s1 = _ig_bin_read_begin(bin);
    uint32_t n = IG_LOAD(&bin->count);
    const _ig_arr_t *arr = IG_LOAD_ACQ(&bin->arr);
    uint64_t cap = arr != NULL ? IG_LOAD(&arr->cap) : 0;
    if (n > cap) n = (uint32_t)cap; /* raced a resize: stay inside the array we hold; seq will differ */
    const _ig_hot_t *e = arr != NULL ? arr->e : NULL;
    const _ig_cold_t *cold = arr != NULL ? _ig_cold(arr, cap) : NULL; /* cap is arr's own: in bounds */
    uint32_t lo = arr != NULL ? _ig_upper(arr, n, addr, shift) : 0;
    _ig_best_t b = *best;
    bool hit = false;
    for (uint32_t i = lo; i-- > 0;) {
      if (IG_LOAD(&e[i].pmax) <= addr) break;
      if (IG_LOAD(&e[i].hi) <= addr) continue;
      _ig_hot_t h;
      memcpy(&h, &e[i], sizeof h);
      if (h.state == IG_STATE_EMPTY) continue;
      _ig_entry_t c;
      _ig_entry_join(&h, &cold[i], &c);
      if (_ig_is_follower(c.lo, addr, shift) && !_ig_follow(shift, c.lo, c.hi, _ig_id_slot(c.id), &c)) continue;
      if (exact && c.kind == IG_RANGE_NATIVE_BLOCK && _ig_entry_start(&c) == addr) {
        b.prio = 3;
        b.e = c;
        hit = true;
        break;
      }
      uint32_t prio = c.state == IG_STATE_LIVE ? 2 : 1;
      if (prio > b.prio || (prio == b.prio && c.seq > b.e.seq)) {
        b.prio = prio;
        b.e = c;
      }
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (IG_LIKELY(IG_LOAD(&bin->seq) == s1)) {
      *best = b;
      return hit;
    }
  }
}

/* A native block whose user start is exactly addr, in one bin: copies its entry and returns true.
 * Reads in place and copies only the entry it returns. */
static bool _ig_bin_find_block(const _ig_bin_t *bin, uint64_t addr, _ig_entry_t *out, unsigned shift) {
  IG_SEQLOCK_READER();
  for (;;) {
    _ig_view_t v;
    if (!_ig_view_open(bin, &v)) return false;
    const _ig_hot_t *e = v.arr->e;
    bool hit = false;
    for (uint32_t i = _ig_upper(v.arr, v.n, addr, shift); i-- > 0;) {
      const _ig_hot_t *x = &e[i];
      if (IG_LOAD(&x->pmax) <= addr) break;
      if (IG_LOAD(&x->hi) <= addr || IG_LOAD(&x->lo) + IG_LOAD(&x->rz_left) != addr) continue;
      if (IG_LOAD(&x->kind) != IG_RANGE_NATIVE_BLOCK || IG_LOAD(&x->state) == IG_STATE_EMPTY) continue;
      _ig_hot_t h;
      memcpy(&h, x, sizeof h);
      _ig_entry_join(&h, &_ig_cold(v.arr, v.cap)[i], out);
      if (_ig_is_follower(out->lo, addr, shift) && !_ig_follow(shift, out->lo, out->hi, _ig_id_slot(out->id), out))
        continue;
      hit = true;
      break;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (IG_LIKELY(IG_LOAD(&bin->seq) == v.seq)) return hit;
  }
}

static bool _ig_find(uint64_t addr, _ig_entry_t *out, bool exact) {
  _ig_best_t best;
  best.prio = 0;
  best.e.seq = 0;
  if (addr >= IG_ADDR_LIMIT) return false;
  uint32_t present = IG_LOAD_ACQ(&_ig_present);
  for (int i = 0; i < IG_LEVELS; i++) {
    _ig_level_t *lv = &_ig_levels[i];
    if (!(present & (1u << i))) continue;
    _ig_bin_t *bin = _ig_bin_peek(lv, addr >> lv->shift);
    if (bin && _ig_bin_scan(bin, addr, &best, exact, lv->shift)) {
      *out = best.e;
      return true;
    }
  }
  if ((present & IG_HUGE_BIT) && _ig_bin_scan(&_ig_huge, addr, &best, exact, 0)) {
    *out = best.e;
    return true;
  }
  if (exact || best.prio == 0) return false;
  *out = best.e;
  return true;
}

/* The bin of present level i (IG_LEVELS = the huge list) that would hold addr, with the level's shift;
 * NULL when that level has no bin there yet. Shared by the reader loops over _ig_present. */
static inline const _ig_bin_t *_ig_present_bin(unsigned i, uint64_t addr, unsigned *shift) {
  if (i >= IG_LEVELS) {
    *shift = 0;
    return &_ig_huge;
  }
  *shift = _ig_levels[i].shift;
  return _ig_bin_peek(&_ig_levels[i], addr >> *shift);
}

bool _ig_index_find(uint64_t addr, _ig_entry_t *out) { return _ig_find(addr, out, false); }
bool _ig_index_find_block(uint64_t addr, _ig_entry_t *out) {
  if (addr >= IG_ADDR_LIMIT) return false;
  for (uint32_t present = IG_LOAD_ACQ(&_ig_present); present != 0; present &= present - 1) {
    unsigned i = (unsigned)__builtin_ctz(present);
    unsigned shift;
    const _ig_bin_t *bin = _ig_present_bin(i, addr, &shift);
    if (bin == NULL) continue;
    if (_ig_bin_find_block(bin, addr, out, shift)) return true;
  }
  return false;
}

/* The free path's claim of a block found through a follower (its user start lies in a later bin than its lo): the
 * first bin's entry of the same extent and slot moves from LIVE to `state` under that bin's lock; *e becomes that
 * entry (as it was). */
static IG_NOINLINE int _ig_claim_first(_ig_level_t *lv, _ig_entry_t *e, uint32_t state) {
  _ig_bin_t *bin = _ig_bin_peek(lv, e->lo >> lv->shift);
  if (bin == NULL) return IG_CLAIM_NOT_LIVE;
  _ig_bin_wlock(bin);
  uint32_t i = _ig_bin_find_slot(bin, e->lo, e->hi, _ig_id_slot(e->id));
  int r = IG_CLAIM_NOT_LIVE;
  if (i < bin->count) {
    _ig_entry_join(&bin->arr->e[i], &_ig_cold(bin->arr, bin->arr->cap)[i], e);
    if (e->state == IG_STATE_LIVE) {
      IG_STORE(&bin->arr->e[i].state, (uint8_t)state);
      r = IG_CLAIM_WON;
    }
  }
  _ig_bin_wunlock(bin);
  return r;
}

/* The free path's find and claim in one pass: the bin that holds addr is write-locked once, the block starting at addr
 * looked up in the writer's exact view and, when LIVE, moved to `state` right there (its first bin decides, as in
 * _ig_index_claim; when that is another bin, _ig_claim_first does it). */
int _ig_index_find_claim(uint64_t addr, _ig_entry_t *out, uint32_t state) {
  if (addr >= IG_ADDR_LIMIT) return IG_CLAIM_NONE;
  for (uint32_t present = IG_LOAD_ACQ(&_ig_present); present != 0; present &= present - 1) {
    unsigned lvl = (unsigned)__builtin_ctz(present);
    unsigned shift;
    _ig_bin_t *bin = (_ig_bin_t *)(uintptr_t)_ig_present_bin(lvl, addr, &shift);
    if (bin == NULL || IG_LOAD_ACQ(&bin->arr) == NULL) continue;
    _ig_bin_wlock(bin);
    const _ig_hot_t *e = bin->arr->e;
    uint32_t i = _ig_bin_upper_w(bin, addr), hit = bin->count;
    while (i-- > 0) {
      const _ig_hot_t *x = &e[i];
      if (x->pmax <= addr) break;
      if (x->hi <= addr || x->lo + x->rz_left != addr) continue;
      if (x->kind != IG_RANGE_NATIVE_BLOCK || x->state == IG_STATE_EMPTY) continue;
      hit = i;
      break;
    }
    if (hit == bin->count) {
      _ig_bin_wunlock(bin);
      continue;
    }
    _ig_entry_join(&e[hit], &_ig_cold(bin->arr, bin->arr->cap)[hit], out);
    if (_ig_is_follower(out->lo, addr, shift)) { /* the block's first bin is an earlier one: it decides */
      _ig_bin_wunlock(bin);
      return _ig_claim_first(&_ig_levels[lvl], out, state);
    }
    if (out->state != IG_STATE_LIVE) {
      _ig_bin_wunlock(bin);
      return IG_CLAIM_NOT_LIVE;
    }
    IG_STORE(&bin->arr->e[hit].state, (uint8_t)state);
    _ig_bin_wunlock(bin);
    return IG_CLAIM_WON;
  }
  return IG_CLAIM_NONE;
}

bool _ig_index_snapshot(const _ig_entry_t *e, ig_range_t *out) {
  uint32_t slot = _ig_id_slot(e->id);
  if (slot >= _ig_slot_limit()) return false; /* never trust an index value with a pointer unchecked */
  _ig_record_snapshot(slot, out);
  if (out->id != e->id || out->state == IG_STATE_EMPTY) return false;
  out->state = e->state; /* the state the caller classified by (the record may be a step ahead) */
  return true;
}

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

IG_INLINE ig_lookup_result_t _ig_classify_entry(const _ig_entry_t *e, uint64_t addr, uint64_t len) {
  uint64_t start = _ig_entry_start(e), end = e->hi - e->rz_right;
  if (addr < start) return IG_LOOKUP_OUTSIDE;
  if (len == 0) return addr <= end ? IG_LOOKUP_INSIDE : IG_LOOKUP_OUTSIDE;
  if (addr >= end || len > end - addr) return IG_LOOKUP_OUTSIDE;
  return IG_LOOKUP_INSIDE;
}

/* Finds the best entry for addr and, when `out` is wanted, a copy of its record. Retries when the
 * record was recycled between the two (a lookup racing the eviction of what it found). */
static bool _ig_find_with_record(uint64_t addr, _ig_entry_t *e, ig_range_t *out) {
  for (int tries = 0; tries < 100; tries++) {
    if (!_ig_find(addr, e, false)) return false;
    if (out == NULL || _ig_index_snapshot(e, out)) return true;
  }
  return false;
}

/* ig_lookup when the index has no live range for a and the calling thread has call pins: an in-flight pin wins, then
 * the newer of the dead range so far (dead: the index's, or a released pin of a log) and the thread's newest ended pin. */
static IG_NOINLINE ig_lookup_result_t _ig_lookup_calls(uint64_t a, size_t len, uint64_t dead_seq, const ig_range_t *dead,
                                                       ig_lookup_result_t dead_result, ig_range_t *out) {
  ig_range_t call;
  const ig_call_pin_t *p = _ig_call_find_live(a);
  uint32_t state = IG_STATE_LIVE;
  if (p == NULL) {
    p = _ig_call_find_ended(a);
    state = IG_STATE_RELEASED;
    if (p != NULL && dead_result != IG_LOOKUP_UNKNOWN && dead_seq > p->seq) p = NULL; /* the dead range is newer */
  }
  if (p == NULL) {
    if (dead != NULL && out != NULL) *out = *dead;
    return dead_result;
  }
  _ig_call_to_range(p, state, &call);
  if (out != NULL) *out = call;
  return _ig_classify(&call, a, len);
}

/* ig_lookup when the index has no live range for a: a live pin of any thread's pin log wins, then the newer of the
 * index's dead range and the logs' newest released pin, then the calling thread's call pins (_ig_lookup_calls). */
static IG_NOINLINE ig_lookup_result_t _ig_lookup_dead(uint64_t a, size_t len, const _ig_entry_t *e, ig_range_t *out) {
  ig_range_t pin;
  bool held;
  int f = IG_LOAD_ACQ(&_ig_pinlog_any) ? _ig_pinlog_find(a, len, &pin, &held) : 0;
  if (f == 2) {
    if (out != NULL) *out = pin;
    return _ig_classify(&pin, a, len);
  }
  const ig_range_t *dead = NULL;
  uint64_t dead_seq = e != NULL ? e->seq : 0;
  ig_lookup_result_t dead_result = e != NULL ? _ig_classify_entry(e, a, len) : IG_LOOKUP_UNKNOWN;
  if (f == 1 && (e == NULL || pin.alloc_seq > e->seq)) {
    dead = &pin;
    dead_seq = pin.alloc_seq;
    dead_result = _ig_classify(&pin, a, len);
    if (_ig_call_tls == NULL) {
      if (out != NULL) *out = pin;
      return dead_result;
    }
  }
  if (_ig_call_tls == NULL) return dead_result;
  return _ig_lookup_calls(a, len, dead_seq, dead, dead_result, out);
}

ig_lookup_result_t ig_lookup(const void *addr, size_t len, ig_range_t *out) {
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)addr;
  _ig_entry_t e;
  bool found = _ig_find_with_record(a, &e, out);
  if (IG_LIKELY(found && e.state == IG_STATE_LIVE) || (_ig_call_tls == NULL && !IG_LOAD(&_ig_pinlog_any)))
    return found ? _ig_classify_entry(&e, a, len) : IG_LOOKUP_UNKNOWN;
  return _ig_lookup_dead(a, len, found ? &e : NULL, out);
}

static ig_kind_t _ig_kind_of(const _ig_entry_t *e, uint64_t a, uint64_t len) {
  if (IG_LIKELY(e->state == IG_STATE_LIVE))
    return _ig_classify_entry(e, a, len) == IG_LOOKUP_INSIDE ? IG_KIND_NONE : IG_KIND_NATIVE_BUFFER_OVERFLOW;
  if (e->state == IG_STATE_FREED) return IG_KIND_NATIVE_USE_AFTER_FREE;
  switch (e->kind) {
    case IG_RANGE_MANAGED_PIN: return IG_KIND_USE_AFTER_UNPIN;
    case IG_RANGE_MAPPED_VIEW: return IG_KIND_USE_AFTER_UNMAP;
    case IG_RANGE_CALLBACK: return IG_KIND_COLLECTED_DELEGATE_CALLBACK;
    default: return IG_KIND_NATIVE_USE_AFTER_FREE; /* a released hand-registered native region */
  }
}

/* The violation path: copy the record; if it was recycled meanwhile, look again. */
static IG_NOINLINE ig_kind_t _ig_check_fill(uint64_t a, size_t len, _ig_entry_t e, ig_violation_t *out) {
  ig_range_t snap;
  ig_kind_t kind = _ig_kind_of(&e, a, len);
  for (int tries = 0; !_ig_index_snapshot(&e, &snap); tries++) {
    if (tries == 100 || !_ig_find(a, &e, false)) return IG_KIND_NONE;
    kind = _ig_kind_of(&e, a, len);
    if (kind == IG_KIND_NONE) return kind;
  }
  memset(out, 0, sizeof *out);
  out->kind = kind;
  out->address = a;
  out->size = len;
  out->detail = a - snap.start; /* offset of the access from the range start (two's complement if before) */
  out->has_range = 1;
  out->range = snap;
  return kind;
}

/* ig_check's fast path in one bin: IG_PROBE_OK when a LIVE entry's user bytes contain [a, a + len)
 * (then no other range can make the access wrong, whatever it holds), IG_PROBE_NONE when no extent in
 * the bin contains a, IG_PROBE_OTHER when some extent does but no live one grants the access (the full
 * priority lookup decides). Reads only entry fields, copies nothing; a locked bin is left to the slow
 * path, which waits for it. */
enum { IG_PROBE_NONE = 0, IG_PROBE_OK = 1, IG_PROBE_OTHER = 2 };

static int _ig_bin_probe(const _ig_bin_t *bin, uint64_t a, uint64_t len, unsigned shift) {
  IG_SEQLOCK_READER();
  for (;;) {
    uint32_t s1 = IG_LOAD_ACQ(&bin->seq);
    if (IG_UNLIKELY(s1 & 1)) return IG_PROBE_OTHER;
    uint32_t n = IG_LOAD(&bin->count);
    const _ig_arr_t *arr = IG_LOAD_ACQ(&bin->arr);
    if (arr == NULL) return IG_PROBE_NONE; /* arrays are never taken away once a bin has one */
    uint64_t cap = IG_LOAD(&arr->cap);
    if (n > cap) n = (uint32_t)cap;
    const _ig_hot_t *e = arr->e;
    uint32_t lo = _ig_upper(arr, n, a, shift);
    int r = IG_PROBE_NONE;
    for (uint32_t i = lo; i-- > 0;) {
      const _ig_hot_t *x = &e[i];
      if (IG_LOAD(&x->pmax) <= a) break;
      uint64_t hi = IG_LOAD(&x->hi);
      if (hi <= a) continue; /* tombstones too: their hi is 0 */
      uint64_t lo = IG_LOAD(&x->lo);
      uint32_t rz_right = IG_LOAD(&x->rz_right), state = IG_LOAD(&x->state);
      if (_ig_is_follower(lo, a, shift) && state != IG_STATE_EMPTY) { /* its state and size are the first bin's */
        _ig_entry_t f;
        if (!_ig_follow(shift, lo, hi, _ig_id_slot(IG_LOAD(&_ig_cold(arr, cap)[i].id)), &f)) continue;
        rz_right = f.rz_right;
        state = f.state;
      }
      /* inside the user bytes: off <= size and len <= size - off (with len 0, the end itself counts) */
      uint64_t start = lo + IG_LOAD(&x->rz_left), size = hi - rz_right - start;
      uint64_t off = a - start;
      if (state == IG_STATE_LIVE && off <= size && len <= size - off) {
        r = IG_PROBE_OK;
        break;
      }
      r = IG_PROBE_OTHER;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (IG_LIKELY(IG_LOAD(&bin->seq) == s1)) return r;
  }
}

/* A violation about a range that is not an index entry (a pin of a log or of a call region). */
static ig_kind_t _ig_check_report(ig_kind_t kind, uint64_t a, size_t len, const ig_range_t *r, ig_violation_t *out) {
  if (out != NULL) {
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->address = a;
    out->size = len;
    out->detail = a - r->start;
    out->has_range = 1;
    out->range = *r;
  }
  return kind;
}

/* What a use of a released record of a pin log is: a pin's or a call-scoped callback's. */
IG_INLINE ig_kind_t _ig_pinlog_dead_kind(const ig_range_t *r) {
  return r->kind == IG_RANGE_CALLBACK ? IG_KIND_COLLECTED_DELEGATE_CALLBACK : IG_KIND_USE_AFTER_UNPIN;
}

/* The full lookup: picks the range to blame (live beats dead, newest wins) and classifies the access. */
static IG_NOINLINE ig_kind_t _ig_check_slow(uint64_t a, size_t len, ig_violation_t *out) {
  _ig_entry_t e;
  if (!_ig_find(a, &e, false)) return IG_KIND_NONE;
  if (IG_LIKELY(e.state == IG_STATE_LIVE) && _ig_classify_entry(&e, a, len) == IG_LOOKUP_INSIDE)
    return IG_KIND_NONE;
  ig_range_t call;
  const ig_call_pin_t *p = _ig_call_find_live(a);
  if (p != NULL && (_ig_call_to_range(p, IG_STATE_LIVE, &call), _ig_classify(&call, a, len) == IG_LOOKUP_INSIDE))
    return IG_KIND_NONE; /* pinned for the call in flight: a live range wins over a dead one */
  ig_range_t pin;
  bool held = false;
  int f = IG_LOAD_ACQ(&_ig_pinlog_any) ? _ig_pinlog_find(a, len, &pin, &held) : 0;
  if (held) return IG_KIND_NONE; /* a live explicit pin holds it */
  if (e.state != IG_STATE_LIVE) {
    if (f == 2) return _ig_check_report(IG_KIND_NATIVE_BUFFER_OVERFLOW, a, len, &pin, out); /* leaves a live pin */
    if (f == 1 && pin.alloc_seq > e.seq) return _ig_check_report(_ig_pinlog_dead_kind(&pin), a, len, &pin, out);
  }
  return out != NULL ? _ig_check_fill(a, len, e, out) : _ig_kind_of(&e, a, len);
}

/* Nothing in the index holds a: an access that starts inside a live pin of a pin log, or an in-flight call pin of this
 * thread, and leaves it is an overflow, as for a live range of the index; one inside a released pin of a log (and no
 * live one) is a use-after-unpin, inside a released call-scoped callback of a log a collected-delegate-callback. */
static IG_NOINLINE ig_kind_t _ig_check_miss(uint64_t a, size_t len, ig_violation_t *out) {
  ig_range_t pin;
  bool held = false;
  int f = IG_LOAD_ACQ(&_ig_pinlog_any) ? _ig_pinlog_find(a, len, &pin, &held) : 0;
  if (held) return IG_KIND_NONE; /* a live explicit pin holds it */
  const ig_call_region_t *r = _ig_call_tls;
  const ig_call_pin_t *p = r != NULL && r->depth != 0 ? _ig_call_find_live(a) : NULL;
  ig_range_t call;
  if (p != NULL) {
    _ig_call_to_range(p, IG_STATE_LIVE, &call);
    if (_ig_classify(&call, a, len) == IG_LOOKUP_INSIDE) return IG_KIND_NONE;
  }
  if (f == 2) return _ig_check_report(IG_KIND_NATIVE_BUFFER_OVERFLOW, a, len, &pin, out); /* leaves a live pin */
  if (p != NULL) return _ig_check_report(IG_KIND_NATIVE_BUFFER_OVERFLOW, a, len, &call, out);
  return f == 1 ? _ig_check_report(_ig_pinlog_dead_kind(&pin), a, len, &pin, out) : IG_KIND_NONE;
}

ig_kind_t ig_check(const void *addr, size_t len, ig_violation_t *out) {
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)addr;
  /* Cheapest first: most addresses are inside a live range or unknown. A live range whose user bytes
   * hold the access answers at once, at the first level (small blocks first) where one is found. */
  if (a >= IG_ADDR_LIMIT) return IG_KIND_NONE;
  int seen = IG_PROBE_NONE;
  for (uint32_t present = IG_LOAD_ACQ(&_ig_present); present != 0; present &= present - 1) {
    unsigned i = (unsigned)__builtin_ctz(present);
    unsigned shift;
    const _ig_bin_t *bin = _ig_present_bin(i, a, &shift);
    if (bin == NULL) continue;
    int r = _ig_bin_probe(bin, a, len, shift);
    if (IG_LIKELY(r == IG_PROBE_OK)) return IG_KIND_NONE;
    seen |= r;
  }
  if (IG_LIKELY(seen == IG_PROBE_NONE)) {
    const ig_call_region_t *r = _ig_call_tls;
    return IG_LIKELY((r == NULL || r->depth == 0) && !IG_LOAD(&_ig_pinlog_any)) ? IG_KIND_NONE : _ig_check_miss(a, len, out);
  }
  /* Something dead or too small holds the address. */
  return _ig_check_slow(a, len, out);
}
