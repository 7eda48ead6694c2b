#include "handle_registry.h"

#include <pthread.h>

#include "real_curl.h"

namespace tracestrip::shim {

namespace {

void before_fork() {
  resolve_all_real_functions();  // the child must not need the loader (see real_curl.h)
  HandleRegistry::instance().lock_for_fork();
}
void after_fork() { HandleRegistry::instance().unlock_after_fork(); }

}  // namespace

HandleRegistry& HandleRegistry::instance() {
  static HandleRegistry* registry = [] {
    auto* created = new HandleRegistry();
    pthread_atfork(before_fork, after_fork, after_fork);
    return created;
  }();
  return *registry;
}

curl_slist* HandleRegistry::add(CURL* handle, std::unique_ptr<HandleState> state) {
  std::lock_guard<std::mutex> lock(mutex_);
  if(state->app_headers)
    ++referenced_lists_[state->app_headers];
  curl_slist* stale_owned = nullptr;
  auto found = states_.find(handle);
  if(found != states_.end()) {
    forget_list(found->second->app_headers);
    stale_owned = found->second->owned;
    found->second = std::move(state);
  }
  else {
    states_.emplace(handle, std::move(state));
  }
  return stale_owned;
}

HandleState* HandleRegistry::find(CURL* handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = states_.find(handle);
  return found == states_.end() ? nullptr : found->second.get();
}

std::unique_ptr<HandleState> HandleRegistry::remove(CURL* handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = states_.find(handle);
  if(found == states_.end())
    return nullptr;
  std::unique_ptr<HandleState> state = std::move(found->second);
  states_.erase(found);
  forget_list(state->app_headers);
  return state;
}

void HandleRegistry::set_app_headers(HandleState* state, const curl_slist* list) {
  std::lock_guard<std::mutex> lock(mutex_);
  // The same list again (a program that sets its list before every transfer)
  // keeps its count: no map node freed and allocated again.
  if(list != state->app_headers) {
    forget_list(state->app_headers);
    state->app_headers = list;
    if(list)
      ++referenced_lists_[list];
  }
  state->app_headers_freed = false;
}

HandleRegistry::AppHeaders HandleRegistry::app_headers(const HandleState* state) {
  std::lock_guard<std::mutex> lock(mutex_);
  return AppHeaders{state->app_headers, state->app_headers_freed};
}

HandleState* HandleRegistry::find_with_headers(CURL* handle, AppHeaders* headers) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = states_.find(handle);
  if(found == states_.end())
    return nullptr;
  HandleState* state = found->second.get();
  *headers = AppHeaders{state->app_headers, state->app_headers_freed};
  return state;
}

void HandleRegistry::list_freed(const curl_slist* list) {
  std::lock_guard<std::mutex> lock(mutex_);
  if(!list || referenced_lists_.find(list) == referenced_lists_.end())
    return;  // the common case: a list no handle holds
  for(auto& entry : states_) {
    if(entry.second->app_headers == list)
      entry.second->app_headers_freed = true;
  }
}

void HandleRegistry::forget_list(const curl_slist* list) {
  if(!list)
    return;
  auto found = referenced_lists_.find(list);
  if(found != referenced_lists_.end() && --found->second <= 0)
    referenced_lists_.erase(found);
}

}  // namespace tracestrip::shim
