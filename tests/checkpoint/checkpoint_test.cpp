// tracestrip-checkpoint in-process: a real server on a loopback port, fed
// requests signed by the sigv4 library and then spoiled.
#include <gtest/gtest.h>

#include <httplib.h>

#include <sstream>
#include <thread>

#include "addressing.h"
#include "checkpoint_server.h"
#include "options.h"
#include "request_log.h"
#include "s3_errors.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/signer.h"

namespace tracestrip::checkpoint {
namespace {

constexpr std::time_t kNow = 1733313600;  // 2024-12-04T12:00:00Z
const char* const kAccessKey = "AKIDCHECKPOINT";
const char* const kSecret = "checkpoint-secret";

TEST(Addressing, PathStyleForOwnHosts) {
  for(const char* host : {"127.0.0.1:9000", "localhost:9000", "[::1]:9000", "s3.amazonaws.com",
                          "s3.us-east-1.amazonaws.com", "s3-external-1.amazonaws.com"}) {
    S3Address address = resolve_address(host, "/bkt/dir/a%20b", "127.0.0.1");
    EXPECT_FALSE(address.virtual_hosted) << host;
    EXPECT_EQ(address.bucket, "bkt") << host;
    EXPECT_EQ(address.key, "dir/a b") << host;
  }
}

TEST(Addressing, VirtualHostedTakesBucketFromHost) {
  EXPECT_EQ(bucket_from_host("bkt.localhost:9000", "127.0.0.1"), "bkt");
  EXPECT_EQ(bucket_from_host("bkt.s3.us-east-1.amazonaws.com", "127.0.0.1"), "bkt");
  EXPECT_EQ(bucket_from_host("my.dotted.bkt.s3.amazonaws.com", "127.0.0.1"), "my.dotted.bkt");
  EXPECT_EQ(bucket_from_host("bkt.example.test", "127.0.0.1"), "bkt");
  S3Address address = resolve_address("bkt.localhost:9000", "/dir/key", "127.0.0.1");
  EXPECT_TRUE(address.virtual_hosted);
  EXPECT_EQ(address.bucket, "bkt");
  EXPECT_EQ(address.key, "dir/key");
}

TEST(RequestLog, HidesSecretValuesButNamesThem) {
  sigv4::HttpRequest request{"GET",
                             "/b/k",
                             "",
                             {{"Authorization", "AWS4-HMAC-SHA256 secret-ish"},
                              {"Cookie", "session=abc"},
                              {"X-Amz-Security-Token", "token-value"},
                              {"traceparent", "00-abc-def-01"}}};
  std::vector<std::string> signed_headers = {"traceparent", "x-amz-security-token"};
  std::string text = format_log_entry(LogEntry{request, 403, "SignatureDoesNotMatch", "", signed_headers, "bad"});
  EXPECT_NE(text.find("GET /b/k -> 403 SignatureDoesNotMatch"), std::string::npos) << text;
  EXPECT_NE(text.find("traceparent*=00-abc-def-01"), std::string::npos) << text;
  EXPECT_NE(text.find("X-Amz-Security-Token*=<hidden>"), std::string::npos) << text;
  EXPECT_NE(text.find("Cookie=<hidden>"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret-ish"), std::string::npos) << text;
  EXPECT_EQ(text.find("session=abc"), std::string::npos) << text;
  EXPECT_EQ(text.find("token-value"), std::string::npos) << text;
}

TEST(S3Errors, XmlIsEscaped) {
  S3Error error = make_error(403, "AccessDenied", "a < b & c");
  error.details = {{"HeadersNotSigned", "x-amz-meta-a"}};
  std::string xml = error_xml(error, "/b/k", "ID1");
  EXPECT_NE(xml.find("<Message>a &lt; b &amp; c</Message>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<HeadersNotSigned>x-amz-meta-a</HeadersNotSigned>"), std::string::npos);
}

TEST(Options, ParsesAndFallsBackToEnvironment) {
  ParsedOptions parsed = parse_options(
      {"--port", "0", "--bind=127.0.0.1", "--access-key", "AK", "--secret-key", "SK", "--region", "eu-west-1"});
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.config.access_key, "AK");
  EXPECT_EQ(parsed.config.region, "eu-west-1");
  EXPECT_FALSE(parse_options({"--port", "70000", "--access-key", "a", "--secret-key", "b"}).error.empty());
  EXPECT_FALSE(parse_options({"--frobnicate"}).error.empty());
  EXPECT_TRUE(parse_options({"--help"}).show_help);
}

// A checkpoint serving on a free loopback port for the length of a test.
class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CheckpointConfig config;
    config.access_key = kAccessKey;
    config.secret_key = kSecret;
    config.log = &log_;
    config.clock = [this] { return clock_; };
    server_ = std::make_unique<CheckpointServer>(config);
    port_ = server_->bind();
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    ASSERT_EQ(send("PUT", "/bkt", "").status, 200);
  }

  void TearDown() override {
    server_->stop();
    if(thread_.joinable())
      thread_.join();
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  // Signs like an S3 SDK: body hash in x-amz-content-sha256.
  sigv4::HttpRequest signed_request(const std::string& method, const std::string& target, const std::string& body,
                                    sigv4::HeaderList extra = {}, const std::string& secret = kSecret) {
    size_t question = target.find('?');
    sigv4::HttpRequest request{method,
                               target.substr(0, question),
                               question == std::string::npos ? "" : target.substr(question + 1),
                               {{"Host", host()}}};
    for(sigv4::Header& header : extra) {
      if(sigv4::iequals(header.name, "Host"))
        request.headers[0].value = header.value;
      else
        request.headers.push_back(header);
    }
    sigv4::SigningConfig config;
    config.credentials = {kAccessKey, secret, ""};
    config.region = "us-east-1";
    config.service = "s3";
    config.time = kNow;
    config.path_rules = sigv4::PathRules::s3();
    config.payload_hash = sigv4::sha256_hex(body);
    config.add_content_sha256_header = true;
    sigv4::sign_request(request, config);
    return request;
  }

  httplib::Result send_request(const sigv4::HttpRequest& request, const std::string& body) {
    httplib::Request req;
    req.method = request.method;
    req.path = request.path + (request.query.empty() ? "" : "?" + request.query);
    for(const sigv4::Header& header : request.headers)
      req.headers.emplace(header.name, header.value);
    req.body = body;
    if(request.method == "PUT" || request.method == "POST")
      req.headers.emplace("Content-Length", std::to_string(body.size()));
    return client_->send(req);
  }

  httplib::Response send(const std::string& method, const std::string& target, const std::string& body,
                         sigv4::HeaderList extra = {}) {
    httplib::Result result = send_request(signed_request(method, target, body, extra), body);
    EXPECT_TRUE(result) << "no answer from the checkpoint";
    return result ? result.value() : httplib::Response();
  }

  std::ostringstream log_;
  std::time_t clock_ = kNow;
  std::unique_ptr<CheckpointServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
};

TEST_F(CheckpointTest, PutGetHeadListDelete) {
  httplib::Response put =
      send("PUT", "/bkt/dir/a%20b.txt", "hello", {{"Content-Type", "text/plain"}, {"x-amz-meta-color", "blue"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.get_header_value("ETag"), "\"5d41402abc4b2a76b9719d911017c592\"");

  httplib::Response get = send("GET", "/bkt/dir/a%20b.txt", "");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(get.body, "hello");
  EXPECT_EQ(get.get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(get.get_header_value("x-amz-meta-color"), "blue");

  EXPECT_EQ(send("HEAD", "/bkt/dir/a%20b.txt", "").status, 200);
  httplib::Response list = send("GET", "/bkt?list-type=2&prefix=dir%2F", "");
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("<Key>dir/a b.txt</Key>"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("<KeyCount>1</KeyCount>"), std::string::npos) << list.body;

  EXPECT_EQ(send("DELETE", "/bkt/dir/a%20b.txt", "").status, 204);
  httplib::Response gone = send("GET", "/bkt/dir/a%20b.txt", "");
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("<Code>NoSuchKey</Code>"), std::string::npos);
  EXPECT_EQ(send("GET", "/nobucket/x", "").status, 404);
}

TEST_F(CheckpointTest, ListPagesWithContinuationToken) {
  for(const char* key : {"/bkt/a", "/bkt/b", "/bkt/c", "/bkt/other"})
    ASSERT_EQ(send("PUT", key, "x").status, 200);
  httplib::Response first = send("GET", "/bkt?list-type=2&max-keys=2", "");
  EXPECT_NE(first.body.find("<IsTruncated>true</IsTruncated>"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("<NextContinuationToken>b</NextContinuationToken>"), std::string::npos) << first.body;
  EXPECT_EQ(first.body.find("<ContinuationToken>"), std::string::npos) << first.body;
  httplib::Response second = send("GET", "/bkt?list-type=2&max-keys=2&continuation-token=b", "");
  EXPECT_NE(second.body.find("<Key>c</Key><"), std::string::npos) << second.body;
  EXPECT_NE(second.body.find("<Key>other</Key>"), std::string::npos) << second.body;
  EXPECT_NE(second.body.find("<IsTruncated>false</IsTruncated>"), std::string::npos);
  httplib::Response prefixed = send("GET", "/bkt?list-type=2&prefix=o", "");
  EXPECT_NE(prefixed.body.find("<KeyCount>1</KeyCount>"), std::string::npos) << prefixed.body;
}

TEST_F(CheckpointTest, VirtualHostedRequest) {
  std::string virtual_host = "bkt.localhost:" + std::to_string(port_);
  ASSERT_EQ(send("PUT", "/vh.txt", "v", {{"Host", virtual_host}}).status, 200);
  httplib::Response get = send("GET", "/bkt/vh.txt", "");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "v");
}

TEST_F(CheckpointTest, SignatureMismatchShowsWhatWasComputed) {
  sigv4::HttpRequest request = signed_request("GET", "/bkt/k", "", {{"traceparent", "00-aaaa-bbbb-01"}});
  for(sigv4::Header& header : request.headers) {
    if(header.name == "traceparent")
      header.value = "00-cccc-dddd-01";  // rewritten after signing
  }
  httplib::Result result = send_request(request, "");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_NE(result->body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos);
  EXPECT_NE(result->body.find("<CanonicalRequest>GET\n/bkt/k\n\nhost:"), std::string::npos) << result->body;
  EXPECT_NE(result->body.find("traceparent:00-cccc-dddd-01\n"), std::string::npos);
  EXPECT_NE(result->body.find("<StringToSign>AWS4-HMAC-SHA256\n20241204T120000Z\n"), std::string::npos);
  EXPECT_NE(result->body.find("<StringToSignBytes>41 57 53 34"), std::string::npos);
}

TEST_F(CheckpointTest, WrongSecretAndUnknownKey) {
  httplib::Result wrong = send_request(signed_request("GET", "/bkt/k", "", {}, "nope"), "");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_NE(wrong->body.find("SignatureDoesNotMatch"), std::string::npos);

  sigv4::HttpRequest request = signed_request("GET", "/bkt/k", "");
  for(sigv4::Header& header : request.headers) {
    if(header.name == "Authorization")
      header.value.replace(header.value.find(kAccessKey), std::strlen(kAccessKey), "AKIDOTHER");
  }
  httplib::Result unknown = send_request(request, "");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 403);
  EXPECT_NE(unknown->body.find("<Code>InvalidAccessKeyId</Code>"), std::string::npos);
}

TEST_F(CheckpointTest, RepeatedSignedHeaderJoinsInArrivalOrder) {
  EXPECT_EQ(send("GET", "/bkt", "", {{"x-amz-meta-t", "1"}, {"X-Amz-Meta-T", "2"}}).status, 200);
}

TEST_F(CheckpointTest, UnsignedAmzHeaderIsRefused) {
  sigv4::HttpRequest request = signed_request("PUT", "/bkt/k", "x");
  request.headers.push_back({"x-amz-meta-later", "1"});
  httplib::Result result = send_request(request, "x");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_NE(result->body.find("<Code>AccessDenied</Code><Message>There were headers present in "
                              "the request which were not signed</Message>"),
            std::string::npos)
      << result->body;
  EXPECT_NE(result->body.find("<HeadersNotSigned>x-amz-meta-later</HeadersNotSigned>"), std::string::npos);
}

TEST_F(CheckpointTest, SkewAndPayloadMismatch) {
  sigv4::HttpRequest request = signed_request("PUT", "/bkt/k", "hello");
  clock_ = kNow + 16 * 60;
  httplib::Result skewed = send_request(request, "hello");
  ASSERT_TRUE(skewed);
  EXPECT_EQ(skewed->status, 403);
  EXPECT_NE(skewed->body.find("<Code>RequestTimeTooSkewed</Code>"), std::string::npos);

  clock_ = kNow;
  httplib::Result mismatch = send_request(request, "HELLO");
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->status, 400);
  EXPECT_NE(mismatch->body.find("<Code>XAmzContentSHA256Mismatch</Code>"), std::string::npos);
}

TEST_F(CheckpointTest, MissingContentSha256IsRefused) {
  sigv4::HttpRequest request = signed_request("GET", "/bkt/k", "");
  sigv4::remove_header(request.headers, "x-amz-content-sha256");
  httplib::Result result = send_request(request, "");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_NE(result->body.find("x-amz-content-sha256"), std::string::npos);
}

TEST_F(CheckpointTest, LogNamesHeadersAndHidesSecrets) {
  send("GET", "/bkt/k", "", {{"traceparent", "00-aaaa-bbbb-01"}, {"Cookie", "c=secret"}});
  std::string text = log_.str();
  EXPECT_NE(text.find("GET /bkt/k -> 404 NoSuchKey GetObject"), std::string::npos) << text;
  EXPECT_NE(text.find("traceparent*=00-aaaa-bbbb-01"), std::string::npos) << text;
  EXPECT_NE(text.find("Authorization=<hidden>"), std::string::npos) << text;
  EXPECT_EQ(text.find("Credential="), std::string::npos) << text;
  EXPECT_EQ(text.find("c=secret"), std::string::npos) << text;
}

}  // namespace
}  // namespace tracestrip::checkpoint
