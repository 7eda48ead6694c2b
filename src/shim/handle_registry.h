// The side table of handles the shim has seen created (curl_easy_init,
// curl_easy_duphandle). Handles it never saw created — curl's internal DoH
// handles — are not in it and pass through untouched.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "handle_state.h"

namespace tracestrip::shim {

class HandleRegistry {
 public:
  // The one registry, never destroyed: curl may be called during exit.
  static HandleRegistry& instance();

  // Registers a fresh state for `handle`, dropping any stale one at that address.
  // Returns the old owned list, for the caller to free outside the lock.
  curl_slist* add(CURL* handle, std::unique_ptr<HandleState> state);

  // The state, or nullptr. The pointer stays valid until remove(handle): a
  // handle is used by one thread at a time, as curl requires.
  HandleState* find(CURL* handle);

  std::unique_ptr<HandleState> remove(CURL* handle);

  // Header-list bookkeeping shared with curl_slist_free_all.
  void set_app_headers(HandleState* state, const curl_slist* list);
  struct AppHeaders {
    const curl_slist* list;
    bool freed;
  };
  AppHeaders app_headers(const HandleState* state);

  // find() and app_headers() under one lock: what a commit needs first.
  HandleState* find_with_headers(CURL* handle, AppHeaders* headers);
  void list_freed(const curl_slist* list);

  // fork(): the child must not inherit a lock held by another thread.
  void lock_for_fork() { mutex_.lock(); }
  void unlock_after_fork() { mutex_.unlock(); }

 private:
  HandleRegistry() = default;
  void forget_list(const curl_slist* list);

  std::mutex mutex_;
  std::unordered_map<const void*, std::unique_ptr<HandleState>> states_;
  std::unordered_map<const curl_slist*, int> referenced_lists_;
};

}  // namespace tracestrip::shim
