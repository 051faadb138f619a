/* fuzz_table.c - fuzzes the shadow table's readers (ig_lookup, ig_check, ig_range_get) over tables built by fuzzed
 * sequences of writes (register, release, set_flags, malloc, free, and the calling thread's call-scoped pins: push and
 * pop, past the stack's 32 entries into the shared table); built and run by the ASan+UBSan preset
 * (native/CMakePresets.json) for a bounded time.
 *
 * The input is a little program: each operation is one byte (its low bits pick it) followed by its arguments. A
 * model keeps every range and block the input made live, in the order it made them. Oracle, for every lookup at an
 * address near the arena of pins or near a block: when a live range contains the address (its user bytes or
 * redzones; a size-0 pin is one byte), ig_lookup finds the newest such range, LIVE, classified INSIDE exactly when
 * the access lies in its user bytes; otherwise it finds nothing or a dead record. Whatever it finds contains the
 * address. ig_check answers NONE when a live range holds the whole access, NONE for an unknown address, an
 * overflow for a live range the access leaves, and the dead record's kind otherwise. The header's slot_limit (what an
 * outside reader reads up to) never falls, every range made sits below it, and the slots just past it are EMPTY.
 *
 * Call pins (ig_calls.c): a model of the thread's call stack and of its last IG_CALL_RING ended pins. A live table
 * range wins over them; else the innermost in-flight pin holding the address is what ig_lookup finds (LIVE, id 0,
 * CALL_SCOPED), and ig_check answers NONE when that pin holds the whole access; an address only an ended pin holds is
 * found (the ended pin or a newer dead record), and ig_check never blames an ended pin. A push the full stack cannot
 * hold is a live CALL_SCOPED table range until its pop. The region's depth and ended count follow the model.
 *
 * Explicit pins in the thread's pin log (ig_pinlog.c): live ones count as live ranges, but a live range of the table
 * wins over them in ig_lookup (it is found first); among live log pins the newest wins, and a live log pin wins over
 * the thread's call pins and every dead range. Their ids are pin-log ids, which the ig_range_* calls take as well. A
 * call-scoped callback logged there (ig_pin_register_callback: one byte at its entry) is such a record of kind CALLBACK.
 *
 * At the end of each input every pin is released (call pins popped) and every block freed; dead records stay in the
 * history and the quarantine, and ended call pins in the ring, for later inputs. */
#include "interopguard.h"
#include "fuzz_driver.h"

#define ARENA (1u << 16)
#define MAX_LIVE 96

static char arena[ARENA] __attribute__((aligned(4096)));

typedef struct model_s {
  uint64_t id;
  uint64_t lo, hi;       /* what contains an address: [start - redzone_left, end + redzone_right) */
  uint64_t start, size;  /* user bytes */
  uint32_t kind;
  char *block;           /* ig_malloc's pointer, NULL for a registered range */
  bool call;             /* a call pin the full stack sent to the table: ended by ig_call_pin_pop, not released */
  bool log;              /* a pin of the thread's pin log (ig_pin_register gave a pin-log id) */
} model_t;

static model_t live[MAX_LIVE]; /* oldest first */
static size_t nlive;

typedef struct call_model_s {
  uint64_t start, size; /* size as the region keeps it: 0 pushed is 1 */
} call_model_t;

static call_model_t stack[IG_CALL_STACK]; /* the thread's in-flight call pins, outermost first */
static uint32_t depth;
static call_model_t ring[IG_CALL_RING]; /* the ended ones: the k-th (from 0) at ring[k % IG_CALL_RING] */
static uint64_t ended;                  /* across inputs, as the thread's region keeps them */

static const uint8_t *in;
static size_t left;

static uint64_t take(size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; i++) {
    v <<= 8;
    if (left) {
      v |= *in++;
      left--;
    }
  }
  return v;
}

static void hook(const ig_violation_t *v, void *ctx) {
  (void)v;
  (void)ctx;
}

static uint64_t last_limit; /* slot_limit as last seen: it never falls */

/* slot_limit bounds what the validator reads: it covers id's slot, never falls, stays inside the published chunks,
 * and the slots just past it hold no record. */
static void check_slot_limit(uint64_t id) {
  const ig_table_header_t *h = ig_shadow_table;
  uint64_t limit = __atomic_load_n(&h->slot_limit, __ATOMIC_ACQUIRE);
  if (limit < last_limit) fuzz_fail("slot_limit fell from %llu to %llu", (unsigned long long)last_limit, (unsigned long long)limit);
  last_limit = limit;
  uint64_t capacity = h->chunk_count * h->ranges_per_chunk;
  if (limit > capacity) fuzz_fail("slot_limit %llu is past the published chunks' %llu slots", (unsigned long long)limit, (unsigned long long)capacity);
  if (id != 0 && !IG_PIN_LOG_IS_ID(id) && (id & 0xffffffffu) >= limit)
    fuzz_fail("id %#llx sits at or past slot_limit %llu", (unsigned long long)id, (unsigned long long)limit);
  const uint64_t *dir = (const uint64_t *)(uintptr_t)h->chunks;
  for (uint64_t s = limit; s < capacity && s < limit + 64; s++) {
    const ig_range_t *rec = (const ig_range_t *)(uintptr_t)dir[s / h->ranges_per_chunk];
    if (__atomic_load_n(&rec[s % h->ranges_per_chunk].state, __ATOMIC_ACQUIRE) != IG_STATE_EMPTY)
      fuzz_fail("slot %llu past slot_limit %llu holds a record", (unsigned long long)s, (unsigned long long)limit);
  }
}

static void model_add(uint64_t id) {
  check_slot_limit(id);
  ig_range_t r;
  if (ig_range_get(id, &r) != IG_OK)
    fuzz_fail("ig_range_get(%#llx) of a range just made live failed", (unsigned long long)id);
  if (r.state != IG_STATE_LIVE || r.id != id)
    fuzz_fail("a range just made live reads state %u id %#llx", r.state, (unsigned long long)r.id);
  model_t *m = &live[nlive++];
  m->id = id;
  m->start = r.start;
  m->size = r.size;
  m->lo = r.start - r.redzone_left;
  m->hi = r.start + (r.size ? r.size : 1) + r.redzone_right;
  if (r.kind == IG_RANGE_NATIVE_BLOCK) m->hi = r.start + r.size + r.redzone_right;
  m->kind = r.kind;
  m->block = NULL;
  m->call = false;
  m->log = IG_PIN_LOG_IS_ID(id);
}

static void model_remove(size_t i) {
  memmove(&live[i], &live[i + 1], (nlive - i - 1) * sizeof live[0]);
  nlive--;
}

static ig_lookup_result_t classify(uint64_t start, uint64_t size, uint64_t a, uint64_t len) {
  uint64_t end = start + size;
  if (a < start) return IG_LOOKUP_OUTSIDE;
  if (len == 0) return a <= end ? IG_LOOKUP_INSIDE : IG_LOOKUP_OUTSIDE;
  if (a >= end || len > end - a) return IG_LOOKUP_OUTSIDE;
  return IG_LOOKUP_INSIDE;
}

static ig_kind_t dead_kind(const ig_range_t *r) {
  if (r->state == IG_STATE_FREED) return IG_KIND_NATIVE_USE_AFTER_FREE;
  switch (r->kind) {
    case IG_RANGE_MANAGED_PIN: return IG_KIND_USE_AFTER_UNPIN;
    case IG_RANGE_MAPPED_VIEW: return IG_KIND_USE_AFTER_UNMAP;
    case IG_RANGE_CALLBACK: return IG_KIND_COLLECTED_DELEGATE_CALLBACK;
    default: return IG_KIND_NATIVE_USE_AFTER_FREE;
  }
}

static bool call_contains(const call_model_t *c, uint64_t a) { return a - c->start < c->size; }

/* The innermost in-flight call pin that contains a, NULL if none. */
static const call_model_t *call_live(uint64_t a) {
  for (uint32_t i = depth; i-- > 0;)
    if (call_contains(&stack[i], a)) return &stack[i];
  return NULL;
}

/* The newest of the last IG_CALL_RING ended call pins that contains a, NULL if none. */
static const call_model_t *call_ended(uint64_t a, uint64_t *seq) {
  for (uint64_t k = ended; k-- > (ended > IG_CALL_RING ? ended - IG_CALL_RING : 0);) {
    if (!call_contains(&ring[k % IG_CALL_RING], a)) continue;
    *seq = ig_call_region()->ring[k % IG_CALL_RING].seq;
    return &ring[k % IG_CALL_RING];
  }
  return NULL;
}

/* The thread's region says what the model says: depth in flight, ended so far. */
static void check_region(const char *after) {
  const ig_call_region_t *r = ig_call_region();
  uint32_t d = r != NULL ? r->depth : 0;
  uint64_t e = r != NULL ? r->ended : 0;
  if (d != depth || e != ended)
    fuzz_fail("after %s the call region has depth %u, ended %llu; the model %u, %llu", after, d,
              (unsigned long long)e, depth, (unsigned long long)ended);
}

/* Looks up and checks [a, a + len) and holds both answers against the model. */
static void probe(uint64_t a, uint64_t len) {
  const model_t *newest = NULL, *newest_log = NULL;
  bool held = false; /* a live range's user bytes hold the whole access (len >= 1) */
  for (size_t i = 0; i < nlive; i++) {
    const model_t *m = &live[i];
    if (a >= m->lo && a < m->hi) {
      if (m->log) newest_log = m;
      else newest = m;
    }
    if (len > 0 && a >= m->start && a + len <= m->start + m->size) held = true;
  }
  if (newest == NULL) newest = newest_log; /* the index's live ranges are found first */
  const call_model_t *in_call = newest == NULL ? call_live(a) : NULL;
  ig_range_t r;
  memset(&r, 0, sizeof r);
  ig_lookup_result_t res = ig_lookup((const void *)(uintptr_t)a, (size_t)len, &r);
  if (res != IG_LOOKUP_UNKNOWN) {
    uint64_t lo = r.start - r.redzone_left, hi = r.start + (r.size ? r.size : 1) + r.redzone_right;
    if (r.kind == IG_RANGE_NATIVE_BLOCK) hi = r.start + r.size + r.redzone_right;
    if (a < lo || a >= hi)
      fuzz_fail("ig_lookup(%#llx) found id %#llx [%#llx, %#llx), which does not contain the address",
                (unsigned long long)a, (unsigned long long)r.id, (unsigned long long)lo, (unsigned long long)hi);
    if (res != classify(r.start, r.size, a, len))
      fuzz_fail("ig_lookup(%#llx, %llu) answered %d for id %#llx", (unsigned long long)a, (unsigned long long)len,
                (int)res, (unsigned long long)r.id);
  }
  if (newest != NULL) {
    if (res == IG_LOOKUP_UNKNOWN || r.id != newest->id || r.state != IG_STATE_LIVE)
      fuzz_fail("ig_lookup(%#llx) answered %d with id %#llx state %u; the newest live range there is %#llx",
                (unsigned long long)a, (int)res, (unsigned long long)r.id, r.state, (unsigned long long)newest->id);
  } else if (in_call != NULL) {
    if (res == IG_LOOKUP_UNKNOWN || r.id != 0 || r.state != IG_STATE_LIVE || r.kind != IG_RANGE_MANAGED_PIN ||
        !(r.flags & IG_RANGE_F_CALL_SCOPED) || r.start != in_call->start || r.size != in_call->size)
      fuzz_fail("ig_lookup(%#llx) answered %d with id %#llx state %u start %#llx; the innermost call pin there is "
                "[%#llx, +%llu)", (unsigned long long)a, (int)res, (unsigned long long)r.id, r.state,
                (unsigned long long)r.start, (unsigned long long)in_call->start, (unsigned long long)in_call->size);
  } else if (res != IG_LOOKUP_UNKNOWN && r.state == IG_STATE_LIVE) {
    fuzz_fail("ig_lookup(%#llx) found live id %#llx; no live range contains the address", (unsigned long long)a,
              (unsigned long long)r.id);
  } else {
    uint64_t seq = 0;
    const call_model_t *gone = call_ended(a, &seq);
    if (gone != NULL && (res == IG_LOOKUP_UNKNOWN ||
                         (r.id == 0 ? r.state != IG_STATE_RELEASED || r.start != gone->start || r.size != gone->size
                                    : r.alloc_seq <= seq)))
      fuzz_fail("ig_lookup(%#llx) answered %d with id %#llx seq %llu start %#llx; the newest ended call pin there is "
                "[%#llx, +%llu) seq %llu", (unsigned long long)a, (int)res, (unsigned long long)r.id,
                (unsigned long long)r.alloc_seq, (unsigned long long)r.start, (unsigned long long)gone->start,
                (unsigned long long)gone->size, (unsigned long long)seq);
  }

  ig_violation_t v;
  ig_kind_t kind = ig_check((const void *)(uintptr_t)a, (size_t)len, &v);
  if (len == 0) return; /* one past the end with len 0 is allowed by one path and not looked at by the other */
  const call_model_t *innermost = call_live(a);
  bool call_held = innermost != NULL && classify(innermost->start, innermost->size, a, len) == IG_LOOKUP_INSIDE;
  if (!held && !call_held && res != IG_LOOKUP_UNKNOWN && r.id == 0) {
    /* ig_lookup shows a call pin, which may hide a dead record of the table that ig_check blames instead */
    bool dead = kind == IG_KIND_NATIVE_USE_AFTER_FREE || kind == IG_KIND_USE_AFTER_UNPIN ||
                kind == IG_KIND_USE_AFTER_UNMAP || kind == IG_KIND_COLLECTED_DELEGATE_CALLBACK;
    bool ok = r.state == IG_STATE_LIVE ? kind == IG_KIND_NATIVE_BUFFER_OVERFLOW || dead : kind == IG_KIND_NONE || dead;
    if (!ok)
      fuzz_fail("ig_check(%#llx, %llu) answered kind %d; ig_lookup found a %s call pin [%#llx, +%llu) that does not "
                "hold the access", (unsigned long long)a, (unsigned long long)len, (int)kind,
                r.state == IG_STATE_LIVE ? "live" : "ended", (unsigned long long)r.start, (unsigned long long)r.size);
    if (kind != IG_KIND_NONE && (v.kind != kind || v.address != a))
      fuzz_fail("ig_check's violation says kind %u address %#llx", v.kind, (unsigned long long)v.address);
    return;
  }
  ig_kind_t want;
  if (held || call_held || res == IG_LOOKUP_UNKNOWN) want = IG_KIND_NONE;
  else if (r.state == IG_STATE_LIVE) want = res == IG_LOOKUP_INSIDE ? IG_KIND_NONE : IG_KIND_NATIVE_BUFFER_OVERFLOW;
  else want = dead_kind(&r);
  if (kind != want)
    fuzz_fail("ig_check(%#llx, %llu) answered kind %d, the model says %d (lookup: %d, id %#llx state %u)",
              (unsigned long long)a, (unsigned long long)len, (int)kind, (int)want, (int)res,
              (unsigned long long)r.id, r.state);
  if (kind != IG_KIND_NONE && (v.kind != kind || v.address != a))
    fuzz_fail("ig_check's violation says kind %u address %#llx", v.kind, (unsigned long long)v.address);
}

static uint64_t pick_len(void) {
  switch (take(1) % 5) {
    case 0: return 0;
    case 1: return 1;
    case 2: return take(1) % 64;
    case 3: return take(2);
    default: return (uint64_t)1 << (take(1) % 48);
  }
}

static void target(const uint8_t *data, size_t size) {
  in = data;
  left = size;
  nlive = 0;
  while (left) {
    uint8_t op = (uint8_t)take(1);
    switch (op % 16) {
      case 0:
      case 1: { /* register a range in the arena */
        uint32_t kind = (uint32_t)(take(1) % 7);
        uint64_t off = take(2) % ARENA, sz;
        switch (take(1) % 4) {
          case 0: sz = take(1) % 33; break;
          case 1: sz = take(2) % 4096; break;
          case 2: sz = take(2) * 16; break;
          default: sz = (uint64_t)1 << (20 + take(1) % 20); break;
        }
        if (nlive == MAX_LIVE) break;
        uint64_t id = 0;
        ig_status_t st = ig_range_register(kind, arena + off, (size_t)sz, (uint32_t)take(1) << 16, 0, 0, &id);
        bool valid_kind = kind >= IG_RANGE_MANAGED_PIN && kind <= IG_RANGE_NATIVE_REGION;
        if (!valid_kind && st != IG_ERR_BAD_ARG) fuzz_fail("ig_range_register of kind %u answered %d", kind, (int)st);
        if (valid_kind && st != IG_OK && st != IG_ERR_TABLE_FULL) fuzz_fail("ig_range_register answered %d", (int)st);
        if (st == IG_OK) model_add(id);
        break;
      }
      case 2: { /* release a live range (or a block: that is ig_free's job) */
        if (nlive == 0) break;
        size_t i = take(1) % nlive;
        ig_range_t r;
        ig_status_t st = ig_range_release(live[i].id, 0, &r);
        if (live[i].block != NULL) {
          if (st != IG_ERR_BAD_ARG) fuzz_fail("ig_range_release of a native block answered %d", (int)st);
          break;
        }
        if (st != IG_OK)
          fuzz_fail("ig_range_release of live id %#llx answered %d", (unsigned long long)live[i].id, (int)st);
        uint64_t id = live[i].id;
        model_remove(i);
        st = ig_range_release(id, 0, &r);
        if (st != IG_ERR_STATE && st != IG_ERR_NOT_FOUND) fuzz_fail("a second release answered %d", (int)st);
        break;
      }
      case 3: { /* allocate a block */
        size_t sz = (size_t)(take(2) % 3000);
        if (nlive == MAX_LIVE) break;
        char *p = ig_malloc(sz);
        if (p == NULL) fuzz_fail("ig_malloc(%zu) failed", sz);
        ig_range_t r;
        if (ig_lookup(p, sz, &r) != IG_LOOKUP_INSIDE || r.start != (uintptr_t)p || r.size != sz)
          fuzz_fail("a new block of %zu bytes is not found INSIDE at its start", sz);
        model_add(r.id);
        live[nlive - 1].block = p;
        break;
      }
      case 4: { /* free a block */
        if (nlive == 0) break;
        size_t i = take(1) % nlive;
        if (live[i].block == NULL) break;
        ig_violation_t v;
        ig_status_t st = ig_free_at(live[i].block, 0, &v);
        if (st != IG_OK) fuzz_fail("ig_free_at of a live block answered %d", (int)st);
        model_remove(i);
        break;
      }
      case 5:
      case 6:
      case 7: { /* look up near the arena (from 256 bytes before it) */
        uint64_t a = (uint64_t)(uintptr_t)arena - 256 + take(3) % (ARENA + 512);
        probe(a, pick_len());
        break;
      }
      case 8: { /* look up near a live range's start or end */
        if (nlive == 0) break;
        const model_t *m = &live[take(1) % nlive];
        int64_t d = (int64_t)(take(1) % 160) - 80;
        uint64_t base = take(1) & 1 ? m->start + m->size : m->start;
        probe(base + (uint64_t)d, pick_len());
        break;
      }
      case 9: { /* read a record by an arbitrary or a known id */
        uint64_t id = take(1) & 1 && nlive ? live[take(1) % nlive].id ^ (take(1) & 3) << 32 : take(8);
        ig_range_t r;
        ig_status_t st = ig_range_get(id, &r);
        if (st == IG_OK && r.id != id)
          fuzz_fail("ig_range_get(%#llx) returned id %#llx", (unsigned long long)id, (unsigned long long)r.id);
        if (st != IG_OK && st != IG_ERR_NOT_FOUND) fuzz_fail("ig_range_get answered %d", (int)st);
        break;
      }
      case 10: { /* set and clear user flags of a live range */
        if (nlive == 0) break;
        const model_t *m = &live[take(1) % nlive];
        uint32_t set = (uint32_t)take(2) << 16, clear = (uint32_t)take(2) << 16;
        ig_status_t st = ig_range_set_flags(m->id, set, clear);
        ig_range_t r;
        if (st == IG_OK && (ig_range_get(m->id, &r) != IG_OK || (r.flags & set & ~clear) != (set & ~clear)))
          fuzz_fail("flags %#x set on id %#llx do not read back", set & ~clear, (unsigned long long)m->id);
        break;
      }
      case 12:
      case 13: { /* push a call pin in the arena (or at NULL: no token) */
        if (nlive == MAX_LIVE) break;
        bool null = (take(1) & 15) == 0;
        uint64_t off = take(2) % ARENA, sz = take(1) & 1 ? take(1) % 65 : take(2);
        const void *start = null ? NULL : arena + off;
        uint64_t token = ig_call_pin_push(start, (size_t)sz, (uint32_t)(take(1) & 3) << 16, 0);
        if (null) {
          if (token != 0) fuzz_fail("ig_call_pin_push(NULL) answered token %#llx", (unsigned long long)token);
          check_region("a push of NULL");
          break;
        }
        if (token == 0) {
          if (depth != IG_CALL_STACK) fuzz_fail("ig_call_pin_push of %llu bytes gave no token", (unsigned long long)sz);
          check_region("a push the full stack and table could not hold");
          break; /* the stack full and so the table: not tracked, as documented */
        }
        if (token >> 32 != 0) { /* the stack was full: a CALL_SCOPED range of the table */
          if (depth != IG_CALL_STACK) fuzz_fail("a push at depth %u went to the table", depth);
          model_add(token);
          live[nlive - 1].call = true;
        } else {
          if (token != (uint64_t)depth + 1) fuzz_fail("a push at depth %u gave token %llu", depth, (unsigned long long)token);
          stack[depth++] = (call_model_t){(uint64_t)(uintptr_t)start, sz ? sz : 1};
        }
        check_region("a push");
        break;
      }
      case 14: { /* pop a call pin: the innermost, an outer one (ending the ones pushed after it), a table pin, or a
                    token no longer in flight */
        uint64_t token;
        size_t table = nlive;
        switch (take(1) % 4) {
          case 0: token = depth; break;
          case 1: token = depth ? 1 + take(1) % depth : 0; break;
          case 2:
            for (size_t i = 0; i < nlive; i++)
              if (live[i].call) table = i;
            token = table < nlive ? live[table].id : 0;
            break;
          default: token = depth + 1 + take(1) % 4; break;
        }
        ig_call_pin_pop(token);
        if (table < nlive) {
          ig_range_t r;
          if (ig_range_get(token, &r) != IG_OK || r.state != IG_STATE_RELEASED)
            fuzz_fail("a popped table call pin %#llx is not released", (unsigned long long)token);
          model_remove(table);
        } else if (token != 0 && token <= depth) {
          while (depth > token - 1) ring[ended++ % IG_CALL_RING] = stack[--depth];
        }
        check_region("a pop");
        break;
      }
      case 15: { /* pin part of the arena in the thread's pin log, or log a call-scoped callback there */
        if (nlive == MAX_LIVE) break;
        uint64_t off = take(2) % ARENA, sz = take(1) & 1 ? take(1) % 65 : take(2);
        uint64_t id = 0, how = take(1);
        ig_status_t st = how & 4 ? ig_pin_register_callback(arena + off, (uint32_t)(how & 3) << 16, 0, 0x40, &id)
                                 : ig_pin_register(arena + off, (size_t)sz, (uint32_t)(how & 3) << 16, 0,
                                                   take(1) & 1 ? IG_PIN_TAG_KEEP : 0, &id);
        if (st != IG_OK && st != IG_ERR_TABLE_FULL) fuzz_fail("ig_pin_register%s answered %d", how & 4 ? "_callback" : "", (int)st);
        if (st == IG_OK) model_add(id);
        break;
      }
      default: { /* look up an address no range should hold: the null page, or far above */
        probe(take(1) & 1 ? take(2) : ((uint64_t)1 << 46) + take(4), pick_len());
        break;
      }
    }
  }
  if (depth > 0) {
    ig_call_pin_pop(1);
    while (depth > 0) ring[ended++ % IG_CALL_RING] = stack[--depth];
    check_region("the last pop");
  }
  for (size_t i = nlive; i-- > 0;) {
    ig_status_t st;
    if (live[i].call) {
      ig_call_pin_pop(live[i].id);
      continue;
    }
    if (live[i].block != NULL) {
      ig_violation_t v;
      st = ig_free_at(live[i].block, 0, &v);
    } else {
      st = ig_range_release(live[i].id, 0, NULL);
    }
    if (st != IG_OK) fuzz_fail("cleanup of id %#llx answered %d", (unsigned long long)live[i].id, (int)st);
  }
  nlive = 0;
  check_slot_limit(0);
}

/* Seeds: short programs of writes and lookups (no NUL byte: the driver takes seeds as strings). */
static const char *const seeds[] = {
  "\x0c\x02\x01\x10\x04\x10\x01\x05\x01\x01\x10\x01",
  "\x01\x03\x01\x01\x05\x05\x05\x01\x01\x01\x01\x01\x06\x01\x01\x01\x02",
  "\x03\x01\x40\x08\x01\x01\x01\x08\x01\x01\x02\x04\x01",
  "\x0c\x02\x01\x01\x03\x01\x01\x02\x01\x01\x01\x03\x05\x01\x01\x01\x01\x02\x01\x05\x01\x01\x20\x02",
  "\x0d\x03\x7f\x7f\x03\x10\x0a\x01\x02\x03\x04\x09\x01\x01\x07\x01\x7f\x7f\x03\x04",
  /* call pins: push, look up inside it, push a nested one, pop both, look up near the ended one */
  "\x0c\x01\x01\x10\x01\x20\x01\x08\x01\x01\x01\x05\x0d\x01\x01\x18\x01\x08\x01\x0e\x01\x01\x05\x01\x01\x18\x01",
  "\x1b\x01\x02\x30\x01\x40\x01\x1b\x01\x02\x30\x01\x40\x01\x0e\x03\x01\x1d\x03\x01\x14\x01\x01\x02\x30\x01",
  /* log pins: pin, look up inside it, release it, look up again, pin over a released table range */
  "\x0f\x01\x10\x01\x20\x01\x01\x08\x01\x01\x01\x05\x02\x01\x05\x01\x10\x01\x08\x01\x01\x10\x01\x40\x02\x01\x0f\x01\x10\x01\x20\x01\x01\x08\x01\x01\x01\x05",
  /* a logged callback: log it, look up at its entry, release it, look up again, log it again */
  "\x0f\x01\x10\x01\x04\x04\x08\x01\x50\x02\x01\x02\x01\x08\x01\x50\x02\x01\x0f\x01\x10\x01\x04\x05\x08\x01\x50\x02\x01",
};

int main(int argc, char **argv) {
  ig_init("max_ranges=4096:release_history=64:quarantine_mb=1", IG_INIT_QUIET);
  ig_set_report_hook(hook, NULL);
  return fuzz_main(argc, argv, "fuzz_table", target, seeds, sizeof seeds / sizeof seeds[0], NULL, 0, 512);
}
