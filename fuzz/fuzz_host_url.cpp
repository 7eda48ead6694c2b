// Host and URL classification: the input is a URL parsed with libcurl's URL
// API (as the shim does), then classified; also the raw bytes as a host name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tracestrip/host_patterns.h"
#include "tracestrip/request_verdict.h"
#include "tracestrip/s3_endpoints.h"
#include "tracestrip/url_parts.h"

using namespace tracestrip;

namespace {

const char* lookup(const char* name, void*) {
  std::string_view n(name);
  if(n == "TRACESTRIP_HOSTS")
    return "storage.internal,*.rgw.test,[::1]:9000,minio:9000";
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Config config = parse_config(lookup, nullptr);
  static const CurlUrlApi api{&curl_url, &curl_url_set, &curl_url_get, &curl_url_cleanup, &curl_free};
  std::string text(reinterpret_cast<const char*>(data), size);
  UrlParts parts = parse_url(api, text.c_str());
  if(parts.valid) {
    // normalize_host removes one trailing dot: "a.." becomes "a." (found by this
    // fuzzer; such a name never resolves, and is not S3). Otherwise idempotent.
    std::string again = normalize_host(parts.host);
    if(again != parts.host && parts.host.back() != '.')
      std::abort();
    UrlFacts facts = url_facts(config, parts);
    CurlSigning signing;
    (void)classify_request(config, facts, signing, std::nullopt);
    signing.enabled = true;
    (void)classify_request(config, facts, signing, std::nullopt);
  }
  // The same bytes as a host name.
  std::string host = normalize_host(text);
  bool s3 = is_aws_s3_host(host);
  // Lookalike guard: a name with a suffix appended after a partition's DNS is never S3.
  if(s3 && is_aws_s3_host(host + ".evil.example"))
    std::abort();
  (void)looks_like_region(text);
  for(const HostPattern& pattern : config.hosts)
    (void)host_pattern_matches(pattern, host, 443);
  if(std::optional<HostPattern> pattern = parse_host_pattern(text)) {
    if(!pattern->host.empty() && !pattern->subdomains && !host_pattern_matches(*pattern, pattern->host, pattern->port))
      std::abort();  // a pattern matches its own host
    (void)pattern->spelling();
  }
  return 0;
}
