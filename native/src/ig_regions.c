/* ig_regions.c - the list shape call regions (ig_calls.c) and pin logs (ig_pinlog.c) share: per-thread regions linked
 * from a header word, push-only and never unmapped, claimed by a thread with a CAS on a free region's tid or mapped a
 * batch at a time; runs on a thread's first call pin or first explicit pin.
 *
 *   header word ──► region ──next──► region ──next──► ... ──► 0      (tid 0 = free; next written before publication)
 */
#include "internal/ig_internal.h"

_Static_assert(offsetof(ig_call_region_t, next) == offsetof(_ig_region_link_t, next), "call regions are links");
_Static_assert(offsetof(ig_call_region_t, tid) == offsetof(_ig_region_link_t, tid), "call regions are links");
_Static_assert(offsetof(ig_pin_log_t, next) == offsetof(_ig_region_link_t, next), "pin logs are links");
_Static_assert(offsetof(ig_pin_log_t, tid) == offsetof(_ig_region_link_t, tid), "pin logs are links");

void *_ig_region_claim_free(uint64_t *head, uint32_t tid) {
  for (_ig_region_link_t *r = (_ig_region_link_t *)(uintptr_t)IG_LOAD_ACQ(head); r != NULL;
       r = (_ig_region_link_t *)(uintptr_t)IG_LOAD_ACQ(&r->next)) {
    uint32_t free_tid = 0;
    if (IG_LOAD(&r->tid) == 0 &&
        __atomic_compare_exchange_n(&r->tid, &free_tid, tid, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      return r;
  }
  return NULL;
}

void *_ig_region_map_batch(uint64_t *head, size_t size, int count, uint32_t tid, void (*init)(void *region, int i)) {
  char *batch = _ig_os_reserve((size_t)count * size);
  if (batch == NULL) return NULL;
  for (int i = 0; i < count; i++) {
    _ig_region_link_t *r = (_ig_region_link_t *)(batch + (size_t)i * size);
    if (init != NULL) init(r, i);
    if (i + 1 < count) r->next = (uint64_t)(uintptr_t)(batch + (size_t)(i + 1) * size);
  }
  ((_ig_region_link_t *)batch)->tid = tid;
  _ig_region_link_t *last = (_ig_region_link_t *)(batch + (size_t)(count - 1) * size);
  uint64_t first = IG_LOAD(head);
  do {
    IG_STORE(&last->next, first);
  } while (!__atomic_compare_exchange_n(head, &first, (uint64_t)(uintptr_t)batch, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
  return batch;
}
