/* Test-only preload: while TRACESTRIP_TEST_FAIL_SHIM_MALLOC is set, malloc,
 * calloc and realloc fail (ENOMEM) when called from inside libtracestrip.so.
 * libstdc++ is linked statically into the shim, so operator new's call to
 * malloc has its return address in the shim too. Preload it before the shim. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);

static __thread int busy;
static unsigned long failures;

unsigned long fail_shim_malloc_failures(void) { return __atomic_load_n(&failures, __ATOMIC_RELAXED); }

static int should_fail(void* caller) {
  if(busy)
    return 0;
  busy = 1;
  int fail = 0;
  if(getenv("TRACESTRIP_TEST_FAIL_SHIM_MALLOC")) {
    Dl_info info;
    if(dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libtracestrip"))
      fail = 1;
  }
  busy = 0;
  if(fail) {
    __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
    errno = ENOMEM;
  }
  return fail;
}

void* malloc(size_t size) {
  if(should_fail(__builtin_return_address(0)))
    return NULL;
  return __libc_malloc(size);
}

void* calloc(size_t count, size_t size) {
  if(should_fail(__builtin_return_address(0)))
    return NULL;
  return __libc_calloc(count, size);
}

void* realloc(void* pointer, size_t size) {
  if(should_fail(__builtin_return_address(0)))
    return NULL;
  return __libc_realloc(pointer, size);
}
