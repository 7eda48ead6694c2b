#include "transfer_guard.h"

#include <string>

#include "handle_registry.h"
#include "real_curl.h"
#include "runtime.h"
#include "tracestrip/header_filter.h"

namespace tracestrip::shim {

namespace {

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

void log_outcome(const char* action, const UrlFacts& url, BoundReason reason, const FilterSummary& summary,
                 const char* note) {
  LogRecord record;
  record.action = action;
  record.host = url.host;
  record.reason = bound_reason_name(reason);
  record.headers = summary.removed;
  record.kept_signed = summary.kept_signed;
  record.note = note;
  log_record(record);
}

void warn_kept_signed(const UrlFacts& url, BoundReason reason, const FilterSummary& summary) {
  static constexpr const char* kWhy =
      "tracing header left in place: the application's own signature covers it (SignedHeaders), "
      "removing it would break the request";
  if(log_enabled())
    log_outcome("kept-signed", url, reason, summary, kWhy);
  else
    warn_once("kept-signed", "a tracing header on an S3 request was left in place because the application's "
                             "signature covers it; set TRACESTRIP_LOG=stderr for details");
}

// Replaces the owned copy with a fresh one; false (and nothing changed) on failure.
bool rebuild_owned_list(CURL* handle, HandleState* state, const curl_slist* list, const HeaderSelector& selector) {
  SlistApi api = real_slist_api();
  if(!api.append || !api.free_all)
    return false;
  bool failed = false;
  curl_slist* copy = build_filtered_copy(list, selector, api, &failed);
  if(failed)
    return false;
  auto setopt = real_easy_setopt();
  if(!setopt || setopt(handle, CURLOPT_HTTPHEADER, copy) != CURLE_OK) {
    api.free_all(copy);
    return false;
  }
  api.free_all(state->owned);
  state->owned = copy;
  state->owned_built = true;
  state->owned_installed = true;
  return true;
}

void guard_bound_request(CURL* handle, HandleState* state, const curl_slist* list, const UrlFacts& url,
                         BoundReason reason, const std::optional<Sigv4Authorization>& authorization) {
  const Config& settings = config();
  HeaderSelector selector(settings.headers, signed_header_names(authorization, url));

  if(settings.mode == Mode::Strip && state->owned_built && filtered_copy_is_current(list, state->owned, selector) &&
     install_owned_list(handle, state)) {
    if(log_enabled())
      log_outcome("strip", url, reason, summarize_filter(list, selector), "");
    return;  // the copy built for an earlier transfer still fits
  }

  FilterSummary summary = summarize_filter(list, selector);
  if(!summary.kept_signed.empty())
    warn_kept_signed(url, reason, summary);
  if(!summary.changes() || settings.mode == Mode::Report) {
    install_app_list(handle, state, list);
    if(summary.changes())
      log_outcome("report", url, reason, summary, "");
    return;
  }
  if(!rebuild_owned_list(handle, state, list, selector)) {
    install_app_list(handle, state, list);
    warn_once("rebuild-failed", "could not build the filtered header list (out of memory or curl not found); "
                                "the request goes out as the application made it");
    return;
  }
  log_outcome("strip", url, reason, summary, "");
}

void guard_registered_transfer(CURL* handle, HandleState* state) {
  HandleRegistry::AppHeaders headers = HandleRegistry::instance().app_headers(state);
  if(headers.freed)
    return;  // the application freed its list; whatever curl holds now stays
  const curl_slist* list = headers.list;

  UrlFacts from_curlu;
  const UrlFacts* url = &state->url;
  if(state->curlu) {
    from_curlu = url_facts(config(), read_curlu(real_url_api(), state->curlu));
    url = &from_curlu;
  }
  std::optional<Sigv4Authorization> authorization = find_app_authorization(list);
  BoundReason reason = classify_request(config(), *url, state->signing, authorization);
  if(reason == BoundReason::NotBound || !list) {
    install_app_list(handle, state, list);
    return;
  }
  guard_bound_request(handle, state, list, *url, reason, authorization);
}

}  // namespace

void guard_transfer(CURL* handle) {
  if(config().mode == Mode::Off)
    return;
  HandleState* state = HandleRegistry::instance().find(handle);
  if(state)
    guard_registered_transfer(handle, state);
}

void release_owned_list(CURL* handle) {
  HandleState* state = HandleRegistry::instance().find(handle);
  if(!state)
    return;
  HandleRegistry::AppHeaders headers = HandleRegistry::instance().app_headers(state);
  install_app_list(handle, state, headers.freed ? nullptr : headers.list);
}

}  // namespace tracestrip::shim
