// End-to-end tests of libtracestrip.so, run with the shim preloaded (see
// CMakeLists.txt for the runs: LD_PRELOAD, tracestrip-run, report mode,
// agent first, and without the shim, where they must fail).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "recording_server.h"
#include "transfer.h"

namespace tracestrip::test {
namespace {

const char* const kS3 = "http://bucket.s3.us-east-1.amazonaws.com";
const char* const kOther = "http://api.example.com";

bool shim_is_loaded() {
  void* setopt = dlsym(RTLD_DEFAULT, "curl_easy_setopt");
  Dl_info info{};
  return setopt && dladdr(setopt, &info) && info.dli_fname && std::strstr(info.dli_fname, "libtracestrip");
}

// In report mode nothing may change; in strip mode (the default) tracing headers go.
bool expect_stripping() {
  const char* mode = std::getenv("TRACESTRIP_MODE");
  return !mode || (std::strcmp(mode, "report") != 0 && std::strcmp(mode, "off") != 0);
}

std::vector<std::string> expected(const std::vector<std::string>& stripped, const std::vector<std::string>& all) {
  return expect_stripping() ? stripped : all;
}

curl_slist* make_list(const std::vector<std::string>& entries) {
  curl_slist* list = nullptr;
  for(const std::string& entry : entries)
    list = curl_slist_append(list, entry.c_str());
  return list;
}

struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using List = std::unique_ptr<curl_slist, ListDeleter>;

const std::vector<std::string> kMixed = {
    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "X-App-Request: 42",
    "B3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
    "Pinpoint-TraceID: app^1700000000000^7",
    "Content-Type: text/plain",
    "x-datadog-trace-id: 1234",
    "X-Trace-Unrelated: keep-me",
};
const std::vector<std::string> kMixedWithoutTracing = {
    "X-App-Request: 42",
    "Content-Type: text/plain",
    "X-Trace-Unrelated: keep-me",
};

class Wire : public WithRecordingServer<::testing::Test> {
 protected:
  static int port() { return server_->port(); }
  static RecordingServer& server() { return *server_; }

  // Performs `transfer` on `base + path` and returns what it sent.
  static std::vector<std::string> send(Transfer& transfer, const std::string& base, const std::string& path) {
    transfer.forget_sent();
    transfer.set_url(base + path);
    EXPECT_EQ(transfer.perform(), CURLE_OK) << base << path;
    EXPECT_TRUE(server().arrived(path).has_value()) << path << " never arrived";
    return transfer.sent_custom_headers();
  }
};

TEST_F(Wire, ShimIsLoaded) { EXPECT_TRUE(shim_is_loaded()); }

TEST_F(Wire, S3RequestLosesExactlyItsTracingHeaders) {
  List list(make_list(kMixed));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  EXPECT_EQ(send(transfer, kS3, "/s3-basic"), expected(kMixedWithoutTracing, kMixed));
  auto arrived = server().arrived("/s3-basic");
  ASSERT_TRUE(arrived);
  EXPECT_NE(arrived->has("traceparent"), expect_stripping());
  EXPECT_TRUE(arrived->has("x-app-request"));
  // The application's list is untouched.
  EXPECT_EQ(list_entries(list.get()), kMixed);
}

TEST_F(Wire, OtherRequestKeepsEverythingInOrder) {
  List list(make_list(kMixed));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  EXPECT_EQ(send(transfer, kOther, "/other-basic"), kMixed);
  EXPECT_TRUE(server().arrived("/other-basic")->has("traceparent"));
}

TEST_F(Wire, UrlSetAfterHeaderList) {
  List list(make_list(kMixed));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  transfer.set_url(std::string(kS3) + "/late-url");
  transfer.forget_sent();
  ASSERT_EQ(transfer.perform(), CURLE_OK);
  EXPECT_EQ(transfer.sent_custom_headers(), expected(kMixedWithoutTracing, kMixed));
}

TEST_F(Wire, CurluHandleNamesTheHost) {
  List list(make_list(kMixed));
  Transfer transfer(port());
  CURLU* url = curl_url();
  ASSERT_EQ(curl_url_set(url, CURLUPART_URL, "http://example.org/curlu-start", 0), CURLUE_OK);
  ASSERT_EQ(curl_easy_setopt(transfer.handle(), CURLOPT_CURLU, url), CURLE_OK);
  transfer.set_headers(list.get());
  // The CURLU is changed after setopt: the host at perform time decides.
  ASSERT_EQ(curl_url_set(url, CURLUPART_URL, "http://photos.s3.eu-west-1.amazonaws.com/curlu", 0), CURLUE_OK);
  ASSERT_EQ(transfer.perform(), CURLE_OK);
  EXPECT_EQ(transfer.sent_custom_headers(), expected(kMixedWithoutTracing, kMixed));
  transfer.forget_sent();
  ASSERT_EQ(curl_url_set(url, CURLUPART_URL, "http://example.org/curlu-other", 0), CURLUE_OK);
  ASSERT_EQ(transfer.perform(), CURLE_OK);
  EXPECT_EQ(transfer.sent_custom_headers(), kMixed);
  curl_easy_setopt(transfer.handle(), CURLOPT_CURLU, nullptr);
  curl_url_cleanup(url);
}

TEST_F(Wire, ListChangedAfterSetopt) {
  curl_slist* list = curl_slist_append(nullptr, "X-First: 1");
  Transfer s3(port());
  Transfer other(port());
  s3.set_headers(list);
  other.set_headers(list);
  // Appended after setopt, before perform: curl reads the list at perform time.
  list = curl_slist_append(list, "traceparent: 00-aaaa-bbbb-01");
  list = curl_slist_append(list, "X-Last: 2");
  EXPECT_EQ(send(s3, kS3, "/changed-s3"),
            expected({"X-First: 1", "X-Last: 2"}, {"X-First: 1", "traceparent: 00-aaaa-bbbb-01", "X-Last: 2"}));
  EXPECT_EQ(send(other, kOther, "/changed-other"),
            (std::vector<std::string>{"X-First: 1", "traceparent: 00-aaaa-bbbb-01", "X-Last: 2"}));
  // Changed again between two transfers on the same handle.
  list = curl_slist_append(list, "b3: 1");
  EXPECT_EQ(
      send(s3, kS3, "/changed-s3-again"),
      expected({"X-First: 1", "X-Last: 2"}, {"X-First: 1", "traceparent: 00-aaaa-bbbb-01", "X-Last: 2", "b3: 1"}));
  s3.set_headers(nullptr);
  other.set_headers(nullptr);
  curl_slist_free_all(list);
}

TEST_F(Wire, DuphandleThenCleanupOfOriginal) {
  List list(make_list(kMixed));
  auto original = std::make_unique<Transfer>(port());
  original->set_headers(list.get());
  EXPECT_EQ(send(*original, kS3, "/dup-original"), expected(kMixedWithoutTracing, kMixed));
  // The original now points at tracestrip's filtered copy; the duplicate must
  // not share it, since cleanup of the original frees it.
  Transfer duplicate(curl_easy_duphandle(original->handle()), port());
  original.reset();
  // Other traffic first: nothing is rebuilt for it, so a shared list would be
  // read after free here (AddressSanitizer run) or sent filtered.
  EXPECT_EQ(send(duplicate, kOther, "/dup-copy-other"), kMixed);
  EXPECT_EQ(send(duplicate, kS3, "/dup-copy"), expected(kMixedWithoutTracing, kMixed));
}

TEST_F(Wire, DuphandleKeepsTheSigv4Verdict) {
  // curl 7.88 drops CURLOPT_AWS_SIGV4 in duphandle; the copy is still S3-bound.
  List list(make_list({"x-amz-content-sha256: UNSIGNED-PAYLOAD", "traceparent: 00-dup", "X-App: 1"}));
  Transfer original(port());
  original.set_headers(list.get());
  curl_easy_setopt(original.handle(), CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
  curl_easy_setopt(original.handle(), CURLOPT_USERPWD, "AKIDEXAMPLE:secret");
  Transfer duplicate(curl_easy_duphandle(original.handle()), port());
  std::vector<std::string> sent = send(duplicate, "http://127.0.0.1", "/dup-sigv4");
  bool traceparent_sent = false;
  for(const std::string& line : sent)
    traceparent_sent |= line.rfind("traceparent:", 0) == 0;
  EXPECT_NE(traceparent_sent, expect_stripping());
}

TEST_F(Wire, ResetAndReuse) {
  List list(make_list(kMixed));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  EXPECT_EQ(send(transfer, kS3, "/reset-before"), expected(kMixedWithoutTracing, kMixed));
  curl_easy_reset(transfer.handle());
  Transfer adopted(transfer.release(), port());  // reset wiped CONNECT_TO and the capture
  adopted.set_headers(list.get());
  EXPECT_EQ(send(adopted, kOther, "/reset-after-other"), kMixed);
  EXPECT_EQ(send(adopted, kS3, "/reset-after-s3"), expected(kMixedWithoutTracing, kMixed));
  curl_easy_reset(adopted.handle());
  Transfer bare(adopted.release(), port());
  EXPECT_EQ(send(bare, kS3, "/reset-no-list"), std::vector<std::string>{});
}

TEST_F(Wire, OneListOnS3AndOtherHandle) {
  List list(make_list(kMixed));
  Transfer s3(port());
  Transfer other(port());
  s3.set_headers(list.get());
  other.set_headers(list.get());
  for(int round = 0; round < 3; ++round) {
    std::string suffix = std::to_string(round);
    EXPECT_EQ(send(s3, kS3, "/shared-s3-" + suffix), expected(kMixedWithoutTracing, kMixed));
    EXPECT_EQ(send(other, kOther, "/shared-other-" + suffix), kMixed);
  }
  EXPECT_EQ(list_entries(list.get()), kMixed);
}

TEST_F(Wire, MultiInterface) {
  List list(make_list(kMixed));
  Transfer s3(port());
  Transfer other(port());
  s3.set_headers(list.get());
  other.set_headers(list.get());
  s3.set_url(std::string(kS3) + "/multi-s3");
  other.set_url(std::string(kOther) + "/multi-other");
  CURLM* multi = curl_multi_init();
  ASSERT_EQ(curl_multi_add_handle(multi, s3.handle()), CURLM_OK);
  ASSERT_EQ(curl_multi_add_handle(multi, other.handle()), CURLM_OK);
  int running = 1;
  while(running) {
    ASSERT_EQ(curl_multi_perform(multi, &running), CURLM_OK);
    if(running)
      curl_multi_poll(multi, nullptr, 0, 200, nullptr);
  }
  curl_multi_remove_handle(multi, s3.handle());
  curl_multi_remove_handle(multi, other.handle());
  curl_multi_cleanup(multi);
  EXPECT_EQ(s3.sent_custom_headers(), expected(kMixedWithoutTracing, kMixed));
  EXPECT_EQ(other.sent_custom_headers(), kMixed);
}

TEST_F(Wire, CurlSigv4ForS3OnAnyHost) {
  std::vector<std::string> all = {"traceparent: 00-sig", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "X-App: 1"};
  List list(make_list(all));
  ASSERT_EQ(list_entries(list.get()), all);
  Transfer s3(port());
  s3.set_headers(list.get());
  curl_easy_setopt(s3.handle(), CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
  curl_easy_setopt(s3.handle(), CURLOPT_USERPWD, "AKIDEXAMPLE:secret");
  send(s3, "http://127.0.0.1", "/sigv4-s3");
  auto arrived = server().arrived("/sigv4-s3");
  ASSERT_TRUE(arrived);
  EXPECT_NE(arrived->has("traceparent"), expect_stripping());
  EXPECT_TRUE(arrived->has("x-app"));
  ASSERT_FALSE(arrived->values("authorization").empty());
  // What curl signed is what was sent.
  bool signed_traceparent = arrived->values("authorization")[0].find("traceparent") != std::string::npos;
  EXPECT_NE(signed_traceparent, expect_stripping());
}

TEST_F(Wire, CurlSigv4ForOtherServiceIsLeftAlone) {
  // Built by hand so that traceparent follows x-amz-content-sha256: curl's
  // signer copies the list with its own curl_slist_append, which tracestrip
  // must not mistake for an agent's append.
  char first[] = "x-amz-content-sha256: UNSIGNED-PAYLOAD";
  char second[] = "traceparent: 00-sqs";
  curl_slist tail{second, nullptr};
  curl_slist head{first, &tail};
  Transfer sqs(port());
  sqs.set_headers(&head);
  curl_easy_setopt(sqs.handle(), CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:sqs");
  curl_easy_setopt(sqs.handle(), CURLOPT_USERPWD, "AKIDEXAMPLE:secret");
  send(sqs, "http://127.0.0.1", "/sigv4-sqs");
  auto arrived = server().arrived("/sigv4-sqs");
  ASSERT_TRUE(arrived);
  EXPECT_EQ(arrived->values("traceparent"), std::vector<std::string>{"00-sqs"});
  ASSERT_FALSE(arrived->values("authorization").empty());
  EXPECT_NE(arrived->values("authorization")[0].find("traceparent"), std::string::npos)
      << "curl's own signing copy lost traceparent";
}

TEST_F(Wire, ApplicationSignedHeadersAreNeverRemoved) {
  std::vector<std::string> all = {
      "traceparent: 00-signed",
      "b3: unsigned",
      "x-amz-date: 20261204T120000Z",
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;traceparent;x-amz-date, Signature=0123456789abcdef",
  };
  List list(make_list(all));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  EXPECT_EQ(send(transfer, "http://127.0.0.1", "/app-signed"), expected({all[0], all[2], all[3]}, all));
}

TEST_F(Wire, PresignedUrlIsS3Bound) {
  List list(make_list(kMixed));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  std::string query =
      "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20261204T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abcd";
  transfer.set_url("http://127.0.0.1/presigned" + query);
  ASSERT_EQ(transfer.perform(), CURLE_OK);
  EXPECT_EQ(transfer.sent_custom_headers(), expected(kMixedWithoutTracing, kMixed));
}

TEST_F(Wire, ConfiguredHostsAreS3Bound) {
  // TRACESTRIP_HOSTS is set by the test's environment: storage.internal,*.rgw.test
  List list(make_list(kMixed));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  EXPECT_EQ(send(transfer, "http://storage.internal", "/configured"), expected(kMixedWithoutTracing, kMixed));
  EXPECT_EQ(send(transfer, "http://zone1.rgw.test", "/configured-suffix"), expected(kMixedWithoutTracing, kMixed));
  EXPECT_EQ(send(transfer, "http://rgw.test", "/configured-suffix-itself"), kMixed);
}

TEST_F(Wire, TracingAppendToSignedListIsRefused) {
  const std::string authorization =
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef";
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: text/plain");
  list = curl_slist_append(list, "x-amz-date: 20261204T120000Z");
  list = curl_slist_append(list, authorization.c_str());
  curl_slist* same = curl_slist_append(list, "traceparent: 00-late");
  EXPECT_EQ(same, list);
  std::vector<std::string> before = {"Content-Type: text/plain", "x-amz-date: 20261204T120000Z", authorization};
  std::vector<std::string> after = before;
  after.push_back("traceparent: 00-late");
  EXPECT_EQ(list_entries(list), expected(before, after));
  // Other headers are appended as usual.
  list = curl_slist_append(list, "X-After: 1");
  EXPECT_EQ(list_entries(list).back(), "X-After: 1");
  curl_slist_free_all(list);
}

TEST_F(Wire, TracingAppendBeforeSigningIsKeptForTheSignature) {
  // x-amz-date is there but no signature yet: the application may sign what
  // comes next, so the append goes through and the commit decides.
  curl_slist* list = curl_slist_append(nullptr, "x-amz-date: 20261204T120000Z");
  list = curl_slist_append(list, "traceparent: 00-own");
  EXPECT_EQ(list_entries(list), (std::vector<std::string>{"x-amz-date: 20261204T120000Z", "traceparent: 00-own"}));
  Transfer unsigned_request(port());
  unsigned_request.set_headers(list);
  EXPECT_EQ(send(unsigned_request, kS3, "/own-unsigned"),
            expected({"x-amz-date: 20261204T120000Z"}, list_entries(list)));
  const std::string authorization =
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;traceparent;x-amz-date, Signature=0123456789abcdef";
  list = curl_slist_append(list, authorization.c_str());
  Transfer signed_request(port());
  signed_request.set_headers(list);
  EXPECT_EQ(send(signed_request, kS3, "/own-signed"), list_entries(list));  // signed: kept
  unsigned_request.set_headers(nullptr);
  signed_request.set_headers(nullptr);
  curl_slist_free_all(list);
}

TEST_F(Wire, EightThreadsFiveHundredTransfersEach) {
  constexpr int kThreads = 8;
  constexpr int kTransfers = 500;
  std::atomic<int> wrong{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for(int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      List list(make_list(kMixed));
      Transfer reused(port());
      reused.set_headers(list.get());
      for(int i = 0; i < kTransfers; ++i) {
        bool s3 = (i + t) % 2 == 0;
        std::string path = "/threads-" + std::to_string(t) + "-" + std::to_string(i);
        // Every tenth transfer on a fresh handle, the rest on a reused one.
        std::unique_ptr<Transfer> fresh;
        Transfer* transfer = &reused;
        if(i % 10 == 0) {
          fresh = std::make_unique<Transfer>(port());
          fresh->set_headers(list.get());
          transfer = fresh.get();
        }
        transfer->forget_sent();
        transfer->set_url(std::string(s3 ? kS3 : kOther) + path);
        if(transfer->perform() != CURLE_OK) {
          ++failed;
          continue;
        }
        if(transfer->sent_custom_headers() != (s3 ? expected(kMixedWithoutTracing, kMixed) : kMixed))
          ++wrong;
      }
    });
  }
  for(std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(Wire, LogNamesHeadersNeverValues) {
  const char* path = std::getenv("TRACESTRIP_LOG");
  if(!path || path[0] != '/')
    GTEST_SKIP() << "runs where TRACESTRIP_LOG names a file";
  List list(make_list({"traceparent: 00-secretvalue-01", "X-App: 1", "Authorization: Bearer topsecret"}));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  send(transfer, kS3, "/logged");
  std::ifstream log(path);
  std::string line;
  bool found = false;
  while(std::getline(log, line)) {
    EXPECT_EQ(line.find("secretvalue"), std::string::npos) << line;
    EXPECT_EQ(line.find("topsecret"), std::string::npos) << line;
    if(line.find("bucket.s3.us-east-1.amazonaws.com") != std::string::npos &&
       line.find("\"traceparent\"") != std::string::npos)
      found = true;
  }
  EXPECT_TRUE(found) << "no log line names traceparent for the S3 host";
}

// Options of every argument type reach curl as curl reads them: a long, an
// object pointer, a function pointer, a curl_off_t and a blob.
TEST_F(Wire, OptionsOfEveryTypeReachCurl) {
  struct Body {
    std::string text = std::string(1000, 'x');
    size_t offset = 0;
  } body;
  auto read_body = [](char* buffer, size_t size, size_t count, void* data) -> size_t {
    auto* source = static_cast<Body*>(data);
    size_t length = std::min(size * count, source->text.size() - source->offset);
    std::memcpy(buffer, source->text.data() + source->offset, length);
    source->offset += length;
    return length;
  };
  List list(make_list({"traceparent: 00-put", "X-App: 1"}));
  Transfer transfer(port());
  transfer.set_headers(list.get());
  CURL* handle = transfer.handle();
  curl_off_t size = static_cast<curl_off_t>(body.text.size());
  EXPECT_EQ(curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L), CURLE_OK);                // long
  EXPECT_EQ(curl_easy_setopt(handle, CURLOPT_READDATA, &body), CURLE_OK);           // object
  EXPECT_EQ(curl_easy_setopt(handle, CURLOPT_READFUNCTION, +read_body), CURLE_OK);  // function
  EXPECT_EQ(curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, size), CURLE_OK);    // curl_off_t
  EXPECT_EQ(curl_easy_setopt(handle, CURLOPT_MAX_SEND_SPEED_LARGE, curl_off_t{100000000}), CURLE_OK);
  std::string pem = "not a certificate";
  curl_blob blob{pem.data(), pem.size(), CURL_BLOB_COPY};
  EXPECT_EQ(curl_easy_setopt(handle, CURLOPT_CAINFO_BLOB, &blob), CURLE_OK);  // blob
  EXPECT_EQ(curl_easy_setopt(handle, CURLOPT_CAINFO_BLOB, nullptr), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(handle, static_cast<CURLoption>(9999), 0L), CURLE_UNKNOWN_OPTION);
  send(transfer, kS3, "/put-every-type");
  auto arrived = server().arrived("/put-every-type");
  ASSERT_TRUE(arrived);
  EXPECT_EQ(arrived->method, "PUT");
  EXPECT_EQ(arrived->values("content-length"), std::vector<std::string>{"1000"});
  EXPECT_EQ(body.offset, body.text.size());
  EXPECT_NE(arrived->has("traceparent"), expect_stripping());
}

// Runs only with tests/guard/e2e/test_agent.c preloaded before the shim: the
// agent adds traceparent when the list is set and sw8 at perform, calling
// curl through dlsym(RTLD_NEXT) — that is, through tracestrip.
TEST_F(Wire, AgentFirst_ShimSeesWhatTheAgentAdds) {
  List s3_list(make_list({"X-App: 1"}));
  List other_list(make_list({"X-App: 1"}));
  Transfer s3(port());
  Transfer other(port());
  s3.set_headers(s3_list.get());
  other.set_headers(other_list.get());
  std::vector<std::string> with_agent = {"X-App: 1", "traceparent: 00-agent-span-01", "sw8: 1-agent-span"};
  EXPECT_EQ(send(s3, kS3, "/agent-s3"), expected({"X-App: 1"}, with_agent));
  EXPECT_EQ(send(other, kOther, "/agent-other"), with_agent);
}

}  // namespace
}  // namespace tracestrip::test

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ::testing::InitGoogleTest(&argc, argv);
  int result = RUN_ALL_TESTS();
  curl_global_cleanup();
  return result;
}
