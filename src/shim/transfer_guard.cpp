#include "transfer_guard.h"

#include <cstring>
#include <string>

#include "handle_registry.h"
#include "real_curl.h"
#include "refused_appends.h"
#include "report.h"
#include "runtime.h"
#include "tracestrip/header_filter.h"

namespace tracestrip::shim {

namespace {

constexpr const char* kKeptSignedWhy =
    "tracing header left in place: the application's own signature covers it (SignedHeaders); "
    "removing it would break the request";

// What a commit did, for the log line.
struct Outcome {
  const char* action = nullptr;  // "strip", "report", "kept-signed"; nullptr: nothing changed
  BoundReason reason = BoundReason::NotBound;
  FilterSummary summary;
  const char* note = "";
};

// Points curl back at the application's list if the owned copy is installed.
void install_app_list(CURL* handle, HandleState* state, const curl_slist* list) {
  if(!state->owned_installed)
    return;
  auto setopt = real_easy_setopt();
  if(setopt && setopt(handle, CURLOPT_HTTPHEADER, list) == CURLE_OK)
    state->owned_installed = false;
}

bool install_owned_list(CURL* handle, HandleState* state) {
  if(state->owned_installed)
    return true;
  auto setopt = real_easy_setopt();
  if(!setopt || setopt(handle, CURLOPT_HTTPHEADER, state->owned) != CURLE_OK)
    return false;
  state->owned_installed = true;
  return true;
}

std::vector<std::string_view> signed_header_names(const std::optional<Sigv4Authorization>& authorization,
                                                  const UrlFacts& url) {
  std::vector<std::string_view> names;
  if(authorization)
    names = authorization->signed_headers;
  if(url.presigned) {
    for(const std::string& name : url.presigned->signed_headers)
      names.push_back(name);
  }
  return names;
}

// Replaces the owned copy with a fresh one; false (and nothing changed) on failure.
bool rebuild_owned_list(CURL* handle, HandleState* state, const curl_slist* list, const HeaderSelector& selector) {
  SlistApi api = real_slist_api();
  auto setopt = real_easy_setopt();
  if(!api.append || !api.free_all || !setopt)
    return false;
  bool failed = false;
  curl_slist* copy = build_filtered_copy(list, selector, api, &failed);
  if(failed)
    return false;
  if(setopt(handle, CURLOPT_HTTPHEADER, copy) != CURLE_OK) {
    api.free_all(copy);
    return false;
  }
  api.free_all(state->owned);
  state->memo_valid = false;  // remembered again once a later commit finds this copy current
  state->owned = copy;
  state->owned_built = true;
  state->owned_installed = true;
  return true;
}

bool same_names(const std::vector<std::string_view>& names, const std::vector<std::string>& remembered) {
  if(names.size() != remembered.size())
    return false;
  for(size_t i = 0; i < names.size(); ++i) {
    if(names[i] != remembered[i])
      return false;
  }
  return true;
}

// True when the list holds byte for byte what it held when the memo was taken,
// with the same signed names: then every entry gets the decision it got then,
// and `owned` is still exactly the kept entries (what filtered_copy_is_current
// would find, without running the rules on each entry again).
bool memo_matches(const HandleState& state, const curl_slist* list, const std::vector<std::string_view>& signed_names) {
  if(!state.memo_valid || !state.owned_built || !same_names(signed_names, state.memo_signed))
    return false;
  const curl_slist* copy = state.owned;
  size_t index = 0;
  size_t removed = 0;
  for(const curl_slist* node = list; node; node = node->next, ++index) {
    if(index >= state.memo_entries.size())
      return false;
    switch(state.memo_entries[index]) {
    case HandleState::MemoEntry::Null:
      if(node->data)
        return false;
      break;
    case HandleState::MemoEntry::Removed:
      if(!node->data || std::strcmp(node->data, state.memo_removed[removed++].c_str()) != 0)
        return false;
      break;
    case HandleState::MemoEntry::Kept:
      if(!node->data || !copy || !copy->data || std::strcmp(node->data, copy->data) != 0)
        return false;
      copy = copy->next;
      break;
    }
  }
  return index == state.memo_entries.size() && copy == nullptr;
}

// Called when `owned` was just found current for `list`.
void remember_memo(HandleState* state, const curl_slist* list, const HeaderSelector& selector,
                   const std::vector<std::string_view>& signed_names) {
  state->memo_valid = false;
  state->memo_entries.clear();
  state->memo_removed.clear();
  for(const curl_slist* node = list; node; node = node->next) {
    if(!node->data) {
      state->memo_entries.push_back(HandleState::MemoEntry::Null);
    }
    else if(selector.decide(node->data) == EntryDecision::Remove) {
      state->memo_entries.push_back(HandleState::MemoEntry::Removed);
      state->memo_removed.emplace_back(node->data);
    }
    else {
      state->memo_entries.push_back(HandleState::MemoEntry::Kept);
    }
  }
  state->memo_signed.assign(signed_names.begin(), signed_names.end());
  state->memo_valid = true;
}

// filtered_copy_is_current, answered from the memo when the list is unchanged.
bool owned_copy_is_current(HandleState* state, const curl_slist* list, const HeaderSelector& selector,
                           const std::vector<std::string_view>& signed_names) {
  if(memo_matches(*state, list, signed_names))
    return true;
  if(!filtered_copy_is_current(list, state->owned, selector))
    return false;
  try {
    remember_memo(state, list, selector, signed_names);
  }
  catch(...) {
    state->memo_valid = false;  // out of memory: the next commit just checks the long way
  }
  return true;
}

Outcome guard_bound_request(CURL* handle, HandleState* state, const curl_slist* list, const UrlFacts& url,
                            BoundReason reason, const std::optional<Sigv4Authorization>& authorization) {
  const Config& settings = config();
  std::vector<std::string_view> signed_names = signed_header_names(authorization, url);
  HeaderSelector selector(settings.headers, signed_names);
  Outcome outcome;
  outcome.reason = reason;

  if(settings.mode == Mode::Strip && state->owned_built && owned_copy_is_current(state, list, selector, signed_names) &&
     install_owned_list(handle, state)) {
    // The copy built for an earlier transfer still fits: nothing to build.
    outcome.action = "strip";
    if(log_enabled())
      outcome.summary = summarize_filter(list, selector);
    return outcome;
  }

  outcome.summary = summarize_filter(list, selector);
  if(!outcome.summary.changes() || settings.mode == Mode::Report) {
    install_app_list(handle, state, list);
    if(outcome.summary.changes())
      outcome.action = "report";
    else if(!outcome.summary.kept_signed.empty())
      outcome.action = "kept-signed";
  }
  else if(rebuild_owned_list(handle, state, list, selector)) {
    outcome.action = "strip";
  }
  else {
    install_app_list(handle, state, list);
    warn_once("rebuild-failed",
              "could not build the filtered header list (out of memory?); "
              "the request goes out as the application made it");
    outcome.action = nullptr;
    outcome.summary.removed.clear();
  }
  if(!outcome.summary.kept_signed.empty()) {
    outcome.note = kKeptSignedWhy;
    if(!log_enabled())
      warn_once("kept-signed",
                "a tracing header on an S3 request was left in place because the application's "
                "own signature covers it; set TRACESTRIP_LOG=stderr for details");
  }
  return outcome;
}

// `url` points at the handle's own facts (or, for CURLOPT_CURLU, at `curlu_facts`):
// no copy of the host name at each commit.
Outcome guard_registered_transfer(CURL* handle, HandleState* state, const HandleRegistry::AppHeaders& headers,
                                  const UrlFacts** url, UrlFacts* curlu_facts) {
  if(state->curlu) {
    *curlu_facts = url_facts(config(), read_curlu(real_url_api(), state->curlu));
    *url = curlu_facts;
  }
  else {
    *url = &state->url;
  }
  if(headers.freed)
    return {};  // the application freed its list; whatever curl holds now stays
  const curl_slist* list = headers.list;
  std::optional<Sigv4Authorization> authorization = find_app_authorization(list);
  BoundReason reason = classify_request(config(), **url, state->signing, authorization);
  Outcome outcome;
  if(reason == BoundReason::NotBound || !list)
    install_app_list(handle, state, list);
  else
    outcome = guard_bound_request(handle, state, list, **url, reason, authorization);
  if(report_enabled()) {
    bool sigv4 = state->signing.enabled || authorization || (*url)->presigned;
    report_transfer(list, **url, reason, sigv4, authorization, state->owned_installed, state->list_setter);
  }
  return outcome;
}

void log_outcome(const UrlFacts& url, const Outcome& outcome, const std::vector<std::string>& refused) {
  if((!outcome.action && refused.empty()) || !log_enabled())
    return;
  LogRecord record;
  record.action = outcome.action ? outcome.action : "append-refused";
  record.host = url.host;
  if(outcome.action)
    record.reason = bound_reason_name(outcome.reason);
  record.headers = outcome.summary.removed;
  record.kept_signed = outcome.summary.kept_signed;
  record.refused.assign(refused.begin(), refused.end());
  record.note = outcome.note;
  log_record(record);
}

}  // namespace

void guard_transfer(CURL* handle) {
  if(config().mode == Mode::Off)
    return;
  HandleRegistry::AppHeaders headers{nullptr, false};
  HandleState* state = HandleRegistry::instance().find_with_headers(handle, &headers);
  if(!state)
    return;
  static const UrlFacts kNoUrl;
  const UrlFacts* url = &kNoUrl;
  UrlFacts curlu_facts;
  Outcome outcome = guard_registered_transfer(handle, state, headers, &url, &curlu_facts);
  std::vector<std::string> refused = take_refused_appends();
  log_outcome(*url, outcome, refused);
}

}  // namespace tracestrip::shim
