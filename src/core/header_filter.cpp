#include "tracestrip/header_filter.h"

#include <cstring>

#include "tracestrip/header_line.h"
#include "tracestrip/text.h"

namespace tracestrip {

namespace {

// The hot paths below run for every entry of every list at every commit and
// append. They give exactly parse_header_line()'s answers, but look at a line
// only as far as the answer needs: most entries are settled by their first
// bytes, without building a HeaderLine.

// True when the C string starts with `lower_prefix`, letter case ignored.
// Stops at the string's end: never reads past its terminating NUL.
bool starts_with_lower(const char* text, std::string_view lower_prefix) {
  for(char expected : lower_prefix) {
    char c = *text++;
    if(ascii_lower(c) != expected)
      return false;  // includes the terminating NUL
  }
  return true;
}

// curl's ISSPACE, as header_line.cpp reads it.
bool is_curl_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// One pass over a line up to its name's end, as parse_header_line reads it:
// "Name: value" (value_start after the colon), "Name;" (value_start nullptr).
struct ScannedName {
  bool candidate = false;  // Header, Removal or EmptyHeader form
  std::string_view name;
  const char* value_start = nullptr;
};

ScannedName scan_name(const char* entry) {
  ScannedName scanned;
  const char* semicolon = nullptr;
  const char* p = entry;
  for(; *p && *p != ':'; ++p) {
    if(*p == ';' && !semicolon)
      semicolon = p;
  }
  if(*p == ':') {
    if(p == entry)
      return scanned;  // curl requires a name before the colon
    scanned.candidate = true;
    scanned.name = std::string_view(entry, static_cast<size_t>(p - entry));
    scanned.value_start = p + 1;
    return scanned;
  }
  // No colon: "Name;" only when the first semicolon ends the line.
  if(semicolon && semicolon != entry && semicolon + 1 == p) {
    scanned.candidate = true;
    scanned.name = std::string_view(entry, static_cast<size_t>(semicolon - entry));
  }
  return scanned;
}

// For a candidate: does the line put its header on the wire (not "Name:" with a blank value)?
bool scanned_sends(const ScannedName& scanned) {
  if(!scanned.value_start)
    return true;  // "Name;"
  for(const char* v = scanned.value_start; *v; ++v) {
    if(!is_curl_space(*v))
      return true;
  }
  return false;
}

}  // namespace

std::optional<Sigv4Authorization> find_app_authorization(const curl_slist* list) {
  for(const curl_slist* node = list; node; node = node->next) {
    // Only a line starting with "authorization" can be named so.
    if(!node->data || !starts_with_lower(node->data, "authorization"))
      continue;
    HeaderLine line = parse_header_line(node->data);
    if(line.kind == HeaderLineKind::Header && iequals(line.name, "authorization"))
      return parse_sigv4_authorization(line.value);
  }
  return std::nullopt;
}

bool list_shows_sigv4(const curl_slist* list) {
  for(const curl_slist* node = list; node; node = node->next) {
    // Only lines starting with "x-amz-" or "authorization" can name what is looked for.
    if(!node->data || !(starts_with_lower(node->data, "x-amz-") || starts_with_lower(node->data, "authorization")))
      continue;
    HeaderLine line = parse_header_line(node->data);
    if(!sends_header(line))
      continue;
    if(iequals(line.name, "x-amz-date") || iequals(line.name, "x-amz-content-sha256"))
      return true;
    if(iequals(line.name, "authorization") && parse_sigv4_authorization(line.value))
      return true;
  }
  return false;
}

bool HeaderSelector::is_signed(std::string_view name) const {
  for(std::string_view signed_name : signed_headers_) {
    if(iequals(signed_name, name))
      return true;
  }
  return false;
}

EntryDecision HeaderSelector::decide(const char* entry) const {
  if(!entry)
    return EntryDecision::Keep;
  // The name first: most names are not tracing names, and then the value is never looked at.
  ScannedName scanned = scan_name(entry);
  if(!scanned.candidate || !rules_.is_tracing(scanned.name) || !scanned_sends(scanned))
    return EntryDecision::Keep;
  return is_signed(scanned.name) ? EntryDecision::KeepSigned : EntryDecision::Remove;
}

FilterSummary summarize_filter(const curl_slist* list, const HeaderSelector& selector) {
  FilterSummary summary;
  for(const curl_slist* node = list; node; node = node->next) {
    EntryDecision decision = selector.decide(node->data);
    if(decision == EntryDecision::Keep)
      continue;
    std::string_view name = scan_name(node->data).name;
    (decision == EntryDecision::Remove ? summary.removed : summary.kept_signed).push_back(name);
  }
  return summary;
}

bool filtered_copy_is_current(const curl_slist* list, const curl_slist* owned, const HeaderSelector& selector) {
  const curl_slist* copy = owned;
  for(const curl_slist* node = list; node; node = node->next) {
    if(!node->data || selector.decide(node->data) == EntryDecision::Remove)
      continue;
    if(!copy || !copy->data || std::strcmp(node->data, copy->data) != 0)
      return false;
    copy = copy->next;
  }
  return copy == nullptr;
}

curl_slist* build_filtered_copy(const curl_slist* list, const HeaderSelector& selector, const SlistApi& api,
                                bool* failed) {
  *failed = false;
  curl_slist* copy = nullptr;
  for(const curl_slist* node = list; node; node = node->next) {
    if(!node->data || selector.decide(node->data) == EntryDecision::Remove)
      continue;
    curl_slist* longer = api.append(copy, node->data);
    if(!longer) {
      api.free_all(copy);
      *failed = true;
      return nullptr;
    }
    copy = longer;
  }
  return copy;
}

}  // namespace tracestrip
