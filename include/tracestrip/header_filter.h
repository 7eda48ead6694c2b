// Filtering a curl header list: which entries go, and an owned copy of the
// rest. The application's list is only read, never changed.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/sigv4_evidence.h"
#include "tracestrip/tracing_headers.h"

namespace tracestrip {

// Finds an application-computed SigV4 Authorization in the list (views point
// into the list's strings). Only the first Authorization entry counts, as
// curl sends the first one it finds first.
std::optional<Sigv4Authorization> find_app_authorization(const curl_slist* list);

// True when the list already carries signs of SigV4 signing: x-amz-date,
// x-amz-content-sha256 or an AWS4-HMAC-SHA256 Authorization.
bool list_shows_sigv4(const curl_slist* list);

enum class EntryDecision { Keep, Remove, KeepSigned };

// Decides per entry: a tracing header that goes on the wire is removed unless
// a signature covers its name.
class HeaderSelector {
 public:
  HeaderSelector(const TracingHeaderRules& rules, std::vector<std::string_view> signed_headers)
      : rules_(rules), signed_headers_(std::move(signed_headers)) {}

  EntryDecision decide(const char* entry) const;

 private:
  bool is_signed(std::string_view name) const;

  const TracingHeaderRules& rules_;
  std::vector<std::string_view> signed_headers_;
};

struct FilterSummary {
  std::vector<std::string_view> removed;      // names, in list order, views into the list
  std::vector<std::string_view> kept_signed;  // tracing names kept because signed
  bool changes() const { return !removed.empty(); }
};

FilterSummary summarize_filter(const curl_slist* list, const HeaderSelector& selector);

// True when `owned` holds exactly the entries of `list` that the selector keeps,
// same bytes, same order — the copy built earlier is still right.
bool filtered_copy_is_current(const curl_slist* list, const curl_slist* owned, const HeaderSelector& selector);

struct SlistApi {
  decltype(&::curl_slist_append) append = nullptr;
  decltype(&::curl_slist_free_all) free_all = nullptr;
};

// Builds an owned copy of the kept entries. Returns nullptr when nothing is
// kept or on allocation failure (`failed` tells which).
curl_slist* build_filtered_copy(const curl_slist* list, const HeaderSelector& selector, const SlistApi& api,
                                bool* failed);

}  // namespace tracestrip
