/* ig_table.c - the shadow table: the exported header, the chunked record slab with its free-slot lists,
 * per-thread state, and the ig_range_* API; runs on every allocation, free, pin and release.
 *
 * Memory layout (every piece mmap'ed lazily and never unmapped, so a reader inside or outside the process
 * never touches unmapped memory once it has seen a pointer):
 *
 *   ig_shadow_table ──► ig_table_header_t (256 B, static)
 *                         .chunks ──► uint64_t dir[max_chunks]    (dir[i] valid for i < chunk_count)
 *                                        dir[i] ──► ig_range_t[65536]  (96 B each, 6 MiB per chunk)
 *                         .sites  ──► ig_site_t[65536]             (256 B each, index = id - 1)
 *
 *   record id = slot | generation << 32, slot = chunk * 65536 + index, 1 <= generation < 2^31 (so id 0 is
 *   never valid, and bit 63 is left to pin-log ids); the generation grows each time the slot is reused.
 */
#include "internal/ig_internal.h"

#include <pthread.h>

/* The header and record layouts are a versioned, cross-process format: pin every offset. */
_Static_assert(sizeof(ig_range_t) == 96, "ig_range_t is 96 bytes");
_Static_assert(offsetof(ig_range_t, id) == 0, "range.id");
_Static_assert(offsetof(ig_range_t, start) == 8, "range.start");
_Static_assert(offsetof(ig_range_t, size) == 16, "range.size");
_Static_assert(offsetof(ig_range_t, alloc_seq) == 24, "range.alloc_seq");
_Static_assert(offsetof(ig_range_t, release_seq) == 32, "range.release_seq");
_Static_assert(offsetof(ig_range_t, alloc_time_ns) == 40, "range.alloc_time_ns");
_Static_assert(offsetof(ig_range_t, release_time_ns) == 48, "range.release_time_ns");
_Static_assert(offsetof(ig_range_t, user_tag) == 56, "range.user_tag");
_Static_assert(offsetof(ig_range_t, kind) == 64, "range.kind");
_Static_assert(offsetof(ig_range_t, state) == 68, "range.state");
_Static_assert(offsetof(ig_range_t, flags) == 72, "range.flags");
_Static_assert(offsetof(ig_range_t, alloc_site) == 76, "range.alloc_site");
_Static_assert(offsetof(ig_range_t, release_site) == 80, "range.release_site");
_Static_assert(offsetof(ig_range_t, alloc_tid) == 84, "range.alloc_tid");
_Static_assert(offsetof(ig_range_t, release_tid) == 88, "range.release_tid");
_Static_assert(offsetof(ig_range_t, redzone_left) == 92, "range.redzone_left");
_Static_assert(offsetof(ig_range_t, redzone_right) == 94, "range.redzone_right");

_Static_assert(sizeof(ig_table_header_t) == 256, "ig_table_header_t is 256 bytes");
_Static_assert(offsetof(ig_table_header_t, magic) == 0, "header.magic");
_Static_assert(offsetof(ig_table_header_t, version) == 8, "header.version");
_Static_assert(offsetof(ig_table_header_t, header_size) == 12, "header.header_size");
_Static_assert(offsetof(ig_table_header_t, range_size) == 16, "header.range_size");
_Static_assert(offsetof(ig_table_header_t, site_size) == 20, "header.site_size");
_Static_assert(offsetof(ig_table_header_t, ranges_per_chunk) == 24, "header.ranges_per_chunk");
_Static_assert(offsetof(ig_table_header_t, max_chunks) == 32, "header.max_chunks");
_Static_assert(offsetof(ig_table_header_t, chunk_count) == 40, "header.chunk_count");
_Static_assert(offsetof(ig_table_header_t, chunks) == 48, "header.chunks");
_Static_assert(offsetof(ig_table_header_t, sites) == 56, "header.sites");
_Static_assert(offsetof(ig_table_header_t, site_capacity) == 64, "header.site_capacity");
_Static_assert(offsetof(ig_table_header_t, site_count) == 72, "header.site_count");
_Static_assert(offsetof(ig_table_header_t, seq) == 80, "header.seq");
_Static_assert(offsetof(ig_table_header_t, live_ranges) == 88, "header.live_ranges");
_Static_assert(offsetof(ig_table_header_t, quarantine_bytes) == 96, "header.quarantine_bytes");
_Static_assert(offsetof(ig_table_header_t, pid) == 104, "header.pid");
_Static_assert(offsetof(ig_table_header_t, canary_byte) == 112, "header.canary_byte");
_Static_assert(offsetof(ig_table_header_t, fill_flags) == 120, "header.fill_flags");
_Static_assert(offsetof(ig_table_header_t, fill_size) == 128, "header.fill_size");
_Static_assert(offsetof(ig_table_header_t, native_heap) == 136, "header.native_heap");
_Static_assert(offsetof(ig_table_header_t, slot_limit) == 160, "header.slot_limit");
_Static_assert(offsetof(ig_table_header_t, pin_logs) == 168, "header.pin_logs");
_Static_assert(offsetof(ig_table_header_t, pin_log_size) == 176, "header.pin_log_size");
_Static_assert(offsetof(ig_table_header_t, pin_log_slots) == 180, "header.pin_log_slots");
_Static_assert(offsetof(ig_table_header_t, reserved) == 184, "header.reserved");

_Static_assert(sizeof(ig_violation_t) == 136, "ig_violation_t is 136 bytes");
_Static_assert(offsetof(ig_violation_t, range) == 40, "violation.range");
_Static_assert(sizeof(_ig_slot_meta_t) == 16, "slot meta is 16 bytes");
_Static_assert(sizeof(_ig_qitem_t) == 24 && sizeof(_ig_qbatch_t) == 32 + 24 * IG_QBATCH, "queue layout");

/* 8 MiB of directory covers 2^31 slots (the max_ranges upper bound) at 65536 per chunk. */
#define IG_MAX_CHUNKS_LIMIT (((uint64_t)1 << 31) / IG_RANGES_PER_CHUNK)

static ig_table_header_t _ig_header IG_ALIGNED(IG_CACHE_LINE);
IG_API ig_table_header_t *ig_shadow_table = &_ig_header;

ig_range_t *_ig_chunks[IG_MAX_CHUNKS_LIMIT];
_ig_slot_meta_t *_ig_meta_chunks[IG_MAX_CHUNKS_LIMIT];

static struct {
  _ig_lock_t lock;
  uint64_t *dir;            /* the published chunk directory (header.chunks) */
  uint32_t *free_stack;     /* recycled slots (slots below header.slot_limit have a mapped record) */
  uint64_t free_count;
  uint64_t capacity;
  uint32_t full_warned;
} _ig_slots IG_ALIGNED(IG_CACHE_LINE);

const ig_table_header_t *ig_table(void) {
  IG_ENSURE_INIT();
  return ig_shadow_table;
}

/* ---------------------------------------------------------------------------------------------------
 * Per-thread state.
 * ------------------------------------------------------------------------------------------------ */
IG_TLS _ig_thread_t *_ig_tls;
static _ig_lock_t _ig_threads_lock;
static _ig_thread_t *_ig_threads_all_list;
static _ig_thread_t *_ig_threads_free;
static pthread_key_t _ig_thread_key;

_ig_thread_t *_ig_threads_all(void) { return IG_LOAD_ACQ(&_ig_threads_all_list); }

static void _ig_slot_cache_flush(_ig_thread_t *t, uint32_t keep);

static void _ig_thread_exit(void *arg) {
  _ig_thread_t *t = arg;
  _ig_calls_thread_exit(t);
  _ig_pinlog_thread_exit(t);
  _ig_thread_flush(t);
  _ig_reuse_flush(t); /* after the quarantine's last evictions, which may fill it; before the slot cache goes back */
  IG_ADD(&_ig_header.live_ranges, (uint64_t)t->live_delta);
  IG_STORE(&t->live_delta, 0);
  _ig_slot_cache_flush(t, 0);
  _ig_tls = NULL;
  _ig_lock(&_ig_threads_lock);
  t->next_free = _ig_threads_free;
  _ig_threads_free = t;
  _ig_unlock(&_ig_threads_lock);
}

IG_NOINLINE _ig_thread_t *_ig_thread_slow(void) {
  IG_ENSURE_INIT();
  _ig_lock(&_ig_threads_lock);
  _ig_thread_t *t = _ig_threads_free;
  if (t != NULL) {
    _ig_threads_free = t->next_free;
  } else {
    enum { N = 64 };
    _ig_thread_t *page = _ig_os_reserve(N * sizeof(_ig_thread_t));
    IG_ASSERT(page != NULL);
    for (int i = N - 1; i >= 1; i--) {
      page[i].next_free = _ig_threads_free;
      _ig_threads_free = &page[i];
    }
    for (int i = 0; i < N; i++) {
      page[i].next_all = _ig_threads_all_list;
      IG_STORE_REL(&_ig_threads_all_list, &page[i]);
    }
    t = &page[0];
  }
  _ig_unlock(&_ig_threads_lock);
  t->next_free = NULL;
  t->in_report = 0;
  t->seq_next = t->seq_end = 0; /* a recycled struct must not hand out its old block */
  t->tid = _ig_os_tid();
  _ig_tls = t;
  pthread_setspecific(_ig_thread_key, t);
  return t;
}

/* ---------------------------------------------------------------------------------------------------
 * Slots.
 * ------------------------------------------------------------------------------------------------ */
void _ig_table_init(void) {
  uint64_t cap = (uint64_t)IG_OPT(max_ranges);
  uint64_t max_chunks = (cap + IG_RANGES_PER_CHUNK - 1) / IG_RANGES_PER_CHUNK;
  _ig_slots.capacity = cap;
  _ig_slots.dir = _ig_os_reserve(max_chunks * sizeof(uint64_t));
  _ig_slots.free_stack = _ig_os_reserve(cap * sizeof(uint32_t));
  IG_ASSERT(_ig_slots.dir != NULL && _ig_slots.free_stack != NULL);
  pthread_key_create(&_ig_thread_key, _ig_thread_exit);

  ig_table_header_t *h = &_ig_header;
  memcpy(h->magic, IG_TABLE_MAGIC, sizeof IG_TABLE_MAGIC);
  h->version = IG_TABLE_VERSION;
  h->header_size = sizeof(ig_table_header_t);
  h->range_size = sizeof(ig_range_t);
  h->site_size = sizeof(ig_site_t);
  h->ranges_per_chunk = IG_RANGES_PER_CHUNK;
  h->max_chunks = max_chunks;
  h->chunks = (uint64_t)(uintptr_t)_ig_slots.dir;
  h->pid = _ig_os_pid();
  h->canary_byte = IG_CANARY_BYTE;
  h->call_region_size = sizeof(ig_call_region_t);
  h->call_pin_size = sizeof(ig_call_pin_t);
  h->pin_log_size = sizeof(ig_pin_log_t);
  h->pin_log_slots = IG_PIN_LOG_SLOTS;
  if (!_ig_full_fill) {
    h->fill_flags = IG_TABLE_F_PARTIAL_FILL;
    h->fill_size = (uint64_t)IG_OPT(max_malloc_fill_size);
  }
}

/* Maps the chunk that holds `slot` if needed. Called with the slots lock held. */
static bool _ig_chunk_ensure(uint32_t slot) {
  uint32_t c = slot >> IG_RANGES_PER_CHUNK_SHIFT;
  if (_ig_chunks[c] != NULL) return true;
  ig_range_t *records = _ig_os_reserve(IG_RANGES_PER_CHUNK * sizeof(ig_range_t));
  _ig_slot_meta_t *meta = _ig_os_reserve(IG_RANGES_PER_CHUNK * sizeof(_ig_slot_meta_t));
  if (records == NULL || meta == NULL) {
    _ig_os_release(records, IG_RANGES_PER_CHUNK * sizeof(ig_range_t));
    _ig_os_release(meta, IG_RANGES_PER_CHUNK * sizeof(_ig_slot_meta_t));
    return false;
  }
  _ig_os_populate(records, IG_RANGES_PER_CHUNK * sizeof(ig_range_t));
  _ig_os_populate(meta, IG_RANGES_PER_CHUNK * sizeof(_ig_slot_meta_t));
  IG_STORE_REL(&_ig_meta_chunks[c], meta);
  IG_STORE_REL(&_ig_chunks[c], records);
  IG_STORE_REL(&_ig_slots.dir[c], (uint64_t)(uintptr_t)records);
  IG_STORE_REL(&_ig_header.chunk_count, (uint64_t)c + 1);
  return true;
}

uint32_t _ig_slot_limit(void) { return (uint32_t)IG_LOAD_ACQ(&_ig_header.slot_limit); }

static IG_NOINLINE void _ig_slot_cache_refill(_ig_thread_t *t) {
  _ig_lock(&_ig_slots.lock);
  while (t->slot_count < IG_SLOT_CACHE / 2) {
    if (_ig_slots.free_count > 0) {
      t->slots[t->slot_count++] = _ig_slots.free_stack[--_ig_slots.free_count];
    } else if (_ig_header.slot_limit < _ig_slots.capacity && _ig_chunk_ensure((uint32_t)_ig_header.slot_limit)) {
      /* published after the chunk (chunk_count) and before the slot is written: a reader that stops below it misses
       * nothing, one that reads up to it reads mapped records */
      t->slots[t->slot_count++] = (uint32_t)_ig_header.slot_limit;
      IG_STORE_REL(&_ig_header.slot_limit, _ig_header.slot_limit + 1);
    } else {
      break;
    }
  }
  bool warn = t->slot_count == 0 && !_ig_slots.full_warned;
  if (warn) _ig_slots.full_warned = 1;
  _ig_unlock(&_ig_slots.lock);
  if (warn) {
    char text[256];
    _ig_buf_t b = {text, 0, sizeof text};
    _ig_buf_str(&b, "the shadow table is full (max_ranges=");
    _ig_buf_u64(&b, _ig_slots.capacity);
    _ig_buf_str(&b, "); new ranges are not tracked. Raise max_ranges or lower quarantine_mb/release_history");
    _ig_warn(text);
  }
}

static void _ig_slot_cache_flush(_ig_thread_t *t, uint32_t keep) {
  _ig_lock(&_ig_slots.lock);
  while (t->slot_count > keep) _ig_slots.free_stack[_ig_slots.free_count++] = t->slots[--t->slot_count];
  _ig_unlock(&_ig_slots.lock);
}

uint32_t _ig_slot_alloc(void) {
  _ig_thread_t *t = _ig_thread();
  if (IG_UNLIKELY(t->slot_count == 0)) {
    _ig_slot_cache_refill(t);
    if (t->slot_count == 0) return IG_SLOT_NONE;
  }
  return t->slots[--t->slot_count];
}

void _ig_slot_free(uint32_t slot) {
  _ig_thread_t *t = _ig_thread();
  if (IG_UNLIKELY(t->slot_count == IG_SLOT_CACHE)) _ig_slot_cache_flush(t, IG_SLOT_CACHE / 2);
  t->slots[t->slot_count++] = slot;
}

/* Sequence numbers only order overlapping ranges (newest wins), so threads claim them IG_SEQ_BLOCK at a
 * time instead of sharing one contended counter per malloc and free. header.seq is the end of the last
 * block claimed: every issued number is at or below it. Within a thread numbers grow; across threads a
 * range can get a smaller number than one made slightly earlier elsewhere (by less than a block's worth
 * of the other thread's operations). */
#define IG_SEQ_BLOCK 1024u

static IG_NOINLINE uint64_t _ig_seq_refill(_ig_thread_t *t) {
  uint64_t first = __atomic_fetch_add(&_ig_header.seq, IG_SEQ_BLOCK, __ATOMIC_RELAXED) + 1;
  t->seq_next = first + 1;
  t->seq_end = first + IG_SEQ_BLOCK;
  return first;
}

uint64_t _ig_next_seq(void) {
  _ig_thread_t *t = _ig_thread();
  if (IG_UNLIKELY(t->seq_next == t->seq_end)) return _ig_seq_refill(t);
  return t->seq_next++;
}

/* ---------------------------------------------------------------------------------------------------
 * Records. Writers own a record exclusively (fresh slot, or a won claim); state is stored last with
 * release semantics, so a reader that sees a state with acquire sees the fields written before it.
 * ------------------------------------------------------------------------------------------------ */
uint64_t _ig_record_publish(uint32_t slot, uint32_t kind, uint64_t start, uint64_t size, uint32_t flags,
                            uint32_t site, uint64_t user_tag, uint16_t rz_left, uint16_t rz_right) {
  ig_range_t *r = _ig_record(slot);
  uint32_t gen = _ig_id_gen(IG_LOAD(&r->id)) + 1;
  if (gen >= 0x80000000u) gen = 1; /* bit 63 of an id is the pin logs' (IG_PIN_LOG_ID_TAG) */
  uint64_t id = (uint64_t)slot | ((uint64_t)gen << 32);
  /* the new id first: a reader that sees any new field and then re-reads id sees the new id */
  IG_STORE(&r->id, id);
  __atomic_thread_fence(__ATOMIC_RELEASE);
  r->start = start;
  r->size = size;
  r->alloc_seq = _ig_next_seq();
  r->release_seq = 0;
  r->alloc_time_ns = _ig_os_now_ns();
  r->release_time_ns = 0;
  r->user_tag = user_tag;
  IG_STORE(&r->kind, kind); /* atomic: ig_verify reads kind before it takes a snapshot */
  IG_STORE(&r->flags, flags);
  r->alloc_site = site;
  r->release_site = 0;
  r->alloc_tid = _ig_os_tid();
  r->release_tid = 0;
  r->redzone_left = rz_left;
  r->redzone_right = rz_right;
  IG_STORE_REL(&r->state, (uint32_t)IG_STATE_LIVE);
  _ig_live_add(1);
  return id;
}

void _ig_live_spill(_ig_thread_t *t, int64_t v) {
  IG_ADD(&_ig_header.live_ranges, (uint64_t)v);
  IG_STORE(&t->live_delta, 0);
}

void _ig_record_mark_released(uint32_t slot, uint32_t site) {
  ig_range_t *r = _ig_record(slot);
  r->release_seq = _ig_next_seq();
  r->release_time_ns = _ig_os_now_ns();
  r->release_site = site;
  r->release_tid = _ig_os_tid();
}

void _ig_record_set_state(uint32_t slot, uint32_t state) {
  ig_range_t *r = _ig_record(slot);
  uint32_t old = IG_LOAD(&r->state);
  IG_STORE_REL(&r->state, state);
  if (old == IG_STATE_LIVE && state != IG_STATE_LIVE) _ig_live_add(-1);
}

void _ig_record_snapshot(uint32_t slot, ig_range_t *out) {
  IG_SEQLOCK_READER();
  const ig_range_t *r = _ig_record(slot);
  memcpy(out, r, sizeof *out);
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  out->state = IG_LOAD(&r->state);
  out->id = IG_LOAD(&r->id);
}

void _ig_record_retire(uint32_t slot) {
  IG_STORE_REL(&_ig_record(slot)->state, (uint32_t)IG_STATE_EMPTY);
  _ig_slot_free(slot);
}

void _ig_range_evict(const _ig_qitem_t *item) {
  if (__atomic_exchange_n(&_ig_meta(item->slot)->indexed, 0u, __ATOMIC_ACQ_REL) != 0)
    _ig_index_remove(item->slot, item->start, item->start + item->size);
  _ig_record_retire(item->slot);
}

/* ---------------------------------------------------------------------------------------------------
 * The ig_range_* API.
 * ------------------------------------------------------------------------------------------------ */

/* The slot of id when id names a record that exists now (any state but EMPTY); IG_SLOT_NONE otherwise. */
static uint32_t _ig_slot_of(uint64_t id) {
  uint32_t slot = _ig_id_slot(id);
  if (_ig_id_gen(id) == 0 || slot >= _ig_slot_limit()) return IG_SLOT_NONE;
  const ig_range_t *r = _ig_record(slot);
  if (IG_LOAD_ACQ(&r->state) == IG_STATE_EMPTY || IG_LOAD(&r->id) != id) return IG_SLOT_NONE;
  return slot;
}

ig_status_t ig_range_register(uint32_t kind, const void *start, size_t size, uint32_t flags, uint32_t site,
                              uint64_t user_tag, uint64_t *out_id) {
  IG_ENSURE_INIT();
  uint64_t a = (uint64_t)(uintptr_t)start;
  if (out_id == NULL || start == NULL) return IG_ERR_BAD_ARG;
  *out_id = 0;
  if (kind < IG_RANGE_MANAGED_PIN || kind > IG_RANGE_NATIVE_REGION) return IG_ERR_BAD_ARG;
  if (size == 0) size = 1;
  if (a >= IG_ADDR_LIMIT || size > IG_ADDR_LIMIT - a) return IG_ERR_BAD_ARG;
  uint32_t slot = _ig_slot_alloc();
  if (slot == IG_SLOT_NONE) return IG_ERR_TABLE_FULL;
  uint64_t id = _ig_record_publish(slot, kind, a, size, flags & ~(uint32_t)IG_RANGE_F_ALIGNED, site, user_tag, 0, 0);
  IG_STORE(&_ig_meta(slot)->indexed, _ig_id_gen(id));
  _ig_entry_t e = {a, a + size, 0, id, _ig_record(slot)->alloc_seq, 0, 0, IG_STATE_LIVE, (uint8_t)kind, 0};
  _ig_index_insert(&e);
  *out_id = id;
  return IG_OK;
}

ig_status_t ig_range_release(uint64_t id, uint32_t site, ig_range_t *out) {
  IG_ENSURE_INIT();
  if (IG_PIN_LOG_IS_ID(id)) return _ig_pinlog_release(id, site, out);
  uint32_t slot = _ig_slot_of(id);
  if (slot == IG_SLOT_NONE) return IG_ERR_NOT_FOUND;
  const ig_range_t *r = _ig_record(slot);
  if (IG_LOAD(&r->kind) == IG_RANGE_NATIVE_BLOCK) return IG_ERR_BAD_ARG; /* use ig_free */
  _ig_qitem_t item = {IG_LOAD(&r->start), IG_LOAD(&r->size), slot, 0, 0};
  /* start and size were read before the id check in _ig_slot_of could go stale: re-check the id */
  if (IG_LOAD_ACQ(&r->id) != id || !_ig_index_claim(id, item.start, item.start + item.size, IG_STATE_RELEASED)) {
    ig_range_t snap;
    _ig_record_snapshot(slot, &snap);
    if (snap.id != id || snap.state == IG_STATE_EMPTY) return IG_ERR_NOT_FOUND;
    if (out) *out = snap;
    return IG_ERR_STATE;
  }
  _ig_record_mark_released(slot, site);
  _ig_record_set_state(slot, IG_STATE_RELEASED);
  if (out) _ig_record_snapshot(slot, out);
  _ig_history_push(&item);
  return IG_OK;
}

ig_status_t ig_range_set_flags(uint64_t id, uint32_t set, uint32_t clear) {
  IG_ENSURE_INIT();
  if (IG_PIN_LOG_IS_ID(id)) return _ig_pinlog_set_flags(id, set, clear);
  uint32_t slot = _ig_slot_of(id);
  if (slot == IG_SLOT_NONE) return IG_ERR_NOT_FOUND;
  ig_range_t *r = _ig_record(slot);
  if (IG_LOAD_ACQ(&r->state) != IG_STATE_LIVE) return IG_ERR_STATE;
  /* IG_RANGE_F_ALIGNED describes how a block was made; callers cannot change it. */
  set &= ~(uint32_t)IG_RANGE_F_ALIGNED;
  clear &= ~(uint32_t)IG_RANGE_F_ALIGNED;
  __atomic_fetch_and(&r->flags, ~clear, __ATOMIC_RELAXED);
  __atomic_fetch_or(&r->flags, set, __ATOMIC_RELAXED);
  return IG_OK;
}

ig_status_t _ig_range_set_tag(uint64_t id, uint64_t user_tag) {
  uint32_t slot = _ig_slot_of(id);
  if (slot == IG_SLOT_NONE) return IG_ERR_NOT_FOUND;
  IG_STORE(&_ig_record(slot)->user_tag, user_tag);
  return IG_OK;
}

ig_status_t ig_range_get(uint64_t id, ig_range_t *out) {
  IG_ENSURE_INIT();
  if (out == NULL) return IG_ERR_BAD_ARG;
  if (IG_PIN_LOG_IS_ID(id)) return _ig_pinlog_get(id, out);
  uint32_t slot = _ig_slot_of(id);
  if (slot == IG_SLOT_NONE) return IG_ERR_NOT_FOUND;
  ig_range_t snap;
  _ig_record_snapshot(slot, &snap);
  if (snap.id != id || snap.state == IG_STATE_EMPTY) return IG_ERR_NOT_FOUND;
  *out = snap;
  return IG_OK;
}

/* ---------------------------------------------------------------------------------------------------
 * Statistics.
 * ------------------------------------------------------------------------------------------------ */
void ig_get_stats(ig_stats_t *out) {
  IG_ENSURE_INIT();
  if (out == NULL) return;
  memset(out, 0, sizeof *out);
  uint64_t alloc_bytes = 0, free_bytes = 0;
  for (_ig_thread_t *t = _ig_threads_all(); t != NULL; t = t->next_all) {
    out->total_allocs += IG_LOAD(&t->allocs);
    out->total_frees += IG_LOAD(&t->frees);
    alloc_bytes += IG_LOAD(&t->alloc_bytes);
    free_bytes += IG_LOAD(&t->free_bytes);
  }
  out->live_blocks = out->total_allocs - out->total_frees;
  out->live_block_bytes = alloc_bytes - free_bytes;
  out->quarantine_blocks = _ig_quarantine_blocks();
  out->quarantine_bytes = _ig_quarantine_user_bytes();
  int64_t live = (int64_t)IG_LOAD(&_ig_header.live_ranges);
  for (_ig_thread_t *t = _ig_threads_all(); t != NULL; t = t->next_all) live += IG_LOAD(&t->live_delta);
  out->live_ranges = (uint64_t)live;
  out->released_ranges = out->quarantine_blocks + _ig_history_count();
  out->reports = _ig_report_count();
}
