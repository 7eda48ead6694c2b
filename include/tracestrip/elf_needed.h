// Reads the DT_NEEDED entries of an ELF64 shared object from its bytes,
// bounds-checked throughout (the bytes may be anything).
#pragma once

#include <cstddef>
#include <string_view>

namespace tracestrip {

// True when one of the object's DT_NEEDED names contains `fragment`.
bool elf_needs_library(const unsigned char* data, size_t size, std::string_view fragment);

}  // namespace tracestrip
