#include "tracestrip/request_verdict.h"

#include "tracestrip/host_patterns.h"
#include "tracestrip/s3_endpoints.h"

namespace tracestrip {

UrlFacts url_facts(const Config& config, const UrlParts& url) {
  UrlFacts facts;
  if(!url.valid)
    return facts;
  facts.host = url.host;
  facts.port = url.port;
  facts.aws_s3_host = is_aws_s3_host(url.host);
  for(const HostPattern& pattern : config.hosts) {
    if(host_pattern_matches(pattern, url.host, url.port)) {
      facts.configured_host = true;
      break;
    }
  }
  if(!url.query.empty())
    facts.presigned = parse_presigned_query(url.query);
  return facts;
}

namespace {

// A signature for `service` makes the request S3-bound when it is S3's, or
// when the scope is widened to every SigV4-signed request.
bool service_counts(const Config& config, std::string_view service) {
  return service == "s3" || config.scope == Scope::Sigv4;
}

// The service curl signs for: the one set, or as curl derives it, the host's first label.
std::string_view curl_signing_service(const CurlSigning& signing, std::string_view host) {
  if(!signing.setting.service.empty())
    return signing.setting.service;
  return host.substr(0, host.find('.'));
}

}  // namespace

BoundReason classify_request(const Config& config, const UrlFacts& url, const CurlSigning& signing,
                             const std::optional<Sigv4Authorization>& app_authorization) {
  if(url.aws_s3_host)
    return BoundReason::AwsS3Host;
  if(url.configured_host)
    return BoundReason::ConfiguredHost;
  if(signing.enabled && service_counts(config, curl_signing_service(signing, url.host)))
    return BoundReason::CurlSigv4;
  if(app_authorization && service_counts(config, app_authorization->service))
    return BoundReason::AppSignature;
  // A presigned URL without a readable scope is still almost always S3's.
  if(url.presigned && (url.presigned->service.empty() || service_counts(config, url.presigned->service)))
    return BoundReason::PresignedUrl;
  return BoundReason::NotBound;
}

const char* bound_reason_name(BoundReason reason) {
  switch(reason) {
  case BoundReason::NotBound:
    return "not-s3";
  case BoundReason::AwsS3Host:
    return "s3-endpoint";
  case BoundReason::ConfiguredHost:
    return "configured-host";
  case BoundReason::CurlSigv4:
    return "curl-sigv4";
  case BoundReason::AppSignature:
    return "app-signature";
  case BoundReason::PresignedUrl:
    return "presigned-url";
  }
  return "not-s3";
}

}  // namespace tracestrip
