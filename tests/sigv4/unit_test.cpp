// Small pieces of the sigv4 library, checked on their own.
#include <gtest/gtest.h>

#include "tracestrip/sigv4/amz_date.h"
#include "tracestrip/sigv4/authorization.h"
#include "tracestrip/sigv4/canonical_request.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/uri.h"

namespace tracestrip::sigv4 {
namespace {

TEST(Crypto, Sha256OfEmptyString)
{
  EXPECT_EQ(sha256_hex(""), kEmptyPayloadHash);
}

TEST(Crypto, HmacRfc4231Case2)
{
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Uri, EncodeKeepsUnreservedAndOptionallySlash)
{
  EXPECT_EQ(uri_encode("a b/c~", true), "a%20b/c~");
  EXPECT_EQ(uri_encode("a b/c~", false), "a%20b%2Fc~");
  EXPECT_EQ(uri_decode("a%20b%2"), "a b%2");
  EXPECT_EQ(uri_decode("a+b"), "a+b");
}

TEST(Uri, NormalizePath)
{
  EXPECT_EQ(normalize_path("/example/.."), "/");
  EXPECT_EQ(normalize_path("//example//"), "/example/");
  EXPECT_EQ(normalize_path("/./example"), "/example");
  EXPECT_EQ(normalize_path("/a/b/../c"), "/a/c");
}

TEST(CanonicalUri, S3KeepsKeyAsSentAndEncodesOnce)
{
  // S3 neither normalises nor double-encodes: the key "a//b/../c" is real.
  EXPECT_EQ(canonical_uri("/bucket/a//b/../c", PathRules::s3()), "/bucket/a//b/../c");
  EXPECT_EQ(canonical_uri("/bucket/a%20b", PathRules::s3()), "/bucket/a%20b");
  EXPECT_EQ(canonical_uri("/bucket/a b", PathRules::s3()), "/bucket/a%20b");
  EXPECT_EQ(canonical_uri("/bucket/a%20b", PathRules{}), "/bucket/a%2520b");
}

TEST(CanonicalQuery, SortsAndEncodes)
{
  EXPECT_EQ(canonical_query("b=2&a=1&a=0&flag"), "a=0&a=1&b=2&flag=");
  EXPECT_EQ(canonical_query("list-type=2&prefix=a%2Fb"), "list-type=2&prefix=a%2Fb");
  EXPECT_EQ(canonical_query(""), "");
}

TEST(CanonicalHeaders, RepeatsJoinInArrivalOrder)
{
  HeaderList headers = {{"My-Header1", " value2 "}, {"Host", "h"}, {"my-header1", "a   b"},
                        {"MY-HEADER1", "value1"}};
  EXPECT_EQ(canonical_headers(headers, {"host", "my-header1"}),
            "host:h\nmy-header1:value2,a b,value1\n");
}

TEST(AmzDate, RoundTrip)
{
  std::optional<std::time_t> when = parse_iso8601("2015-08-30T12:36:00Z");
  ASSERT_TRUE(when);
  EXPECT_EQ(format_amz_date(*when), "20150830T123600Z");
  EXPECT_EQ(parse_amz_date("20150830T123600Z"), when);
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(parse_amz_date("20151330T123600Z"));
}

TEST(Authorization, FormatParseRoundTrip)
{
  Authorization auth{"AKIDEXAMPLE", {"20150830", "us-east-1", "s3"}, {"host", "x-amz-date"},
                     std::string(64, 'a')};
  std::string text = format_authorization(auth);
  EXPECT_EQ(text, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, "
                  "SignedHeaders=host;x-amz-date, Signature=" + std::string(64, 'a'));
  AuthorizationParse parsed = parse_authorization(text);
  ASSERT_TRUE(parsed.value) << parsed.error;
  EXPECT_EQ(parsed.value->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed.value->scope.to_string(), "20150830/us-east-1/s3/aws4_request");
  EXPECT_EQ(parsed.value->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
}

TEST(Authorization, CurlStyleWithoutBlanks)
{
  // curl writes "Credential=...,SignedHeaders=...,Signature=..." without blanks.
  AuthorizationParse parsed = parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/s3/aws4_request,SignedHeaders=host,"
      "Signature=" + std::string(64, '0'));
  ASSERT_TRUE(parsed.value) << parsed.error;
  EXPECT_EQ(parsed.value->scope.region, "eu-west-1");
}

TEST(Authorization, RejectsMalformed)
{
  EXPECT_FALSE(parse_authorization("AWS AKID:sig").value);
  EXPECT_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=AK/2015/r/s/aws4_request, "
                                   "SignedHeaders=host, Signature=" + std::string(64, 'a'))
                   .value);
  EXPECT_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=AK/20150830/r/s/aws4_request, "
                                   "SignedHeaders=host, Signature=abc")
                   .value);
  EXPECT_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=AK/20150830/r/s/aws4_request, "
                                   "Signature=" + std::string(64, 'a'))
                   .value);
}

}  // namespace
}  // namespace tracestrip::sigv4
