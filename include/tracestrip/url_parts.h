// The parts of a request URL the rules need, read with libcurl's URL API.
// The functions come in as pointers so that the preloaded shim can pass the
// real libcurl's (found with dlsym) and tests can pass their own.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <string>

namespace tracestrip {

struct CurlUrlApi {
  decltype(&::curl_url) create = nullptr;
  decltype(&::curl_url_set) set = nullptr;
  decltype(&::curl_url_get) get = nullptr;
  decltype(&::curl_url_cleanup) cleanup = nullptr;
  decltype(&::curl_free) free = nullptr;

  bool complete() const { return create && set && get && cleanup && free; }
};

struct UrlParts {
  bool valid = false;
  std::string host;   // normalize_host()d
  int port = 0;       // explicit or the scheme's default
  std::string query;  // raw, without '?'
};

// Parses a CURLOPT_URL string the way curl does (a missing scheme is guessed).
UrlParts parse_url(const CurlUrlApi& api, const char* url);

// Reads the parts of a CURLOPT_CURLU handle.
UrlParts read_curlu(const CurlUrlApi& api, CURLU* handle);

}  // namespace tracestrip
