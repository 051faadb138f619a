/* ig_options.c - the option table (ig_options.inc), the INTEROPGUARD_OPTIONS parser and library
 * initialisation; runs once, on the first call into the library (ig_init or any other entry point). */
#include "internal/ig_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

_ig_options_t _ig_opt;
uint32_t _ig_initialized;
uint32_t _ig_release;
uint32_t _ig_full_fill;

typedef struct _ig_opt_desc_s {
  const char *name;
  _ig_opt_type_t type;
  int64_t def, lo, hi;
  const char *desc;
} _ig_opt_desc_t;

static const _ig_opt_desc_t _ig_opt_table[IG_OPT_COUNT] = {
#define IG_OPTION(name, type, def, lo, hi, desc) {#name, type, (int64_t)(def), (int64_t)(lo), (int64_t)(hi), desc},
#include "ig_options.inc"
#undef IG_OPTION
};

static const char *const _ig_formats[] = {"text", "json", "sarif"};

const char *_ig_option_name(int id) { return (id >= 0 && id < IG_OPT_COUNT) ? _ig_opt_table[id].name : ""; }

void _ig_options_defaults(void) {
  memset(&_ig_opt, 0, sizeof _ig_opt);
  for (int i = 0; i < IG_OPT_COUNT; i++) _ig_opt.v[i] = _ig_opt_table[i].def;
}

/* Decimal, no sign, no overflow, nothing after the digits. */
static bool _ig_parse_u64(const char *s, size_t n, int64_t *out) {
  if (n == 0) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (UINT64_C(0x7FFFFFFFFFFFFFFF) - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = (int64_t)v;
  return true;
}

static bool _ig_token_is(const char *s, size_t n, const char *word) {
  return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* A short, printable excerpt of user text for a warning: at most IG_EXCERPT_MAX bytes, each byte that is not
 * printable ASCII (or is ' or \) as \xNN, then "..." when cut. The managed parser quotes identically. */
#define IG_EXCERPT_MAX 40
static void _ig_buf_excerpt(_ig_buf_t *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  char tmp[IG_EXCERPT_MAX * 4 + 4];
  size_t m = 0;
  for (size_t i = 0; i < n && i < IG_EXCERPT_MAX; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      tmp[m++] = (char)c;
    } else {
      tmp[m++] = '\\';
      tmp[m++] = 'x';
      tmp[m++] = hex[c >> 4];
      tmp[m++] = hex[c & 15];
    }
  }
  if (n > IG_EXCERPT_MAX) { memcpy(tmp + m, "...", 3); m += 3; }
  tmp[m] = 0;
  _ig_buf_str(b, tmp);
}

static void _ig_warn_unknown(const char *key, size_t klen, bool quiet) {
  if (quiet) return;
  char text[2048];
  _ig_buf_t b = {text, 0, sizeof text};
  _ig_buf_str(&b, "unknown option '");
  _ig_buf_excerpt(&b, key, klen);
  _ig_buf_str(&b, "' in INTEROPGUARD_OPTIONS is ignored; valid options: ");
  for (int i = 0; i < IG_OPT_COUNT; i++) {
    if (i) _ig_buf_str(&b, ", ");
    _ig_buf_str(&b, _ig_opt_table[i].name);
  }
  _ig_warn(text);
}

/* "name=value" of an option's current value, as the warnings quote it. */
static void _ig_buf_current(_ig_buf_t *b, int id) {
  const _ig_opt_desc_t *d = &_ig_opt_table[id];
  _ig_buf_str(b, d->name);
  _ig_buf_str(b, "=");
  switch (d->type) {
    case IG_OT_STR: _ig_buf_excerpt(b, _ig_opt.s[id], strlen(_ig_opt.s[id])); break;
    case IG_OT_FORMAT: _ig_buf_str(b, _ig_formats[_ig_opt.v[id] & 3]); break;
    default: _ig_buf_i64(b, _ig_opt.v[id]); break;
  }
}

static void _ig_warn_value(int id, const char *val, size_t vlen, bool quiet) {
  if (quiet) return;
  const _ig_opt_desc_t *d = &_ig_opt_table[id];
  char text[768]; /* two excerpts of at most 163 bytes, two names and the valid values */
  _ig_buf_t b = {text, 0, sizeof text};
  _ig_buf_str(&b, "bad value '");
  _ig_buf_excerpt(&b, val, vlen);
  _ig_buf_str(&b, "' for option ");
  _ig_buf_str(&b, d->name);
  _ig_buf_str(&b, "; valid values: ");
  switch (d->type) {
    case IG_OT_BOOL: _ig_buf_str(&b, "0, 1, true, false"); break;
    case IG_OT_FORMAT: _ig_buf_str(&b, "text, json, sarif"); break;
    case IG_OT_STR: _ig_buf_str(&b, "text of at most 255 bytes without '='"); break;
    case IG_OT_POW2:
      _ig_buf_str(&b, "a power of two from ");
      _ig_buf_i64(&b, d->lo);
      _ig_buf_str(&b, " to ");
      _ig_buf_i64(&b, d->hi);
      break;
    default:
      _ig_buf_str(&b, "a decimal integer from ");
      _ig_buf_i64(&b, d->lo);
      _ig_buf_str(&b, " to ");
      _ig_buf_i64(&b, d->hi);
      break;
  }
  _ig_buf_str(&b, "; keeping ");
  _ig_buf_current(&b, id);
  _ig_warn(text);
}

static void _ig_option_set(const char *key, size_t klen, const char *val, size_t vlen, bool has_value,
                           bool quiet) {
  int id = -1;
  for (int i = 0; i < IG_OPT_COUNT; i++)
    if (_ig_token_is(key, klen, _ig_opt_table[i].name)) { id = i; break; }
  if (id < 0) { _ig_warn_unknown(key, klen, quiet); return; }
  const _ig_opt_desc_t *d = &_ig_opt_table[id];
  if (!has_value) { _ig_warn_value(id, "", 0, quiet); return; }
  int64_t v = 0;
  bool ok = false;
  switch (d->type) {
    case IG_OT_STR:
      if (vlen < IG_OPT_STR_MAX && memchr(val, '=', vlen) == NULL) {
        memcpy(_ig_opt.s[id], val, vlen);
        _ig_opt.s[id][vlen] = 0;
        return;
      }
      break;
    case IG_OT_BOOL:
      if (_ig_token_is(val, vlen, "1") || _ig_token_is(val, vlen, "true")) { v = 1; ok = true; }
      else if (_ig_token_is(val, vlen, "0") || _ig_token_is(val, vlen, "false")) { v = 0; ok = true; }
      break;
    case IG_OT_FORMAT:
      for (int i = 0; i < 3; i++)
        if (_ig_token_is(val, vlen, _ig_formats[i])) { v = i; ok = true; }
      break;
    case IG_OT_INT:
    case IG_OT_POW2:
      ok = _ig_parse_u64(val, vlen, &v) && v >= d->lo && v <= d->hi &&
           (d->type != IG_OT_POW2 || (v & (v - 1)) == 0);
      break;
  }
  if (!ok) { _ig_warn_value(id, val, vlen, quiet); return; }
  _ig_opt.v[id] = v;
}

/* Values that are each in range but contradict each other; the managed parser checks the same pairs. */
static void _ig_options_reconcile(bool quiet) {
  if (IG_OPT(max_redzone) < IG_OPT(redzone)) {
    if (!quiet) {
      char text[160];
      _ig_buf_t b = {text, 0, sizeof text};
      _ig_buf_str(&b, "max_redzone=");
      _ig_buf_i64(&b, IG_OPT(max_redzone));
      _ig_buf_str(&b, " is below redzone=");
      _ig_buf_i64(&b, IG_OPT(redzone));
      _ig_buf_str(&b, "; using max_redzone=");
      _ig_buf_i64(&b, IG_OPT(redzone));
      _ig_warn(text);
    }
    IG_OPT(max_redzone) = IG_OPT(redzone);
  }
}

void _ig_options_parse(const char *text, bool quiet) {
  if (text == NULL) return;
  const char *p = text;
  while (*p) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n > 0) { /* empty entries ("::", a trailing ':') are allowed and mean nothing */
      const char *eq = memchr(p, '=', n);
      if (eq == NULL) _ig_option_set(p, n, NULL, 0, false, quiet);
      else _ig_option_set(p, (size_t)(eq - p), eq + 1, n - (size_t)(eq - p) - 1, true, quiet);
    }
    if (!end) break;
    p = end + 1;
  }
  _ig_options_reconcile(quiet);
}

int64_t ig_option_int(const char *name) {
  IG_ENSURE_INIT();
  if (name == NULL) return -1;
  for (int i = 0; i < IG_OPT_COUNT; i++) {
    if (strcmp(name, _ig_opt_table[i].name) == 0) return _ig_opt_table[i].type == IG_OT_STR ? -1 : _ig_opt.v[i];
  }
  return -1;
}

/* ---------------------------------------------------------------------------------------------------
 * Initialisation: pthread_once runs _ig_init_once on the first caller's thread; the options that
 * caller passed travel in thread-local variables, so "the first call wins" holds under races.
 * ------------------------------------------------------------------------------------------------ */
static pthread_once_t _ig_once = PTHREAD_ONCE_INIT;
static __thread const char *_ig_pending_options;
static __thread uint32_t _ig_pending_flags;
static __thread bool _ig_pending_explicit;

static void _ig_init_once(void) {
  _ig_options_defaults();
  const char *text = _ig_pending_explicit && _ig_pending_options ? _ig_pending_options
                                                                 : getenv("INTEROPGUARD_OPTIONS");
  if (_ig_pending_explicit && (_ig_pending_flags & IG_INIT_RELEASE)) {
    _ig_release = 1; /* release mode samples by default; a sample_rate in the options text still wins */
    char rate[40];
    snprintf(rate, sizeof rate, "sample_rate=%d", IG_RELEASE_SAMPLE_RATE);
    _ig_options_parse(rate, true);
  }
  _ig_options_parse(text, (_ig_pending_flags & IG_INIT_QUIET) != 0);
  if (_ig_pending_explicit && (_ig_pending_flags & IG_INIT_FULL_FILL)) _ig_full_fill = 1;
  _ig_report_init();
  _ig_sites_init();
  _ig_table_init();
  _ig_index_init();
  _ig_quarantine_init();
  _ig_guarded_init();
  IG_STORE_REL(&_ig_initialized, 1u);
}

void _ig_init_slow(void) {
  _ig_pending_explicit = false;
  _ig_pending_flags = 0;
  pthread_once(&_ig_once, _ig_init_once);
}

int ig_release_mode(void) {
  IG_ENSURE_INIT();
  return (int)_ig_release;
}

ig_status_t ig_init(const char *options, uint32_t flags) {
  if (IG_LOAD_ACQ(&_ig_initialized)) return IG_OK;
  _ig_pending_options = options;
  _ig_pending_flags = flags;
  _ig_pending_explicit = true;
  pthread_once(&_ig_once, _ig_init_once);
  _ig_pending_explicit = false;
  return IG_OK;
}
