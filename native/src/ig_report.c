/* ig_report.c - the one place that turns violations into text: kind names, hints, the ASan-like report on
 * stderr (and report_path) of a violation and of a guarded-pool fault, dedupe, the report cap and halt_on_error;
 * runs only when something is reported or warned about, and never allocates, uses stdio or recurses. */
#include "internal/ig_internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------------
 * Text without stdio.
 * ------------------------------------------------------------------------------------------------ */
void _ig_buf_str(_ig_buf_t *b, const char *s) {
  if (s == NULL) s = "(null)";
  while (*s && b->len + 1 < b->cap) b->p[b->len++] = *s++;
  if (b->cap) b->p[b->len] = 0;
}

void _ig_buf_u64(_ig_buf_t *b, uint64_t v) {
  char tmp[24];
  int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  char out[24];
  for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  out[n] = 0;
  _ig_buf_str(b, out);
}

void _ig_buf_i64(_ig_buf_t *b, int64_t v) {
  if (v < 0) {
    _ig_buf_str(b, "-");
    _ig_buf_u64(b, (uint64_t)0 - (uint64_t)v);
  } else {
    _ig_buf_u64(b, (uint64_t)v);
  }
}

void _ig_buf_hex(_ig_buf_t *b, uint64_t v) {
  char out[20] = "0x";
  int n = 2;
  int shift = 60;
  while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) out[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
  out[n] = 0;
  _ig_buf_str(b, out);
}

void _ig_buf_file(_ig_buf_t *b, const char *path) {
  const char *name = path;
  if (path != NULL) {
    for (const char *c = path; *c; c++) {
      if (*c == '/' && c[1] != 0) name = c + 1;
    }
  }
  _ig_buf_str(b, name);
}

void _ig_warn(const char *msg) {
  char text[2304];
  _ig_buf_t b = {text, 0, sizeof text};
  _ig_buf_str(&b, "InteropGuard: WARNING: ");
  _ig_buf_str(&b, msg);
  _ig_buf_str(&b, "\n");
  _ig_os_write(2, b.p, b.len);
}

/* ---------------------------------------------------------------------------------------------------
 * Kinds.
 * ------------------------------------------------------------------------------------------------ */
static const char *const _ig_kind_names[] = {
  "",
#define IG_KIND(ENUM, ident, name, id, def, page, what, note) name,
#include "ig_kinds.inc"
#undef IG_KIND
};

/* ig_kinds.inc lists the ids ascending from 1 without gaps, so a kind's id is its index in the tables. */
_Static_assert(sizeof _ig_kind_names / sizeof *_ig_kind_names == IG_KIND_COUNT, "ig_kinds.inc: ids have a gap");

/* The first HINT line of each kind, in the order of ig_kinds.inc. */
static const char *const _ig_kind_hints[] = {
  "",
  "the buffer was freed while a pointer to it was still in use; free it only after the last use.",
  "an access went past the end of the buffer; check the length passed with the pointer against the size "
  "allocated.",
  "the buffer was freed twice; free it exactly once and clear every copy of the pointer.",
  "free only pointers returned by ig_malloc (NativeBuffer.Allocate), and only at their first byte.",
  "keep the Pin alive (or copy the data) for as long as native code uses the pointer.",
  "pin the object (Guard.Pin, fixed, or a pinned GCHandle) while native code holds the pointer.",
  "the object native code points at is gone; keep it alive and pinned while native code holds the pointer.",
  "keep the delegate alive (a field or a GCHandle) for as long as native code can call the function pointer.",
  "use a GCHandle only between Alloc and Free, and free it exactly once.",
  "do not use a pooled array after ArrayPool.Return; return it once, after native code is done with it.",
  "keep the SafeHandle alive (using, DangerousAddRef) until native code is done with it.",
  "dispose the view only after native code stops using the pointer.",
  "release every Pin (using/Dispose); long-lived pins fragment the GC heap.",
};
_Static_assert(sizeof _ig_kind_hints / sizeof *_ig_kind_hints == IG_KIND_COUNT, "a kind of ig_kinds.inc has no hint");

/* The detect_<kind> option of each kind. */
static const _ig_opt_id_t _ig_kind_option[IG_KIND_COUNT] = {
  IG_OPT_COUNT,
#define IG_KIND(ENUM, ident, name, id, def, page, what, note) IG_OPT_ID_detect_##ident,
#include "ig_kinds.inc"
#undef IG_KIND
};

const char *ig_kind_name(uint32_t kind) { return kind < IG_KIND_COUNT ? _ig_kind_names[kind] : ""; }

/* ---------------------------------------------------------------------------------------------------
 * Report state.
 * ------------------------------------------------------------------------------------------------ */
#define IG_DEDUPE_SIZE 4096u

static struct {
  ig_report_hook_t hook;
  void *context;
  _ig_lock_t hook_lock;
  _ig_lock_t print_lock;
  uint64_t count;   /* reports made (after detect_ filtering) */
  uint64_t printed; /* reports printed */
  uint64_t dedupe[IG_DEDUPE_SIZE]; /* (kind << 32 | site) + 1, 0 = empty */
} _ig_rep;

void _ig_report_init(void) {}

uint64_t _ig_report_count(void) { return IG_LOAD(&_ig_rep.count); }

void ig_set_report_hook(ig_report_hook_t hook, void *context) {
  IG_ENSURE_INIT();
  _ig_lock(&_ig_rep.hook_lock);
  _ig_rep.hook = hook;
  _ig_rep.context = context;
  _ig_unlock(&_ig_rep.hook_lock);
}

/* True the first time (kind, site) is seen; also true when the table is too full to remember. */
static bool _ig_dedupe_first(uint32_t kind, uint32_t site) {
  uint64_t key = (((uint64_t)kind << 32) | site) + 1;
  uint64_t h = key * 0x9E3779B97F4A7C15ull;
  for (uint32_t i = 0; i < 32; i++) {
    uint64_t *cell = &_ig_rep.dedupe[((h >> 40) + i) & (IG_DEDUPE_SIZE - 1)];
    uint64_t cur = IG_LOAD(cell);
    if (cur == key) return false;
    if (cur == 0) {
      if (__atomic_compare_exchange_n(cell, &cur, key, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return true;
      if (cur == key) return false;
    }
  }
  return true;
}

/* ---------------------------------------------------------------------------------------------------
 * Formatting.
 * ------------------------------------------------------------------------------------------------ */
static const char *_ig_range_noun(uint32_t kind) {
  switch (kind) {
    case IG_RANGE_NATIVE_BLOCK: return "native buffer";
    case IG_RANGE_MANAGED_PIN: return "pinned managed buffer";
    case IG_RANGE_MAPPED_VIEW: return "mapped view";
    case IG_RANGE_CALLBACK: return "callback";
    case IG_RANGE_NATIVE_REGION: return "native region";
    default: return "range";
  }
}

/* "N-byte native buffer [a, b)" */
static void _ig_buf_range(_ig_buf_t *b, const ig_range_t *r) {
  _ig_buf_u64(b, r->size);
  _ig_buf_str(b, "-byte ");
  _ig_buf_str(b, _ig_range_noun(r->kind));
  _ig_buf_str(b, " [");
  _ig_buf_hex(b, r->start);
  _ig_buf_str(b, ", ");
  _ig_buf_hex(b, r->start + r->size);
  _ig_buf_str(b, ")");
}

/* "K bytes inside of" / "K bytes before" / "K bytes after" */
static void _ig_buf_where(_ig_buf_t *b, uint64_t addr, const ig_range_t *r) {
  uint64_t end = r->start + r->size;
  if (addr < r->start) {
    _ig_buf_u64(b, r->start - addr);
    _ig_buf_str(b, " bytes before ");
  } else if (addr >= end && !(addr == r->start && r->size == 0)) {
    _ig_buf_u64(b, addr - end);
    _ig_buf_str(b, " bytes after ");
  } else {
    _ig_buf_u64(b, addr - r->start);
    _ig_buf_str(b, " bytes inside of ");
  }
}

static void _ig_buf_site(_ig_buf_t *b, const char *heading, uint32_t site) {
  const char *fn, *file;
  uint32_t line;
  _ig_site_lookup(site, &fn, &file, &line);
  _ig_buf_str(b, heading);
  _ig_buf_str(b, "\n  #0 ");
  _ig_buf_str(b, fn);
  _ig_buf_str(b, "  ");
  _ig_buf_file(b, file);
  _ig_buf_str(b, ":");
  _ig_buf_u64(b, line);
  _ig_buf_str(b, "\n");
}

/* Headings of the release and creation stacks of a range. */
static void _ig_buf_range_sites(_ig_buf_t *b, const ig_range_t *r, bool released) {
  static const char *const freed_by[] = {"Range released by:", "Buffer freed by:", "Pin released by:",
                                         "View unmapped by:", "Callback released by:", "Region released by:"};
  static const char *const made_by[] = {"Range created by:", "Buffer allocated by:", "Pinned by:",
                                        "View mapped by:", "Callback created by:", "Region registered by:"};
  uint32_t k = r->kind <= IG_RANGE_NATIVE_REGION ? r->kind : 0;
  if (released) _ig_buf_site(b, freed_by[k], r->release_site);
  _ig_buf_site(b, made_by[k], r->alloc_site);
}

/* The frame's first line and the headline: "ERROR: InteropGuard: <kind> on address 0x.. [IGnnnn]". */
static void _ig_buf_headline(_ig_buf_t *b, uint32_t kind, uint64_t address) {
  _ig_buf_str(b, "=================================================================\n");
  _ig_buf_str(b, "ERROR: InteropGuard: ");
  _ig_buf_str(b, ig_kind_name(kind));
  _ig_buf_str(b, " on address ");
  _ig_buf_hex(b, address);
  _ig_buf_str(b, " [IG");
  char id[5] = {(char)('0' + kind / 1000 % 10), (char)('0' + kind / 100 % 10), (char)('0' + kind / 10 % 10),
                (char)('0' + kind % 10), 0};
  _ig_buf_str(b, id);
  _ig_buf_str(b, "]\n");
}

/* The two HINT lines every report ends with: the kind's likely fix and the option that turns it off. */
static void _ig_buf_hints(_ig_buf_t *b, uint32_t kind) {
  _ig_buf_str(b, "HINT: ");
  _ig_buf_str(b, kind < IG_KIND_COUNT ? _ig_kind_hints[kind] : "");
  _ig_buf_str(b, "\nHINT: to turn this check off set INTEROPGUARD_OPTIONS=");
  _ig_buf_str(b, _ig_option_name((int)_ig_kind_option[kind < IG_KIND_COUNT ? kind : 0]));
  _ig_buf_str(b, "=0\n");
}

/* "SUMMARY: InteropGuard: <kind> file:line in function" and the frame's last line. */
static void _ig_buf_summary(_ig_buf_t *b, uint32_t kind, uint32_t site) {
  const char *fn, *file;
  uint32_t line;
  _ig_site_lookup(site, &fn, &file, &line);
  _ig_buf_str(b, "SUMMARY: InteropGuard: ");
  _ig_buf_str(b, ig_kind_name(kind));
  _ig_buf_str(b, " ");
  _ig_buf_file(b, file);
  _ig_buf_str(b, ":");
  _ig_buf_u64(b, line);
  _ig_buf_str(b, " in ");
  _ig_buf_str(b, fn);
  _ig_buf_str(b, "\n=================================================================\n");
}

static void _ig_format(_ig_buf_t *b, const ig_violation_t *v) {
  const ig_range_t *r = v->has_range ? &v->range : NULL;
  bool released = r && (r->state == IG_STATE_FREED || r->state == IG_STATE_RELEASED);
  _ig_buf_headline(b, v->kind, v->address);

  switch (v->kind) {
    case IG_KIND_DOUBLE_FREE:
      _ig_buf_str(b, "free of ");
      _ig_buf_hex(b, v->address);
      if (r) { _ig_buf_str(b, " ("); _ig_buf_range(b, r); _ig_buf_str(b, ")"); }
      _ig_buf_str(b, " that was already freed.\n");
      break;
    case IG_KIND_INVALID_FREE:
      _ig_buf_str(b, "free of ");
      _ig_buf_hex(b, v->address);
      if (r) {
        _ig_buf_str(b, ", ");
        _ig_buf_where(b, v->address, r);
        _ig_buf_range(b, r);
        _ig_buf_str(b, ", which is not the start of a block.\n");
      } else {
        _ig_buf_str(b, ", which was not returned by ig_malloc.\n");
      }
      break;
    case IG_KIND_NATIVE_BUFFER_OVERFLOW:
      if (r && v->size == 0) {
        _ig_buf_str(b, "redzone of the ");
        _ig_buf_range(b, r);
        _ig_buf_str(b, " was overwritten ");
        if (v->address >= r->start + r->size) {
          _ig_buf_u64(b, v->address - (r->start + r->size));
          _ig_buf_str(b, " bytes past the end.\n");
        } else {
          _ig_buf_u64(b, r->start - v->address);
          _ig_buf_str(b, " bytes before the start.\n");
        }
        break;
      }
      /* fall through */
    default:
      _ig_buf_str(b, "access of ");
      _ig_buf_u64(b, v->size);
      _ig_buf_str(b, " bytes at ");
      _ig_buf_hex(b, v->address);
      if (r) {
        _ig_buf_str(b, ", ");
        _ig_buf_where(b, v->address, r);
        _ig_buf_range(b, r);
        if (v->kind == IG_KIND_NATIVE_BUFFER_OVERFLOW) _ig_buf_str(b, ", leaves the buffer");
        else if (r->state == IG_STATE_FREED) _ig_buf_str(b, " that was freed");
        else if (r->state == IG_STATE_RELEASED) _ig_buf_str(b, " that was released");
      }
      _ig_buf_str(b, ".\n");
      break;
  }
  if (r) _ig_buf_range_sites(b, r, released);
  _ig_buf_hints(b, v->kind);
  _ig_buf_summary(b, v->kind, v->access_site);
}

/* "Buffer freed by (OS tid N, 1.2 ms ago):" and the site's frame. */
static void _ig_buf_fault_site(_ig_buf_t *b, const char *heading, uint32_t site, uint32_t tid, uint64_t age_ns) {
  const char *fn, *file;
  uint32_t line;
  _ig_site_lookup(site, &fn, &file, &line);
  _ig_buf_str(b, heading);
  _ig_buf_str(b, " (OS tid ");
  _ig_buf_u64(b, tid);
  _ig_buf_str(b, ", ");
  _ig_buf_u64(b, age_ns / 1000000);
  _ig_buf_str(b, ".");
  _ig_buf_u64(b, (age_ns / 100000) % 10);
  _ig_buf_str(b, " ms ago):\n  #0 ");
  _ig_buf_str(b, fn);
  _ig_buf_str(b, "  ");
  _ig_buf_file(b, file);
  _ig_buf_str(b, ":");
  _ig_buf_u64(b, line);
  _ig_buf_str(b, "\n");
}

/* A guarded-pool fault. No dedupe, cap or hook: the fault cannot be resumed, so this is the process's last report
 * unless a previous handler recovers (then each fault is reported once, when it happens). */
static void _ig_format_fault(_ig_buf_t *b, const _ig_fault_t *f) {
  static const char *const access[] = {"ACCESS", "READ", "WRITE"};
  bool uaf = f->kind == IG_KIND_NATIVE_USE_AFTER_FREE;
  uint64_t end = f->start + f->size;
  _ig_buf_headline(b, f->kind, f->address);
  _ig_buf_str(b, access[f->access <= IG_FAULT_WRITE ? f->access : IG_FAULT_ACCESS]);
  _ig_buf_str(b, " at ");
  _ig_buf_hex(b, f->address);
  _ig_buf_str(b, ", ");
  if (f->address >= end) { _ig_buf_u64(b, f->address - end); _ig_buf_str(b, " bytes after "); }
  else if (f->address >= f->start) { _ig_buf_u64(b, f->address - f->start); _ig_buf_str(b, " bytes inside of "); }
  else { _ig_buf_u64(b, f->start - f->address); _ig_buf_str(b, " bytes before "); }
  _ig_buf_u64(b, f->size);
  _ig_buf_str(b, "-byte native buffer [");
  _ig_buf_hex(b, f->start);
  _ig_buf_str(b, ", ");
  _ig_buf_hex(b, end);
  _ig_buf_str(b, ")");
  if (uaf) {
    _ig_buf_str(b, " that was freed ");
    _ig_buf_u64(b, f->free_age_ns / 1000000);
    _ig_buf_str(b, " ms before");
  }
  _ig_buf_str(b, f->guard ? ", caught by the guard page after it.\n" : ", caught by its inaccessible page.\n");
  _ig_buf_str(b, "  faulting thread (OS tid ");
  _ig_buf_u64(b, f->fault_tid);
  _ig_buf_str(b, "), a sampled guarded allocation (sample_rate=");
  _ig_buf_u64(b, f->sample_rate);
  _ig_buf_str(b, ")\n");
  if (f->freed) _ig_buf_fault_site(b, "Buffer freed by", f->free_site, f->free_tid, f->free_age_ns);
  _ig_buf_fault_site(b, "Buffer allocated by", f->alloc_site, f->alloc_tid, f->alloc_age_ns);
  _ig_buf_hints(b, f->kind);
  _ig_buf_str(b, "HINT: this block was sampled into the guarded pool; sample_rate=0 turns the pool off\n");
  _ig_buf_summary(b, f->kind, f->alloc_site);
}

void _ig_report_fault(const _ig_fault_t *f) {
  char text[3072];
  _ig_buf_t b = {text, 0, sizeof text};
  _ig_format_fault(&b, f);
  _ig_os_write(2, b.p, b.len);
  _ig_report_write_file(b.p, b.len);
}

void _ig_report_write_file(const char *text, size_t len) {
  const char *pattern = IG_OPT_S(report_path);
  if (pattern[0] == 0) return;
  char path[IG_OPT_STR_MAX + 32];
  _ig_buf_t b = {path, 0, sizeof path};
  for (const char *p = pattern; *p; p++) {
    if (p[0] == '%' && p[1] == 'p') {
      _ig_buf_u64(&b, _ig_os_pid());
      p++;
    } else {
      char c[2] = {*p, 0};
      _ig_buf_str(&b, c);
    }
  }
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  _ig_os_write(fd, text, len);
  close(fd);
}

void ig_report(const ig_violation_t *v) {
  IG_ENSURE_INIT();
  if (v == NULL || v->kind == IG_KIND_NONE || v->kind >= IG_KIND_COUNT) return;
  if (!_ig_opt.v[_ig_kind_option[v->kind]]) return; /* detect_<kind>=0 */
  _ig_thread_t *t = _ig_thread();
  if (t->in_report) return; /* a report from inside a report (hook freeing, ...) is dropped */
  t->in_report = 1;
  IG_ADD(&_ig_rep.count, 1);

  _ig_lock(&_ig_rep.hook_lock);
  ig_report_hook_t hook = _ig_rep.hook;
  void *context = _ig_rep.context;
  _ig_unlock(&_ig_rep.hook_lock);

  if (hook != NULL) {
    hook(v, context);
  } else if ((!IG_OPT(dedupe_reports) || _ig_dedupe_first(v->kind, v->access_site)) &&
             IG_ADD(&_ig_rep.printed, 1) < (uint64_t)IG_OPT(max_reports)) {
    char text[3072];
    _ig_buf_t b = {text, 0, sizeof text};
    _ig_format(&b, v);
    _ig_lock(&_ig_rep.print_lock);
    _ig_os_write(2, b.p, b.len);
    _ig_report_write_file(b.p, b.len);
    _ig_unlock(&_ig_rep.print_lock);
  }
  t->in_report = 0;
  if (IG_OPT(halt_on_error)) abort();
}
