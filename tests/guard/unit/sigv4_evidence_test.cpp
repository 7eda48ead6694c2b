// Signs of SigV4 signing: CURLOPT_AWS_SIGV4, Authorization headers, presigned queries.
#include "tracestrip/sigv4_evidence.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tracestrip {
namespace {

using Names = std::vector<std::string_view>;

const char* const kAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-content-sha256;x-amz-date;traceparent, "
    "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

// ---- CURLOPT_AWS_SIGV4 ----------------------------------------------------

TEST(CurlSigv4Setting, FullSetting) {
  CurlSigv4Setting setting = parse_curl_sigv4_setting("aws:amz:us-east-1:s3");
  EXPECT_EQ(setting.region, "us-east-1");
  EXPECT_EQ(setting.service, "s3");
}

TEST(CurlSigv4Setting, OtherServiceInUpperCaseIsLowered) {
  CurlSigv4Setting setting = parse_curl_sigv4_setting("aws:amz:eu-west-1:SQS");
  EXPECT_EQ(setting.region, "eu-west-1");
  EXPECT_EQ(setting.service, "sqs");
}

TEST(CurlSigv4Setting, ProvidersOnlyLeaveRegionAndServiceToCurl) {
  for(const char* text : {"aws:amz", "aws", ""}) {
    CurlSigv4Setting setting = parse_curl_sigv4_setting(text);
    EXPECT_TRUE(setting.service.empty()) << text;
    EXPECT_TRUE(setting.region.empty()) << text;
  }
  CurlSigv4Setting region_only = parse_curl_sigv4_setting("aws:amz:us-east-1");
  EXPECT_EQ(region_only.region, "us-east-1");
  EXPECT_TRUE(region_only.service.empty());
}

TEST(CurlSigv4Setting, OtherProviders) {
  CurlSigv4Setting setting = parse_curl_sigv4_setting("goog:goog4:auto:storage");
  EXPECT_EQ(setting.region, "auto");
  EXPECT_EQ(setting.service, "storage");
}

// curl reads the setting with sscanf("%[^:]:%[^:]:%[^:]:%s") (7.88; later
// versions with Curl_str_until, same result): an empty field ends the
// parsing, so the fields after it are ignored and curl derives region and
// service from the host.
// Regression test — this bug was found here and fixed in src/core: parse_curl_sigv4_setting reads the fields after an empty one, so
// "aws:amz::s3" gives service "s3" although curl signs for the host's first
// label (e.g. "sqs" on sqs.us-east-1.amazonaws.com), and classify_request
// then calls that request S3-bound (curl-sigv4).
TEST(CurlSigv4Setting, AnEmptyFieldEndsTheSettingAsInCurl) {
  for(const char* text : {"aws:amz::s3", "aws::us-east-1:s3"}) {
    CurlSigv4Setting setting = parse_curl_sigv4_setting(text);
    EXPECT_TRUE(setting.service.empty()) << text << " gave service " << setting.service;
  }
  EXPECT_TRUE(parse_curl_sigv4_setting("aws::us-east-1:s3").region.empty());
}

// ---- Authorization --------------------------------------------------------

TEST(Sigv4Authorization, ReadsServiceAndSignedHeaders) {
  std::optional<Sigv4Authorization> parsed = parse_sigv4_authorization(kAuthorization);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "s3");
  EXPECT_EQ(parsed->signed_headers, (Names{"host", "x-amz-content-sha256", "x-amz-date", "traceparent"}));
}

TEST(Sigv4Authorization, ViewsPointIntoTheValue) {
  std::string value = kAuthorization;
  std::optional<Sigv4Authorization> parsed = parse_sigv4_authorization(value);
  ASSERT_TRUE(parsed);
  const char* begin = value.data();
  const char* end = value.data() + value.size();
  EXPECT_TRUE(parsed->service.data() >= begin && parsed->service.data() + parsed->service.size() <= end);
  for(std::string_view name : parsed->signed_headers)
    EXPECT_TRUE(name.data() >= begin && name.data() + name.size() <= end) << name;
}

TEST(Sigv4Authorization, OtherService) {
  std::optional<Sigv4Authorization> parsed = parse_sigv4_authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, "
      "Signature=abcd");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "sqs");
  EXPECT_EQ(parsed->signed_headers, (Names{"host", "x-amz-date"}));
}

TEST(Sigv4Authorization, Sigv4aScopeHasNoRegion) {
  std::optional<Sigv4Authorization> parsed = parse_sigv4_authorization(
      "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request, "
      "SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045022100");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "s3");
  EXPECT_EQ(parsed->signed_headers, (Names{"host", "x-amz-date", "x-amz-region-set"}));
}

TEST(Sigv4Authorization, ToleratesBlanksTabsAndAlgorithmCase) {
  std::optional<Sigv4Authorization> parsed = parse_sigv4_authorization(
      "  aws4-hmac-sha256\tCredential=AKID/20240101/us-west-2/s3/aws4_request ,SignedHeaders=host ; ;x-amz-date,"
      "Signature=ff  ");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "s3");
  EXPECT_EQ(parsed->signed_headers, (Names{"host", "x-amz-date"}));
}

TEST(Sigv4Authorization, NoSignedHeadersGivesAnEmptyList) {
  std::optional<Sigv4Authorization> parsed =
      parse_sigv4_authorization("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, Signature=ff");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "s3");
  EXPECT_TRUE(parsed->signed_headers.empty());
}

TEST(Sigv4Authorization, UnreadableScopeGivesNoService) {
  for(const char* value :
      {"AWS4-HMAC-SHA256 Credential=AKID, SignedHeaders=host, Signature=ff",
       "AWS4-HMAC-SHA256 Credential=AKID/s3/aws4_request, SignedHeaders=host, Signature=ff",
       "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws5_request, Signature=ff",
       "AWS4-HMAC-SHA256 Credential=/aws4_request, Signature=ff", "AWS4-HMAC-SHA256 Credential=, Signature=ff"}) {
    std::optional<Sigv4Authorization> parsed = parse_sigv4_authorization(value);
    ASSERT_TRUE(parsed) << value;
    EXPECT_TRUE(parsed->service.empty()) << value << " gave " << parsed->service;
  }
}

class NotSigv4Authorization : public testing::TestWithParam<const char*> {};

TEST_P(NotSigv4Authorization, IsRejected) {
  EXPECT_FALSE(parse_sigv4_authorization(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Garbage, NotSigv4Authorization,
    testing::Values("", "   ", "Basic dXNlcjpwYXNz", "Bearer abc.def.ghi",
                    "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", "AWS4-HMAC-SHA256",
                    "AWS4-HMAC-SHA256Credential=AKID/20240101/us-east-1/s3/aws4_request",
                    "AWS4-HMAC-SHA1 Credential=AKID/20240101/us-east-1/s3/aws4_request",
                    "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=ff",
                    "AWS4-HMAC-SHA256 credential=AKID/20240101/us-east-1/s3/aws4_request, Signature=ff",
                    "AWS4-HMAC-SHA256 Credential AKID/20240101/us-east-1/s3/aws4_request",
                    "x AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request"));

// ---- Presigned query ------------------------------------------------------

TEST(PresignedQuery, PercentEncodedCredential) {
  std::optional<PresignedQuery> parsed = parse_presigned_query(
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "s3");
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host"}));
}

TEST(PresignedQuery, LowerCaseHexAndMixedCaseKeys) {
  std::optional<PresignedQuery> parsed =
      parse_presigned_query("x-amz-credential=AKID%2f20240101%2feu-west-1%2FS3%2faws4_request");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "s3");
}

TEST(PresignedQuery, SignedHeadersAreDecodedSplitAndLowered) {
  std::optional<PresignedQuery> parsed =
      parse_presigned_query("a=1&X-Amz-SignedHeaders=host%3BTraceparent%3bx-amz-meta-k&X-Amz-Signature=ff&b");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->service.empty());
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "traceparent", "x-amz-meta-k"}));
}

TEST(PresignedQuery, SignatureAloneIsEnough) {
  std::optional<PresignedQuery> parsed = parse_presigned_query("X-Amz-Signature=abc");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->service.empty());
  EXPECT_TRUE(parsed->signed_headers.empty());
}

TEST(PresignedQuery, OtherService) {
  std::optional<PresignedQuery> parsed = parse_presigned_query(
      "Action=ListQueues&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Signature=ff");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->service, "sqs");
}

TEST(PresignedQuery, OrdinaryQueriesAreNotPresigned) {
  for(const char* query : {"", "a=1&b=2", "X-Amz-Date=20240101T000000Z&X-Amz-SignedHeaders=host", "uploads",
                           "X-Amz-Credentials=x", "X-Amz-Credential", "prefix=X-Amz-Signature"})
    EXPECT_FALSE(parse_presigned_query(query).has_value()) << query;
}

// ---- percent_decode -------------------------------------------------------

TEST(PercentDecode, DecodesValidEscapesOnly) {
  EXPECT_EQ(percent_decode("a%2Fb%2fc"), "a/b/c");
  EXPECT_EQ(percent_decode("%41"), "A");
  EXPECT_EQ(percent_decode("x%41"), "xA");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%"), "%");
  EXPECT_EQ(percent_decode("%zz%4g"), "%zz%4g");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("%25%32%46"), "%2F");  // decoded once, not twice
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%00"), std::string(1, '\0'));
}

}  // namespace
}  // namespace tracestrip
