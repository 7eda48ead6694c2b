#include "tracestrip/header_filter.h"

#include <cstring>

#include "tracestrip/header_line.h"
#include "tracestrip/text.h"

namespace tracestrip {

std::optional<Sigv4Authorization> find_app_authorization(const curl_slist* list) {
  for(const curl_slist* node = list; node; node = node->next) {
    if(!node->data)
      continue;
    HeaderLine line = parse_header_line(node->data);
    if(line.kind == HeaderLineKind::Header && iequals(line.name, "authorization"))
      return parse_sigv4_authorization(line.value);
  }
  return std::nullopt;
}

bool list_shows_sigv4(const curl_slist* list) {
  for(const curl_slist* node = list; node; node = node->next) {
    if(!node->data)
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
  HeaderLine line = parse_header_line(entry);
  if(!sends_header(line) || !rules_.is_tracing(line.name))
    return EntryDecision::Keep;
  return is_signed(line.name) ? EntryDecision::KeepSigned : EntryDecision::Remove;
}

FilterSummary summarize_filter(const curl_slist* list, const HeaderSelector& selector) {
  FilterSummary summary;
  for(const curl_slist* node = list; node; node = node->next) {
    EntryDecision decision = selector.decide(node->data);
    if(decision == EntryDecision::Keep)
      continue;
    std::string_view name = parse_header_line(node->data).name;
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
