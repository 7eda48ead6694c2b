// List filtering: a curl_slist built from the input (one entry per line),
// filtered with the real curl_slist_append. Invariants: the copy is the input
// minus exactly the removed entries (same bytes, same order); the input list
// is unchanged; a signed name is never removed; the copy is "current".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/header_filter.h"
#include "tracestrip/header_line.h"

using namespace tracestrip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const TracingHeaderRules rules = TracingHeaderRules::builtin();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> entries;
  size_t start = 0;
  while(start <= input.size() && entries.size() < 256) {
    size_t end = input.find('\n', start);
    if(end == std::string_view::npos)
      end = input.size();
    std::string entry(input.substr(start, end - start));
    entry.resize(std::strlen(entry.c_str()));  // slist entries are C strings
    entries.push_back(entry);
    start = end + 1;
  }
  curl_slist* list = nullptr;
  for(const std::string& entry : entries) {
    curl_slist* longer = curl_slist_append(list, entry.c_str());
    if(!longer) {
      curl_slist_free_all(list);
      return 0;
    }
    list = longer;
  }
  // Snapshot of the input list: node addresses, data pointers and bytes.
  std::vector<std::pair<const curl_slist*, std::string>> before;
  for(const curl_slist* node = list; node; node = node->next)
    before.emplace_back(node, node->data);

  std::optional<Sigv4Authorization> authorization = find_app_authorization(list);
  std::vector<std::string_view> signed_names;
  if(authorization)
    signed_names = authorization->signed_headers;
  HeaderSelector selector(rules, signed_names);

  FilterSummary summary = summarize_filter(list, selector);
  bool failed = false;
  curl_slist* copy = build_filtered_copy(list, selector, SlistApi{&curl_slist_append, &curl_slist_free_all}, &failed);
  if(failed)
    std::abort();

  // Expected: input minus the entries decided Remove.
  std::vector<std::string> expected;
  size_t removed = 0;
  for(const curl_slist* node = list; node; node = node->next) {
    EntryDecision decision = selector.decide(node->data);
    if(decision == EntryDecision::Remove) {
      ++removed;
      HeaderLine line = parse_header_line(node->data);
      if(!sends_header(line) || !rules.is_tracing(line.name))
        std::abort();  // only tracing headers on the wire go
      for(std::string_view name : signed_names) {
        if(name.size() == line.name.size() && strncasecmp(name.data(), line.name.data(), name.size()) == 0)
          std::abort();  // never a signed one
      }
    }
    else {
      expected.emplace_back(node->data);
    }
  }
  if(removed != summary.removed.size())
    std::abort();
  size_t i = 0;
  for(const curl_slist* node = copy; node; node = node->next, ++i) {
    if(i >= expected.size() || expected[i] != node->data)
      std::abort();
  }
  if(i != expected.size())
    std::abort();
  if(!filtered_copy_is_current(list, copy, selector))
    std::abort();
  // Input unchanged.
  i = 0;
  for(const curl_slist* node = list; node; node = node->next, ++i) {
    if(i >= before.size() || before[i].first != node || before[i].second != node->data)
      std::abort();
  }
  if(i != before.size())
    std::abort();
  (void)list_shows_sigv4(list);
  curl_slist_free_all(copy);
  curl_slist_free_all(list);
  return 0;
}
