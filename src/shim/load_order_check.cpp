// At start-up, notice a library that interposes curl *after* tracestrip: its
// hooks run after tracestrip has committed a request, so headers it adds at
// perform time would not be seen. One warning names it; nothing else changes.
#include <dlfcn.h>
#include <link.h>

#include <cstring>
#include <string>

#include "runtime.h"

namespace {

const char* const kCurlEntryPoints[] = {"curl_easy_perform", "curl_multi_add_handle", "curl_easy_setopt",
                                        "curl_slist_append"};

// The object defining the next `symbol` after us, when it is not a libcurl.
const char* next_interposer(const char* symbol) {
  void* next = dlsym(RTLD_NEXT, symbol);
  Dl_info info{};
  if(!next || !dladdr(next, &info) || !info.dli_fname)
    return nullptr;  // curl not loaded (yet): nothing to say
  return std::strstr(info.dli_fname, "libcurl") ? nullptr : info.dli_fname;
}

int is_libcurl(dl_phdr_info* info, size_t, void*) {
  return info->dlpi_name && std::strstr(info->dlpi_name, "libcurl") ? 1 : 0;
}

__attribute__((constructor)) void check_load_order() {
  // A process without libcurl at start-up pays nothing more: not even the settings are read.
  if(!dl_iterate_phdr(is_libcurl, nullptr))
    return;
  try {
    if(tracestrip::shim::config().mode == tracestrip::Mode::Off)
      return;
    for(const char* symbol : kCurlEntryPoints) {
      if(const char* library = next_interposer(symbol)) {
        std::string message = std::string("warning: ") + library + " interposes curl after tracestrip (" + symbol +
                              "); headers it adds at perform time are not seen. Preload it before tracestrip "
                              "(tracestrip-run does).";
        tracestrip::shim::warn_once("load-order", message.c_str());
        return;
      }
    }
  }
  catch(...) {
  }
}

}  // namespace
