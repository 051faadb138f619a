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
 * max_redzone). The index holds the whole extent [base, start + size + right). The header is a
 * cross-check only: every decision is taken from the shadow-table record found through the index first,
 * so a pointer the allocator never returned is never dereferenced.
 */
#include "internal/ig_internal.h"

#include <errno.h>
#include <stdlib.h>

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
#define IG_MAX_ALIGN 32768u       /* the left redzone must fit redzone_left (16 bits) */
#define IG_MAX_ALLOC (((size_t)1) << 46)
#define IG_VERIFY_POISON_MAX 65536u /* eviction re-checks the poison of blocks up to this size */

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

/* ---------------------------------------------------------------------------------------------------
 * Allocation.
 * ------------------------------------------------------------------------------------------------ */
static void *_ig_alloc(size_t size, size_t align, uint32_t site, bool zero) {
  IG_ENSURE_INIT();
  if (IG_UNLIKELY(size > IG_MAX_ALLOC)) { errno = ENOMEM; return NULL; }
  size_t left = align <= 16 ? IG_LEFT_MIN : _ig_round_up(IG_LEFT_MIN, align);
  size_t right = _ig_right_redzone(size);
  size_t total = left + size + right;
  uint8_t *base;
  if (align <= 16) {
    base = malloc(total);
  } else {
    void *p = NULL;
    base = posix_memalign(&p, align, total) == 0 ? p : NULL;
  }
  if (IG_UNLIKELY(base == NULL)) { errno = ENOMEM; return NULL; }
  uint32_t slot = _ig_slot_alloc();
  if (IG_UNLIKELY(slot == IG_SLOT_NONE)) { /* table full (warned once): no untracked blocks */
    free(base);
    errno = ENOMEM;
    return NULL;
  }
  uint8_t *start = base + left;
  uint64_t id = _ig_record_publish(slot, IG_RANGE_NATIVE_BLOCK, (uint64_t)(uintptr_t)start, size,
                                   align > 16 ? IG_RANGE_F_ALIGNED : 0, site, 0, (uint16_t)left,
                                   (uint16_t)right);
  _ig_block_header_t *h = (_ig_block_header_t *)(void *)(start - left);
  h->id = id;
  h->size = size;
  h->base = (uint64_t)(uintptr_t)base;
  h->magic = IG_BLOCK_MAGIC ^ (uint32_t)id;
  h->left = (uint16_t)left;
  h->right = (uint16_t)right;
  memset(start - IG_LEFT_CANARY, IG_CANARY_BYTE, IG_LEFT_CANARY);
  memset(start + size, IG_CANARY_BYTE, right);
  if (zero) {
    memset(start, 0, size);
  } else if (IG_OPT(max_malloc_fill_size) > 0) {
    size_t n = size < (size_t)IG_OPT(max_malloc_fill_size) ? size : (size_t)IG_OPT(max_malloc_fill_size);
    memset(start, (int)IG_OPT(malloc_fill_byte), n);
  }
  IG_STORE(&_ig_meta(slot)->indexed, _ig_id_gen(id));
  _ig_index_insert(slot, (uint64_t)(uintptr_t)base, (uint64_t)(uintptr_t)(start + size + right));
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

/* Checks header, left canary and right redzone of a block the caller owns. Returns the first damaged
 * byte or NULL. */
static const uint8_t *_ig_block_damage(const ig_range_t *r) {
  const uint8_t *start = (const uint8_t *)(uintptr_t)r->start;
  const uint8_t *base = start - r->redzone_left;
  _ig_block_header_t want = {r->id, r->size, (uint64_t)(uintptr_t)base, IG_BLOCK_MAGIC ^ (uint32_t)r->id,
                             r->redzone_left, r->redzone_right};
  const uint8_t *w = (const uint8_t *)&want;
  if (IG_UNLIKELY(memcmp(base, w, sizeof want) != 0))
    for (size_t i = 0; i < sizeof want; i++)
      if (base[i] != w[i]) return base + i;
  const uint8_t *bad = _ig_find_not(start - IG_LEFT_CANARY, IG_LEFT_CANARY, IG_CANARY_BYTE);
  if (bad) return bad;
  return _ig_find_not(start + r->size, r->redzone_right, IG_CANARY_BYTE);
}

static ig_status_t _ig_deliver(ig_status_t st, const ig_violation_t *v, ig_violation_t *out) {
  if (out) *out = *v; else ig_report(v);
  return st;
}

static ig_status_t _ig_free_impl(void *ptr, uint32_t site, ig_violation_t *out) {
  if (ptr == NULL) return IG_OK;
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)ptr;
  ig_range_t r;
  ig_violation_t v;
  /* The index decides whether this is a block at all; nothing at `ptr` is read before it says so. */
  uint32_t slot = _ig_index_find_block(a, &r);
  if (slot == IG_SLOT_NONE) {
    ig_range_t around;
    bool interior = _ig_index_find(a, &around) != IG_SLOT_NONE;
    _ig_violation_init(&v, IG_KIND_INVALID_FREE, site, a, interior ? &around : NULL);
    return _ig_deliver(IG_ERR_INVALID_FREE, &v, out);
  }
  if (r.state != IG_STATE_LIVE || !_ig_record_claim(slot, _ig_id_gen(r.id))) {
    _ig_record_snapshot(slot, &r); /* freed by someone else, maybe just now: show its free site */
    _ig_violation_init(&v, IG_KIND_DOUBLE_FREE, site, a, &r);
    return _ig_deliver(IG_ERR_DOUBLE_FREE, &v, out);
  }
  /* We own the block now. */
  ig_status_t st = IG_OK;
  const uint8_t *bad = _ig_block_damage(&r);
  uint8_t *start = (uint8_t *)ptr;
  if (IG_OPT(poison_freed)) memset(start, (int)IG_OPT(free_fill_byte), r.size);
  _ig_record_mark_released(slot, site);
  _ig_record_set_state(slot, IG_STATE_FREED);
  _ig_thread_t *t = _ig_thread();
  _ig_stat_add(&t->frees, 1);
  _ig_stat_add(&t->free_bytes, r.size);
  if (IG_UNLIKELY(bad != NULL)) {
    _ig_record_snapshot(slot, &r);
    _ig_violation_init(&v, IG_KIND_NATIVE_BUFFER_OVERFLOW, site, (uint64_t)(uintptr_t)bad, &r);
    v.detail = (uint64_t)(uintptr_t)bad - (r.start + r.size);
    st = IG_ERR_OVERFLOW;
  }
  _ig_quarantine_push(slot, (uint64_t)r.redzone_left + r.size + r.redzone_right, r.size);
  if (st != IG_OK) _ig_deliver(st, &v, out);
  return st;
}

void ig_free(void *ptr) { (void)_ig_free_impl(ptr, 0, NULL); }

ig_status_t ig_free_at(void *ptr, uint32_t site, ig_violation_t *out) { return _ig_free_impl(ptr, site, out); }

void _ig_block_evict(uint32_t slot) {
  ig_range_t *r = _ig_record(slot);
  uint8_t *start = (uint8_t *)(uintptr_t)r->start;
  /* A write after free shows as a damaged poison; checking it costs one pass over small blocks. */
  if (IG_OPT(poison_freed) && r->size <= IG_VERIFY_POISON_MAX) {
    const uint8_t *bad = _ig_find_not(start, r->size, (uint8_t)IG_OPT(free_fill_byte));
    if (IG_UNLIKELY(bad != NULL)) {
      ig_violation_t v;
      ig_range_t snap;
      _ig_record_snapshot(slot, &snap);
      _ig_violation_init(&v, IG_KIND_NATIVE_USE_AFTER_FREE, 0, (uint64_t)(uintptr_t)bad, &snap);
      v.detail = (uint64_t)(bad - start);
      ig_report(&v);
    }
  }
  void *base = start - r->redzone_left;
  if (__atomic_exchange_n(&_ig_meta(slot)->indexed, 0u, __ATOMIC_ACQ_REL) != 0)
    _ig_index_remove(slot, (uint64_t)(uintptr_t)base, r->start + r->size + r->redzone_right);
  free(base);
  _ig_record_retire(slot);
}

/* ---------------------------------------------------------------------------------------------------
 * realloc, usable size, verify.
 * ------------------------------------------------------------------------------------------------ */
void *ig_realloc(void *ptr, size_t size) {
  if (ptr == NULL) return ig_malloc(size);
  IG_ENSURE_INIT();
  ig_range_t r;
  uint32_t slot = _ig_index_find_block((uint64_t)(uintptr_t)ptr, &r);
  if (slot == IG_SLOT_NONE || r.state != IG_STATE_LIVE) {
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
  ig_range_t r;
  uint32_t slot = _ig_index_find_block((uint64_t)(uintptr_t)ptr, &r);
  return (slot != IG_SLOT_NONE && r.state == IG_STATE_LIVE) ? (size_t)r.size : 0;
}

size_t ig_verify(ig_violation_t *out, size_t max) {
  IG_ENSURE_INIT();
  size_t found = 0;
  uint32_t limit = _ig_slot_limit();
  for (uint32_t slot = 0; slot < limit; slot++) {
    const ig_range_t *rec = _ig_record(slot);
    if (IG_LOAD_ACQ(&rec->state) != IG_STATE_LIVE || rec->kind != IG_RANGE_NATIVE_BLOCK) continue;
    ig_range_t r;
    _ig_record_snapshot(slot, &r);
    if (r.state != IG_STATE_LIVE || r.kind != IG_RANGE_NATIVE_BLOCK) continue;
    uint64_t lo = _ig_extent_lo(&r), hi = _ig_extent_hi(&r);
    uint32_t *lock = _ig_index_bin_lock(lo, hi);
    if (lock == NULL) continue;
    _ig_rw_rdlock(lock);
    /* Still the same live block? Then it cannot reach libc's free while we hold its first bin. */
    const uint8_t *bad = NULL;
    if (IG_LOAD_ACQ(&rec->state) == IG_STATE_LIVE && IG_LOAD(&rec->id) == r.id) bad = _ig_block_damage(&r);
    _ig_rw_rdunlock(lock);
    if (bad == NULL) continue;
    if (found < max && out != NULL) {
      _ig_violation_init(&out[found], IG_KIND_NATIVE_BUFFER_OVERFLOW, 0, (uint64_t)(uintptr_t)bad, &r);
      out[found].detail = (uint64_t)(uintptr_t)bad - (r.start + r.size);
    }
    found++;
  }
  return found;
}
