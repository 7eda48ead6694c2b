// Counts every heap allocation in the process: these definitions of malloc
// and friends interpose glibc's (the executable comes first in the lookup
// order, and -rdynamic exports them to libcurl and the dlopened shim).
#include <atomic>
#include <cerrno>
#include <cstddef>

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* pointer);
}

namespace bench {
std::atomic<unsigned long long> g_allocations{0};
}

// Under a sanitizer its runtime owns malloc: no counting then (allocs/op reads 0).
#if !defined(TRACESTRIP_BENCH_NO_MALLOC_HOOK)
extern "C" {

__attribute__((visibility("default"))) void* malloc(size_t size) {
  bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}

__attribute__((visibility("default"))) void* calloc(size_t count, size_t size) {
  bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}

__attribute__((visibility("default"))) void* realloc(void* pointer, size_t size) {
  bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(pointer, size);
}

__attribute__((visibility("default"))) void free(void* pointer) { __libc_free(pointer); }

__attribute__((visibility("default"))) void* memalign(size_t alignment, size_t size) {
  bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}

__attribute__((visibility("default"))) void* aligned_alloc(size_t alignment, size_t size) {
  bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}

__attribute__((visibility("default"))) int posix_memalign(void** out, size_t alignment, size_t size) {
  bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  void* pointer = __libc_memalign(alignment, size);
  if(!pointer)
    return ENOMEM;
  *out = pointer;
  return 0;
}

}  // extern "C"
#endif  // TRACESTRIP_BENCH_NO_MALLOC_HOOK
