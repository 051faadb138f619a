/* ig_alloc.c - the shadow allocator: redzoned, canaried, poisoned blocks on top of libc, with double,
 * invalid and overflowing frees detected; runs on every ig_malloc/ig_free call and on quarantine eviction.
 *
 * Block layout (default alignment 16; for alignment A > 16 the left redzone is round_up(48, A)):
 *
 *   base (libc)                                      start (returned, 16-aligned)
 *   |<---------------- left redzone --------------->|<---- size ---->|<------ right redzone ------>|
 *   | header (32 B)            | left canary (16 B) | user bytes     | pad to 16 | canary >= redzone|
 *   | id | size | base | magic left right |  0xFC...    | 0xbe fill / 0  |   0xFC ... 0xFC              |
 *
 * right redzone = (bytes up to the next multiple of 16) + clamp(round_up(size / 8, 16), redzone,
 * max_redzone), plus, for a block the reuse cache handed out, the slack of the larger freed block it was made in
 * (see the reuse cache below). The index holds the whole extent [base, start + size + right). The header is a
 * cross-check only: every decision is taken from the shadow-table record found through the index first,
 * so a pointer the allocator never returned is never dereferenced.
 */
#include "internal/ig_internal.h"

#include <malloc.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#include <errno.h>
#include <stdlib.h>

/* ig_violation_t.detail of damaged redzone bytes: the signed distance of the first damaged byte from the user
 * bytes, stored two's complement: 0 = the first byte past the end, N = N bytes past it, -1 = the byte just before
 * the start, -N = N bytes before it (left canary or header). */
static inline uint64_t _ig_damage_detail(uint64_t bad, uint64_t start, uint64_t size) {
  return bad < start ? (uint64_t)0 - (start - bad) : bad - (start + size);
}

typedef struct _ig_block_header_s {
  uint64_t id;    /* record id of the block */
  uint64_t size;  /* user bytes */
  uint64_t base;  /* what libc returned */
  uint32_t magic; /* IG_BLOCK_MAGIC ^ (uint32_t)id */
  uint16_t left;  /* start - base */
  uint16_t right; /* right redzone bytes */
} _ig_block_header_t;

_Static_assert(sizeof(_ig_block_header_t) == 32, "block header is 32 bytes");
_Static_assert(offsetof(_ig_block_header_t, magic) == 24, "header.magic");
_Static_assert(offsetof(_ig_block_header_t, right) == 30, "header.right");

#define IG_BLOCK_MAGIC 0x49474231u /* "IGB1" */
#define IG_LEFT_CANARY 16u
#define IG_LEFT_MIN (sizeof(_ig_block_header_t) + IG_LEFT_CANARY) /* 48 */
#define IG_MAX_ALLOC (((size_t)1) << 46)
#define IG_EVICT_POISON_CHECK 64u /* eviction re-checks this many poisoned bytes at the block start */

_Static_assert(IG_LEFT_MIN == 48, "left redzone is 48 bytes for the default alignment");

static inline size_t _ig_round_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

static inline size_t _ig_right_redzone(size_t size) {
  size_t rz = _ig_round_up(size / 8, 16);
  if (rz < (size_t)IG_OPT(redzone)) rz = (size_t)IG_OPT(redzone);
  if (rz > (size_t)IG_OPT(max_redzone)) rz = (size_t)IG_OPT(max_redzone);
  return rz + ((16 - (size & 15)) & 15);
}

/* First byte in [p, p+n) that is not `value`; NULL when all are. */
static const uint8_t *_ig_find_not(const uint8_t *p, size_t n, uint8_t value) {
  uint64_t pattern = 0x0101010101010101ull * value;
  size_t i = 0;
  while (i < n && ((uintptr_t)(p + i) & 7)) {
    if (p[i] != value) return p + i;
    i++;
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    if (w != pattern) break;
  }
  for (; i < n; i++)
    if (p[i] != value) return p + i;
  return NULL;
}

static void _ig_stat_add(uint64_t *field, uint64_t v) { IG_STORE(field, IG_LOAD(field) + v); }

/* Poisons the first user bytes of a freed block (max_free_fill_size of them, from the start). The first bytes are in the cache (the allocation filled them and the
 * program used them): memset. Past the bytes the allocation filled, a large block is mostly cold (the quarantine last
 * touched it tens of MiB ago), so from IG_STREAM_MIN bytes on the rest is written with non-temporal stores: the lines
 * go to memory without first being read into the cache, which halves the memory traffic of a memset there and leaves
 * the cache to the program. The bytes written are the same either way. */
#define IG_STREAM_MIN 16384u
#define IG_HOT_MAX (256u << 10) /* mode 2 filled the whole block: at most this much of it is still cached */
static void _ig_poison(uint8_t *p, size_t n, uint8_t value) {
#if defined(__x86_64__)
  size_t hot = _ig_full_fill ? IG_HOT_MAX : (size_t)IG_OPT(max_malloc_fill_size);
  hot = (hot + 63) & ~(size_t)63;
  if (n >= IG_STREAM_MIN && n - IG_STREAM_MIN / 2 > hot) {
    size_t head = hot + (size_t)(-(uintptr_t)(p + hot) & 63);
    memset(p, value, head);
    uint8_t *q = p + head, *end = p + n;
    __m128i v = _mm_set1_epi8((char)value);
    for (; end - q >= 64; q += 64) {
      _mm_stream_si128((__m128i *)(void *)q, v);
      _mm_stream_si128((__m128i *)(void *)(q + 16), v);
      _mm_stream_si128((__m128i *)(void *)(q + 32), v);
      _mm_stream_si128((__m128i *)(void *)(q + 48), v);
    }
    _mm_sfence(); /* the streamed bytes are ordered before what the caller stores next (record, quarantine) */
    memset(q, value, (size_t)(end - q));
    return;
  }
#endif
  memset(p, value, n);
}

/* ---------------------------------------------------------------------------------------------------
 * Size classes and the reuse cache (see _ig_reuse_t). A block of the default alignment whose extent (header to the
 * end of the right redzone) is at most IG_REUSE_MAX_TOTAL bytes leaves the quarantine into the evicting thread's
 * bucket of its size class, and an allocation whose extent falls in the same class takes a held block at least as
 * large (else the smallest of the next class), in place: the right redzone takes the slack. The classes: up to 64
 * bytes (the smallest extent), then four per power of two, each a quarter of it apart ((64, 80], (80, 96], ...,
 * (96 KiB, 128 KiB]), so the slack is under half of the extent, usually a few percent. A block is made with the extent
 * its size needs (no slack), so a program that allocates one size pays no slack at all. An overflow into the slack is
 * an overflow into the redzone (canary bytes, checked at free, by ig_verify and the validator; ig_check counts the
 * user bytes), so reuse costs canary bytes, never detection.
 *
 * A thread keeps up to IG_REUSE_DEPTH blocks per class and IG_REUSE_MAX_BYTES in all. A program whose sizes vary
 * then pays neither libc's malloc and free nor an index remove and insert per block: the block keeps its place in
 * the index while it waits, and its entries are rewritten in place when it is taken.
 * ------------------------------------------------------------------------------------------------ */
#define IG_REUSE_MAX_TOTAL ((uint64_t)128 << 10)
#define IG_REUSE_MAX_BYTES ((uint64_t)4 << 20)

_Static_assert(IG_REUSE_CLASSES == 1 + 4 * (17 - 6), "one class up to 64 bytes, four per power of two up to 128 KiB");
_Static_assert(IG_REUSE_MAX_TOTAL / 4 + 2048 + 15 <= 0xFFFF,
               "the top two classes' width (the most slack) plus the largest redzone and pad fits redzone_right (16 bits)");

/* The class of an extent of `total` bytes (total <= IG_REUSE_MAX_TOTAL): 0 up to 64 bytes, then 1 + 4 * (k - 6) + the
 * quarter of (2^k, 2^(k+1)] that holds it. */
IG_INLINE uint32_t _ig_class_of(uint64_t total) {
  if (total <= 64) return 0;
  uint32_t k = 63u - (uint32_t)__builtin_clzll(total - 1); /* total in (2^k, 2^(k+1)] */
  uint64_t step = (uint64_t)1 << (k - 2);
  uint32_t m = (uint32_t)((total - ((uint64_t)1 << k) + step - 1) >> (k - 2)); /* 1..4 quarters above 2^k */
  return 1 + (k - 6) * 4 + (m - 1);
}

/* A held block of class c whose extent is at least `need` bytes (its extent in *total, its FREED record's id in *id),
 * or NULL: the newest such block (the bucket is searched from the top; it holds at most IG_REUSE_DEPTH), else the
 * smallest block of class c + 1. Without that fallback a class's bucket fills with its smallest blocks, which no
 * larger request of the class can use (benchmarks/results/2026-12-06-alloc-reuse.md measures what it serves). */
static uint8_t *_ig_reuse_take(uint32_t c, uint64_t need, uint64_t *total, uint64_t *id, uint64_t *hint) {
  _ig_thread_t *t = _ig_thread();
  _ig_reuse_t *b = &t->reuse[c];
  uint32_t k = b->count;
  while (k > 0 && b->total[k - 1] < need) k--;
  if (k == 0) {
    /* none in the class: the smallest block of the next class (every one of them is larger than this class) */
    if (c + 1 == IG_REUSE_CLASSES || t->reuse[c + 1].count == 0) return NULL;
    b = &t->reuse[c + 1];
    for (uint32_t j = 1; j < b->count; j++)
      if (b->total[j] < b->total[k]) k = j;
    k++;
  }
  k--;
  uint8_t *base = (uint8_t *)(uintptr_t)b->base[k];
  *total = b->total[k];
  *id = b->id[k];
  *hint = b->hint[k];
  uint32_t last = --b->count; /* the top block fills the hole */
  b->base[k] = b->base[last];
  b->id[k] = b->id[last];
  b->hint[k] = b->hint[last];
  b->total[k] = b->total[last];
  t->reuse_bytes -= *total;
  return base;
}

/* The class bucket that would keep an evicted block now, or NULL (aligned and big blocks, a full bucket or thread). */
static _ig_reuse_t *_ig_reuse_room(const _ig_qitem_t *it) {
  uint64_t total = (uint64_t)it->rz_left + it->size + it->rz_right;
  if (it->rz_left != IG_LEFT_MIN || total > IG_REUSE_MAX_TOTAL) return NULL; /* aligned blocks and big ones: libc */
  _ig_thread_t *t = _ig_thread();
  _ig_reuse_t *b = &t->reuse[_ig_class_of(total)];
  return t->reuse_bytes + total > IG_REUSE_MAX_BYTES || b->count == IG_REUSE_DEPTH ? NULL : b;
}

/* Keeps an evicted block (already checked, still FREED in the index and the table); false when it does not fit. */
static bool _ig_reuse_put(const _ig_qitem_t *it) {
  _ig_reuse_t *b = _ig_reuse_room(it);
  if (b == NULL) return false;
  uint64_t total = (uint64_t)it->rz_left + it->size + it->rz_right;
  _ig_thread_t *t = _ig_thread();
  b->base[b->count] = it->start - it->rz_left;
  b->id[b->count] = IG_LOAD(&_ig_record(it->slot)->id);
  b->hint[b->count] = _ig_index_hint(b->base[b->count], b->base[b->count] + total);
  b->total[b->count] = (uint32_t)total;
  b->count++;
  t->reuse_bytes += total;
  return true;
}

void _ig_reuse_flush(_ig_thread_t *t) {
  for (uint32_t c = 0; c < IG_REUSE_CLASSES; c++) {
    _ig_reuse_t *b = &t->reuse[c];
    while (b->count > 0) {
      uint32_t k = --b->count;
      uint32_t slot = _ig_id_slot(b->id[k]);
      _ig_index_remove(slot, b->base[k], b->base[k] + b->total[k]);
      free((void *)(uintptr_t)b->base[k]);
      _ig_record_retire(slot);
    }
  }
  t->reuse_bytes = 0;
}

/* ---------------------------------------------------------------------------------------------------
 * Allocation.
 * ------------------------------------------------------------------------------------------------ */
/* Release mode's unsampled block: what malloc gives, nothing else (no header, record or redzone). */
static void *_ig_plain_alloc(size_t size, size_t align, bool zero) {
  if (size == 0) size = 1; /* a unique non-null pointer, as in every mode */
  if (align <= 16) return zero ? calloc(1, size) : malloc(size);
  void *p = NULL;
  if (posix_memalign(&p, align, size) != 0) { errno = ENOMEM; return NULL; }
  if (zero) memset(p, 0, size);
  return p;
}

static void *_ig_alloc(size_t size, size_t align, uint32_t site, bool zero) {
  IG_ENSURE_INIT();
  if (IG_UNLIKELY(size > IG_MAX_ALLOC)) { errno = ENOMEM; return NULL; }
  size_t left = align <= 16 ? IG_LEFT_MIN : _ig_round_up(IG_LEFT_MIN, align);
  size_t right;
  uint8_t *base = NULL;
  /* sample_rate > 0: 1 in N blocks ends at a guard page (ig_guarded.c); its right redzone is the slack up to it */
  uint32_t gslot = IG_SLOT_NONE;
  if (IG_UNLIKELY(_ig_gp_rate != 0) && align <= 16 && --_ig_gp_countdown <= 0) {
    uint8_t *gstart = _ig_guarded_take(size, &gslot);
    if (gstart != NULL) base = gstart - left;
  }
  /* release mode: only a sampled block that found a slot is made the guarded way */
  if (_ig_release && base == NULL) return _ig_plain_alloc(size, align, zero);
  uint64_t reused = 0; /* the FREED record id of a block taken from the reuse cache */
  if (IG_LIKELY(base == NULL)) {
    right = _ig_right_redzone(size);
    size_t total = left + size + right;
    if (align <= 16 && total <= IG_REUSE_MAX_TOTAL) {
      uint64_t have = 0, hint = 0;
      base = _ig_reuse_take(_ig_class_of(total), total, &have, &reused, &hint);
      if (base != NULL) {
        right += (size_t)have - total; /* the held block's slack is redzone */
        /* Everything the rest of this call touches is cold (the block waited a quarantine and then in the cache):
         * ask for all of it now, so the misses overlap instead of following one another. */
        _ig_index_prefetch_hint((uint64_t)(uintptr_t)base, (uint64_t)(uintptr_t)base + have, hint);
        __builtin_prefetch(_ig_record(_ig_id_slot(reused)), 1);
      } else {
        base = malloc(total);
      }
    } else if (align <= 16) {
      base = malloc(total);
    } else {
      void *p = NULL;
      base = posix_memalign(&p, align, total) == 0 ? p : NULL;
    }
    if (IG_UNLIKELY(base == NULL)) { errno = ENOMEM; return NULL; }
  } else {
    right = size == 0 ? 16 : ((16 - (size & 15)) & 15);
  }
  uint32_t slot = reused != 0 ? _ig_id_slot(reused) : _ig_slot_alloc();
  if (IG_UNLIKELY(slot == IG_SLOT_NONE)) { /* table full (warned once): no untracked blocks */
    if (gslot != IG_SLOT_NONE) {
      _ig_qitem_t none = {(uint64_t)(uintptr_t)(base + left), size, IG_SLOT_NONE, (uint16_t)left, (uint16_t)right};
      _ig_guarded_commit(gslot, &none, site);
      _ig_guarded_release(&none, site);
      if (_ig_release) return _ig_plain_alloc(size, align, zero); /* the table is full: unguarded, as if not sampled */
    } else {
      free(base);
    }
    errno = ENOSPC; /* the table is full, not the memory: ig_malloc_at's callers hand out an untracked block */
    return NULL;
  }
  uint8_t *start = base + left;
  uint64_t id = _ig_record_publish(slot, IG_RANGE_NATIVE_BLOCK, (uint64_t)(uintptr_t)start, size,
                                   align > 16 ? IG_RANGE_F_ALIGNED : 0, site, 0, (uint16_t)left,
                                   (uint16_t)right);
  _ig_entry_t e = {(uint64_t)(uintptr_t)base, (uint64_t)(uintptr_t)(start + size + right), 0, id,
                   _ig_record(slot)->alloc_seq, (uint16_t)left, (uint16_t)right, IG_STATE_LIVE,
                   IG_RANGE_NATIVE_BLOCK, 0};
  /* The record is visible to the validator from here on, but the block is not finished: a thread stopped by a sweep
   * part-way through the canaries or the fill leaves old bytes (a freed block's poison, stale pointers) where the
   * validator would read damage or dangling words. The validator trusts a block only once its header's id and size
   * match the record, so those two are written last, after everything else, in program order (a signal fence keeps
   * the compiler from moving them up; a sweep stops the thread, so program order is what it sees). */
  memset(start - IG_LEFT_CANARY, IG_CANARY_BYTE, IG_LEFT_CANARY);
  memset(start + size, IG_CANARY_BYTE, right);
  if (zero) {
    memset(start, 0, size);
  } else if (_ig_full_fill) {
    memset(start, (int)IG_OPT(malloc_fill_byte), size); /* mode 2: the validator scans every byte */
  } else if (IG_OPT(max_malloc_fill_size) > 0) {
    size_t n = size < (size_t)IG_OPT(max_malloc_fill_size) ? size : (size_t)IG_OPT(max_malloc_fill_size);
    memset(start, (int)IG_OPT(malloc_fill_byte), n);
  }
  _ig_block_header_t *h = (_ig_block_header_t *)(void *)(start - left);
  h->base = (uint64_t)(uintptr_t)base;
  h->magic = IG_BLOCK_MAGIC ^ (uint32_t)id;
  h->left = (uint16_t)left;
  h->right = (uint16_t)right;
  atomic_signal_fence(memory_order_seq_cst);
  h->size = size;
  h->id = id;
  if (gslot != IG_SLOT_NONE) {
    _ig_qitem_t item = {(uint64_t)(uintptr_t)start, size, slot, (uint16_t)left, (uint16_t)right};
    _ig_guarded_commit(gslot, &item, site);
  }
  if (reused != 0) _ig_index_replace(reused, &e);
  else _ig_index_insert(&e);
  _ig_thread_t *t = _ig_thread();
  _ig_stat_add(&t->allocs, 1);
  _ig_stat_add(&t->alloc_bytes, size);
  return start;
}

void *ig_malloc(size_t size) { return _ig_alloc(size, 16, 0, false); }

void *ig_malloc_at(size_t size, size_t alignment, uint32_t site) {
  if (alignment == 0) alignment = 16;
  if ((alignment & (alignment - 1)) != 0 || alignment > IG_MAX_ALIGN) { errno = EINVAL; return NULL; }
  return _ig_alloc(size, alignment, site, false);
}

void *ig_malloc_sampled(size_t size, uint32_t site, int zero) {
  IG_ENSURE_INIT();
  if (_ig_gp_rate != 0) _ig_gp_countdown = 1; /* _ig_alloc's decrement makes this allocation the sample */
  return _ig_alloc(size, 16, site, zero != 0);
}

void *ig_calloc(size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) { errno = ENOMEM; return NULL; }
  return _ig_alloc(total, 16, 0, true);
}

void *ig_aligned_alloc(size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > IG_MAX_ALIGN) {
    errno = EINVAL;
    return NULL;
  }
  return _ig_alloc(size, alignment, 0, false);
}

/* ---------------------------------------------------------------------------------------------------
 * Free.
 * ------------------------------------------------------------------------------------------------ */
static void _ig_violation_init(ig_violation_t *v, ig_kind_t kind, uint32_t site, uint64_t addr,
                               const ig_range_t *r) {
  memset(v, 0, sizeof *v);
  v->kind = kind;
  v->access_site = site;
  v->address = addr;
  if (r) {
    v->has_range = 1;
    v->range = *r;
  }
}

/* Checks header, left canary and right redzone of a block the caller owns (described by its index
 * entry). Returns the first damaged byte or NULL. */
static const uint8_t *_ig_block_damage(const _ig_entry_t *e) {
  const uint8_t *base = (const uint8_t *)(uintptr_t)e->lo;
  const uint8_t *start = base + e->rz_left;
  uint64_t size = _ig_entry_size(e);
  _ig_block_header_t want = {e->id, size, e->lo, IG_BLOCK_MAGIC ^ (uint32_t)e->id, e->rz_left, e->rz_right};
  const uint8_t *w = (const uint8_t *)&want;
  if (IG_UNLIKELY(memcmp(base, w, sizeof want) != 0))
    for (size_t i = 0; i < sizeof want; i++)
      if (base[i] != w[i]) return base + i;
  uint64_t lc[2];
  memcpy(lc, start - IG_LEFT_CANARY, IG_LEFT_CANARY);
  if (IG_UNLIKELY((lc[0] & lc[1]) != 0xFCFCFCFCFCFCFCFCull || (lc[0] | lc[1]) != 0xFCFCFCFCFCFCFCFCull))
    return _ig_find_not(start - IG_LEFT_CANARY, IG_LEFT_CANARY, IG_CANARY_BYTE);
  return _ig_find_not(start + size, e->rz_right, IG_CANARY_BYTE);
}

static ig_status_t _ig_deliver(ig_status_t st, const ig_violation_t *v, ig_violation_t *out) {
  if (out) *out = *v; else ig_report(v);
  return st;
}

static IG_NOINLINE ig_status_t _ig_free_error(uint64_t a, uint32_t site, ig_violation_t *out, bool found,
                                              const _ig_entry_t *e) {
  ig_range_t r;
  ig_violation_t v;
  if (!found) {
    _ig_entry_t around;
    bool interior = false;
    for (int tries = 0; tries < 100 && _ig_index_find(a, &around); tries++)
      if ((interior = _ig_index_snapshot(&around, &r))) break;
    _ig_violation_init(&v, IG_KIND_INVALID_FREE, site, a, interior ? &r : NULL);
    return _ig_deliver(IG_ERR_INVALID_FREE, &v, out);
  }
  /* freed by someone else, maybe just now: show its free site */
  _ig_record_snapshot(_ig_id_slot(e->id), &r);
  if (r.id == e->id && r.state == IG_STATE_LIVE) r.state = IG_STATE_FREED; /* the winner is still writing */
  _ig_violation_init(&v, IG_KIND_DOUBLE_FREE, site, a, &r);
  return _ig_deliver(IG_ERR_DOUBLE_FREE, &v, out);
}

static ig_status_t _ig_free_impl(void *ptr, uint32_t site, ig_violation_t *out) {
  if (ptr == NULL) return IG_OK;
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)ptr;
  /* release mode: a block outside the guarded pool is a plain malloc block (not checked: that is the price of
   * costing what free() costs) */
  if (_ig_release && !(_ig_gp_rate != 0 && _ig_guarded_owns(a))) {
    free(ptr);
    return IG_OK;
  }
  _ig_entry_t e;
  /* The index decides whether this is a block at all; nothing at `ptr` is read before it says so. Exactly one free
   * wins the block: the first bin of its extent moves LIVE to FREED under its lock. */
  bool guarded = IG_UNLIKELY(_ig_gp_rate != 0) && _ig_guarded_owns(a);
  int claim = _ig_index_find_claim(a, &e, IG_STATE_FREED); /* find and claim under one bin lock */
  if (IG_UNLIKELY(claim != IG_CLAIM_WON))
    return _ig_free_error(a, site, out, claim == IG_CLAIM_NOT_LIVE, claim == IG_CLAIM_NOT_LIVE ? &e : NULL);
  /* We own the block now. */
  uint32_t slot = _ig_id_slot(e.id);
  uint64_t size = _ig_entry_size(&e);
  const uint8_t *bad = _ig_block_damage(&e);
  if (IG_OPT(poison_freed)) {
    size_t n = size < (uint64_t)IG_OPT(max_free_fill_size) ? (size_t)size : (size_t)IG_OPT(max_free_fill_size);
    _ig_poison(ptr, n, (uint8_t)IG_OPT(free_fill_byte));
  }
  _ig_record_mark_released(slot, site);
  _ig_record_set_state(slot, IG_STATE_FREED);
  _ig_thread_t *t = _ig_thread();
  _ig_stat_add(&t->frees, 1);
  _ig_stat_add(&t->free_bytes, size);
  ig_status_t st = IG_OK;
  ig_violation_t v;
  if (IG_UNLIKELY(bad != NULL)) {
    ig_range_t r;
    _ig_record_snapshot(slot, &r);
    _ig_violation_init(&v, IG_KIND_NATIVE_BUFFER_OVERFLOW, site, (uint64_t)(uintptr_t)bad, &r);
    v.detail = _ig_damage_detail((uint64_t)(uintptr_t)bad, a, size);
    st = IG_ERR_OVERFLOW;
  }
  _ig_qitem_t item = {a, size, slot, e.rz_left, e.rz_right};
  if (guarded) _ig_guarded_release(&item, site);
  else _ig_quarantine_push(&item); /* with quarantine_mb=0 it leaves at once: into the reuse cache, else to libc */
  if (st != IG_OK) _ig_deliver(st, &v, out);
  return st;
}

void ig_free(void *ptr) { (void)_ig_free_impl(ptr, 0, NULL); }

ig_status_t ig_set_alloc_site(const void *ptr, uint32_t site) {
  if (ptr == NULL) return IG_ERR_BAD_ARG;
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)ptr;
  _ig_entry_t e;
  if (!_ig_index_find_block(a, &e) || e.state != IG_STATE_LIVE) return IG_ERR_NOT_FOUND;
  ig_range_t *r = _ig_record(_ig_id_slot(e.id));
  if (IG_LOAD(&r->id) != e.id) return IG_ERR_NOT_FOUND;
  IG_STORE(&r->alloc_site, site);
  if (_ig_gp_rate != 0 && _ig_guarded_owns(a)) _ig_guarded_set_site(a, site);
  return IG_OK;
}

ig_status_t ig_free_at(void *ptr, uint32_t site, ig_violation_t *out) { return _ig_free_impl(ptr, site, out); }

void _ig_block_evict(const _ig_qitem_t *it) {
  uint8_t *start = (uint8_t *)(uintptr_t)it->start;
  /* A write after free shows as a damaged poison. Checking the whole block would read cold memory
   * byte for byte at every eviction; the first bytes (where stale struct pointers mostly write) cost
   * one cache line that free() touches anyway. */
  if (IG_OPT(poison_freed)) {
    size_t n = it->size < IG_EVICT_POISON_CHECK ? (size_t)it->size : IG_EVICT_POISON_CHECK;
    const uint8_t *bad = _ig_find_not(start, n, (uint8_t)IG_OPT(free_fill_byte));
    if (IG_UNLIKELY(bad != NULL)) {
      ig_violation_t v;
      ig_range_t snap;
      _ig_record_snapshot(it->slot, &snap);
      _ig_violation_init(&v, IG_KIND_NATIVE_USE_AFTER_FREE, 0, (uint64_t)(uintptr_t)bad, &snap);
      v.detail = (uint64_t)(bad - start);
      ig_report(&v);
    }
  }
  if (_ig_reuse_put(it)) return;
  _ig_index_remove(it->slot, it->start - it->rz_left, it->start + it->size + it->rz_right);
  _ig_block_release(it);
}

void _ig_block_release(const _ig_qitem_t *it) {
  free((uint8_t *)(uintptr_t)(it->start - it->rz_left));
  _ig_record_retire(it->slot);
}

/* ---------------------------------------------------------------------------------------------------
 * realloc, usable size, verify.
 * ------------------------------------------------------------------------------------------------ */
void *ig_realloc(void *ptr, size_t size) {
  if (ptr == NULL) return ig_malloc(size);
  IG_ENSURE_INIT();
  if (_ig_release && !(_ig_gp_rate != 0 && _ig_guarded_owns((uint64_t)(uintptr_t)ptr))) {
    if (size == 0) { free(ptr); return NULL; }
    return realloc(ptr, size); /* a plain block stays plain */
  }
  _ig_entry_t e;
  ig_range_t r;
  if (!_ig_index_find_block((uint64_t)(uintptr_t)ptr, &e) || e.state != IG_STATE_LIVE ||
      !_ig_index_snapshot(&e, &r)) {
    ig_free(ptr); /* reports the double or invalid free */
    return NULL;
  }
  if (size == 0) { /* like glibc: free and return NULL */
    ig_free(ptr);
    return NULL;
  }
  size_t align = (r.flags & IG_RANGE_F_ALIGNED) ? (size_t)r.redzone_left & (size_t)-(int64_t)r.redzone_left : 16;
  void *fresh = _ig_alloc(size, align < 16 ? 16 : align, r.alloc_site, false);
  if (fresh == NULL) return NULL; /* the old block stays valid */
  memcpy(fresh, ptr, r.size < size ? r.size : size);
  ig_free(ptr); /* into quarantine: a use after realloc is a use after free */
  return fresh;
}

size_t ig_usable_size(const void *ptr) {
  if (ptr == NULL) return 0;
  IG_ENSURE_INIT();
  if (_ig_release && !(_ig_gp_rate != 0 && _ig_guarded_owns((uint64_t)(uintptr_t)ptr)))
    return malloc_usable_size((void *)ptr); /* a plain block: what malloc gave (at least the size asked) */
  _ig_entry_t e;
  return (_ig_index_find_block((uint64_t)(uintptr_t)ptr, &e) && e.state == IG_STATE_LIVE) ? (size_t)_ig_entry_size(&e) : 0;
}

size_t ig_verify(ig_violation_t *out, size_t max) {
  IG_ENSURE_INIT();
  size_t found = 0;
  uint32_t limit = _ig_slot_limit();
  for (uint32_t slot = 0; slot < limit; slot++) {
    const ig_range_t *rec = _ig_record(slot);
    if (IG_LOAD_ACQ(&rec->state) != IG_STATE_LIVE || IG_LOAD(&rec->kind) != IG_RANGE_NATIVE_BLOCK) continue;
    ig_range_t r;
    _ig_record_snapshot(slot, &r);
    if (r.state != IG_STATE_LIVE || r.kind != IG_RANGE_NATIVE_BLOCK) continue;
    uint64_t lo = _ig_extent_lo(&r), hi = _ig_extent_hi(&r);
    /* The snapshot may be torn (the slot being reused); the index entry found under the lock is not. */
    _ig_entry_t e;
    void *bin = _ig_index_pin_block(r.id, lo, hi, &e);
    if (bin == NULL) continue; /* not in the index yet (being made) or no longer LIVE */
    const uint8_t *bad = _ig_block_damage(&e);
    _ig_index_unpin_bin(bin);
    if (bad == NULL) continue;
    if (found < max && out != NULL) {
      _ig_violation_init(&out[found], IG_KIND_NATIVE_BUFFER_OVERFLOW, 0, (uint64_t)(uintptr_t)bad, &r);
      out[found].detail = _ig_damage_detail((uint64_t)(uintptr_t)bad, _ig_entry_start(&e), _ig_entry_size(&e));
    }
    found++;
  }
  return found;
}
