/* ig_quarantine.c - the two FIFOs that keep dead ranges findable: the quarantine of freed native blocks
 * (bounded by bytes, quarantine_mb) and the release history of released pins, views, callbacks and regions
 * (bounded by count, release_history); runs on every free and release, and at thread exit.
 *
 * Each thread keeps its own FIFO of batches (IG_QBATCH entries each), written only by itself, so a free
 * takes no lock and touches no shared line. The bound is global: every thread adds its new budget bytes
 * to one shared total once per batch (when the batch is full, or its unpublished entries hold 1/8 of the
 * bound, at most 1 MiB), and while the total is over the bound the publishing thread evicts the oldest
 * entries: first from the orphan list (FIFOs handed over by exited threads, under a spinlock), then from
 * its own FIFO, at most IG_QBATCH per round, subtracting each round from the total. The total may
 * therefore exceed the bound by at most one batch per thread (its unpublished entries, or a batch just
 * published and not yet evicted). Order is FIFO per thread, not across threads. An entry holds what
 * eviction needs (user start, size, redzones, slot), so eviction reads neither the record nor any link
 * in freed memory, and a write-after-free cannot corrupt the queue. Batches come from a pool of mmap'ed
 * pages; each thread keeps one emptied batch as a spare.
 *
 *   thread A: head [b1: first=37 .. count=64] -> [b2] -> [b3: 12 of 64] tail   unpublished: 12 entries
 *   thread B: head [b7: first=3 .. count=64] -> [b8: 40 of 64] tail
 *   orphans (exited threads, lock): [b4] -> [b5: 20 of 64]   evicted first
 *   total (shared, atomic per batch) = published budget bytes of A + B + orphans
 */
#include "internal/ig_internal.h"

typedef struct _ig_fifo_s {
  uint64_t bound;
  uint64_t local_limit; /* publish a thread's pending budget bytes at this many */
  uint64_t total IG_ALIGNED(IG_CACHE_LINE); /* published budget bytes of all FIFOs (shared, atomic) */
  _ig_lock_t lock IG_ALIGNED(IG_CACHE_LINE); /* guards orphans */
  _ig_local_fifo_t orphans;                  /* FIFOs of exited threads, oldest first */
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
  _ig_history.local_limit = _ig_history.bound / 8 ? _ig_history.bound / 8 : 1;
}

/* Orphans are read first: a FIFO handed over between the two reads is missed, never counted twice. */
uint64_t _ig_quarantine_blocks(void) {
  uint64_t n = IG_LOAD(&_ig_quarantine.orphans.count);
  for (_ig_thread_t *t = _ig_threads_all(); t; t = t->next_all) n += IG_LOAD(&t->quarantine.count);
  return n;
}
uint64_t _ig_quarantine_user_bytes(void) {
  uint64_t n = IG_LOAD(&_ig_quarantine.orphans.user_bytes);
  for (_ig_thread_t *t = _ig_threads_all(); t; t = t->next_all) n += IG_LOAD(&t->quarantine.user_bytes);
  return n;
}
uint64_t _ig_history_count(void) {
  uint64_t n = IG_LOAD(&_ig_history.orphans.count);
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
  if (stage == 1) {
    __builtin_prefetch((const void *)(uintptr_t)lo, 1);
    __builtin_prefetch((const void *)(uintptr_t)v->start, 1);
    /* the poison re-check reads up to 64 bytes from the start: usually across two lines (the start is 16-aligned) */
    if (v->size > 1) __builtin_prefetch((const void *)(uintptr_t)(v->start + (v->size < 64 ? v->size : 64) - 1), 1);
    __builtin_prefetch(_ig_record(v->slot), 1);
  }
  _ig_index_prefetch(lo, hi, stage);
}

/* Evicts victims outside the lock. Everything an eviction touches is cold by nature (the block was
 * freed a quarantine ago), so the misses are overlapped: the bin of victim i + 3 * AHEAD, then the block
 * header, first poisoned bytes, record and entry array header of victim i + 2 * AHEAD, then the entry of victim
 * i + AHEAD. */
static void _ig_evict_all(const _ig_qitem_t *v, uint32_t n, bool is_quarantine) {
  enum { AHEAD = 4 };
  if (is_quarantine) {
    for (uint32_t i = 0; i < n && i < 3 * AHEAD; i++) _ig_evict_prefetch(&v[i], 0);
    for (uint32_t i = 0; i < n && i < 2 * AHEAD; i++) _ig_evict_prefetch(&v[i], 1);
    for (uint32_t i = 0; i < n && i < AHEAD; i++) _ig_evict_prefetch(&v[i], 2);
  }
  for (uint32_t i = 0; i < n; i++) {
    if (is_quarantine) {
      if (i + 3 * AHEAD < n) _ig_evict_prefetch(&v[i + 3 * AHEAD], 0);
      if (i + 2 * AHEAD < n) _ig_evict_prefetch(&v[i + 2 * AHEAD], 1);
      if (i + AHEAD < n) _ig_evict_prefetch(&v[i + AHEAD], 2);
      _ig_block_evict(&v[i]);
    } else {
      if (i + AHEAD < n) __builtin_prefetch(_ig_record(v[i + AHEAD].slot), 1);
      _ig_range_evict(&v[i]);
    }
  }
}

/* Moves up to IG_QBATCH of the oldest entries of l, worth at least `want` budget bytes if l holds
 * them, into v; emptied batches are chained onto [*df, *dl]. */
static uint32_t _ig_fifo_take(_ig_local_fifo_t *l, _ig_qitem_t *v, uint64_t want, bool is_quarantine,
                              uint64_t *cost, uint64_t *user, _ig_qbatch_t **df, _ig_qbatch_t **dl) {
  uint32_t n = 0;
  uint64_t c = 0, u = 0;
  while (n < IG_QBATCH && c < want && l->head) {
    _ig_qbatch_t *b = l->head; /* never empty: a batch is made for an entry and dropped when drained */
    const _ig_qitem_t *it = &b->item[b->first++];
    v[n++] = *it;
    c += _ig_item_cost(it, is_quarantine);
    u += is_quarantine ? it->size : 0;
    if (b->first == b->count) {
      l->head = b->next;
      if (!l->head) l->tail = NULL;
      b->next = NULL;
      if (*dl) (*dl)->next = b; else *df = b;
      *dl = b;
    }
  }
  IG_STORE(&l->count, l->count - n);
  l->bytes -= c;
  IG_STORE(&l->user_bytes, l->user_bytes - u);
  *cost = c;
  *user = u;
  return n;
}

/* While the shared total is over the bound: evicts the oldest orphans, else the oldest entries of the
 * caller's own FIFO, one round of at most IG_QBATCH at a time. Stops early when neither has anything:
 * what is over then belongs to other threads, which evict at their next batch. */
static IG_NOINLINE void _ig_fifo_evict(_ig_fifo_t *g, _ig_local_fifo_t *l, uint64_t total, bool is_quarantine) {
  _ig_qitem_t victims[IG_QBATCH];
  while (total > g->bound) {
    uint64_t want = total - g->bound, cost = 0, user = 0;
    _ig_qbatch_t *df = NULL, *dl = NULL;
    uint32_t n = 0;
    if (IG_LOAD(&g->orphans.count) != 0) {
      _ig_lock(&g->lock);
      n = _ig_fifo_take(&g->orphans, victims, want, is_quarantine, &cost, &user, &df, &dl);
      _ig_unlock(&g->lock);
    }
    if (n == 0) {
      n = _ig_fifo_take(l, victims, want, is_quarantine, &cost, &user, &df, &dl);
      if (df != NULL && l->spare == NULL) { /* keep one emptied batch for the next entries */
        l->spare = df;
        df = df->next;
        l->spare->next = NULL;
      }
    }
    if (n == 0) return;
    total = __atomic_sub_fetch(&g->total, cost, __ATOMIC_RELAXED);
    if (is_quarantine) IG_SUB(&ig_shadow_table->quarantine_bytes, user);
    _ig_evict_all(victims, n, is_quarantine);
    if (df) _ig_batch_put_list(df, dl);
  }
}

/* Adds the caller's unpublished bytes to the shared total (and user bytes to the header), then evicts
 * what is over the bound. */
static void _ig_fifo_publish(_ig_fifo_t *g, _ig_local_fifo_t *l, bool is_quarantine) {
  uint64_t total = __atomic_add_fetch(&g->total, l->unpub_bytes, __ATOMIC_RELAXED);
  if (is_quarantine) IG_ADD(&ig_shadow_table->quarantine_bytes, l->unpub_user);
  l->unpub_bytes = l->unpub_user = 0;
  if (total > g->bound) _ig_fifo_evict(g, l, total, is_quarantine);
}

static void _ig_fifo_push(_ig_fifo_t *g, _ig_local_fifo_t *l, const _ig_qitem_t *item, uint64_t cost,
                          uint64_t user, bool is_quarantine) {
  _ig_qbatch_t *b = l->tail;
  if (IG_UNLIKELY(b == NULL || b->count == IG_QBATCH)) {
    _ig_qbatch_t *nb = l->spare;
    if (nb != NULL) {
      l->spare = NULL;
      nb->next = NULL;
      nb->count = nb->first = 0;
    } else {
      nb = _ig_batch_get();
    }
    if (b) b->next = nb; else l->head = nb;
    l->tail = b = nb;
  }
  b->item[b->count++] = *item;
  IG_STORE(&l->count, l->count + 1);
  l->bytes += cost;
  IG_STORE(&l->user_bytes, l->user_bytes + user);
  l->unpub_bytes += cost;
  l->unpub_user += user;
  if (b->count == IG_QBATCH || l->unpub_bytes >= g->local_limit) _ig_fifo_publish(g, l, is_quarantine);
}

/* At thread exit: publishes what is pending and hands the whole FIFO to the orphan list. The thread's
 * counts are cleared before the orphans' grow, so ig_get_stats may miss it for a moment but never counts
 * it twice. */
static void _ig_fifo_orphan(_ig_fifo_t *g, _ig_local_fifo_t *l, bool is_quarantine) {
  if (l->unpub_bytes != 0) _ig_fifo_publish(g, l, is_quarantine);
  if (l->spare != NULL) {
    _ig_batch_put_list(l->spare, l->spare);
    l->spare = NULL;
  }
  if (l->head == NULL) return;
  _ig_qbatch_t *h = l->head, *t = l->tail;
  uint64_t n = l->count, bytes = l->bytes, user = l->user_bytes;
  l->head = l->tail = NULL;
  IG_STORE(&l->count, 0);
  l->bytes = 0;
  IG_STORE(&l->user_bytes, 0);
  _ig_lock(&g->lock);
  if (g->orphans.tail) g->orphans.tail->next = h; else g->orphans.head = h;
  g->orphans.tail = t;
  IG_STORE(&g->orphans.count, g->orphans.count + n);
  g->orphans.bytes += bytes;
  IG_STORE(&g->orphans.user_bytes, g->orphans.user_bytes + user);
  _ig_unlock(&g->lock);
}

void _ig_quarantine_push(const _ig_qitem_t *item) {
  if (_ig_quarantine.bound == 0) { /* quarantine off: the block leaves at once (reuse cache, else libc) */
    _ig_block_evict(item);
    return;
  }
  _ig_thread_t *t = _ig_thread();
  _ig_fifo_push(&_ig_quarantine, &t->quarantine, item, _ig_item_cost(item, true), item->size, true);
}

void _ig_history_push(const _ig_qitem_t *item) {
  if (_ig_history.bound == 0) {
    _ig_range_evict(item);
    return;
  }
  _ig_thread_t *t = _ig_thread();
  _ig_fifo_push(&_ig_history, &t->history, item, 1, 0, false);
}

void _ig_thread_flush(_ig_thread_t *t) {
  _ig_fifo_orphan(&_ig_quarantine, &t->quarantine, true);
  _ig_fifo_orphan(&_ig_history, &t->history, false);
}
