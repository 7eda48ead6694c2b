// The verifier against requests our own signer produced, then spoiled in
// each of the ways tracing agents and proxies spoil them.
#include <gtest/gtest.h>

#include "tracestrip/sigv4/amz_date.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/signer.h"
#include "tracestrip/sigv4/verifier.h"

namespace tracestrip::sigv4 {
namespace {

constexpr std::time_t kNow = 1440938160;  // 2015-08-30T12:36:00Z
const char *const kAccessKey = "AKIDEXAMPLE";
const char *const kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

SigningConfig s3_config(std::string_view body)
{
  SigningConfig config;
  config.credentials = {kAccessKey, kSecret, ""};
  config.region = "us-east-1";
  config.service = "s3";
  config.time = kNow;
  config.path_rules = PathRules::s3();
  config.payload_hash = sha256_hex(body);
  config.add_content_sha256_header = true;
  return config;
}

HttpRequest put_object()
{
  return HttpRequest{"PUT", "/bucket/dir/a%20key.txt", "",
                     {{"Host", "127.0.0.1:9000"}, {"Content-Type", "text/plain"},
                      {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}};
}

Verification verify(const HttpRequest &request, std::string_view body,
                    std::time_t now = kNow)
{
  VerifyOptions options;
  options.now = now;
  options.region = "us-east-1";
  SecretLookup lookup = [](std::string_view key) -> std::optional<std::string> {
    if(key == kAccessKey)
      return std::string(kSecret);
    return std::nullopt;
  };
  return verify_request(VerifyInput{request, sha256_hex(body)}, lookup, options);
}

HttpRequest signed_put(std::string_view body)
{
  HttpRequest request = put_object();
  sign_request(request, s3_config(body));
  return request;
}

TEST(Verifier, AcceptsWhatTheSignerMade)
{
  Verification result = verify(signed_put("hello"), "hello");
  EXPECT_TRUE(result.ok()) << verdict_name(result.verdict) << ": " << result.message << "\n"
                           << result.canonical_request;
}

TEST(Verifier, AcceptsUnsignedPayload)
{
  HttpRequest request = put_object();
  SigningConfig config = s3_config("");
  config.payload_hash = std::string(kUnsignedPayload);
  sign_request(request, config);
  EXPECT_TRUE(verify(request, "anything").ok());
}

TEST(Verifier, RewrittenSignedHeaderFails)
{
  HttpRequest request = signed_put("hello");
  for(Header &header : request.headers) {
    if(header.name == "traceparent")
      header.value = "00-11111111111111111111111111111111-2222222222222222-01";
  }
  Verification result = verify(request, "hello");
  EXPECT_EQ(result.verdict, Verdict::kSignatureDoesNotMatch);
  EXPECT_NE(result.canonical_request.find("traceparent:00-1111"), std::string::npos);
  EXPECT_FALSE(result.string_to_sign.empty());
}

TEST(Verifier, DuplicatedSignedHeaderFails)
{
  HttpRequest request = signed_put("hello");
  request.headers.push_back({"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"});
  Verification result = verify(request, "hello");
  EXPECT_EQ(result.verdict, Verdict::kSignatureDoesNotMatch);
  EXPECT_NE(result.canonical_request.find("-01,00-"), std::string::npos)
      << "repeated values are joined with ','";
}

TEST(Verifier, RepeatedHeaderSignedCorrectlyPasses)
{
  HttpRequest request = put_object();
  request.headers.push_back({"X-Amz-Meta-Tag", "b"});
  request.headers.push_back({"x-amz-meta-tag", " a  c "});
  sign_request(request, s3_config("hello"));
  EXPECT_TRUE(verify(request, "hello").ok());
  std::swap(request.headers[3], request.headers[4]);  // arrival order matters
  EXPECT_EQ(verify(request, "hello").verdict, Verdict::kSignatureDoesNotMatch);
}

TEST(Verifier, UnsignedAmzHeaderIsRefused)
{
  HttpRequest request = signed_put("hello");
  request.headers.push_back({"x-amz-meta-added", "1"});
  Verification result = verify(request, "hello");
  EXPECT_EQ(result.verdict, Verdict::kHeadersNotSigned);
  EXPECT_EQ(result.unsigned_amz_headers, std::vector<std::string>{"x-amz-meta-added"});
}

TEST(Verifier, UnsignedOtherHeaderIsIgnored)
{
  HttpRequest request = signed_put("hello");
  request.headers.push_back({"User-Agent", "curl/7.88.1"});
  request.headers.push_back({"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"});
  EXPECT_TRUE(verify(request, "hello").ok());
}

TEST(Verifier, WrongSecretFails)
{
  HttpRequest request = put_object();
  SigningConfig config = s3_config("hello");
  config.credentials.secret_access_key = "not-the-secret";
  sign_request(request, config);
  EXPECT_EQ(verify(request, "hello").verdict, Verdict::kSignatureDoesNotMatch);
}

TEST(Verifier, UnknownKeyFails)
{
  HttpRequest request = put_object();
  SigningConfig config = s3_config("hello");
  config.credentials.access_key_id = "AKIDUNKNOWN";
  sign_request(request, config);
  EXPECT_EQ(verify(request, "hello").verdict, Verdict::kUnknownAccessKey);
}

TEST(Verifier, SkewBeyondFifteenMinutesFails)
{
  EXPECT_TRUE(verify(signed_put("x"), "x", kNow + 14 * 60).ok());
  EXPECT_EQ(verify(signed_put("x"), "x", kNow + 16 * 60).verdict,
            Verdict::kRequestTimeTooSkewed);
  EXPECT_EQ(verify(signed_put("x"), "x", kNow - 16 * 60).verdict,
            Verdict::kRequestTimeTooSkewed);
}

TEST(Verifier, PayloadHashMismatchFails)
{
  EXPECT_EQ(verify(signed_put("hello"), "HELLO").verdict, Verdict::kContentSha256Mismatch);
}

TEST(Verifier, MissingContentSha256Fails)
{
  HttpRequest request = put_object();
  sign_request(request, SigningConfig{s3_config("")});
  SigningConfig config = s3_config("");
  config.add_content_sha256_header = false;
  request = put_object();
  sign_request(request, config);
  EXPECT_EQ(verify(request, "").verdict, Verdict::kMissingContentSha256);
}

TEST(Verifier, MissingAndMalformedAuthorization)
{
  EXPECT_EQ(verify(put_object(), "").verdict, Verdict::kMissingAuthorization);
  HttpRequest request = put_object();
  request.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=x"});
  EXPECT_EQ(verify(request, "").verdict, Verdict::kMalformedAuthorization);
}

TEST(Verifier, WrongRegionIsMalformed)
{
  HttpRequest request = put_object();
  SigningConfig config = s3_config("");
  config.region = "eu-west-1";
  sign_request(request, config);
  EXPECT_EQ(verify(request, "").verdict, Verdict::kMalformedAuthorization);
}

TEST(Verifier, SessionTokenIsSignedAndChecked)
{
  HttpRequest request = put_object();
  SigningConfig config = s3_config("");
  config.credentials.session_token = "token-1";
  sign_request(request, config);
  EXPECT_TRUE(verify(request, "").ok());
  for(Header &header : request.headers) {
    if(header.name == "X-Amz-Security-Token")
      header.value = "token-2";
  }
  EXPECT_EQ(verify(request, "").verdict, Verdict::kSignatureDoesNotMatch);
}

}  // namespace
}  // namespace tracestrip::sigv4

namespace tracestrip::sigv4 {
namespace {

HttpRequest presigned_get(long expires_seconds = 900)
{
  HttpRequest request{"GET", "/bucket/a%20key.txt", "versionId=3", {{"Host", "127.0.0.1:9000"}}};
  SigningConfig config = s3_config("");
  config.payload_hash = std::string(kUnsignedPayload);
  config.expires_seconds = expires_seconds;
  presign_request(request, config);
  return request;
}

TEST(VerifierPresigned, AcceptsWhatThePresignerMade)
{
  Verification result = verify(presigned_get(), "");
  EXPECT_TRUE(result.ok()) << verdict_name(result.verdict) << ": " << result.message << "\n"
                           << result.canonical_request;
  EXPECT_TRUE(result.presigned);
}

TEST(VerifierPresigned, TamperedQueryFails)
{
  HttpRequest request = presigned_get();
  request.query.replace(request.query.find("versionId=3"), 11, "versionId=4");
  EXPECT_EQ(verify(request, "").verdict, Verdict::kSignatureDoesNotMatch);
  request = presigned_get();
  request.query += "&traceparent=00-abc";
  EXPECT_EQ(verify(request, "").verdict, Verdict::kSignatureDoesNotMatch);
}

TEST(VerifierPresigned, ExpiryAndUnsignedAmzHeader)
{
  EXPECT_TRUE(verify(presigned_get(900), "", kNow + 899).ok());
  EXPECT_EQ(verify(presigned_get(900), "", kNow + 901).verdict, Verdict::kExpired);
  HttpRequest request = presigned_get();
  request.headers.push_back({"x-amz-meta-later", "1"});
  EXPECT_EQ(verify(request, "").verdict, Verdict::kHeadersNotSigned);
}

TEST(VerifierPresigned, MissingParameterIsMalformed)
{
  HttpRequest request = presigned_get();
  size_t at = request.query.find("&X-Amz-Expires=");
  request.query.erase(at, request.query.find('&', at + 1) - at);
  EXPECT_EQ(verify(request, "").verdict, Verdict::kMalformedAuthorization);
}

}  // namespace
}  // namespace tracestrip::sigv4
