// Registered with tracestrip_preload_test(): this test process itself runs
// with libtracestrip.so preloaded and uploads in-process through libcurl.
// Without the preload it fails.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "sink.h"

namespace {

bool shim_loaded() {
  std::ifstream maps("/proc/self/maps");
  for(std::string line; std::getline(maps, line);)
    if(line.find("libtracestrip.so") != std::string::npos)
      return true;
  return false;
}

long put(const std::string& host, const std::string& path, int port) {
  CURL* curl = curl_easy_init();
  const std::string connect_to = host + ":80:127.0.0.1:" + std::to_string(port);
  curl_slist* connect = curl_slist_append(nullptr, connect_to.c_str());
  curl_slist* headers =
      curl_slist_append(nullptr, "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  headers = curl_slist_append(headers, "Expect:");
  const std::string url = "http://" + host + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "in-process\n");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  long status = 0;
  if(curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect);
  return status;
}

}  // namespace

TEST(Preloaded, ShimIsLoaded) { EXPECT_TRUE(shim_loaded()) << "libtracestrip.so is not in LD_PRELOAD"; }

// tracestrip_preload_test() appends the shim after what the test's
// ENVIRONMENT already preloads (here, with EXAMPLE_AGENT, an agent).
TEST(Preloaded, LibraryComesLast) {
  const char* preload = std::getenv("LD_PRELOAD");
  ASSERT_NE(preload, nullptr);
  std::vector<std::string> entries;
  std::string entry;
  for(const char* p = preload;; ++p) {
    if(*p == ' ' || *p == ':' || *p == '\0') {
      if(!entry.empty())
        entries.push_back(entry);
      entry.clear();
      if(*p == '\0')
        break;
    }
    else {
      entry += *p;
    }
  }
  ASSERT_FALSE(entries.empty());
  const std::string last = entries.back();
  EXPECT_EQ(last.substr(last.rfind('/') + 1), "libtracestrip.so") << preload;
  const char* agent = std::getenv("EXAMPLE_AGENT");
  if(agent && *agent)
    EXPECT_EQ(entries.front(), agent) << preload;
}

TEST(Preloaded, InProcessUploadLosesTraceparent) {
  Sink sink;
  ASSERT_NE(sink.port(), 0);
  ASSERT_EQ(put("example-bucket.s3.eu-west-1.amazonaws.com", "/s3/in-process", sink.port()), 200);
  ASSERT_EQ(put("api.example.com", "/other/in-process", sink.port()), 200);
  EXPECT_EQ(sink.headers_for("/s3/in-process").count("traceparent"), 0u);
  EXPECT_EQ(sink.headers_for("/other/in-process").count("traceparent"), 1u);
}
