/* ig_guarded.c - the sampled guarded pool (GWP-ASan style, sample_rate > 0): 1 in N native blocks is placed so that
 * it ends at a page boundary followed by an inaccessible page, freed slots stay inaccessible in a FIFO quarantine,
 * and a SIGSEGV/SIGBUS handler reports a fault into the pool and hands every fault to the handler installed before
 * it; slot code runs on sampled ig_malloc/ig_free calls, the handler on a fault.
 *
 * Pool layout (one PROT_NONE reservation of 2 * guarded_pool_pages + 1 pages: a fence page below pool_lo, then the
 * slots, each page of a used slot a mapping of its own, see _ig_gp_separate; P = page size):
 *
 *   pool_lo                                                                                     pool_hi
 *   | slot 0                          | slot 1                          | ...   | slot n-1                   |
 *   | data page (RW while live)       | guard page | data page   | guard page |       | data page | guard page |
 *   |.....| header | canary | user | slack | PROT_NONE  |
 *         ^ base   ^ start - 16       ^ start        ^ start + size             ^ P: the first byte past the block
 *
 *   start = P - round_up(max(size, 1), 16); slack = the (size & 15 ? 16 - (size & 15) : 0) bytes between the
 *   end of the user bytes and the page end, filled with the canary (the block's right redzone). The header and
 *   left canary sit in front as in every block (the allocator's free path checks them). Blocks larger than
 *   P - 48 bytes or aligned beyond 16 are never sampled.
 */
#include "internal/ig_internal.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* Per-slot metadata, preallocated; written under the pool lock, read (racily, best effort) by the handler. */
typedef struct _ig_gslot_s {
  uint32_t state;        /* IG_GSLOT_* (atomic) */
  uint32_t alloc_site, alloc_tid, free_site, free_tid;
  uint32_t _pad;
  uint64_t start, size;  /* user bytes */
  uint64_t alloc_ns, free_ns;
  _ig_qitem_t item;      /* what freeing the block's record needs when the slot leaves the quarantine */
} _ig_gslot_t;

enum { IG_GSLOT_NEVER = 0, IG_GSLOT_LIVE = 1, IG_GSLOT_FREED = 2 };

uint64_t _ig_gp_rate;
IG_TLS int64_t _ig_gp_countdown;

static struct {
  uint64_t lo, hi;        /* the reservation */
  uint64_t page;
  uint32_t slots;         /* guarded_pool_pages */
  uint32_t quarantine;    /* guarded_quarantine */
  _ig_lock_t lock;
  uint32_t fresh;         /* slots [fresh, slots) were never used */
  uint32_t separated;     /* slots [0, separated) have their own mappings (or are being given them) */
  uint32_t *ring;         /* freed slots, oldest first: ring[(head + i) % slots], i < count */
  uint32_t head, count;
  _ig_gslot_t *meta;
  struct sigaction prev_segv, prev_bus;
  uint32_t installed;
  uint64_t sampled, fallbacks;
} _ig_gp;

/* ---------------------------------------------------------------------------------------------------
 * Initialisation.
 * ------------------------------------------------------------------------------------------------ */
static void _ig_gp_handler(int sig, siginfo_t *si, void *ctx);

static void _ig_gp_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = _ig_gp_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, &_ig_gp.prev_segv) != 0 || sigaction(SIGBUS, &sa, &_ig_gp.prev_bus) != 0) {
    _ig_warn("guarded pool: sigaction failed; sample_rate is ignored");
    _ig_gp_rate = 0;
    return;
  }
  _ig_gp.installed = 1;
}

/* The pool's slots, capped so that its mappings (two per slot, see _ig_gp_separate) take at most a quarter of what
 * vm.max_map_count allows the process: past that limit every mmap of the process fails, the runtime's included. */
static uint32_t _ig_gp_slot_budget(uint32_t requested) {
  uint64_t max_maps = _ig_os_max_map_count();
  if (max_maps == 0) max_maps = 65530; /* Linux's default */
  uint64_t budget = max_maps / 8;
  if (budget == 0) budget = 1;
  if (requested <= budget) return requested;
  char text[256];
  _ig_buf_t b = {text, 0, sizeof text};
  _ig_buf_str(&b, "guarded pool: guarded_pool_pages=");
  _ig_buf_u64(&b, requested);
  _ig_buf_str(&b, " would take too many of the process's mappings (vm.max_map_count=");
  _ig_buf_u64(&b, max_maps);
  _ig_buf_str(&b, "); using ");
  _ig_buf_u64(&b, budget);
  _ig_buf_str(&b, " slots");
  _ig_warn(text);
  return (uint32_t)budget;
}

/* Gives slots their own mappings before they are first used: each guard page is marked MADV_DONTDUMP, whose flag
 * makes the guard page's mapping differ from the data pages', so the kernel never merges a data page with a
 * neighbour. The fence page in front of slot 0 is marked the same way at initialisation, so slot 0 never merges with
 * whatever lies below the pool. An mprotect of a data page (taken, freed) then changes one mapping in place instead of
 * splitting the pool's mapping (a new VMA, a maple-tree update) and merging it back later, kernel work that is slow
 * with the caches cold, as they are between samples thousands of allocations apart (docs/design/guarded-pool.md,
 * "Cost"). Fresh slots are taken in order, and the slot that reaches the end of the separated ones separates the next
 * IG_GP_SEPARATE_AHEAD: one cold pass, the rest warm, where a split per fresh slot would cost a cold system call each
 * and marking the whole pool at initialisation would lengthen start-up. A failed madvise (the mapping limit) leaves
 * the splitting behaviour: slower, equally correct. */
#define IG_GP_SEPARATE_AHEAD 32u

static void _ig_gp_separate(uint64_t guard_page, uint64_t page) {
  (void)madvise((void *)(uintptr_t)guard_page, page, MADV_DONTDUMP);
}

void _ig_guarded_init(void) {
  if (IG_OPT(sample_rate) == 0) return;
  uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  uint32_t n = _ig_gp_slot_budget((uint32_t)IG_OPT(guarded_pool_pages));
  /* One page more than the slots: a fence in front of slot 0 (see _ig_gp_separate), outside [lo, hi). */
  void *p = mmap(NULL, (size_t)((2 * n + 1) * page), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  _ig_gp.meta = _ig_os_reserve(n * sizeof(_ig_gslot_t));
  _ig_gp.ring = _ig_os_reserve(n * sizeof(uint32_t));
  if (p == MAP_FAILED || _ig_gp.meta == NULL || _ig_gp.ring == NULL) {
    _ig_warn("guarded pool: cannot reserve the pool; sample_rate is ignored");
    return;
  }
  _ig_gp.lo = (uint64_t)(uintptr_t)p + page;
  _ig_gp.hi = _ig_gp.lo + 2 * n * page;
  _ig_gp_separate(_ig_gp.lo - page, page); /* the fence */
  _ig_gp.page = page;
  _ig_gp.slots = n;
  _ig_gp.quarantine = (uint32_t)IG_OPT(guarded_quarantine);
  _ig_gp_rate = (uint64_t)IG_OPT(sample_rate);
  _ig_gp_install();
}

/* ---------------------------------------------------------------------------------------------------
 * Slots.
 * ------------------------------------------------------------------------------------------------ */
bool _ig_guarded_owns(uint64_t a) { return a - _ig_gp.lo < _ig_gp.hi - _ig_gp.lo; }

static uint64_t _ig_gp_slot_lo(uint32_t i) { return _ig_gp.lo + (uint64_t)i * 2 * _ig_gp.page; }

/* The slow half of sampling: the countdown reached zero. Returns the user start in a data page, or NULL (too large,
 * pool empty: the caller allocates normally). *out_slot receives the slot for _ig_guarded_commit. The oldest freed
 * slot is reused before a never-used one once more than guarded_quarantine wait: its page is resident, where a
 * never-used page's first write faults in a fresh page, the largest part of a sample's cost (guarded-pool.md). */
void *_ig_guarded_take(size_t size, uint32_t *out_slot) {
  _ig_gp_countdown = (int64_t)_ig_gp_rate;
  size_t rounded = (size + 15) & ~(size_t)15;
  if (rounded == 0) rounded = 16;
  if (rounded + 48 > _ig_gp.page) return NULL;
  uint32_t slot = IG_SLOT_NONE;
  _ig_qitem_t evict = {0, 0, IG_SLOT_NONE, 0, 0};
  _ig_lock(&_ig_gp.lock);
  uint32_t separate_from = 0, separate_to = 0;
  if (_ig_gp.count > _ig_gp.quarantine) { /* the oldest freed slot leaves the quarantine */
    slot = _ig_gp.ring[_ig_gp.head];
    _ig_gp.head = (_ig_gp.head + 1) % _ig_gp.slots;
    _ig_gp.count--;
    evict = _ig_gp.meta[slot].item;
  } else if (_ig_gp.fresh < _ig_gp.slots) {
    slot = _ig_gp.fresh++;
    if (slot >= _ig_gp.separated) {
      separate_from = _ig_gp.separated;
      separate_to = separate_from + IG_GP_SEPARATE_AHEAD < _ig_gp.slots ? separate_from + IG_GP_SEPARATE_AHEAD : _ig_gp.slots;
      _ig_gp.separated = separate_to;
    }
  }
  if (slot != IG_SLOT_NONE) IG_STORE(&_ig_gp.meta[slot].state, (uint32_t)IG_GSLOT_NEVER);
  _ig_unlock(&_ig_gp.lock);
  if (slot == IG_SLOT_NONE) { IG_ADD(&_ig_gp.fallbacks, 1); return NULL; }
  if (evict.slot != IG_SLOT_NONE) { /* the old block's record leaves the index now that its memory is reused */
    _ig_index_remove(evict.slot, evict.start - evict.rz_left, evict.start + evict.size + evict.rz_right);
    _ig_record_retire(evict.slot);
  }
  uint64_t lo = _ig_gp_slot_lo(slot);
  for (uint32_t i = separate_from; i < separate_to; i++) _ig_gp_separate(_ig_gp_slot_lo(i) + _ig_gp.page, _ig_gp.page);
  if (mprotect((void *)(uintptr_t)lo, _ig_gp.page, PROT_READ | PROT_WRITE) != 0) {
    _ig_lock(&_ig_gp.lock); /* give it back as freed so the ring stays consistent */
    _ig_gp.ring[(_ig_gp.head + _ig_gp.count) % _ig_gp.slots] = slot;
    _ig_gp.count++;
    _ig_gp.meta[slot].item.slot = IG_SLOT_NONE;
    _ig_unlock(&_ig_gp.lock);
    return NULL;
  }
  IG_ADD(&_ig_gp.sampled, 1);
  *out_slot = slot;
  return (void *)(uintptr_t)(lo + _ig_gp.page - rounded);
}

/* Records the allocation site of a block placed by _ig_guarded_take (after its record is published). */
void _ig_guarded_commit(uint32_t gslot, const _ig_qitem_t *item, uint32_t site) {
  _ig_gslot_t *m = &_ig_gp.meta[gslot];
  m->alloc_site = site;
  m->alloc_tid = _ig_os_tid();
  m->alloc_ns = _ig_os_now_ns();
  m->free_site = 0;
  m->free_tid = 0;
  m->free_ns = 0;
  m->start = item->start;
  m->size = item->size;
  m->item = *item;
  IG_STORE_REL(&m->state, (uint32_t)IG_GSLOT_LIVE);
}

/* Replaces the allocation site of the live guarded block starting at start (ig_set_alloc_site). */
void _ig_guarded_set_site(uint64_t start, uint32_t site) {
  uint32_t slot = (uint32_t)((start - _ig_gp.lo) / (2 * _ig_gp.page));
  _ig_gslot_t *m = &_ig_gp.meta[slot];
  if (IG_LOAD_ACQ(&m->state) == IG_GSLOT_LIVE && m->start == start) IG_STORE(&m->alloc_site, site);
}

/* Frees a guarded block whose record the caller moved to FREED: the data page becomes inaccessible and the slot
 * joins the quarantine; its record stays in the index (FREED) until the slot is reused. */
void _ig_guarded_release(const _ig_qitem_t *item, uint32_t site) {
  uint64_t off = item->start - _ig_gp.lo;
  uint32_t slot = (uint32_t)(off / (2 * _ig_gp.page));
  _ig_gslot_t *m = &_ig_gp.meta[slot];
  m->free_site = site;
  m->free_tid = _ig_os_tid();
  m->free_ns = _ig_os_now_ns();
  IG_STORE_REL(&m->state, (uint32_t)IG_GSLOT_FREED);
  (void)mprotect((void *)(uintptr_t)_ig_gp_slot_lo(slot), _ig_gp.page, PROT_NONE);
  _ig_lock(&_ig_gp.lock);
  _ig_gp.ring[(_ig_gp.head + _ig_gp.count) % _ig_gp.slots] = slot;
  _ig_gp.count++;
  _ig_unlock(&_ig_gp.lock);
}

/* ---------------------------------------------------------------------------------------------------
 * The fault handler. Async-signal-safe: it reads the slot's metadata and hands the fault, as data, to
 * _ig_report_fault (ig_report.c); it takes no lock a faulting thread may hold and never calls the report hook.
 * ------------------------------------------------------------------------------------------------ */
static struct sigaction *_ig_gp_prev(int sig) { return sig == SIGBUS ? &_ig_gp.prev_bus : &_ig_gp.prev_segv; }

/* Does what would have happened without InteropGuard. A kernel fault with SIG_DFL/SIG_IGN: restore it and
 * return, so the instruction faults again into the default action. A signal sent by kill(): raise it again. */
static void _ig_gp_chain(int sig, siginfo_t *si, void *ctx) {
  struct sigaction *p = _ig_gp_prev(sig);
  if (p->sa_flags & SA_SIGINFO) { p->sa_sigaction(sig, si, ctx); return; }
  if (p->sa_handler == SIG_IGN) {
    if (si->si_code > 0) sigaction(sig, p, NULL);
    return;
  }
  if (p->sa_handler == SIG_DFL) {
    sigaction(sig, p, NULL);
    if (si->si_code <= 0) raise(sig);
    return;
  }
  p->sa_handler(sig);
}

static _ig_fault_access_t _ig_gp_access(void *ctx) {
#if defined(__x86_64__)
  const ucontext_t *uc = ctx;
  return (uc->uc_mcontext.gregs[REG_ERR] & 2) ? IG_FAULT_WRITE : IG_FAULT_READ;
#else
  (void)ctx;
  return IG_FAULT_ACCESS;
#endif
}

/* The fault as data, from the slot's metadata; ig_report.c words it. */
static void _ig_gp_report(uint32_t kind, uint64_t addr, const _ig_gslot_t *m, void *ctx, bool guard) {
  uint64_t now = _ig_os_now_ns();
  _ig_fault_t f = {
    .kind = kind,
    .access = _ig_gp_access(ctx),
    .guard = guard,
    .freed = m->state == IG_GSLOT_FREED,
    .address = addr,
    .start = m->start,
    .size = m->size,
    .sample_rate = _ig_gp_rate,
    .fault_tid = _ig_os_tid(),
    .alloc_site = m->alloc_site,
    .alloc_tid = m->alloc_tid,
    .free_site = m->free_site,
    .free_tid = m->free_tid,
    .alloc_age_ns = now - m->alloc_ns,
    .free_age_ns = now - m->free_ns,
  };
  _ig_report_fault(&f);
}

static void _ig_gp_handler(int sig, siginfo_t *si, void *ctx) {
  uint64_t a = (uint64_t)(uintptr_t)si->si_addr;
  /* cheap first: a signal someone sent, or a fault outside the pool, is not ours */
  if (si->si_code <= 0 || !_ig_guarded_owns(a)) { _ig_gp_chain(sig, si, ctx); return; }
  uint64_t off = a - _ig_gp.lo;
  uint32_t slot = (uint32_t)(off / (2 * _ig_gp.page));
  bool guard = (off % (2 * _ig_gp.page)) >= _ig_gp.page;
  const _ig_gslot_t *m = &_ig_gp.meta[slot];
  uint32_t state = IG_LOAD_ACQ(&m->state);
  uint32_t kind = IG_KIND_NONE;
  if (state == IG_GSLOT_LIVE && guard) kind = IG_KIND_NATIVE_BUFFER_OVERFLOW;
  else if (state == IG_GSLOT_FREED) kind = IG_KIND_NATIVE_USE_AFTER_FREE; /* data page, or past its end */
  bool on = kind != IG_KIND_NONE &&
            (kind == IG_KIND_NATIVE_USE_AFTER_FREE ? IG_OPT(detect_native_use_after_free)
                                                   : IG_OPT(detect_native_buffer_overflow));
  if (on) _ig_gp_report(kind, a, m, ctx, guard);
  if (on && IG_OPT(halt_on_error)) abort();
  /* The fault cannot be resumed: from now on the previous handler owns the signal, and the instruction faults
   * again into it once we return (a never-used slot's page is a wild access: the same path, no report). A
   * previous SIG_IGN then means the kernel's default action, as it would without InteropGuard. */
  sigaction(sig, _ig_gp_prev(sig), NULL);
}

/* ---------------------------------------------------------------------------------------------------
 * Introspection for tests and statistics.
 * ------------------------------------------------------------------------------------------------ */
IG_API int ig_guarded_info(const void *ptr, uint64_t *pool_lo, uint64_t *pool_hi) {
  IG_ENSURE_INIT();
  if (pool_lo) *pool_lo = _ig_gp.lo;
  if (pool_hi) *pool_hi = _ig_gp.hi;
  return _ig_gp.lo != 0 && _ig_guarded_owns((uint64_t)(uintptr_t)ptr);
}
