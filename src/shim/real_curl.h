// The real libcurl functions, found lazily: dlsym(RTLD_NEXT) first, then the
// libcurl objects actually loaded (a libcurl loaded RTLD_LOCAL, as Python
// loads pycurl's, is invisible to RTLD_NEXT). Never a null call: a function
// that cannot be found comes back as nullptr and the caller answers with
// curl's own error code.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <atomic>

#include "tracestrip/header_filter.h"
#include "tracestrip/url_parts.h"

namespace tracestrip::shim {

struct RealCurl {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_duphandle) easy_duphandle;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

// Each accessor resolves its function once and caches it; nullptr when curl
// is nowhere to be found (resolution is tried again on the next call).
decltype(&::curl_easy_init) real_easy_init();
decltype(&::curl_easy_perform) real_easy_perform();
decltype(&::curl_easy_duphandle) real_easy_duphandle();
decltype(&::curl_easy_reset) real_easy_reset();
decltype(&::curl_easy_cleanup) real_easy_cleanup();
decltype(&::curl_multi_add_handle) real_multi_add_handle();
decltype(&::curl_slist_append) real_slist_append();
decltype(&::curl_slist_free_all) real_slist_free_all();

// Finds `name` as described above; nullptr when curl is nowhere to be found.
void* resolve_real_function(const char* name);

// curl_easy_setopt is the hot path (every option of every transfer): the
// cached pointer is read inline. The slot is constant-initialised, so no
// guard runs, even from another library's constructor.
inline decltype(&::curl_easy_setopt) real_easy_setopt() {
  static std::atomic<void*> slot{nullptr};
  void* function = slot.load(std::memory_order_acquire);
  if(__builtin_expect(function == nullptr, 0)) {
    function = resolve_real_function("curl_easy_setopt");
    if(function)
      slot.store(function, std::memory_order_release);
  }
  return reinterpret_cast<decltype(&::curl_easy_setopt)>(function);
}

// Resolves every function above now. Called before fork(), so that a child
// never has to resolve (dlopen, dlsym) while another thread of the parent may
// have held a loader or sanitizer lock at the moment of the fork.
void resolve_all_real_functions();

// The URL API and list functions as the rules want them (complete() tells).
CurlUrlApi real_url_api();
SlistApi real_slist_api();

// True when `address` lies inside the libcurl the shim forwards to: calls
// curl makes to its own exported functions are left alone.
bool is_inside_real_curl(const void* address);

}  // namespace tracestrip::shim
