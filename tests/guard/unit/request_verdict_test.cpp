// Is a request S3-bound? url_facts and classify_request for every reason.
#include "tracestrip/request_verdict.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace tracestrip {
namespace {

UrlParts url(std::string host, int port = 443, std::string query = "") {
  UrlParts parts;
  parts.valid = true;
  parts.host = std::move(host);
  parts.port = port;
  parts.query = std::move(query);
  return parts;
}

Config config_with(const std::map<std::string, std::string>& variables) {
  auto lookup = [](const char* name, void* context) -> const char* {
    const auto& environment = *static_cast<const std::map<std::string, std::string>*>(context);
    auto found = environment.find(name);
    return found == environment.end() ? nullptr : found->second.c_str();
  };
  std::map<std::string, std::string> copy = variables;
  Config config = parse_config(lookup, &copy);
  EXPECT_TRUE(config.problems.empty()) << testing::PrintToString(config.problems);
  return config;
}

Config sigv4_scope() { return config_with({{"TRACESTRIP_SCOPE", "sigv4"}}); }

CurlSigning no_signing() { return {}; }

CurlSigning curl_signing(const char* setting) {
  CurlSigning signing;
  signing.enabled = true;
  signing.setting = parse_curl_sigv4_setting(setting);
  return signing;
}

std::optional<Sigv4Authorization> app_authorization(std::string_view service) {
  Sigv4Authorization authorization;
  authorization.service = service;
  authorization.signed_headers = {"host", "x-amz-date"};
  return authorization;
}

std::string verdict(const Config& config, const UrlParts& parts, const CurlSigning& signing,
                    const std::optional<Sigv4Authorization>& authorization = std::nullopt) {
  return bound_reason_name(classify_request(config, url_facts(config, parts), signing, authorization));
}

// ---- url_facts ------------------------------------------------------------

TEST(UrlFacts, InvalidUrlGivesNothing) {
  UrlParts parts = url("bucket.s3.amazonaws.com", 443, "X-Amz-Signature=ff");
  parts.valid = false;
  UrlFacts facts = url_facts(default_config(), parts);
  EXPECT_TRUE(facts.host.empty());
  EXPECT_FALSE(facts.aws_s3_host);
  EXPECT_FALSE(facts.configured_host);
  EXPECT_FALSE(facts.presigned.has_value());
}

TEST(UrlFacts, AwsHost) {
  UrlFacts facts = url_facts(default_config(), url("bucket.s3.eu-west-1.amazonaws.com", 443, "uploads"));
  EXPECT_EQ(facts.host, "bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(facts.port, 443);
  EXPECT_TRUE(facts.aws_s3_host);
  EXPECT_FALSE(facts.configured_host);
  EXPECT_FALSE(facts.presigned.has_value());
}

TEST(UrlFacts, ConfiguredHostHonoursThePort) {
  Config config = config_with({{"TRACESTRIP_HOSTS", "minio.lan:9000,*.rgw.lan"}});
  EXPECT_TRUE(url_facts(config, url("minio.lan", 9000)).configured_host);
  EXPECT_FALSE(url_facts(config, url("minio.lan", 9001)).configured_host);
  EXPECT_TRUE(url_facts(config, url("b.rgw.lan", 80)).configured_host);
  EXPECT_FALSE(url_facts(config, url("rgw.lan", 80)).configured_host);
  EXPECT_FALSE(url_facts(config, url("bucket.s3.amazonaws.com", 443)).configured_host);
}

TEST(UrlFacts, PresignedQuery) {
  UrlFacts facts =
      url_facts(default_config(), url("files.example", 443,
                                      "X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-"
                                      "SignedHeaders=host%3Btraceparent&X-Amz-Signature=ff"));
  ASSERT_TRUE(facts.presigned.has_value());
  EXPECT_EQ(facts.presigned->service, "s3");
  EXPECT_EQ(facts.presigned->signed_headers, (std::vector<std::string>{"host", "traceparent"}));
  EXPECT_FALSE(facts.aws_s3_host);
}

// ---- classify_request -----------------------------------------------------

TEST(ClassifyRequest, AwsS3Host) {
  EXPECT_EQ(verdict(default_config(), url("bucket.s3.us-east-1.amazonaws.com"), no_signing()), "s3-endpoint");
  EXPECT_EQ(verdict(default_config(), url("s3.cn-north-1.amazonaws.com.cn"), no_signing()), "s3-endpoint");
}

TEST(ClassifyRequest, ConfiguredHost) {
  Config config = config_with({{"TRACESTRIP_HOSTS", "minio.lan:9000"}});
  EXPECT_EQ(verdict(config, url("minio.lan", 9000), no_signing()), "configured-host");
  EXPECT_EQ(verdict(config, url("minio.lan", 443), no_signing()), "not-s3");
}

TEST(ClassifyRequest, PlainRequestsAreNotBound) {
  for(const char* host : {"example.com", "sqs.us-east-1.amazonaws.com", "s3.amazonaws.com.evil.example",
                          "s3.evil.amazonaws.com", "127.0.0.1"})
    EXPECT_EQ(verdict(default_config(), url(host), no_signing()), "not-s3") << host;
}

TEST(ClassifyRequest, CurlSigv4NamingS3) {
  EXPECT_EQ(verdict(default_config(), url("storage.example"), curl_signing("aws:amz:us-east-1:s3")), "curl-sigv4");
  EXPECT_EQ(verdict(default_config(), url("storage.example"), curl_signing("aws:amz:us-east-1:S3")), "curl-sigv4");
}

TEST(ClassifyRequest, CurlSigv4ForAnotherServiceNeedsTheWideScope) {
  UrlParts parts = url("sqs.us-east-1.amazonaws.com");
  EXPECT_EQ(verdict(default_config(), parts, curl_signing("aws:amz:us-east-1:sqs")), "not-s3");
  EXPECT_EQ(verdict(sigv4_scope(), parts, curl_signing("aws:amz:us-east-1:sqs")), "curl-sigv4");
}

TEST(ClassifyRequest, CurlSigv4DisabledIsNoEvidence) {
  CurlSigning signing = curl_signing("aws:amz:us-east-1:s3");
  signing.enabled = false;
  EXPECT_EQ(verdict(default_config(), url("storage.example"), signing), "not-s3");
  EXPECT_EQ(verdict(sigv4_scope(), url("storage.example"), signing), "not-s3");
}

// Without a service in CURLOPT_AWS_SIGV4 curl signs for the host's first label.
TEST(ClassifyRequest, CurlSigv4WithoutServiceOnAnS3NamedHost) {
  for(const char* setting : {"aws:amz:us-east-1", "aws:amz", "aws"}) {
    EXPECT_EQ(verdict(default_config(), url("s3.minio.lan"), curl_signing(setting)), "curl-sigv4") << setting;
    EXPECT_EQ(verdict(default_config(), url("s3.us-east-1.amazonaws.com"), curl_signing(setting)), "s3-endpoint")
        << setting;
  }
}

TEST(ClassifyRequest, CurlSigv4WithoutServiceOnAnotherHost) {
  for(const char* host : {"sqs.us-east-1.amazonaws.com", "minio.lan", "mys3.lan", "s3x.lan", "127.0.0.1"}) {
    EXPECT_EQ(verdict(default_config(), url(host), curl_signing("aws:amz:us-east-1")), "not-s3") << host;
    EXPECT_EQ(verdict(sigv4_scope(), url(host), curl_signing("aws:amz:us-east-1")), "curl-sigv4") << host;
  }
}

TEST(ClassifyRequest, ServiceInTheSettingWinsOverTheHost) {
  EXPECT_EQ(verdict(default_config(), url("s3.minio.lan"), curl_signing("aws:amz:us-east-1:sqs")), "not-s3");
  EXPECT_EQ(verdict(default_config(), url("sqs.lan"), curl_signing("aws:amz:us-east-1:s3")), "curl-sigv4");
}

// Regression test — this bug was found here and fixed in src/core: with "aws:amz::s3" curl ignores the fields after the empty region and
// signs for the host's first label ("sqs"), but parse_curl_sigv4_setting
// reads service "s3", so this non-S3 request is classified curl-sigv4.
TEST(ClassifyRequest, FieldsAfterAnEmptyOneDoNotNameTheService) {
  EXPECT_EQ(verdict(default_config(), url("sqs.us-east-1.amazonaws.com"), curl_signing("aws:amz::s3")), "not-s3");
}

TEST(ClassifyRequest, AppSignatureForS3) {
  EXPECT_EQ(verdict(default_config(), url("storage.example"), no_signing(), app_authorization("s3")), "app-signature");
}

TEST(ClassifyRequest, AppSignatureForAnotherService) {
  EXPECT_EQ(verdict(default_config(), url("sqs.lan"), no_signing(), app_authorization("sqs")), "not-s3");
  EXPECT_EQ(verdict(default_config(), url("sqs.lan"), no_signing(), app_authorization("")), "not-s3");
  EXPECT_EQ(verdict(sigv4_scope(), url("sqs.lan"), no_signing(), app_authorization("sqs")), "app-signature");
  EXPECT_EQ(verdict(sigv4_scope(), url("sqs.lan"), no_signing(), app_authorization("")), "app-signature");
}

TEST(ClassifyRequest, PresignedUrlForS3OrWithoutReadableScope) {
  EXPECT_EQ(verdict(default_config(),
                    url("files.example", 443,
                        "X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=ff"),
                    no_signing()),
            "presigned-url");
  EXPECT_EQ(verdict(default_config(), url("files.example", 443, "X-Amz-Signature=ff"), no_signing()), "presigned-url");
}

TEST(ClassifyRequest, PresignedUrlForAnotherService) {
  UrlParts parts = url("sqs.us-east-1.amazonaws.com", 443,
                       "Action=ListQueues&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fsqs%2Faws4_request"
                       "&X-Amz-Signature=ff");
  EXPECT_EQ(verdict(default_config(), parts, no_signing()), "not-s3");
  EXPECT_EQ(verdict(sigv4_scope(), parts, no_signing()), "presigned-url");
}

TEST(ClassifyRequest, HostReasonsComeFirst) {
  Config config = config_with({{"TRACESTRIP_HOSTS", "bucket.s3.amazonaws.com,minio.lan"}});
  EXPECT_EQ(
      verdict(config, url("bucket.s3.amazonaws.com"), curl_signing("aws:amz:us-east-1:s3"), app_authorization("s3")),
      "s3-endpoint");
  EXPECT_EQ(verdict(config, url("minio.lan", 443, "X-Amz-Signature=ff"), curl_signing("aws:amz:us-east-1:s3"),
                    app_authorization("s3")),
            "configured-host");
  EXPECT_EQ(verdict(config, url("other.lan", 443, "X-Amz-Signature=ff"), curl_signing("aws:amz:us-east-1:s3"),
                    app_authorization("s3")),
            "curl-sigv4");
  EXPECT_EQ(verdict(config, url("other.lan", 443, "X-Amz-Signature=ff"), no_signing(), app_authorization("s3")),
            "app-signature");
}

TEST(ClassifyRequest, ModeDoesNotChangeTheVerdict) {
  Config report = config_with({{"TRACESTRIP_MODE", "report"}});
  Config off = config_with({{"TRACESTRIP_MODE", "off"}});
  EXPECT_EQ(verdict(report, url("bucket.s3.amazonaws.com"), no_signing()), "s3-endpoint");
  EXPECT_EQ(verdict(off, url("example.com"), no_signing()), "not-s3");
}

TEST(BoundReasonName, NamesEveryReason) {
  EXPECT_STREQ(bound_reason_name(BoundReason::NotBound), "not-s3");
  EXPECT_STREQ(bound_reason_name(BoundReason::AwsS3Host), "s3-endpoint");
  EXPECT_STREQ(bound_reason_name(BoundReason::ConfiguredHost), "configured-host");
  EXPECT_STREQ(bound_reason_name(BoundReason::CurlSigv4), "curl-sigv4");
  EXPECT_STREQ(bound_reason_name(BoundReason::AppSignature), "app-signature");
  EXPECT_STREQ(bound_reason_name(BoundReason::PresignedUrl), "presigned-url");
}

}  // namespace
}  // namespace tracestrip
