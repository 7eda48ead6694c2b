// How curl reads one CURLOPT_HTTPHEADER entry (lib/http.c, Curl_add_custom_headers):
//   "Name: value"  sends the header;
//   "Name:"        (blank value: only spaces, tabs, CR, LF, VT or FF) removes a
//                  header curl would add itself, sends nothing;
//   "Name;"        sends the header with an empty value;
//   anything else  is not sent.
#pragma once

#include <string_view>

namespace tracestrip {

enum class HeaderLineKind {
  Header,       // "Name: value" — sent as is
  EmptyHeader,  // "Name;" — sent as "Name:"
  Removal,      // "Name:" or "Name:   " — tells curl not to send its own header
  NotHeader,    // no name, or no separator curl understands — not sent
};

struct HeaderLine {
  HeaderLineKind kind = HeaderLineKind::NotHeader;
  std::string_view name;   // exactly as written, no trimming
  std::string_view value;  // blanks around it removed
};

HeaderLine parse_header_line(std::string_view line);

// True when the line puts a header on the wire (Header or EmptyHeader).
bool sends_header(const HeaderLine& line);

}  // namespace tracestrip
