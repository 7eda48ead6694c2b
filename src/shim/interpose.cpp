// The interposed libcurl entry points. Each one forwards to the real curl
// with exactly the arguments it got; tracestrip's own work happens around
// the call, never while holding a lock across it, and never lets an
// exception out: on any failure the call goes through as the application made it.
#include <cstdarg>
#include <memory>

#include "handle_registry.h"
#include "real_curl.h"
#include "refused_appends.h"
#include "report.h"
#include "runtime.h"
#include "tracestrip/header_filter.h"
#include "tracestrip/header_line.h"
#include "transfer_guard.h"

using tracestrip::shim::HandleRegistry;
using tracestrip::shim::HandleState;

namespace {

namespace shim = tracestrip::shim;

// The transfer curl_easy_perform is committing on this thread: curl (up to
// 8.21) calls its exported curl_multi_add_handle for it, which needs no second look.
thread_local CURL* t_performing = nullptr;

template <typename Fn>
void fail_open(Fn work) noexcept {
  try {
    work();
  }
  catch(...) {
    shim::warn_once("internal-error", "internal error; the request goes out as the application made it");
  }
}

void track_url(HandleState* state, const char* url) {
  state->url = url ? tracestrip::url_facts(shim::config(), tracestrip::parse_url(shim::real_url_api(), url))
                   : tracestrip::UrlFacts{};
}

void track_sigv4(HandleState* state, const char* setting) {
  state->sigv4_option_set = setting != nullptr;
  if(setting) {
    state->signing.setting = tracestrip::parse_curl_sigv4_setting(setting);
    state->httpauth = CURLAUTH_AWS_SIGV4;  // as curl does
  }
  state->signing.enabled = (state->httpauth & CURLAUTH_AWS_SIGV4) != 0;
}

void track_httpauth(HandleState* state, long bitmask) {
  state->httpauth = bitmask;
  state->signing.enabled = (bitmask & CURLAUTH_AWS_SIGV4) != 0;
  if(!state->sigv4_option_set)
    state->signing.setting = {};
}

// Records an option tracestrip reads, after curl accepted it.
void track_pointer_option(CURL* handle, CURLoption option, void* value, const void* caller) {
  HandleState* state = HandleRegistry::instance().find(handle);
  if(!state)
    return;  // a handle tracestrip never saw created, e.g. curl's own DoH handles
  switch(option) {
  case CURLOPT_HTTPHEADER:
    HandleRegistry::instance().set_app_headers(state, static_cast<curl_slist*>(value));
    state->owned_installed = false;  // curl now points at the application's list
    if(shim::report_enabled())
      state->list_setter = shim::object_name(caller);
    break;
  case CURLOPT_URL:
    track_url(state, static_cast<const char*>(value));
    break;
  case CURLOPT_CURLU:
    state->curlu = static_cast<CURLU*>(value);
    break;
  case CURLOPT_AWS_SIGV4:
    track_sigv4(state, static_cast<const char*>(value));
    break;
  default:
    break;
  }
}

bool is_tracked_pointer_option(CURLoption option) {
  return option == CURLOPT_HTTPHEADER || option == CURLOPT_URL || option == CURLOPT_CURLU ||
         option == CURLOPT_AWS_SIGV4;
}

// A tracing header appended to a list that already carries the application's
// SigV4 Authorization comes after the signature was computed: it can only
// repeat a signed name or go unsigned. Refused (strip) or reported (report).
// Before the Authorization is there (x-amz-date alone), the application may
// still sign what is appended, so the commit decides: removed on an S3-bound
// request unless the application's SignedHeaders name it.
bool refuse_append(curl_slist* list, const char* data, const void* caller) {
  const tracestrip::Config& settings = shim::config();
  if(!list || !data || settings.mode == tracestrip::Mode::Off)
    return false;
  tracestrip::HeaderLine line = tracestrip::parse_header_line(data);
  if(!tracestrip::sends_header(line) || !settings.headers.is_tracing(line.name))
    return false;
  if(!tracestrip::find_app_authorization(list) || shim::is_inside_real_curl(caller))
    return false;
  shim::note_refused_append(line.name);  // in report mode: would have been refused
  return settings.mode == tracestrip::Mode::Strip;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) CURL* curl_easy_init(void) {
  auto real = shim::real_easy_init();
  if(!real)
    return nullptr;
  CURL* handle = real();
  if(handle && shim::config().mode != tracestrip::Mode::Off) {
    fail_open([&] {
      curl_slist* stale = HandleRegistry::instance().add(handle, std::make_unique<HandleState>());
      if(stale && shim::real_slist_free_all())
        shim::real_slist_free_all()(stale);
    });
  }
  return handle;
}

__attribute__((visibility("default"))) CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  auto real = shim::real_easy_setopt();
  va_list args;
  va_start(args, option);
  // curl reads the argument by the option's range; so do we, to forward it unchanged.
  CURLcode result = CURLE_FAILED_INIT;
  if(option < CURLOPTTYPE_OBJECTPOINT) {
    long value = va_arg(args, long);
    va_end(args);
    if(!real)
      return CURLE_FAILED_INIT;
    result = real(handle, option, value);
    if(option == CURLOPT_HTTPAUTH && result == CURLE_OK) {
      fail_open([&] {
        if(HandleState* state = HandleRegistry::instance().find(handle))
          track_httpauth(state, value);
      });
    }
  }
  else if(option < CURLOPTTYPE_FUNCTIONPOINT) {
    void* value = va_arg(args, void*);
    va_end(args);
    if(!real)
      return CURLE_FAILED_INIT;
    result = real(handle, option, value);
    if(result == CURLE_OK && is_tracked_pointer_option(option)) {
      const void* caller = __builtin_return_address(0);
      fail_open([&] { track_pointer_option(handle, option, value, caller); });
    }
  }
  else if(option < CURLOPTTYPE_OFF_T) {
    using AnyFunction = void (*)();
    AnyFunction value = va_arg(args, AnyFunction);
    va_end(args);
    if(!real)
      return CURLE_FAILED_INIT;
    result = real(handle, option, value);
  }
  else if(option < CURLOPTTYPE_BLOB) {
    curl_off_t value = va_arg(args, curl_off_t);
    va_end(args);
    if(!real)
      return CURLE_FAILED_INIT;
    result = real(handle, option, value);
  }
  else {
    void* value = va_arg(args, void*);
    va_end(args);
    if(!real)
      return CURLE_FAILED_INIT;
    result = real(handle, option, value);
  }
  return result;
}

__attribute__((visibility("default"))) CURLcode curl_easy_perform(CURL* handle) {
  auto real = shim::real_easy_perform();
  if(!real)
    return CURLE_FAILED_INIT;
  fail_open([&] { shim::guard_transfer(handle); });
  CURL* outer = t_performing;
  t_performing = handle;
  CURLcode result = real(handle);
  t_performing = outer;
  return result;
}

__attribute__((visibility("default"))) CURLMcode curl_multi_add_handle(CURLM* multi, CURL* handle) {
  auto real = shim::real_multi_add_handle();
  if(!real)
    return CURLM_INTERNAL_ERROR;
  if(handle != t_performing)
    fail_open([&] { shim::guard_transfer(handle); });
  return real(multi, handle);
}

__attribute__((visibility("default"))) CURL* curl_easy_duphandle(CURL* handle) {
  auto real = shim::real_easy_duphandle();
  if(!real)
    return nullptr;
  CURL* copy = real(handle);
  if(!copy)
    return nullptr;
  fail_open([&] {
    HandleRegistry& registry = HandleRegistry::instance();
    HandleState* source = registry.find(handle);
    if(!source)
      return;
    auto state = std::make_unique<HandleState>();
    HandleRegistry::AppHeaders headers = registry.app_headers(source);
    state->app_headers = headers.list;
    state->app_headers_freed = headers.freed;
    state->url = source->url;
    state->curlu = source->curlu;
    state->signing = source->signing;
    state->sigv4_option_set = source->sigv4_option_set;
    state->httpauth = source->httpauth;
    bool shares_owned = source->owned_installed;
    curl_slist* stale = registry.add(copy, std::move(state));
    if(stale && shim::real_slist_free_all())
      shim::real_slist_free_all()(stale);
    // curl copied the pointer to our filtered list; the copy must not share it.
    if(shares_owned && shim::real_easy_setopt())
      shim::real_easy_setopt()(copy, CURLOPT_HTTPHEADER, headers.freed ? nullptr : headers.list);
  });
  return copy;
}

__attribute__((visibility("default"))) void curl_easy_reset(CURL* handle) {
  auto real = shim::real_easy_reset();
  if(!real)
    return;
  real(handle);
  fail_open([&] {
    HandleRegistry& registry = HandleRegistry::instance();
    if(!registry.find(handle))
      return;
    curl_slist* stale = registry.add(handle, std::make_unique<HandleState>());
    if(stale && shim::real_slist_free_all())
      shim::real_slist_free_all()(stale);
  });
}

__attribute__((visibility("default"))) void curl_easy_cleanup(CURL* handle) {
  auto real = shim::real_easy_cleanup();
  if(!real)
    return;
  real(handle);
  fail_open([&] {
    std::unique_ptr<HandleState> state = HandleRegistry::instance().remove(handle);
    if(state && state->owned && shim::real_slist_free_all())
      shim::real_slist_free_all()(state->owned);
  });
}

__attribute__((visibility("default"))) curl_slist* curl_slist_append(curl_slist* list, const char* data) {
  auto real = shim::real_slist_append();
  if(!real)
    return nullptr;
  bool refuse = false;
  const void* caller = __builtin_return_address(0);
  fail_open([&] { refuse = refuse_append(list, data, caller); });
  if(refuse)
    return list;
  curl_slist* longer = real(list, data);
  if(longer && shim::report_enabled())
    fail_open([&] { shim::note_appended_header(longer, caller, data); });
  return longer;
}

__attribute__((visibility("default"))) void curl_slist_free_all(curl_slist* list) {
  auto real = shim::real_slist_free_all();
  if(!real)
    return;
  if(list) {
    fail_open([&] {
      HandleRegistry::instance().list_freed(list);
      if(shim::report_enabled())
        shim::forget_header_origins(list);
    });
  }
  real(list);
}

}  // extern "C"
