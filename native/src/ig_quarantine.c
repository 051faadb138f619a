/* ig_quarantine.c - the two FIFOs that keep dead ranges findable: the quarantine of freed native blocks
 * (bounded by bytes, quarantine_mb) and the release history of released pins, views, callbacks and regions
 * (bounded by count, release_history); runs on every free and release, and at thread exit.
 *
 * Each thread fills a local batch of IG_QBATCH entries without a lock; when the batch is full (or holds
 * 1/8 of the bound, at most 1 MiB) it is appended to the global FIFO of batches under a short spinlock,
 * and the oldest entries beyond the bound are copied out in the same critical section (at most
 * IG_QBATCH per round) and evicted after the lock is dropped. An entry holds what eviction needs (user
 * start, size, redzones, slot), so eviction reads neither the record nor any link in freed memory, and
 * a write-after-free cannot corrupt the queue. Batches come from a pool of mmap'ed pages.
 *
 *   global: head [b1: first=37 .. count=64] -> [b2: 64 entries] -> ... -> [bN] tail
 *   thread A local: [64 slots, 12 filled]       eviction takes b1.item[first++] while bytes > bound
 */
#include "internal/ig_internal.h"

typedef struct _ig_fifo_s {
  _ig_lock_t lock;
  _ig_qbatch_t *head, *tail;
  uint64_t count;
  uint64_t bytes;       /* what the bound counts */
  uint64_t user_bytes;  /* user bytes, for the header */
  uint64_t bound;
  uint64_t local_limit; /* flush a thread's local batch at this many budget bytes */
} IG_ALIGNED(IG_CACHE_LINE) _ig_fifo_t;

static _ig_fifo_t _ig_quarantine;
static _ig_fifo_t _ig_history;

static struct {
  _ig_lock_t lock;
  _ig_qbatch_t *free;
} _ig_batch_pool IG_ALIGNED(IG_CACHE_LINE);

void _ig_quarantine_init(void) {
  _ig_quarantine.bound = (uint64_t)IG_OPT(quarantine_mb) << 20;
  _ig_quarantine.local_limit = _ig_quarantine.bound / 8 < (1u << 20) ? _ig_quarantine.bound / 8 : (1u << 20);
  _ig_history.bound = (uint64_t)IG_OPT(release_history);
  _ig_history.local_limit = _ig_history.bound / 8;
}

uint64_t _ig_quarantine_blocks(void) {
  uint64_t n = IG_LOAD(&_ig_quarantine.count);
  for (_ig_thread_t *t = _ig_threads_all(); t; t = t->next_all) n += IG_LOAD(&t->quarantine.count);
  return n;
}
uint64_t _ig_quarantine_user_bytes(void) {
  uint64_t n = IG_LOAD(&_ig_quarantine.user_bytes);
  for (_ig_thread_t *t = _ig_threads_all(); t; t = t->next_all) n += IG_LOAD(&t->quarantine.user_bytes);
  return n;
}
uint64_t _ig_history_count(void) {
  uint64_t n = IG_LOAD(&_ig_history.count);
  for (_ig_thread_t *t = _ig_threads_all(); t; t = t->next_all) n += IG_LOAD(&t->history.count);
  return n;
}

/* ---------------------------------------------------------------------------------------------------
 * Batch pool.
 * ------------------------------------------------------------------------------------------------ */
static IG_NOINLINE _ig_qbatch_t *_ig_batch_get(void) {
  _ig_lock(&_ig_batch_pool.lock);
  _ig_qbatch_t *b = _ig_batch_pool.free;
  if (b == NULL) {
    enum { N = 64 };
    _ig_qbatch_t *page = _ig_os_reserve(N * sizeof(_ig_qbatch_t));
    IG_ASSERT(page != NULL);
    for (int i = N - 1; i >= 1; i--) {
      page[i].next = _ig_batch_pool.free;
      _ig_batch_pool.free = &page[i];
    }
    b = &page[0];
  } else {
    _ig_batch_pool.free = b->next;
  }
  _ig_unlock(&_ig_batch_pool.lock);
  b->next = NULL;
  b->count = b->first = 0;
  return b;
}

static void _ig_batch_put_list(_ig_qbatch_t *first, _ig_qbatch_t *last) {
  _ig_lock(&_ig_batch_pool.lock);
  last->next = _ig_batch_pool.free;
  _ig_batch_pool.free = first;
  _ig_unlock(&_ig_batch_pool.lock);
}

/* ---------------------------------------------------------------------------------------------------
 * Flush and eviction.
 * ------------------------------------------------------------------------------------------------ */
IG_INLINE uint64_t _ig_item_cost(const _ig_qitem_t *it, bool is_quarantine) {
  return is_quarantine ? (uint64_t)it->rz_left + it->size + it->rz_right : 1;
}

static void _ig_evict_prefetch(const _ig_qitem_t *v, int stage) {
  uint64_t lo = v->start - v->rz_left, hi = v->start + v->size + v->rz_right;
  if (stage == 0) {
    _ig_index_prefetch(lo, hi, 0);
    return;
  }
  __builtin_prefetch((const void *)(uintptr_t)lo, 1);
  __builtin_prefetch((const void *)(uintptr_t)v->start, 1);
  __builtin_prefetch(_ig_record(v->slot), 1);
  _ig_index_prefetch(lo, hi, 1);
}

/* Evicts victims outside the lock. Everything an eviction touches is cold by nature (the block was
 * freed a quarantine ago), so the misses are overlapped: the bin of victim i + 2 * AHEAD, then the block
 * header, first poisoned bytes, record and entry array of victim i + AHEAD. */
static void _ig_evict_all(const _ig_qitem_t *v, uint32_t n, bool is_quarantine) {
  enum { AHEAD = 4 };
  if (is_quarantine) {
    for (uint32_t i = 0; i < n && i < 2 * AHEAD; i++) _ig_evict_prefetch(&v[i], 0);
    for (uint32_t i = 0; i < n && i < AHEAD; i++) _ig_evict_prefetch(&v[i], 1);
  }
  for (uint32_t i = 0; i < n; i++) {
    if (is_quarantine) {
      if (i + 2 * AHEAD < n) _ig_evict_prefetch(&v[i + 2 * AHEAD], 0);
      if (i + AHEAD < n) _ig_evict_prefetch(&v[i + AHEAD], 1);
      _ig_block_evict(&v[i]);
    } else {
      if (i + AHEAD < n) __builtin_prefetch(_ig_record(v[i + AHEAD].slot), 1);
      _ig_range_evict(&v[i]);
    }
  }
}

/* Appends the local batch (if any) to the global FIFO and evicts what exceeds the bound. */
static void _ig_fifo_flush(_ig_fifo_t *g, _ig_local_fifo_t *l, bool is_quarantine) {
  _ig_qitem_t victims[IG_QBATCH];
  bool appended = false;
  for (;;) {
    uint32_t n = 0;
    _ig_qbatch_t *done_first = NULL, *done_last = NULL;
    _ig_lock(&g->lock);
    if (!appended && l->batch != NULL) {
      appended = true;
      _ig_qbatch_t *b = l->batch;
      b->next = NULL;
      if (g->tail) g->tail->next = b; else g->head = b;
      g->tail = b;
      IG_STORE(&g->count, g->count + l->count);
      g->bytes += l->bytes;
      IG_STORE(&g->user_bytes, g->user_bytes + l->user_bytes);
      l->batch = NULL;
      IG_STORE(&l->count, 0);
      l->bytes = 0;
      IG_STORE(&l->user_bytes, 0);
    }
    while (g->bytes > g->bound && g->head && n < IG_QBATCH) {
      _ig_qbatch_t *b = g->head;
      const _ig_qitem_t *it = &b->item[b->first++];
      victims[n++] = *it;
      IG_STORE(&g->count, g->count - 1);
      g->bytes -= _ig_item_cost(it, is_quarantine);
      IG_STORE(&g->user_bytes, g->user_bytes - (is_quarantine ? it->size : 0));
      if (b->first == b->count) {
        g->head = b->next;
        if (!g->head) g->tail = NULL;
        b->next = NULL;
        if (done_last) done_last->next = b; else done_first = b;
        done_last = b;
      }
    }
    bool more = g->bytes > g->bound && g->head;
    if (is_quarantine) IG_STORE(&ig_shadow_table->quarantine_bytes, g->user_bytes);
    _ig_unlock(&g->lock);
    _ig_evict_all(victims, n, is_quarantine);
    if (done_first) _ig_batch_put_list(done_first, done_last);
    if (!more) return;
  }
}

static void _ig_local_push(_ig_local_fifo_t *l, const _ig_qitem_t *item, uint64_t bytes, uint64_t user_bytes) {
  _ig_qbatch_t *b = l->batch;
  if (IG_UNLIKELY(b == NULL)) l->batch = b = _ig_batch_get();
  b->item[b->count++] = *item;
  IG_STORE(&l->count, l->count + 1);
  l->bytes += bytes;
  IG_STORE(&l->user_bytes, l->user_bytes + user_bytes);
}

bool _ig_quarantine_off(void) { return _ig_quarantine.bound == 0; }

void _ig_quarantine_push(const _ig_qitem_t *item) {
  if (_ig_quarantine.bound == 0) { /* quarantine off: the block goes back at once */
    _ig_block_evict(item);
    return;
  }
  _ig_thread_t *t = _ig_thread();
  _ig_local_push(&t->quarantine, item, _ig_item_cost(item, true), item->size);
  if (t->quarantine.batch->count == IG_QBATCH || t->quarantine.bytes >= _ig_quarantine.local_limit)
    _ig_fifo_flush(&_ig_quarantine, &t->quarantine, true);
}

void _ig_history_push(const _ig_qitem_t *item) {
  if (_ig_history.bound == 0) {
    _ig_range_evict(item);
    return;
  }
  _ig_thread_t *t = _ig_thread();
  _ig_local_push(&t->history, item, 1, 0);
  if (t->history.batch->count == IG_QBATCH || t->history.bytes >= _ig_history.local_limit)
    _ig_fifo_flush(&_ig_history, &t->history, false);
}

void _ig_thread_flush(_ig_thread_t *t) {
  if (t->quarantine.batch) _ig_fifo_flush(&_ig_quarantine, &t->quarantine, true);
  if (t->history.batch) _ig_fifo_flush(&_ig_history, &t->history, false);
}
