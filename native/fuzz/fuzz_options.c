/* fuzz_options.c - fuzzes the INTEROPGUARD_OPTIONS parser (ig_options.c) against a reference evaluation of the same
 * grammar; built and run by the ASan+UBSan preset (native/CMakePresets.json) for a bounded time.
 *
 * Oracle: after _ig_options_parse(text) from the defaults, every option holds what the last valid `key=value` entry
 * for it says (or its default), so every value lies in its range, a power-of-two option holds a power of two, a
 * string option holds at most IG_OPT_STR_MAX - 1 bytes and no '=', and max_redzone >= redzone. The warnings for
 * bad entries are printed too (to /dev/null), so their formatting runs under the sanitizers. */
#include "internal/ig_internal.h"
#include "fuzz_driver.h"

typedef struct ref_opt_s {
  const char *name;
  _ig_opt_type_t type;
  int64_t def, lo, hi;
} ref_opt_t;

static const ref_opt_t ref[IG_OPT_COUNT] = {
#define IG_OPTION(name, type, def, lo, hi, ...) {#name, type, (int64_t)(def), (int64_t)(lo), (int64_t)(hi)},
#include "ig_options.inc"
#undef IG_OPTION
};

/* The reference: one entry (key, '=' and value, no ':') applied to v/s the way docs/design/options.md says. */
static void ref_apply(const char *e, size_t n, int64_t *v, char (*s)[IG_OPT_STR_MAX]) {
  const char *eq = memchr(e, '=', n);
  if (eq == NULL) return; /* a key without a value keeps the default */
  size_t klen = (size_t)(eq - e), vlen = n - klen - 1;
  const char *val = eq + 1;
  for (int i = 0; i < IG_OPT_COUNT; i++) {
    if (strlen(ref[i].name) != klen || memcmp(ref[i].name, e, klen) != 0) continue;
    if (ref[i].type == IG_OT_STR) {
      if (vlen < IG_OPT_STR_MAX && memchr(val, '=', vlen) == NULL) {
        memcpy(s[i], val, vlen);
        s[i][vlen] = 0;
      }
      return;
    }
    if (ref[i].type == IG_OT_BOOL) {
      if ((vlen == 1 && val[0] == '1') || (vlen == 4 && memcmp(val, "true", 4) == 0)) v[i] = 1;
      if ((vlen == 1 && val[0] == '0') || (vlen == 5 && memcmp(val, "false", 5) == 0)) v[i] = 0;
      return;
    }
    if (ref[i].type == IG_OT_FORMAT) {
      static const char *const formats[] = {"text", "json", "sarif"};
      for (int f = 0; f < 3; f++)
        if (strlen(formats[f]) == vlen && memcmp(formats[f], val, vlen) == 0) v[i] = f;
      return;
    }
    /* decimal digits only, no overflow of int64, within [lo, hi], a power of two for POW2 */
    if (vlen == 0 || vlen > 19) return;
    uint64_t x = 0;
    for (size_t k = 0; k < vlen; k++) {
      if (val[k] < '0' || val[k] > '9') return;
      x = x * 10 + (uint64_t)(val[k] - '0');
    }
    if (x > (uint64_t)INT64_MAX) return;
    int64_t y = (int64_t)x;
    if (y < ref[i].lo || y > ref[i].hi) return;
    if (ref[i].type == IG_OT_POW2 && (y & (y - 1)) != 0) return;
    v[i] = y;
    return;
  }
}

static char text[4097];
static int64_t want_v[IG_OPT_COUNT];
static char want_s[IG_OPT_COUNT][IG_OPT_STR_MAX];

static void target(const uint8_t *data, size_t size) {
  if (size > sizeof text - 1) size = sizeof text - 1;
  memcpy(text, data, size);
  text[size] = 0;
  bool quiet = size > 0 && (data[0] & 1); /* both paths: quiet parses and parses that print their warnings */

  _ig_options_defaults();
  _ig_options_parse(text, quiet);

  for (int i = 0; i < IG_OPT_COUNT; i++) {
    want_v[i] = ref[i].type == IG_OT_STR ? 0 : ref[i].def;
    want_s[i][0] = 0;
  }
  size_t len = strlen(text); /* the parser sees the text up to its first NUL */
  for (size_t p = 0; p <= len;) {
    const char *end = memchr(text + p, ':', len - p);
    size_t n = end ? (size_t)(end - (text + p)) : len - p;
    if (n > 0) ref_apply(text + p, n, want_v, want_s);
    if (!end) break;
    p += n + 1;
  }
  if (want_v[IG_OPT_ID_max_redzone] < want_v[IG_OPT_ID_redzone])
    want_v[IG_OPT_ID_max_redzone] = want_v[IG_OPT_ID_redzone];

  for (int i = 0; i < IG_OPT_COUNT; i++) {
    if (ref[i].type == IG_OT_STR) {
      if (memchr(_ig_opt.s[i], 0, IG_OPT_STR_MAX) == NULL) fuzz_fail("option %s: string not terminated", ref[i].name);
      if (strcmp(_ig_opt.s[i], want_s[i]) != 0)
        fuzz_fail("option %s: parser kept '%s', the grammar says '%s'", ref[i].name, _ig_opt.s[i], want_s[i]);
      continue;
    }
    int64_t got = _ig_opt.v[i];
    if (got != want_v[i])
      fuzz_fail("option %s: parser kept %lld, the grammar says %lld", ref[i].name, (long long)got,
                (long long)want_v[i]);
    if (got != ref[i].def && (got < ref[i].lo || got > ref[i].hi))
      fuzz_fail("option %s: %lld outside [%lld, %lld]", ref[i].name, (long long)got, (long long)ref[i].lo,
                (long long)ref[i].hi);
  }
  if (IG_OPT(max_redzone) < IG_OPT(redzone)) fuzz_fail("max_redzone below redzone");
}

static const char *const seeds[] = {
  "",
  "quarantine_mb=0",
  "halt_on_error=1:report_path=/tmp/ig.%p:report_format=json",
  "redzone=64:max_redzone=32:malloc_fill_byte=255:free_fill_byte=0",
  "detect_double_free=false:detect_invalid_free=true:dedupe_reports=0",
  "sample_rate=20000:guarded_pool_pages=1048576:guarded_quarantine=0",
  "max_ranges=2147483648:max_reports=2147483647:verbosity=3",
  "::unknown_option=1:quarantine_mb:quarantine_mb=:=1:",
  "redzone=48:redzone=16384:quarantine_mb=-1:quarantine_mb=99999999999999999999",
};
static const char *const dict[] = {
  "halt_on_error", "report_path", "report_format", "quarantine_mb", "redzone", "max_redzone", "malloc_fill_byte",
  "max_malloc_fill_size", "free_fill_byte", "poison_freed", "max_free_fill_size", "release_history", "max_ranges", "capture_stacks",
  "max_reports", "dedupe_reports", "validator_interval_ms", "pin_leak_ms", "suppressions", "verbosity",
  "validator_path", "validator_timeout_ms", "pool_quarantine", "callback_quarantine", "sample_rate",
  "guarded_pool_pages", "guarded_quarantine", "detect_native_use_after_free", "detect_leaked_pin", "=", ":", "=1",
  "=0", "=true", "=false", "json", "sarif", "text", "9223372036854775807", "9223372036854775808",
  "18446744073709551616", "2147483648", "4294967296", "2048", "4096", "65536", "%p",
};

int main(int argc, char **argv) {
  return fuzz_main(argc, argv, "fuzz_options", target, seeds, sizeof seeds / sizeof seeds[0], dict,
                   sizeof dict / sizeof dict[0], 1024);
}
