// PHP (and others) load extensions with RTLD_DEEPBIND, which makes the
// extension bind its curl calls straight to libcurl, past every preload.
// For objects that link libcurl, tracestrip clears that flag so their calls
// reach it — as heaptrack does for its own hooks. Everything else is passed
// through unchanged, as a tail call, so that glibc still sees the original
// caller when it searches RUNPATH and expands $ORIGIN.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "runtime.h"
#include "tracestrip/elf_needed.h"

namespace {

using DlopenFn = void* (*)(const char*, int);

DlopenFn real_dlopen() {
  static std::atomic<void*> slot{nullptr};
  void* function = slot.load(std::memory_order_acquire);
  if(!function) {
    function = dlsym(RTLD_NEXT, "dlopen");
    slot.store(function, std::memory_order_release);
  }
  return reinterpret_cast<DlopenFn>(function);
}

bool file_links_libcurl(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if(fd < 0)
    return false;
  struct stat info {};
  bool links = false;
  if(fstat(fd, &info) == 0 && info.st_size > 0) {
    size_t size = static_cast<size_t>(info.st_size);
    void* bytes = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if(bytes != MAP_FAILED) {
      links = tracestrip::elf_needs_library(static_cast<const unsigned char*>(bytes), size, "libcurl");
      munmap(bytes, size);
    }
  }
  close(fd);
  return links;
}

int adjusted_flags(const char* file, int flags) noexcept {
  if(!(flags & RTLD_DEEPBIND) || !file || !std::strchr(file, '/'))
    return flags;
  try {
    if(tracestrip::shim::config().mode != tracestrip::Mode::Off && file_links_libcurl(file))
      return flags & ~RTLD_DEEPBIND;
  }
  catch(...) {
  }
  return flags;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void* dlopen(const char* file, int flags) {
  DlopenFn real = real_dlopen();
  if(!real)
    return nullptr;
  return real(file, adjusted_flags(file, flags));
}
