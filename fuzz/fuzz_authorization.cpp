// Authorization / SignedHeaders parsing: the rules' view (tracestrip core,
// parse_sigv4_authorization; views must lie inside the value), curl's
// CURLOPT_AWS_SIGV4 setting, presigned queries, and the SigV4 library's
// strict parser (round trip through format_authorization).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tracestrip/sigv4/authorization.h"
#include "tracestrip/sigv4_evidence.h"

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string_view value(text);
  if(auto parsed = tracestrip::parse_sigv4_authorization(value)) {
    if(!inside(parsed->service, value))
      std::abort();
    for(std::string_view name : parsed->signed_headers) {
      if(!inside(name, value))
        std::abort();
    }
  }
  (void)tracestrip::parse_curl_sigv4_setting(value);
  (void)tracestrip::parse_presigned_query(value);
  (void)tracestrip::percent_decode(value);

  tracestrip::sigv4::AuthorizationParse strict = tracestrip::sigv4::parse_authorization(value);
  if(strict.value) {
    if(!strict.error.empty())
      std::abort();
    std::string formatted = tracestrip::sigv4::format_authorization(*strict.value);
    tracestrip::sigv4::AuthorizationParse again = tracestrip::sigv4::parse_authorization(formatted);
    if(!again.value || again.value->signed_headers != strict.value->signed_headers ||
       again.value->signature != strict.value->signature || again.value->access_key_id != strict.value->access_key_id)
      std::abort();  // what we format, we read back the same
    // The core's lenient reader accepts whatever the strict one does.
    if(!tracestrip::parse_sigv4_authorization(formatted))
      std::abort();
  }
  else if(strict.error.empty()) {
    std::abort();
  }
  (void)tracestrip::sigv4::is_sigv4_authorization(value);
  return 0;
}
