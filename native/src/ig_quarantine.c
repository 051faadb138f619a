/* ig_quarantine.c - the two FIFOs that keep dead ranges findable: the quarantine of freed native blocks
 * (bounded by bytes, quarantine_mb) and the release history of released pins, views, callbacks and regions
 * (bounded by count, release_history); runs on every free and release, and at thread exit.
 *
 * Each thread first queues into a small local FIFO (no lock); when that holds IG_LOCAL_MAX entries or
 * 1/8 of the bound it is spliced onto the global FIFO under a short spinlock, the oldest entries beyond
 * the bound are unlinked in the same critical section and evicted after the lock is dropped. Entries
 * are linked through the slot metadata (_ig_slot_meta_t.next), never through the freed memory itself,
 * so a write-after-free cannot corrupt the queue.
 *
 *   thread A local: s7 -> s9              global: head s1 -> s2 -> ... -> s6 tail
 *   thread B local: s8                      evicted from the head while bytes > bound
 */
#include "internal/ig_internal.h"

#define IG_LOCAL_MAX 64u

typedef struct _ig_fifo_s {
  _ig_lock_t lock;
  uint32_t head, tail; /* slot + 1, 0 = empty */
  uint64_t count;
  uint64_t bytes;       /* what the bound counts */
  uint64_t user_bytes;  /* user bytes, for the header */
  uint64_t bound;
  uint64_t local_limit; /* flush a thread's local FIFO at this many budget bytes */
} IG_ALIGNED(IG_CACHE_LINE) _ig_fifo_t;

static _ig_fifo_t _ig_quarantine;
static _ig_fifo_t _ig_history;

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

/* Splices the local FIFO onto the global one and evicts what exceeds the bound. */
static void _ig_fifo_flush(_ig_fifo_t *g, _ig_local_fifo_t *l, bool is_quarantine) {
  uint32_t victims = 0, vtail = 0;
  _ig_lock(&g->lock);
  if (l->head) {
    if (g->tail) _ig_meta(g->tail - 1)->next = l->head; else g->head = l->head;
    g->tail = l->tail;
    IG_STORE(&g->count, g->count + l->count);
    g->bytes += l->bytes;
    IG_STORE(&g->user_bytes, g->user_bytes + l->user_bytes);
    l->head = l->tail = 0;
    IG_STORE(&l->count, 0);
    l->bytes = 0;
    IG_STORE(&l->user_bytes, 0);
  }
  while (g->bytes > g->bound && g->head) {
    uint32_t s = g->head - 1;
    _ig_slot_meta_t *m = _ig_meta(s);
    const ig_range_t *r = _ig_record(s);
    uint64_t user = r->size;
    uint64_t cost = is_quarantine ? (uint64_t)r->redzone_left + user + r->redzone_right : 1;
    g->head = m->next;
    if (!g->head) g->tail = 0;
    IG_STORE(&g->count, g->count - 1);
    g->bytes -= cost;
    IG_STORE(&g->user_bytes, g->user_bytes - (is_quarantine ? user : 0));
    m->next = 0;
    if (vtail) _ig_meta(vtail - 1)->next = s + 1; else victims = s + 1;
    vtail = s + 1;
  }
  if (is_quarantine) IG_STORE(&ig_shadow_table->quarantine_bytes, g->user_bytes);
  _ig_unlock(&g->lock);
  while (victims) {
    uint32_t s = victims - 1;
    victims = _ig_meta(s)->next;
    _ig_meta(s)->next = 0;
    if (is_quarantine) _ig_block_evict(s); else _ig_range_evict(s);
  }
}

static void _ig_local_push(_ig_local_fifo_t *l, uint32_t slot, uint64_t bytes, uint64_t user_bytes) {
  _ig_meta(slot)->next = 0;
  if (l->tail) _ig_meta(l->tail - 1)->next = slot + 1; else l->head = slot + 1;
  l->tail = slot + 1;
  IG_STORE(&l->count, l->count + 1);
  l->bytes += bytes;
  IG_STORE(&l->user_bytes, l->user_bytes + user_bytes);
}

void _ig_quarantine_push(uint32_t slot, uint64_t block_bytes, uint64_t user_bytes) {
  if (_ig_quarantine.bound == 0) { /* quarantine off: the block goes back at once */
    _ig_block_evict(slot);
    return;
  }
  _ig_thread_t *t = _ig_thread();
  _ig_local_push(&t->quarantine, slot, block_bytes, user_bytes);
  if (t->quarantine.count >= IG_LOCAL_MAX || t->quarantine.bytes >= _ig_quarantine.local_limit)
    _ig_fifo_flush(&_ig_quarantine, &t->quarantine, true);
}

void _ig_history_push(uint32_t slot) {
  if (_ig_history.bound == 0) {
    _ig_range_evict(slot);
    return;
  }
  _ig_thread_t *t = _ig_thread();
  _ig_local_push(&t->history, slot, 1, 0);
  if (t->history.count >= IG_LOCAL_MAX || t->history.bytes >= _ig_history.local_limit)
    _ig_fifo_flush(&_ig_history, &t->history, false);
}

void _ig_thread_flush(_ig_thread_t *t) {
  if (t->quarantine.head) _ig_fifo_flush(&_ig_quarantine, &t->quarantine, true);
  if (t->history.head) _ig_fifo_flush(&_ig_history, &t->history, false);
}
