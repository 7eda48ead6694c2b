// Is a request S3-bound? The answer combines what the URL says, what curl is
// told to sign, and what the application signed itself.
#pragma once

#include <optional>
#include <string>

#include "tracestrip/config.h"
#include "tracestrip/sigv4_evidence.h"
#include "tracestrip/url_parts.h"

namespace tracestrip {

// Facts about the URL, computed when the URL is set.
struct UrlFacts {
  std::string host;
  int port = 0;
  bool aws_s3_host = false;      // a built-in S3 endpoint form
  bool configured_host = false;  // matches TRACESTRIP_HOSTS
  std::optional<PresignedQuery> presigned;
};
UrlFacts url_facts(const Config& config, const UrlParts& url);

// What curl is told to sign with: CURLOPT_AWS_SIGV4, or CURLOPT_HTTPAUTH
// with CURLAUTH_AWS_SIGV4 alone (service then comes from the host).
struct CurlSigning {
  bool enabled = false;
  CurlSigv4Setting setting;
};

enum class BoundReason {
  NotBound,
  AwsS3Host,       // the host is an Amazon S3 endpoint
  ConfiguredHost,  // TRACESTRIP_HOSTS
  CurlSigv4,       // CURLOPT_AWS_SIGV4 names s3 (any service with scope=sigv4)
  AppSignature,    // an AWS4-HMAC-SHA256 Authorization for s3 in the header list
  PresignedUrl,    // X-Amz-Credential / X-Amz-Signature in the query
};
const char* bound_reason_name(BoundReason reason);

BoundReason classify_request(const Config& config, const UrlFacts& url, const CurlSigning& signing,
                             const std::optional<Sigv4Authorization>& app_authorization);

}  // namespace tracestrip
