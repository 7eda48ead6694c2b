#include "real_curl.h"

#include <dlfcn.h>
#include <link.h>

#include <atomic>
#include <cstring>

namespace tracestrip::shim {

namespace {

// Our own definitions, to refuse finding ourselves (a library preloaded twice,
// or a loader that puts us after libcurl): calling them would recurse forever.
void* own_definition(const char* name) {
  Dl_info info{};
  static int anchor;
  if(!dladdr(&anchor, &info) || !info.dli_fname)
    return nullptr;
  void* self = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if(!self)
    return nullptr;
  void* symbol = dlsym(self, name);
  dlclose(self);
  return symbol;
}

struct LoadedObjects {
  static constexpr int kMax = 64;
  const char* names[kMax];
  int count = 0;
};

int collect_object(dl_phdr_info* info, size_t, void* data) {
  auto* objects = static_cast<LoadedObjects*>(data);
  if(info->dlpi_name && info->dlpi_name[0] && objects->count < LoadedObjects::kMax)
    objects->names[objects->count++] = info->dlpi_name;
  return 0;
}

// Looks through the loaded objects, libcurl's first, for a definition of
// `name` that is not ours. The handle stays open so the pointer stays valid.
void* find_in_loaded_objects(const char* name, void* self) {
  LoadedObjects objects;
  dl_iterate_phdr(collect_object, &objects);
  for(int pass = 0; pass < 2; ++pass) {
    for(int i = 0; i < objects.count; ++i) {
      bool is_curl = std::strstr(objects.names[i], "libcurl") != nullptr;
      if(is_curl != (pass == 0))
        continue;
      void* handle = dlopen(objects.names[i], RTLD_LAZY | RTLD_NOLOAD);
      if(!handle)
        continue;
      void* symbol = dlsym(handle, name);
      if(symbol && symbol != self)
        return symbol;
      dlclose(handle);
    }
  }
  return nullptr;
}

}  // namespace

void* resolve_real_function(const char* name) {
  void* self = own_definition(name);
  void* next = dlsym(RTLD_NEXT, name);
  if(next && next != self)
    return next;
  return find_in_loaded_objects(name, self);
}

namespace {

template <typename Fn>
Fn cached(std::atomic<void*>& slot, const char* name) {
  void* function = slot.load(std::memory_order_acquire);
  if(!function) {
    function = resolve_real_function(name);
    if(function)
      slot.store(function, std::memory_order_release);
  }
  return reinterpret_cast<Fn>(function);
}

}  // namespace

#define TRACESTRIP_REAL(accessor, symbol)              \
  decltype(&::symbol) accessor() {                     \
    static std::atomic<void*> slot{nullptr};           \
    return cached<decltype(&::symbol)>(slot, #symbol); \
  }

TRACESTRIP_REAL(real_easy_init, curl_easy_init)
TRACESTRIP_REAL(real_easy_perform, curl_easy_perform)
TRACESTRIP_REAL(real_easy_duphandle, curl_easy_duphandle)
TRACESTRIP_REAL(real_easy_reset, curl_easy_reset)
TRACESTRIP_REAL(real_easy_cleanup, curl_easy_cleanup)
TRACESTRIP_REAL(real_multi_add_handle, curl_multi_add_handle)
TRACESTRIP_REAL(real_slist_append, curl_slist_append)
TRACESTRIP_REAL(real_slist_free_all, curl_slist_free_all)
TRACESTRIP_REAL(real_url, curl_url)
TRACESTRIP_REAL(real_url_set, curl_url_set)
TRACESTRIP_REAL(real_url_get, curl_url_get)
TRACESTRIP_REAL(real_url_cleanup, curl_url_cleanup)
TRACESTRIP_REAL(real_free, curl_free)

#undef TRACESTRIP_REAL

void resolve_all_real_functions() {
  real_easy_init();
  real_easy_setopt();
  real_easy_perform();
  real_easy_duphandle();
  real_easy_reset();
  real_easy_cleanup();
  real_multi_add_handle();
  real_slist_append();
  real_slist_free_all();
  real_url_api();
}

CurlUrlApi real_url_api() {
  CurlUrlApi api;
  api.create = real_url();
  api.set = real_url_set();
  api.get = real_url_get();
  api.cleanup = real_url_cleanup();
  api.free = real_free();
  return api;
}

SlistApi real_slist_api() { return SlistApi{real_slist_append(), real_slist_free_all()}; }

bool is_inside_real_curl(const void* address) {
  Dl_info caller{};
  Dl_info curl{};
  void* anchor = reinterpret_cast<void*>(real_easy_perform());
  if(!address || !anchor || !dladdr(address, &caller) || !dladdr(anchor, &curl))
    return false;
  return caller.dli_fbase == curl.dli_fbase;
}

}  // namespace tracestrip::shim
