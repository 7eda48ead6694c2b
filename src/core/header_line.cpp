#include "tracestrip/header_line.h"

#include "tracestrip/text.h"

namespace tracestrip {

namespace {

// curl's ISSPACE: what it skips after the colon before deciding a value is blank.
bool is_curl_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::string_view skip_curl_spaces(std::string_view text) {
  while(!text.empty() && is_curl_space(text.front()))
    text.remove_prefix(1);
  return text;
}

}  // namespace

HeaderLine parse_header_line(std::string_view line) {
  HeaderLine parsed;
  size_t colon = line.find(':');
  if(colon != std::string_view::npos) {
    if(colon == 0)
      return parsed;  // curl requires a name before the colon
    parsed.name = line.substr(0, colon);
    parsed.value = trim_blanks(skip_curl_spaces(line.substr(colon + 1)));
    bool blank = skip_curl_spaces(line.substr(colon + 1)).empty();
    parsed.kind = blank ? HeaderLineKind::Removal : HeaderLineKind::Header;
    return parsed;
  }
  // "Name;" — only when the semicolon ends the line, as curl checks.
  size_t semicolon = line.find(';');
  if(semicolon != std::string_view::npos && semicolon > 0 && semicolon + 1 == line.size()) {
    parsed.name = line.substr(0, semicolon);
    parsed.kind = HeaderLineKind::EmptyHeader;
  }
  return parsed;
}

bool sends_header(const HeaderLine& line) {
  return line.kind == HeaderLineKind::Header || line.kind == HeaderLineKind::EmptyHeader;
}

}  // namespace tracestrip
