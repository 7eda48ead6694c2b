// Header-line classification: parse_header_line must agree with how curl
// reads a CURLOPT_HTTPHEADER entry, and its views must lie inside the line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tracestrip/header_line.h"
#include "tracestrip/text.h"
#include "tracestrip/tracing_headers.h"

using namespace tracestrip;

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const TracingHeaderRules rules = TracingHeaderRules::builtin();
  // curl entries are C strings: stop at the first NUL as curl does.
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string_view line(text.c_str());
  HeaderLine parsed = parse_header_line(line);
  if(!inside(parsed.name, line) || !inside(parsed.value, line))
    std::abort();
  size_t colon = line.find(':');
  switch(parsed.kind) {
  case HeaderLineKind::Header:
  case HeaderLineKind::Removal:
    if(colon == std::string_view::npos || colon == 0 || parsed.name != line.substr(0, colon))
      std::abort();
    if((parsed.kind == HeaderLineKind::Removal) != trim_blanks(parsed.value).empty() &&
       parsed.kind == HeaderLineKind::Header)
      std::abort();
    break;
  case HeaderLineKind::EmptyHeader:
    if(colon != std::string_view::npos || line.empty() || line.back() != ';' ||
       parsed.name != line.substr(0, line.size() - 1))
      std::abort();
    break;
  case HeaderLineKind::NotHeader:
    if(!parsed.name.empty())
      std::abort();
    break;
  }
  // Classification never throws and is case-insensitive.
  if(sends_header(parsed) && rules.is_tracing(parsed.name) != rules.is_tracing(to_lower(parsed.name)))
    std::abort();
  return 0;
}
