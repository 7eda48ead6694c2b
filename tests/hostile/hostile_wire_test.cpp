// Hostile header lists end to end through the preloaded shim: each list is
// sent once to an S3 host and once to another host (the recording server
// behind both, via CURLOPT_CONNECT_TO). Defined outcome for every case:
//   - the other request sends exactly what curl makes of the list (the shim
//     leaves it alone): its custom lines equal `wire`;
//   - the S3 request sends the same lines minus the tracing ones, in order;
//   - the application's list is unchanged afterwards.
// Run without the shim (hostile.wire.fails_without_shim) the S3 cases must fail.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "recording_server.h"
#include "transfer.h"

namespace tracestrip::test {
namespace {

struct WireCase {
  const char* name;
  std::vector<std::string> entries;  // the application's list
  std::vector<std::string> other;    // custom lines curl sends to a non-S3 host
  std::vector<std::string> s3;       // ... and to S3 through the shim
};

const std::string k4K(4096, 'v');

std::vector<WireCase> cases() {
  return {
      {"NoColon", {"traceparent 00-1-2-01", "X-App: 1"}, {"X-App: 1"}, {"X-App: 1"}},
      {"SemicolonForms",
       {"traceparent;", "X-Empty;", "X-App: 1"},
       {"traceparent:", "X-Empty:", "X-App: 1"},
       {"X-Empty:", "X-App: 1"}},
      {"ColonForms", {"traceparent:", "Accept:", "X-App: 1"}, {"X-App: 1"}, {"X-App: 1"}},
      {"TabsAndBlanks",
       {"tracestate:\t a=b \t", "X-Tab:\tv\t", "b3:   1  "},
       {"tracestate:\t a=b \t", "X-Tab:\tv\t", "b3:   1  "},
       {"X-Tab:\tv\t"}},
      {"UpperCaseNames",
       {"TRACEPARENT: 1", "X-B3-SAMPLED: 1", "X-APP: 1"},
       {"TRACEPARENT: 1", "X-B3-SAMPLED: 1", "X-APP: 1"},
       {"X-APP: 1"}},
      {"LookalikesStay",
       {"traceparentx: 1", "x-b3: 1", "my-traceparent: 1", "sw8x: 1"},
       {"traceparentx: 1", "x-b3: 1", "my-traceparent: 1", "sw8x: 1"},
       {"traceparentx: 1", "x-b3: 1", "my-traceparent: 1", "sw8x: 1"}},
      {"LargeValues",
       {"X-Big: " + k4K, "traceparent: " + k4K, "X-After: 1"},
       {"X-Big: " + k4K, "traceparent: " + k4K, "X-After: 1"},
       {"X-Big: " + k4K, "X-After: 1"}},
      {"NonAscii",
       {"X-Utf8: \xc3\xbc", "traceparent: \xc3\xbc", "X-High: \xff"},
       {"X-Utf8: \xc3\xbc", "traceparent: \xc3\xbc", "X-High: \xff"},
       {"X-Utf8: \xc3\xbc", "X-High: \xff"}},
      {"EmptyEntries", {"", "X-App: 1", "", "baggage: k=v"}, {"X-App: 1", "baggage: k=v"}, {"X-App: 1"}},
      {"DuplicatesKeepOrder",
       {"X-A: 1", "traceparent: 1", "X-A: 2", "traceparent: 2", "X-A: 3"},
       {"X-A: 1", "traceparent: 1", "X-A: 2", "traceparent: 2", "X-A: 3"},
       {"X-A: 1", "X-A: 2", "X-A: 3"}},
      {"OnlyTracing",
       {"traceparent: 1", "tracestate: 2", "x-datadog-trace-id: 3"},
       {"traceparent: 1", "tracestate: 2", "x-datadog-trace-id: 3"},
       {}},
      {"ManyEntries", {}, {}, {}},  // filled below: 500 entries, every third tracing
  };
}

WireCase many_entries() {
  WireCase c{"ManyEntries", {}, {}, {}};
  for(int i = 0; i < 500; ++i) {
    std::string entry = (i % 3 == 0 ? "x-b3-n" : "X-N") + std::to_string(i) + ": " + std::to_string(i);
    c.entries.push_back(entry);
    c.other.push_back(entry);
    if(i % 3 != 0)
      c.s3.push_back(entry);
  }
  return c;
}

bool stripping() {
  const char* mode = std::getenv("TRACESTRIP_MODE");
  return !mode || std::string(mode) == "strip";
}

class HostileWire : public WithRecordingServer<::testing::TestWithParam<WireCase>> {};

TEST_P(HostileWire, S3LosesOnlyTracingOtherKeepsAll) {
  WireCase c = GetParam();
  if(std::string(c.name) == "ManyEntries")
    c = many_entries();
  curl_slist* list = nullptr;
  for(const std::string& entry : c.entries)
    list = curl_slist_append(list, entry.c_str());
  std::vector<std::string> before = list_entries(list);

  Transfer other(server_->port());
  other.set_headers(list);
  other.set_url(std::string("http://api.example.com/hostile-other-") + c.name);
  EXPECT_EQ(other.perform(), CURLE_OK);
  EXPECT_EQ(other.sent_custom_headers(), c.other);

  Transfer s3(server_->port());
  s3.set_headers(list);
  s3.set_url(std::string("http://bucket.s3.us-east-1.amazonaws.com/hostile-s3-") + c.name);
  EXPECT_EQ(s3.perform(), CURLE_OK);
  EXPECT_EQ(s3.sent_custom_headers(), stripping() ? c.s3 : c.other);

  EXPECT_EQ(list_entries(list), before);
  curl_slist_free_all(list);
}

INSTANTIATE_TEST_SUITE_P(Cases, HostileWire, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<WireCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

// Hostile URLs through the shim: which host decides.
struct UrlCase {
  const char* name;
  const char* url;
  bool s3;
};

class HostileWireUrl : public ::testing::TestWithParam<UrlCase> {
 protected:
  static void SetUpTestSuite() { server_ = new RecordingServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static RecordingServer* server_;
};
RecordingServer* HostileWireUrl::server_ = nullptr;

TEST_P(HostileWireUrl, HostDecides) {
  const UrlCase& c = GetParam();
  curl_slist* list = curl_slist_append(nullptr, "traceparent: 00-1-2-01");
  list = curl_slist_append(list, "X-App: 1");
  Transfer transfer(server_->port());
  transfer.set_headers(list);
  transfer.set_url(c.url);
  EXPECT_EQ(transfer.perform(), CURLE_OK) << c.url;
  std::vector<std::string> all = {"traceparent: 00-1-2-01", "X-App: 1"};
  std::vector<std::string> stripped = {"X-App: 1"};
  // curl sends the URL's user-info as its own Authorization: Basic header.
  std::vector<std::string> sent;
  for(const std::string& line : transfer.sent_custom_headers()) {
    if(line.rfind("Authorization: Basic ", 0) != 0)
      sent.push_back(line);
  }
  EXPECT_EQ(sent, (c.s3 && stripping()) ? stripped : all) << c.url;
  curl_slist_free_all(list);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HostileWireUrl,
    ::testing::Values(UrlCase{"NoScheme", "bucket.s3.amazonaws.com/no-scheme", true},
                      UrlCase{"UserInfo", "http://user:pw@bucket.s3.amazonaws.com/userinfo", true},
                      UrlCase{"S3InUserInfo", "http://s3.amazonaws.com@api.example.com/s3-in-userinfo", false},
                      UrlCase{"UpperCase", "HTTP://BUCKET.S3.EU-WEST-1.AMAZONAWS.COM/upper", true},
                      UrlCase{"TrailingDot", "http://s3.amazonaws.com./trailing-dot", true},
                      UrlCase{"Lookalike", "http://s3.amazonaws.com.evil.example/lookalike", false},
                      UrlCase{"Ipv6Other", "http://[::1]:9000/ipv6", false},
                      UrlCase{"PercentPath", "http://api.example.com/%73%33.amazonaws.com", false},
                      UrlCase{"PercentHost", "http://s3%2Eamazonaws%2Ecom/percent-host", true}),
    [](const ::testing::TestParamInfo<UrlCase>& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace tracestrip::test
