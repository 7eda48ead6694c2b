// elf_needs_library reads DT_NEEDED from arbitrary bytes, bounds-checked.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tracestrip/elf_needed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size heap copy so that ASan sees any read past the end.
  std::vector<unsigned char> bytes(data, data + size);
  (void)tracestrip::elf_needs_library(bytes.data(), bytes.size(), "libcurl");
  (void)tracestrip::elf_needs_library(bytes.data(), bytes.size(), "");
  return 0;
}
