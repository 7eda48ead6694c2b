// Tests of libdemoagent.so, run with the agent preloaded (ctest sets
// LD_PRELOAD). The style and layers under test come from the same variables
// the agent reads, DEMOAGENT_STYLE and DEMOAGENT_LAYERS; the expected header
// names are written out here independently of the agent's code.
#include <curl/curl.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return (value && *value) ? value : fallback;
}

// Header names each style injects, and the one that carries the span id
// (whose value must differ between the two layers). X-B3-ParentSpanId is
// left out: only a child span (layer 2 under layer 1) has a parent.
struct StyleSpec {
  std::vector<std::string> names;
  std::string span_header;
};

const std::map<std::string, StyleSpec>& style_specs() {
  static const std::map<std::string, StyleSpec> specs = {
      {"pinpoint",
       {{"Pinpoint-TraceID", "Pinpoint-SpanID", "Pinpoint-pSpanID", "Pinpoint-Flags", "Pinpoint-pAppName",
         "Pinpoint-pAppType", "Pinpoint-Host"},
        "Pinpoint-SpanID"}},
      {"w3c", {{"traceparent", "tracestate"}, "traceparent"}},
      {"b3", {{"X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled", "b3"}, "X-B3-SpanId"}},
      {"datadog",
       {{"x-datadog-trace-id", "x-datadog-parent-id", "x-datadog-sampling-priority", "x-datadog-tags"},
        "x-datadog-parent-id"}},
  };
  return specs;
}

std::vector<std::string> styles_under_test() {
  std::string style = lower(env("DEMOAGENT_STYLE", "pinpoint"));
  if(style == "all")
    return {"pinpoint", "w3c", "b3", "datadog"};
  return {style};
}

std::vector<std::string> expected_names() {
  std::vector<std::string> out;
  for(const std::string& style : styles_under_test()) {
    const auto& names = style_specs().at(style).names;
    out.insert(out.end(), names.begin(), names.end());
  }
  return out;
}

bool layer_on(char layer) {
  std::string layers = env("DEMOAGENT_LAYERS", "1,2");
  return layers.find(layer) != std::string::npos;
}

size_t expected_copies() { return (layer_on('1') ? 1u : 0u) + (layer_on('2') ? 1u : 0u); }

// A loopback HTTP server that records every request's headers and body.
class Recorder {
 public:
  struct Request {
    httplib::Headers headers;
    std::string body;
  };

  Recorder() {
    auto record = [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> guard(lock_);
      requests_.push_back({req.headers, req.body});
      res.set_content("recorded", "text/plain");
    };
    server_.Get(".*", record);
    server_.Put(".*", record);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while(!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  ~Recorder() {
    server_.stop();
    thread_.join();
  }

  std::string url(const std::string& path = "/object") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<Request> requests() {
    std::lock_guard<std::mutex> guard(lock_);
    return requests_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex lock_;
  std::vector<Request> requests_;
};

size_t count_of(const httplib::Headers& headers, const std::string& name) {
  return headers.count(name);  // httplib compares names case-insensitively
}

std::vector<std::string> values_of(const httplib::Headers& headers, const std::string& name) {
  std::vector<std::string> out;
  auto range = headers.equal_range(name);
  for(auto it = range.first; it != range.second; ++it)
    out.push_back(it->second);
  return out;
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// An easy handle to `url` with the response thrown away.
CURL* new_handle(const std::string& url) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  return curl;
}

struct curl_slist* app_list() {
  struct curl_slist* list = curl_slist_append(nullptr, "X-App-First: one");
  return curl_slist_append(list, "X-App-Second: two");
}

std::vector<std::string> names_in(const struct curl_slist* list) {
  std::vector<std::string> out;
  for(; list; list = list->next) {
    std::string line = list->data;
    out.push_back(line.substr(0, line.find(':')));
  }
  return out;
}

// Every injected name arrives `copies` times, the application's once.
void expect_injected(const httplib::Headers& headers, size_t copies) {
  for(const std::string& name : expected_names())
    EXPECT_EQ(count_of(headers, name), copies) << name;
}

CURLcode perform_multi(CURL* curl) {
  CURLM* multi = curl_multi_init();
  EXPECT_EQ(curl_multi_add_handle(multi, curl), CURLM_OK);
  int running = 1;
  while(running) {
    if(curl_multi_perform(multi, &running) != CURLM_OK)
      break;
    if(running)
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  CURLcode result = CURLE_FAILED_INIT;
  int queued;
  while(CURLMsg* msg = curl_multi_info_read(multi, &queued))
    if(msg->msg == CURLMSG_DONE)
      result = msg->data.result;
  curl_multi_remove_handle(multi, curl);
  curl_multi_cleanup(multi);
  return result;
}

}  // namespace

// Without the agent in front of libcurl every other test could pass by
// doing nothing; this one makes sure it is there.
TEST(DemoAgent, IsPreloadedInFrontOfLibcurl) {
  void* sym = dlsym(RTLD_DEFAULT, "curl_slist_append");
  ASSERT_NE(sym, nullptr);
  Dl_info info;
  ASSERT_NE(dladdr(sym, &info), 0);
  EXPECT_NE(std::strstr(info.dli_fname, "libdemoagent"), nullptr) << info.dli_fname;
}

TEST(DemoAgent, Layer1PutsHeadersAfterTheFirstEntryOfANewList) {
  struct curl_slist* list = app_list();
  std::vector<std::string> expected = {"X-App-First"};
  if(layer_on('1'))
    for(const std::string& name : expected_names())
      expected.push_back(name);
  expected.push_back("X-App-Second");
  std::vector<std::string> got = names_in(list);
  EXPECT_EQ(got, expected);
  curl_slist_free_all(list);
}

TEST(DemoAgent, EasyPerformInjectsEachLayerOnce) {
  Recorder recorder;
  struct curl_slist* list = app_list();
  CURL* curl = new_handle(recorder.url());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  curl_easy_cleanup(curl);
  curl_slist_free_all(list);

  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(count_of(requests[0].headers, "X-App-First"), 1u);
  EXPECT_EQ(count_of(requests[0].headers, "X-App-Second"), 1u);
  // curl 7.88's curl_easy_perform goes through the exported
  // curl_multi_add_handle: a second span there would show as a third copy.
  expect_injected(requests[0].headers, expected_copies());
}

TEST(DemoAgent, MultiInterfaceInjectsOncePerTransfer) {
  Recorder recorder;
  struct curl_slist* list = app_list();
  CURL* curl = new_handle(recorder.url());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  ASSERT_EQ(perform_multi(curl), CURLE_OK);
  curl_easy_cleanup(curl);
  curl_slist_free_all(list);

  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 1u);
  expect_injected(requests[0].headers, expected_copies());
}

TEST(DemoAgent, TheTwoLayersWriteDifferentSpans) {
  if(!layer_on('1') || !layer_on('2'))
    GTEST_SKIP() << "needs both layers";
  Recorder recorder;
  struct curl_slist* list = app_list();
  CURL* curl = new_handle(recorder.url());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  curl_easy_cleanup(curl);
  curl_slist_free_all(list);

  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 1u);
  for(const std::string& style : styles_under_test()) {
    auto values = values_of(requests[0].headers, style_specs().at(style).span_header);
    ASSERT_EQ(values.size(), 2u) << style;
    EXPECT_NE(values[0], values[1]) << style;
  }
}

TEST(DemoAgent, HandleWithoutAListGetsTheAgentsOwnEachTime) {
  Recorder recorder;
  CURL* curl = new_handle(recorder.url());
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);  // the agent's list is replaced, not grown
  curl_easy_cleanup(curl);

  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 2u);
  for(const auto& request : requests)
    expect_injected(request.headers, layer_on('2') ? 1u : 0u);
}

// Every argument type of curl_easy_setopt goes through the agent's variadic
// forwarding: long (UPLOAD), object pointer (URL, READDATA), function
// pointer (READFUNCTION), curl_off_t (INFILESIZE_LARGE), blob.
TEST(DemoAgent, SetoptForwardsEveryArgumentType) {
  Recorder recorder;
  std::string body(5000, 'x');
  size_t offset = 0;
  auto read = +[](char* buffer, size_t size, size_t count, void* data) -> size_t {
    auto* state = static_cast<std::pair<std::string*, size_t*>*>(data);
    size_t left = state->first->size() - *state->second;
    size_t n = std::min(left, size * count);
    std::memcpy(buffer, state->first->data() + *state->second, n);
    *state->second += n;
    return n;
  };
  std::pair<std::string*, size_t*> state(&body, &offset);
  CURL* curl = new_handle(recorder.url());
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_READFUNCTION, read), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_READDATA, &state), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size())), CURLE_OK);
  char pem[] = "not a certificate";
  struct curl_blob blob = {pem, sizeof(pem), CURL_BLOB_COPY};
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &blob), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, static_cast<void*>(nullptr)), CURLE_OK);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);

  EXPECT_EQ(status, 200);
  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, body);
}

TEST(DemoAgent, DuplicatedAndResetHandlesKeepWorking) {
  Recorder recorder;
  struct curl_slist* list = app_list();
  CURL* original = new_handle(recorder.url());
  curl_easy_setopt(original, CURLOPT_HTTPHEADER, list);
  CURL* copy = curl_easy_duphandle(original);
  ASSERT_NE(copy, nullptr);
  curl_easy_cleanup(original);
  ASSERT_EQ(curl_easy_perform(copy), CURLE_OK);

  curl_easy_reset(copy);  // drops the list: the agent must forget it too
  curl_slist_free_all(list);
  curl_easy_setopt(copy, CURLOPT_URL, recorder.url().c_str());
  curl_easy_setopt(copy, CURLOPT_WRITEFUNCTION, discard);
  ASSERT_EQ(curl_easy_perform(copy), CURLE_OK);
  curl_easy_cleanup(copy);

  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(count_of(requests[0].headers, "X-App-First"), 1u);
  EXPECT_EQ(count_of(requests[1].headers, "X-App-First"), 0u);
  expect_injected(requests[1].headers, layer_on('2') ? 1u : 0u);
}

TEST(DemoAgent, ConcurrentTransfersEachGetTheirOwnHeaders) {
  Recorder recorder;
  constexpr int threads = 4, transfers = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for(int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      for(int i = 0; i < transfers; ++i) {
        struct curl_slist* list = app_list();
        CURL* curl = new_handle(recorder.url());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
        if(curl_easy_perform(curl) != CURLE_OK)
          ++failures;
        curl_easy_cleanup(curl);
        curl_slist_free_all(list);
      }
    });
  for(auto& w : workers)
    w.join();

  EXPECT_EQ(failures.load(), 0);
  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), static_cast<size_t>(threads * transfers));
  for(const auto& request : requests)
    expect_injected(request.headers, expected_copies());
}

// libcurl starts lists of its own while it signs with CURLOPT_AWS_SIGV4;
// layer 1 must leave those alone, or curl would sign headers it never sends.
TEST(DemoAgent, LeavesLibcurlsInternalListsAlone) {
  Recorder recorder;
  struct curl_slist* list = app_list();
  CURL* curl = new_handle(recorder.url());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
  curl_easy_setopt(curl, CURLOPT_USERPWD, "AKIDEXAMPLE:secret");
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  curl_easy_cleanup(curl);
  curl_slist_free_all(list);

  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 1u);
  std::string auth =
      requests[0].headers.count("Authorization") ? requests[0].headers.find("Authorization")->second : std::string();
  size_t at = auth.find("SignedHeaders=");
  ASSERT_NE(at, std::string::npos) << auth;
  std::string signed_list = auth.substr(at + 14, auth.find(',', at) - at - 14);
  // Each injected name is signed at most as often as it is sent (curl 7.88
  // lists a repeated name once per copy).
  for(const std::string& name : expected_names()) {
    size_t signed_count = 0;
    for(size_t p = 0; (p = signed_list.find(lower(name), p)) != std::string::npos; p += name.size()) {
      bool whole = (p == 0 || signed_list[p - 1] == ';') &&
                   (p + name.size() == signed_list.size() || signed_list[p + name.size()] == ';');
      signed_count += whole ? 1 : 0;
    }
    EXPECT_LE(signed_count, count_of(requests[0].headers, name)) << name << " in " << signed_list;
  }
}

// DEMOAGENT_LOG=1: names and values on stderr, one line per header.
TEST(DemoAgent, LogsWhatItInjectedToStderr) {
  if(env("DEMOAGENT_LOG", "0") == "0")
    GTEST_SKIP() << "DEMOAGENT_LOG is not set";
  Recorder recorder;
  testing::internal::CaptureStderr();
  struct curl_slist* list = app_list();
  CURL* curl = new_handle(recorder.url());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  CURLcode result = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  curl_slist_free_all(list);
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_EQ(result, CURLE_OK);

  auto requests = recorder.requests();
  ASSERT_EQ(requests.size(), 1u);
  for(const std::string& name : expected_names()) {
    for(const std::string& value : values_of(requests[0].headers, name)) {
      std::string line = "\"" + name + ": " + value + "\"";
      EXPECT_NE(log.find(line), std::string::npos) << line << " not in:\n" << log;
    }
  }
  if(layer_on('1')) {
    EXPECT_NE(log.find("demoagent: layer 1 (curl_slist_append) added"), std::string::npos) << log;
  }
  if(layer_on('2')) {
    EXPECT_NE(log.find("demoagent: layer 2 (curl_easy_perform) added"), std::string::npos) << log;
  }
}
