/* ig_heap_patch.c - finds the libraries loaded into the process (dl_iterate_phdr) and points their malloc/free/new/
 * delete import slots (GOT) at the hooks of ig_heap_hooks.c; runs at ig_heap_install and after each dlopen of the
 * runtime. Which libraries count and why: docs/design/native-heap.md. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal/ig_heap.h"

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define IG_HEAP_SUPPORTED 1
#if defined(__x86_64__)
#define IG_R_JUMP_SLOT R_X86_64_JUMP_SLOT
#define IG_R_GLOB_DAT R_X86_64_GLOB_DAT
#else
#define IG_R_JUMP_SLOT R_AARCH64_JUMP_SLOT
#define IG_R_GLOB_DAT R_AARCH64_GLOB_DAT
#endif
#else
#define IG_HEAP_SUPPORTED 0
#endif

extern uint32_t _ig_heap_glibc_chunks;

/* What is patched in a library. */
typedef enum _ig_heap_role_e {
  IG_HEAP_SKIP = 0,   /* the runtime, libc and friends, InteropGuard itself, the main program */
  IG_HEAP_ALL,        /* every allocation import: a library the program uses */
  IG_HEAP_RUNTIME,    /* libSystem.Native: the malloc family only (NativeMemory, Marshal.AllocHGlobal/AllocCoTaskMem) */
  IG_HEAP_LOADER,     /* libcoreclr: dlopen only, so each library the runtime loads is hooked before its first call */
} _ig_heap_role_t;

#define IG_HEAP_MAX_MODULES 1024
typedef struct _ig_heap_module_s {
  uintptr_t base;
  const ElfW(Phdr) *phdr;
  uint16_t phnum;
  _ig_heap_role_t role;
  char name[256];
} _ig_heap_module_t;

static pthread_mutex_t _ig_heap_patch_lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t _ig_heap_done[IG_HEAP_MAX_MODULES]; /* load bases already handled */
static size_t _ig_heap_done_count;
static unsigned long long _ig_heap_adds, _ig_heap_subs;
static _ig_heap_module_t _ig_heap_found[IG_HEAP_MAX_MODULES];
static size_t _ig_heap_found_count;
static char _ig_heap_hooked_names[64][64]; /* basenames of hooked libraries, for ig_heap_hooked and tests */
static size_t _ig_heap_hooked_count;

/* System libraries that never hold pointers a program handed them on purpose, and whose heaps are large: libc and the
 * loader, the C++ runtime, ICU, OpenSSL (the runtime's cryptography), LTTng, the unwinder, Kerberos. */
static const char *const _ig_heap_skipped[] = {
    "libc.so", "libc-", "libm.so", "libm-", "libdl.so", "libdl-", "libpthread", "librt.so", "librt-", "ld-linux",
    "ld-musl", "libstdc++", "libgcc_s", "libicu", "libssl", "libcrypto", "liblttng", "libunwind", "libnuma",
    "libgssapi", "libkrb5", "libinteropguard.so", "libhostfxr.so", "libhostpolicy.so", "linux-vdso", "linux-gate",
};

static const char *_ig_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static int _ig_starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* Decides a library's role from its path; runtime_dir is the directory of libcoreclr.so ("" when not loaded). */
static _ig_heap_role_t _ig_heap_role(const char *path, const char *runtime_dir, size_t runtime_dir_len) {
  if (path == NULL || path[0] == 0) return IG_HEAP_SKIP; /* the main program (the dotnet host, a test program) */
  const char *base = _ig_basename(path);
  if (runtime_dir_len > 0 && strncmp(path, runtime_dir, runtime_dir_len) == 0 && path[runtime_dir_len] == '/' &&
      strchr(path + runtime_dir_len + 1, '/') == NULL) {
    if (strcmp(base, "libSystem.Native.so") == 0) return IG_HEAP_RUNTIME;
    if (strcmp(base, "libcoreclr.so") == 0) return IG_HEAP_LOADER;
    return IG_HEAP_SKIP; /* the JIT, the GC, the DAC, the runtime's other native parts */
  }
  for (size_t i = 0; i < sizeof _ig_heap_skipped / sizeof _ig_heap_skipped[0]; i++) {
    if (_ig_starts(base, _ig_heap_skipped[i])) return IG_HEAP_SKIP;
  }
  return IG_HEAP_ALL;
}

static int _ig_heap_collect(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  if (_ig_heap_found_count >= IG_HEAP_MAX_MODULES) return 0;
  for (size_t i = 0; i < _ig_heap_done_count; i++) {
    if (_ig_heap_done[i] == (uintptr_t)info->dlpi_addr) return 0;
  }
  _ig_heap_module_t *m = &_ig_heap_found[_ig_heap_found_count++];
  m->base = (uintptr_t)info->dlpi_addr;
  m->phdr = info->dlpi_phdr;
  m->phnum = info->dlpi_phnum;
  m->role = IG_HEAP_SKIP;
  const char *name = info->dlpi_name ? info->dlpi_name : "";
  size_t n = strlen(name);
  if (n >= sizeof m->name) n = sizeof m->name - 1;
  memcpy(m->name, name, n);
  m->name[n] = 0;
  return 0;
}

static int _ig_heap_counters(struct dl_phdr_info *info, size_t size, void *data) {
  (void)data;
  if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs) {
    _ig_heap_adds = info->dlpi_adds;
    _ig_heap_subs = info->dlpi_subs;
  }
  return 1; /* the counters are the same in every entry: the first is enough */
}

#if IG_HEAP_SUPPORTED
/* Writes one import slot; a slot in the read-only-after-relocation segment (RELRO) is unprotected for the write. */
static void _ig_heap_write_slot(void **slot, void *value, uintptr_t relro_lo, uintptr_t relro_hi) {
  if (*slot == value) return;
  uintptr_t at = (uintptr_t)slot;
  if (at >= relro_lo && at < relro_hi) {
    uintptr_t page = at & ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
    if (mprotect((void *)page, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE) != 0) return;
    __atomic_store_n(slot, value, __ATOMIC_RELEASE);
    mprotect((void *)page, (size_t)sysconf(_SC_PAGESIZE), PROT_READ);
    return;
  }
  __atomic_store_n(slot, value, __ATOMIC_RELEASE);
}

/* The real function behind an import: libc's via the global scope, the C++ operators through the importing library
 * (its dependencies hold libstdc++ even when it was loaded with RTLD_LOCAL). */
static void *_ig_heap_resolve(const _ig_heap_module_t *m, const char *symbol) {
  void *fn = dlsym(RTLD_DEFAULT, symbol);
  if (fn != NULL || m->name[0] == 0) return fn;
  void *h = _ig_heap_real.dlopen(m->name, RTLD_LAZY | RTLD_NOLOAD);
  if (h == NULL) return NULL;
  fn = dlsym(h, symbol);
  dlclose(h);
  return fn;
}

static void _ig_heap_patch_relocs(const _ig_heap_module_t *m, const ElfW(Rela) *rel, size_t bytes, const ElfW(Sym) *symtab,
                                  const char *strtab, uintptr_t relro_lo, uintptr_t relro_hi, int *patched) {
  if (rel == NULL) return;
  for (size_t i = 0; i < bytes / sizeof *rel; i++) {
    unsigned type = (unsigned)ELF64_R_TYPE(rel[i].r_info);
    if (type != IG_R_JUMP_SLOT && type != IG_R_GLOB_DAT) continue;
    const ElfW(Sym) *sym = &symtab[ELF64_R_SYM(rel[i].r_info)];
    if (sym->st_shndx != SHN_UNDEF || sym->st_name == 0) continue; /* defined by the library itself */
    const char *name = strtab + sym->st_name;
    void **slot = (void **)(m->base + rel[i].r_offset);
    if (m->role == IG_HEAP_LOADER) {
      if (strcmp(name, "dlopen") == 0) _ig_heap_write_slot(slot, (void *)_ig_heap_dlopen_hook, relro_lo, relro_hi);
      continue;
    }
    for (size_t h = 0; h < _ig_heap_hook_count; h++) {
      const _ig_heap_hook_t *hook = &_ig_heap_hooks[h];
      if (strcmp(name, hook->name) != 0) continue;
      if (m->role == IG_HEAP_RUNTIME && !hook->runtime) break;
      if (*hook->real == NULL) {
        void *real = _ig_heap_resolve(m, name);
        if (real == NULL || real == hook->hook) break; /* leave the import alone: its blocks stay untracked */
        __atomic_store_n(hook->real, real, __ATOMIC_RELEASE);
      }
      _ig_heap_write_slot(slot, hook->hook, relro_lo, relro_hi);
      (*patched)++;
      break;
    }
  }
}

/* Patches one library through its dynamic section (already relocated by the loader on Linux; an entry still below the
 * load base is an offset and is relocated here). */
static int _ig_heap_patch_module(const _ig_heap_module_t *m) {
  const ElfW(Dyn) *dyn = NULL;
  uintptr_t relro_lo = 0, relro_hi = 0;
  for (uint16_t i = 0; i < m->phnum; i++) {
    if (m->phdr[i].p_type == PT_DYNAMIC) dyn = (const ElfW(Dyn) *)(m->base + m->phdr[i].p_vaddr);
    if (m->phdr[i].p_type == PT_GNU_RELRO) {
      relro_lo = m->base + m->phdr[i].p_vaddr;
      relro_hi = relro_lo + m->phdr[i].p_memsz;
    }
  }
  if (dyn == NULL) return 0;
  uintptr_t symtab = 0, strtab = 0, jmprel = 0, rela = 0;
  size_t pltrelsz = 0, relasz = 0;
  long pltrel = DT_RELA;
  for (const ElfW(Dyn) *d = dyn; d->d_tag != DT_NULL; d++) {
    switch (d->d_tag) {
    case DT_SYMTAB: symtab = d->d_un.d_ptr; break;
    case DT_STRTAB: strtab = d->d_un.d_ptr; break;
    case DT_JMPREL: jmprel = d->d_un.d_ptr; break;
    case DT_PLTRELSZ: pltrelsz = d->d_un.d_val; break;
    case DT_RELA: rela = d->d_un.d_ptr; break;
    case DT_RELASZ: relasz = d->d_un.d_val; break;
    case DT_PLTREL: pltrel = (long)d->d_un.d_val; break;
    default: break;
    }
  }
  if (symtab == 0 || strtab == 0 || pltrel != DT_RELA) return 0;
#define IG_REL(x) ((x) != 0 && (x) < m->base ? (x) + m->base : (x))
  const ElfW(Sym) *syms = (const ElfW(Sym) *)IG_REL(symtab);
  const char *strs = (const char *)IG_REL(strtab);
  int patched = 0;
  _ig_heap_patch_relocs(m, (const ElfW(Rela) *)IG_REL(jmprel), pltrelsz, syms, strs, relro_lo, relro_hi, &patched);
  _ig_heap_patch_relocs(m, (const ElfW(Rela) *)IG_REL(rela), relasz, syms, strs, relro_lo, relro_hi, &patched);
#undef IG_REL
  return patched;
}
#endif

static uint32_t _ig_heap_refresh_locked(void) {
  unsigned long long adds = _ig_heap_adds, subs = _ig_heap_subs;
  dl_iterate_phdr(_ig_heap_counters, NULL);
  if (_ig_heap_done_count > 0 && adds == _ig_heap_adds && subs == _ig_heap_subs) return 0; /* nothing loaded since */
  if (subs != _ig_heap_subs) _ig_heap_done_count = 0; /* something was unloaded: a base may now hold another library */
  _ig_heap_found_count = 0;
  dl_iterate_phdr(_ig_heap_collect, NULL);

  const char *runtime_dir = "";
  size_t runtime_dir_len = 0;
  for (size_t i = 0; i < _ig_heap_found_count; i++) {
    if (strcmp(_ig_basename(_ig_heap_found[i].name), "libcoreclr.so") == 0) {
      runtime_dir = _ig_heap_found[i].name;
      runtime_dir_len = (size_t)(_ig_basename(runtime_dir) - runtime_dir) - 1;
    }
  }

  uint32_t hooked = 0;
  for (size_t i = 0; i < _ig_heap_found_count; i++) {
    _ig_heap_module_t *m = &_ig_heap_found[i];
    m->role = _ig_heap_role(m->name, runtime_dir, runtime_dir_len);
    if (_ig_heap_done_count < IG_HEAP_MAX_MODULES) _ig_heap_done[_ig_heap_done_count++] = m->base;
#if IG_HEAP_SUPPORTED
    if (m->role == IG_HEAP_SKIP) continue;
    if (_ig_heap_patch_module(m) > 0) {
      hooked++;
      if (_ig_heap_hooked_count < sizeof _ig_heap_hooked_names / sizeof _ig_heap_hooked_names[0]) {
        const char *b = _ig_basename(m->name);
        size_t n = strlen(b);
        if (n >= sizeof _ig_heap_hooked_names[0]) n = sizeof _ig_heap_hooked_names[0] - 1;
        memcpy(_ig_heap_hooked_names[_ig_heap_hooked_count], b, n);
        _ig_heap_hooked_names[_ig_heap_hooked_count][n] = 0;
        _ig_heap_hooked_count++;
      }
    }
#endif
  }
  if (hooked > 0) {
    IG_ADD(&_ig_heap_header.modules, hooked);
    IG_ADD(&_ig_heap_header.generation, 1);
  }
  return hooked;
}

uint32_t ig_heap_refresh(void) {
  if (!IG_LOAD_ACQ(&_ig_heap_on)) return 0;
  pthread_mutex_lock(&_ig_heap_patch_lock);
  uint32_t n = _ig_heap_refresh_locked();
  pthread_mutex_unlock(&_ig_heap_patch_lock);
  return n;
}

int ig_heap_hooked(const char *prefix) {
  if (prefix == NULL) return 0;
  pthread_mutex_lock(&_ig_heap_patch_lock);
  int found = 0;
  for (size_t i = 0; i < _ig_heap_hooked_count && !found; i++) found = _ig_starts(_ig_heap_hooked_names[i], prefix);
  pthread_mutex_unlock(&_ig_heap_patch_lock);
  return found;
}

ig_status_t ig_heap_install(void) {
  IG_ENSURE_INIT();
#if !IG_HEAP_SUPPORTED
  return IG_ERR_STATE;
#else
  if (!IG_OPT(native_heap)) return IG_ERR_STATE;
  pthread_mutex_lock(&_ig_heap_patch_lock);
  ig_status_t status = IG_OK;
  if (!IG_LOAD(&_ig_heap_on)) {
    if (_ig_heap_registry_init((uint64_t)IG_OPT(native_heap_blocks)) != 0) {
      status = IG_ERR_NOMEM;
    } else {
      _ig_heap_real.malloc = (void *(*)(size_t))dlsym(RTLD_DEFAULT, "malloc");
      _ig_heap_real.calloc = (void *(*)(size_t, size_t))dlsym(RTLD_DEFAULT, "calloc");
      _ig_heap_real.realloc = (void *(*)(void *, size_t))dlsym(RTLD_DEFAULT, "realloc");
      _ig_heap_real.reallocarray = (void *(*)(void *, size_t, size_t))dlsym(RTLD_DEFAULT, "reallocarray");
      _ig_heap_real.free = (void (*)(void *))dlsym(RTLD_DEFAULT, "free");
      _ig_heap_real.posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_DEFAULT, "posix_memalign");
      _ig_heap_real.aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_DEFAULT, "aligned_alloc");
      _ig_heap_real.memalign = (void *(*)(size_t, size_t))dlsym(RTLD_DEFAULT, "memalign");
      _ig_heap_real.dlopen = (void *(*)(const char *, int))dlsym(RTLD_DEFAULT, "dlopen");
      void *libc_malloc = dlsym(RTLD_DEFAULT, "__libc_malloc");
      _ig_heap_glibc_chunks = libc_malloc != NULL && libc_malloc == (void *)_ig_heap_real.malloc;
      if (_ig_heap_real.malloc == NULL || _ig_heap_real.free == NULL || _ig_heap_real.dlopen == NULL) {
        status = IG_ERR_STATE;
      } else {
        IG_STORE_REL(&_ig_heap_on, 1u);
        IG_STORE_REL(&ig_shadow_table->native_heap, (uint64_t)(uintptr_t)&_ig_heap_header);
        _ig_heap_refresh_locked();
      }
    }
  }
  pthread_mutex_unlock(&_ig_heap_patch_lock);
  return status;
#endif
}
