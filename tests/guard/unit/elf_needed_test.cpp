// DT_NEEDED lookup on real ELF files, and on truncated and corrupted copies.
#include "tracestrip/elf_needed.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace tracestrip {
namespace {

using Bytes = std::vector<unsigned char>;

const char* const kCurlUser = "/usr/lib/git-core/git-remote-http";  // needs libcurl-gnutls.so.4
const char* const kNoCurl = "/bin/true";                            // needs libc only
const char* const kLibcurl = "/usr/lib/x86_64-linux-gnu/libcurl.so.4";

Bytes read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A copy of exactly `size` bytes, so that a sanitizer sees any read past its end.
bool needs_in_exact_copy(const Bytes& bytes, size_t size, std::string_view fragment) {
  Bytes copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
  return elf_needs_library(copy.data(), copy.size(), fragment);
}

template <typename T>
T read_struct(const Bytes& bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

template <typename T>
void write_struct(Bytes* bytes, size_t offset, const T& value) {
  std::memcpy(bytes->data() + offset, &value, sizeof value);
}

// Where things are in a well-formed ELF64 file, found independently of the code under test.
struct Layout {
  Elf64_Ehdr header{};
  size_t dynamic_phdr = 0;  // file offset of the PT_DYNAMIC program header
  Elf64_Phdr dynamic{};
  size_t strtab_entry = 0;   // file offset of the DT_STRTAB entry
  size_t needed_entry = 0;   // file offset of the DT_NEEDED entry naming the fragment
  size_t needed_string = 0;  // file offset where that name starts
  size_t strtab = 0;         // file offset of the string table
};

Layout layout_of(const Bytes& bytes, std::string_view fragment) {
  Layout layout;
  layout.header = read_struct<Elf64_Ehdr>(bytes, 0);
  std::vector<Elf64_Phdr> segments;
  for(size_t i = 0; i < layout.header.e_phnum; ++i) {
    size_t at = layout.header.e_phoff + i * layout.header.e_phentsize;
    segments.push_back(read_struct<Elf64_Phdr>(bytes, at));
    if(segments.back().p_type == PT_DYNAMIC) {
      layout.dynamic_phdr = at;
      layout.dynamic = segments.back();
    }
  }
  Elf64_Addr strtab_address = 0;
  std::vector<std::pair<size_t, Elf64_Xword>> needed;
  for(size_t at = layout.dynamic.p_offset; at + sizeof(Elf64_Dyn) <= layout.dynamic.p_offset + layout.dynamic.p_filesz;
      at += sizeof(Elf64_Dyn)) {
    Elf64_Dyn entry = read_struct<Elf64_Dyn>(bytes, at);
    if(entry.d_tag == DT_NULL)
      break;
    if(entry.d_tag == DT_STRTAB) {
      strtab_address = entry.d_un.d_ptr;
      layout.strtab_entry = at;
    }
    if(entry.d_tag == DT_NEEDED)
      needed.emplace_back(at, entry.d_un.d_val);
  }
  size_t& strtab = layout.strtab;
  for(const Elf64_Phdr& segment : segments) {
    if(segment.p_type == PT_LOAD && strtab_address >= segment.p_vaddr &&
       strtab_address < segment.p_vaddr + segment.p_filesz)
      strtab = strtab_address - segment.p_vaddr + segment.p_offset;
  }
  for(const auto& [entry, offset] : needed) {
    const char* name = reinterpret_cast<const char*>(bytes.data() + strtab + offset);
    if(std::string_view(name).find(fragment) != std::string_view::npos) {
      layout.needed_entry = entry;
      layout.needed_string = strtab + offset;
    }
  }
  return layout;
}

class RealElf : public testing::Test {
 protected:
  void SetUp() override {
    curl_user_ = read_file(kCurlUser);
    no_curl_ = read_file(kNoCurl);
    if(curl_user_.empty() || no_curl_.empty())
      GTEST_SKIP() << "needs " << kCurlUser << " (package git) and " << kNoCurl;
    layout_ = layout_of(curl_user_, "libcurl-gnutls");
    ASSERT_NE(layout_.dynamic_phdr, 0u);
    ASSERT_NE(layout_.needed_string, 0u) << kCurlUser << " no longer needs libcurl-gnutls?";
  }

  Bytes curl_user_;
  Bytes no_curl_;
  Layout layout_;
};

TEST_F(RealElf, ProgramLinkedToCurlNeedsIt) {
  EXPECT_TRUE(elf_needs_library(curl_user_.data(), curl_user_.size(), "libcurl"));
  EXPECT_TRUE(elf_needs_library(curl_user_.data(), curl_user_.size(), "libcurl-gnutls.so.4"));
  EXPECT_TRUE(elf_needs_library(curl_user_.data(), curl_user_.size(), "libz.so"));
  EXPECT_FALSE(elf_needs_library(curl_user_.data(), curl_user_.size(), "libcurl.so"));
  EXPECT_FALSE(elf_needs_library(curl_user_.data(), curl_user_.size(), "libssl"));
}

TEST_F(RealElf, ProgramWithoutCurlDoesNotNeedIt) {
  EXPECT_FALSE(elf_needs_library(no_curl_.data(), no_curl_.size(), "libcurl"));
  EXPECT_TRUE(elf_needs_library(no_curl_.data(), no_curl_.size(), "libc.so.6"));
}

TEST_F(RealElf, SharedLibrary) {
  Bytes libcurl = read_file(kLibcurl);
  if(libcurl.empty())
    GTEST_SKIP() << "no " << kLibcurl;
  EXPECT_TRUE(elf_needs_library(libcurl.data(), libcurl.size(), "libc.so"));
  EXPECT_FALSE(elf_needs_library(libcurl.data(), libcurl.size(), "libcurl"));  // not itself
}

TEST_F(RealElf, NothingToRead) {
  EXPECT_FALSE(elf_needs_library(nullptr, 0, "libcurl"));
  EXPECT_FALSE(elf_needs_library(nullptr, curl_user_.size(), "libcurl"));
  EXPECT_FALSE(elf_needs_library(curl_user_.data(), 0, "libcurl"));
}

// Cut before the name is readable: false. Cut after it: the name is there, true.
TEST_F(RealElf, TruncatedCopies) {
  const size_t fragment_end = layout_.needed_string + std::strlen("libcurl");
  const size_t needs_at_least =
      std::max({layout_.strtab_entry + sizeof(Elf64_Dyn), layout_.needed_entry + sizeof(Elf64_Dyn), fragment_end});
  std::vector<size_t> cuts;
  for(size_t size = 0; size <= 256; ++size)
    cuts.push_back(size);
  for(size_t anchor :
      {size_t{layout_.header.e_phoff}, layout_.dynamic_phdr, size_t{layout_.dynamic.p_offset}, layout_.strtab_entry,
       layout_.needed_entry, layout_.needed_string, fragment_end, needs_at_least, curl_user_.size()}) {
    for(size_t delta = 0; delta < 40; ++delta) {
      if(anchor >= delta)
        cuts.push_back(anchor - delta);
      if(anchor + delta <= curl_user_.size())
        cuts.push_back(anchor + delta);
    }
  }
  for(size_t size = 0; size < curl_user_.size(); size += 4093)
    cuts.push_back(size);
  for(size_t size : cuts) {
    bool expected = size >= needs_at_least;
    EXPECT_EQ(needs_in_exact_copy(curl_user_, size, "libcurl"), expected) << "cut at " << size;
  }
}

struct Corruption {
  const char* label;
  void (*apply)(Bytes* bytes, const Layout& layout);
};

std::ostream& operator<<(std::ostream& out, const Corruption& c) { return out << c.label; }

template <typename Field>
void set_header_field(Bytes* bytes, size_t offset, Field value) {
  write_struct(bytes, offset, value);
}

void edit_dynamic_phdr(Bytes* bytes, const Layout& layout, void (*edit)(Elf64_Phdr*)) {
  Elf64_Phdr phdr = read_struct<Elf64_Phdr>(*bytes, layout.dynamic_phdr);
  edit(&phdr);
  write_struct(bytes, layout.dynamic_phdr, phdr);
}

void edit_entry(Bytes* bytes, size_t at, void (*edit)(Elf64_Dyn*)) {
  Elf64_Dyn entry = read_struct<Elf64_Dyn>(*bytes, at);
  edit(&entry);
  write_struct(bytes, at, entry);
}

const Corruption kCorruptions[] = {
    {"BadMagic", [](Bytes* b, const Layout&) { (*b)[1] = 'X'; }},
    {"Class32", [](Bytes* b, const Layout&) { (*b)[EI_CLASS] = ELFCLASS32; }},
    {"SmallPhentsize",
     [](Bytes* b, const Layout&) { set_header_field(b, offsetof(Elf64_Ehdr, e_phentsize), Elf64_Half{8}); }},
    {"PhoffPastEnd",
     [](Bytes* b, const Layout&) { set_header_field(b, offsetof(Elf64_Ehdr, e_phoff), Elf64_Off{b->size()}); }},
    {"PhoffHuge",
     [](Bytes* b, const Layout&) { set_header_field(b, offsetof(Elf64_Ehdr, e_phoff), ~Elf64_Off{0} - 8); }},
    {"PhnumZero", [](Bytes* b, const Layout&) { set_header_field(b, offsetof(Elf64_Ehdr, e_phnum), Elf64_Half{0}); }},
    {"PhnumHugeNearEnd",
     [](Bytes* b, const Layout&) {
       set_header_field(b, offsetof(Elf64_Ehdr, e_phoff), Elf64_Off{b->size() - 100});
       set_header_field(b, offsetof(Elf64_Ehdr, e_phnum), Elf64_Half{0xffff});
     }},
    {"NoDynamicSegment",
     [](Bytes* b, const Layout& l) { edit_dynamic_phdr(b, l, [](Elf64_Phdr* p) { p->p_type = PT_NOTE; }); }},
    {"DynamicPastEnd",
     [](Bytes* b, const Layout& l) {
       Elf64_Phdr p = read_struct<Elf64_Phdr>(*b, l.dynamic_phdr);
       p.p_offset = b->size() - 8;
       write_struct(b, l.dynamic_phdr, p);
     }},
    {"DynamicOffsetHuge",
     [](Bytes* b, const Layout& l) {
       edit_dynamic_phdr(b, l, [](Elf64_Phdr* p) { p->p_offset = ~Elf64_Off{0} - 15; });
     }},
    {"DynamicEmpty",
     [](Bytes* b, const Layout& l) { edit_dynamic_phdr(b, l, [](Elf64_Phdr* p) { p->p_filesz = 0; }); }},
    {"NoStrtab",
     [](Bytes* b, const Layout& l) { edit_entry(b, l.strtab_entry, [](Elf64_Dyn* e) { e->d_tag = DT_DEBUG; }); }},
    {"StrtabUnmapped",
     [](Bytes* b, const Layout& l) {
       edit_entry(b, l.strtab_entry, [](Elf64_Dyn* e) { e->d_un.d_ptr = ~Elf64_Addr{0} - 0x1000; });
     }},
    {"StrtabZero",
     [](Bytes* b, const Layout& l) { edit_entry(b, l.strtab_entry, [](Elf64_Dyn* e) { e->d_un.d_ptr = 0; }); }},
    {"NeededOffsetHuge",
     [](Bytes* b, const Layout& l) { edit_entry(b, l.needed_entry, [](Elf64_Dyn* e) { e->d_un.d_val = ~0ull; }); }},
    {"NeededOffsetPastEnd",
     [](Bytes* b, const Layout& l) {
       Elf64_Dyn e = read_struct<Elf64_Dyn>(*b, l.needed_entry);
       e.d_un.d_val += b->size();
       write_struct(b, l.needed_entry, e);
     }},
    {"NeededTagChanged",
     [](Bytes* b, const Layout& l) { edit_entry(b, l.needed_entry, [](Elf64_Dyn* e) { e->d_tag = DT_RPATH; }); }},
    {"NameOverwritten", [](Bytes* b, const Layout& l) { std::memcpy(b->data() + l.needed_string, "libXurl", 7); }},
    {"DynamicEndsEarly",
     [](Bytes* b, const Layout& l) {
       Elf64_Dyn terminator{};
       write_struct(b, size_t{l.dynamic.p_offset}, terminator);
     }},
};

class CorruptedElf : public RealElf, public testing::WithParamInterface<Corruption> {};

TEST_P(CorruptedElf, IsNotReadAsNeedingCurl) {
  Bytes bytes = curl_user_;
  GetParam().apply(&bytes, layout_);
  EXPECT_FALSE(elf_needs_library(bytes.data(), bytes.size(), "libcurl"));
}

INSTANTIATE_TEST_SUITE_P(Fields, CorruptedElf, testing::ValuesIn(kCorruptions),
                         [](const testing::TestParamInfo<Corruption>& param) {
                           return std::string(param.param.label);
                         });

// A DT_NEEDED name running to the very end of the bytes, with no terminating
// zero: read up to the end, never past it.
void point_needed_at_the_end(Bytes* bytes, const Layout& layout, std::string_view name) {
  std::memcpy(bytes->data() + bytes->size() - name.size(), name.data(), name.size());
  Elf64_Dyn entry = read_struct<Elf64_Dyn>(*bytes, layout.needed_entry);
  entry.d_un.d_val = bytes->size() - name.size() - layout.strtab;
  write_struct(bytes, layout.needed_entry, entry);
}

TEST_F(RealElf, UnterminatedNameAtTheEnd) {
  Bytes bytes = curl_user_;
  point_needed_at_the_end(&bytes, layout_, "libcurl");
  EXPECT_TRUE(elf_needs_library(bytes.data(), bytes.size(), "libcurl"));
  EXPECT_FALSE(elf_needs_library(bytes.data(), bytes.size(), "libcurl-gnutls"));

  point_needed_at_the_end(&bytes, layout_, "libcu");
  EXPECT_FALSE(elf_needs_library(bytes.data(), bytes.size(), "libcurl"));
}

// Random damage to the parts the reader walks: it must never crash (run the
// suite under AddressSanitizer to catch reads out of bounds).
TEST_F(RealElf, RandomDamageNeverCrashes) {
  const unsigned seed = 20241204;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  const std::vector<std::pair<size_t, size_t>> regions = {
      {0, sizeof(Elf64_Ehdr)},
      {layout_.header.e_phoff, layout_.header.e_phnum * size_t{layout_.header.e_phentsize}},
      {layout_.dynamic.p_offset, layout_.dynamic.p_filesz}};
  int found = 0;
  for(int round = 0; round < 3000; ++round) {
    Bytes bytes = curl_user_;
    int damages = 1 + static_cast<int>(random() % 6);
    for(int d = 0; d < damages; ++d) {
      const auto& [start, length] = regions[random() % regions.size()];
      bytes[start + random() % length] = static_cast<unsigned char>(random());
    }
    size_t size = round % 4 == 0 ? random() % bytes.size() : bytes.size();
    bytes.resize(size);
    bytes.shrink_to_fit();
    found += elf_needs_library(bytes.data(), bytes.size(), "libcurl") ? 1 : 0;
  }
  EXPECT_GT(found, 0);  // most damage misses the path that matters
}

}  // namespace
}  // namespace tracestrip
