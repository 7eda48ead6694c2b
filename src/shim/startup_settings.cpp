// Start-up work asked for by tracestrip-run: --print-config prints the
// effective settings; --no-inherit takes the shim out of LD_PRELOAD so that
// child processes start without it. Runs before main, single-threaded.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime.h"

namespace {

bool is_set(const char* name) {
  const char* value = std::getenv(name);
  return value && std::strcmp(value, "1") == 0;
}

std::string own_path() {
  Dl_info info{};
  static int anchor;
  return dladdr(&anchor, &info) && info.dli_fname ? info.dli_fname : "";
}

bool is_this_library(const std::string& entry, const std::string& self) {
  if(entry == self)
    return true;
  size_t slash = entry.rfind('/');
  return entry.substr(slash == std::string::npos ? 0 : slash + 1) == "libtracestrip.so";
}

// LD_PRELOAD without this library (entries are separated by blanks or colons).
void remove_from_preload() {
  const char* preload = std::getenv("LD_PRELOAD");
  if(!preload)
    return;
  std::string self = own_path();
  std::string kept;
  std::string list = preload;
  size_t start = 0;
  while(start <= list.size()) {
    size_t end = list.find_first_of(" :", start);
    if(end == std::string::npos)
      end = list.size();
    std::string entry = list.substr(start, end - start);
    if(!entry.empty() && !is_this_library(entry, self))
      kept += (kept.empty() ? "" : " ") + entry;
    start = end + 1;
  }
  if(kept.empty())
    unsetenv("LD_PRELOAD");
  else
    setenv("LD_PRELOAD", kept.c_str(), 1);
}

__attribute__((constructor)) void apply_startup_settings() {
  try {
    if(is_set("TRACESTRIP_PRINT_CONFIG")) {
      std::string text = tracestrip::describe_config(tracestrip::shim::config());
      ssize_t ignored = write(STDERR_FILENO, text.data(), text.size());
      (void)ignored;
    }
    if(is_set("TRACESTRIP_NO_INHERIT"))
      remove_from_preload();
  }
  catch(...) {
  }
}

}  // namespace
