// What happens when a request is committed (curl_easy_perform,
// curl_multi_add_handle): an S3-bound request gets an owned copy of the
// application's header list without the tracing headers; any other request
// gets the application's list back untouched.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

namespace tracestrip::shim {

void guard_transfer(CURL* handle);

}  // namespace tracestrip::shim
