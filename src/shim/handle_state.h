// What the shim remembers about one easy handle. Kept in a side table keyed
// by the handle: CURLOPT_PRIVATE belongs to the application.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <string>
#include <vector>

#include "tracestrip/request_verdict.h"

namespace tracestrip::shim {

struct HandleState {
  // The application's list as given to CURLOPT_HTTPHEADER: read, never written.
  // Guarded by the registry lock, as curl_slist_free_all may clear it.
  const curl_slist* app_headers = nullptr;
  bool app_headers_freed = false;

  // The URL: facts from CURLOPT_URL, or a CURLU read at commit time.
  UrlFacts url;
  CURLU* curlu = nullptr;

  // CURLOPT_AWS_SIGV4 / CURLOPT_HTTPAUTH, kept across duphandle (curl 7.88
  // drops the AWS_SIGV4 string there, but still signs).
  CurlSigning signing;
  bool sigv4_option_set = false;
  long httpauth = 0;

  // The filtered copy tracestrip owns and frees; may legitimately be nullptr
  // when every entry was removed, hence `owned_built`.
  curl_slist* owned = nullptr;
  bool owned_built = false;
  bool owned_installed = false;  // curl currently points at `owned`

  // How `owned` relates to the application's list, remembered once a commit
  // found the copy current, so that the next commits of the same list check
  // it with one byte comparison per entry instead of re-reading every entry
  // with the rules. Per entry of the list: kept (its bytes are the next entry
  // of `owned`), removed (its bytes are the next of `memo_removed`) or a null
  // entry. Valid only with the same signed names (`memo_signed`).
  enum class MemoEntry : unsigned char { Kept, Removed, Null };
  std::vector<MemoEntry> memo_entries;
  std::vector<std::string> memo_removed;
  std::vector<std::string> memo_signed;
  bool memo_valid = false;

  // TRACESTRIP_REPORT only: who set the list, for entries whose origin is unknown.
  std::string list_setter;
};

}  // namespace tracestrip::shim
