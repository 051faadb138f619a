/* ig_site.c - the site table: interns (file, line, function) into the mmap'ed ig_site_t array the table
 * header points to; runs when the managed runtime or a C caller names a site, and when reports print one. */
#include "internal/ig_internal.h"

#define IG_SITE_CAPACITY 65536u
#define IG_SITE_HASH_SIZE (IG_SITE_CAPACITY * 2u) /* open addressing, load <= 1/2 */

_Static_assert(sizeof(ig_site_t) == 256, "ig_site_t is 256 bytes");
_Static_assert(offsetof(ig_site_t, id) == 0, "site.id");
_Static_assert(offsetof(ig_site_t, line) == 4, "site.line");
_Static_assert(offsetof(ig_site_t, function) == 8, "site.function");
_Static_assert(offsetof(ig_site_t, file) == 128, "site.file");

static ig_site_t *_ig_sites;      /* [IG_SITE_CAPACITY], index = id - 1 */
static uint32_t *_ig_site_hash;   /* id, 0 = empty */
static uint32_t _ig_site_count;   /* published with a release store */
static _ig_lock_t _ig_site_lock;

void _ig_sites_init(void) {
  _ig_sites = _ig_os_reserve(IG_SITE_CAPACITY * sizeof(ig_site_t));
  _ig_site_hash = _ig_os_reserve(IG_SITE_HASH_SIZE * sizeof(uint32_t));
  IG_ASSERT(_ig_sites != NULL && _ig_site_hash != NULL);
  ig_shadow_table->sites = (uint64_t)(uintptr_t)_ig_sites;
  ig_shadow_table->site_capacity = IG_SITE_CAPACITY;
}

/* Copies s into dst[cap]; when it does not fit keeps the tail (paths) or the head (functions). */
static void _ig_copy_trunc(char *dst, size_t cap, const char *s, bool keep_tail) {
  size_t n = strlen(s);
  if (n < cap) { memcpy(dst, s, n + 1); return; }
  if (keep_tail) {
    memcpy(dst, "...", 3);
    memcpy(dst + 3, s + n - (cap - 4), cap - 4);
  } else {
    memcpy(dst, s, cap - 1);
  }
  dst[cap - 1] = 0;
}

static uint64_t _ig_site_hash_of(const ig_site_t *s) {
  uint64_t h = 1469598103934665603ull ^ s->line;
  for (const char *p = s->function; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
  h = (h ^ 0xff) * 1099511628211ull;
  for (const char *p = s->file; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
  return h ^ (h >> 29);
}

uint32_t ig_site_intern(const char *file, uint32_t line, const char *function) {
  IG_ENSURE_INIT();
  ig_site_t key;
  memset(&key, 0, sizeof key);
  key.line = line;
  _ig_copy_trunc(key.function, sizeof key.function, function ? function : "", false);
  _ig_copy_trunc(key.file, sizeof key.file, file ? file : "", true);
  uint64_t h = _ig_site_hash_of(&key);
  uint32_t id = 0;
  _ig_lock(&_ig_site_lock);
  for (uint32_t i = (uint32_t)h & (IG_SITE_HASH_SIZE - 1);; i = (i + 1) & (IG_SITE_HASH_SIZE - 1)) {
    uint32_t cand = _ig_site_hash[i];
    if (cand == 0) {
      uint32_t n = _ig_site_count;
      if (n < IG_SITE_CAPACITY) {
        key.id = n + 1;
        _ig_sites[n] = key;
        _ig_site_hash[i] = key.id;
        IG_STORE_REL(&_ig_site_count, n + 1);
        IG_STORE_REL(&ig_shadow_table->site_count, (uint64_t)(n + 1));
        id = key.id;
      }
      break;
    }
    const ig_site_t *s = &_ig_sites[cand - 1];
    if (s->line == key.line && strcmp(s->function, key.function) == 0 && strcmp(s->file, key.file) == 0) {
      id = cand;
      break;
    }
  }
  _ig_unlock(&_ig_site_lock);
  return id;
}

ig_status_t ig_site_get(uint32_t id, ig_site_t *out) {
  IG_ENSURE_INIT();
  if (id == 0 || id > IG_LOAD_ACQ(&_ig_site_count)) return IG_ERR_NOT_FOUND;
  if (out == NULL) return IG_ERR_BAD_ARG;
  *out = _ig_sites[id - 1]; /* published sites never change */
  return IG_OK;
}

bool _ig_site_lookup(uint32_t id, const char **function, const char **file, uint32_t *line) {
  if (id == 0 || id > IG_LOAD_ACQ(&_ig_site_count)) {
    *function = "unknown";
    *file = "unknown";
    *line = 0;
    return false;
  }
  const ig_site_t *s = &_ig_sites[id - 1];
  *function = s->function[0] ? s->function : "unknown";
  *file = s->file[0] ? s->file : "unknown";
  *line = s->line;
  return true;
}
