// Reading the signs that a request is signed with AWS Signature V4, and for
// which service: curl's CURLOPT_AWS_SIGV4 setting, an Authorization header the
// application computed itself, or a presigned URL's query.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracestrip {

// CURLOPT_AWS_SIGV4: "provider1[:provider2[:region[:service]]]".
struct CurlSigv4Setting {
  std::string region;   // empty: curl derives it from the host
  std::string service;  // empty: curl derives it from the host
};
CurlSigv4Setting parse_curl_sigv4_setting(std::string_view setting);

// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request,
//  SignedHeaders=host;x-amz-date, Signature=..." (also SigV4a's
// AWS4-ECDSA-P256-SHA256, whose scope has no region). Views point into `value`.
struct Sigv4Authorization {
  std::string_view service;
  std::vector<std::string_view> signed_headers;  // as written, lower case by spec
};
std::optional<Sigv4Authorization> parse_sigv4_authorization(std::string_view value);

// A presigned URL: X-Amz-Credential / X-Amz-Signature in the query.
struct PresignedQuery {
  std::string service;                      // from X-Amz-Credential, may be empty
  std::vector<std::string> signed_headers;  // from X-Amz-SignedHeaders
};
std::optional<PresignedQuery> parse_presigned_query(std::string_view query);

// Percent-decodes a query component; '+' stays '+' as SigV4 clients never use it for blanks.
std::string percent_decode(std::string_view text);

}  // namespace tracestrip
