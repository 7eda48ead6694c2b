#include "tracestrip/elf_needed.h"

#include <elf.h>

#include <cstring>

namespace tracestrip {

namespace {

template <typename T>
bool read_at(const unsigned char* data, size_t size, size_t offset, T* out) {
  if(offset > size || size - offset < sizeof(T))
    return false;
  std::memcpy(out, data + offset, sizeof(T));
  return true;
}

// Maps a virtual address to a file offset through the PT_LOAD segments.
bool file_offset_of(const unsigned char* data, size_t size, const Elf64_Ehdr& header, Elf64_Addr address,
                    size_t* offset) {
  for(Elf64_Half i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    if(!read_at(data, size, header.e_phoff + size_t{i} * header.e_phentsize, &segment))
      return false;
    if(segment.p_type == PT_LOAD && address >= segment.p_vaddr && address - segment.p_vaddr < segment.p_filesz) {
      *offset = static_cast<size_t>(address - segment.p_vaddr + segment.p_offset);
      return true;
    }
  }
  return false;
}

bool find_dynamic_segment(const unsigned char* data, size_t size, const Elf64_Ehdr& header, Elf64_Phdr* dynamic) {
  for(Elf64_Half i = 0; i < header.e_phnum; ++i) {
    if(!read_at(data, size, header.e_phoff + size_t{i} * header.e_phentsize, dynamic))
      return false;
    if(dynamic->p_type == PT_DYNAMIC)
      return true;
  }
  return false;
}

bool string_contains(const unsigned char* data, size_t size, size_t offset, std::string_view fragment) {
  if(offset >= size)
    return false;
  const char* text = reinterpret_cast<const char*>(data + offset);
  size_t length = strnlen(text, size - offset);
  return std::string_view(text, length).find(fragment) != std::string_view::npos;
}

}  // namespace

bool elf_needs_library(const unsigned char* data, size_t size, std::string_view fragment) {
  Elf64_Ehdr header;
  if(!data || !read_at(data, size, 0, &header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
     header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_phentsize < sizeof(Elf64_Phdr))
    return false;
  Elf64_Phdr dynamic;
  if(!find_dynamic_segment(data, size, header, &dynamic))
    return false;

  size_t count = static_cast<size_t>(dynamic.p_filesz / sizeof(Elf64_Dyn));
  Elf64_Addr strtab_address = 0;
  for(size_t i = 0; i < count; ++i) {
    Elf64_Dyn entry;
    if(!read_at(data, size, dynamic.p_offset + i * sizeof(Elf64_Dyn), &entry) || entry.d_tag == DT_NULL)
      break;
    if(entry.d_tag == DT_STRTAB)
      strtab_address = entry.d_un.d_ptr;
  }
  size_t strtab = 0;
  if(!strtab_address || !file_offset_of(data, size, header, strtab_address, &strtab))
    return false;

  for(size_t i = 0; i < count; ++i) {
    Elf64_Dyn entry;
    if(!read_at(data, size, dynamic.p_offset + i * sizeof(Elf64_Dyn), &entry) || entry.d_tag == DT_NULL)
      break;
    if(entry.d_tag == DT_NEEDED && entry.d_un.d_val < size &&
       string_contains(data, size, strtab + static_cast<size_t>(entry.d_un.d_val), fragment))
      return true;
  }
  return false;
}

}  // namespace tracestrip
