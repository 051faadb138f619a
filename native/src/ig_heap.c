/* ig_heap.c - the native-heap registry: a lock-free open-addressed table of the blocks hooked libraries allocated,
 * written by the allocation hooks on any thread and read by the validator from outside the process. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/mman.h>

#include "internal/ig_heap.h"

_Static_assert(sizeof(ig_heap_header_t) == 64, "ig_heap_header_t is 64 bytes");
_Static_assert(offsetof(ig_heap_header_t, capacity) == 16, "heap.capacity");
_Static_assert(offsetof(ig_heap_header_t, slots) == 24, "heap.slots");
_Static_assert(offsetof(ig_heap_header_t, untracked_frees) == 32, "heap.untracked_frees");
_Static_assert(offsetof(ig_heap_header_t, dropped) == 40, "heap.dropped");
_Static_assert(offsetof(ig_heap_header_t, modules) == 48, "heap.modules");
_Static_assert(offsetof(ig_heap_header_t, generation) == 56, "heap.generation");
_Static_assert(sizeof(ig_heap_slot_t) == 32, "ig_heap_slot_t is 32 bytes");
_Static_assert(offsetof(ig_heap_slot_t, size) == 8, "slot.size");
_Static_assert(offsetof(ig_heap_slot_t, caller) == 16, "slot.caller");
_Static_assert(offsetof(ig_heap_slot_t, state) == 24, "slot.state");
_Static_assert(offsetof(ig_heap_slot_t, how) == 28, "slot.how");

ig_heap_header_t _ig_heap_header;

static ig_heap_slot_t *_ig_heap_slots;
static uint64_t _ig_heap_mask;
static unsigned _ig_heap_shift;

int _ig_heap_registry_init(uint64_t capacity) {
  uint64_t cap = 1024;
  while (cap < capacity && cap < ((uint64_t)1 << 30)) cap <<= 1;
  /* Reserved, not committed: pages are touched as slots are used (a validator reading an untouched page sees zeros). */
  void *p = mmap(NULL, cap * sizeof(ig_heap_slot_t), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return -1;
  _ig_heap_slots = p;
  _ig_heap_mask = cap - 1;
  _ig_heap_shift = 64u - (unsigned)__builtin_ctzll(cap);
  memcpy(_ig_heap_header.magic, IG_HEAP_MAGIC "\0", 8);
  _ig_heap_header.version = IG_HEAP_VERSION;
  _ig_heap_header.slot_size = (uint32_t)sizeof(ig_heap_slot_t);
  _ig_heap_header.capacity = cap;
  IG_STORE_REL(&_ig_heap_header.slots, (uint64_t)(uintptr_t)p);
  return 0;
}

/* Fibonacci hashing of the address without its always-zero low bits: consecutive blocks land far apart. */
IG_INLINE uint64_t _ig_heap_hash(uintptr_t p) { return ((uint64_t)(p >> 4) * 0x9E3779B97F4A7C15ull) >> _ig_heap_shift; }

int _ig_heap_insert(const void *ptr, size_t size, uintptr_t caller, uint32_t how) {
  uint64_t want = (uint64_t)(uintptr_t)ptr;
  uint64_t i = _ig_heap_hash((uintptr_t)ptr);
  for (uint32_t n = 0; n < IG_HEAP_PROBES; n++, i = (i + 1) & _ig_heap_mask) {
    ig_heap_slot_t *s = &_ig_heap_slots[i];
    uint64_t a = IG_LOAD(&s->addr);
    if (a > IG_HEAP_TOMBSTONE) continue;
    /* An address is live at most once (libc hands it out again only after the free that removed it), so the first
     * empty or removed slot of the window is the place; a racing insert that takes it first moves us on. */
    if (!__atomic_compare_exchange_n(&s->addr, &a, want, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) continue;
    IG_STORE(&s->size, (uint64_t)size);
    IG_STORE(&s->caller, (uint64_t)caller);
    IG_STORE(&s->how, how);
    IG_STORE_REL(&s->state, 1u);
    return 1;
  }
  IG_ADD(&_ig_heap_header.dropped, 1);
  return 0;
}

int _ig_heap_remove(const void *ptr, size_t *size) {
  uint64_t want = (uint64_t)(uintptr_t)ptr;
  uint64_t i = _ig_heap_hash((uintptr_t)ptr);
  for (uint32_t n = 0; n < IG_HEAP_PROBES; n++, i = (i + 1) & _ig_heap_mask) {
    ig_heap_slot_t *s = &_ig_heap_slots[i];
    uint64_t a = IG_LOAD_ACQ(&s->addr);
    if (a == 0) return 0; /* end of the chain: never inserted */
    if (a != want) continue;
    if (size) *size = (size_t)IG_LOAD(&s->size);
    /* state first: a reader never pairs this address with the next owner's fields */
    IG_STORE_REL(&s->state, 0u);
    IG_STORE_REL(&s->addr, (uint64_t)IG_HEAP_TOMBSTONE);
    return 1;
  }
  return 0;
}

void _ig_heap_count_untracked(void) { IG_ADD(&_ig_heap_header.untracked_frees, 1); }

const ig_heap_header_t *ig_heap(void) {
  return IG_LOAD_ACQ(&_ig_heap_header.slots) != 0 ? &_ig_heap_header : NULL;
}

int ig_heap_find(const void *ptr, ig_heap_slot_t *out) {
  if (ptr == NULL || _ig_heap_slots == NULL) return 0;
  uint64_t want = (uint64_t)(uintptr_t)ptr;
  uint64_t i = _ig_heap_hash((uintptr_t)ptr);
  for (uint32_t n = 0; n < IG_HEAP_PROBES; n++, i = (i + 1) & _ig_heap_mask) {
    ig_heap_slot_t *s = &_ig_heap_slots[i];
    uint64_t a = IG_LOAD_ACQ(&s->addr);
    if (a == 0) return 0;
    if (a != want || IG_LOAD_ACQ(&s->state) != 1u) continue;
    if (out) {
      out->addr = a;
      out->size = IG_LOAD(&s->size);
      out->caller = IG_LOAD(&s->caller);
      out->state = 1u;
      out->how = IG_LOAD(&s->how);
    }
    return 1;
  }
  return 0;
}
