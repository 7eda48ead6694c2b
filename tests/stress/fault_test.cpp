// Allocation failure inside the shim's own bookkeeping (run with
// fail_shim_malloc.so preloaded before the shim): the armed transfer goes out
// exactly as the application made it, the shim says so in one stderr line,
// and the next transfer is filtered again.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "recording_server.h"
#include "transfer.h"

extern "C" unsigned long fail_shim_malloc_failures(void) __attribute__((weak));

namespace tracestrip::test {
namespace {

const std::vector<std::string> kMixed = {"traceparent: 00-1-2-01", "X-App: 1", "b3: 1", "X-Other: 2"};
const std::vector<std::string> kStripped = {"X-App: 1", "X-Other: 2"};

TEST(Fault, AllocationFailureInShimPassesRequestThroughUnchanged) {
  ASSERT_NE(fail_shim_malloc_failures, nullptr) << "run with fail_shim_malloc.so preloaded";
  RecordingServer server;
  curl_slist* list = nullptr;
  for(const std::string& entry : kMixed)
    list = curl_slist_append(list, entry.c_str());
  const char* s3 = "http://bucket.s3.us-east-1.amazonaws.com/fault-";

  {
    Transfer before(server.port());  // a first transfer warms the shim up (config, registry)
    before.set_headers(list);
    before.set_url(std::string(s3) + "before");
    ASSERT_EQ(before.perform(), CURLE_OK);
    EXPECT_EQ(before.sent_custom_headers(), kStripped);
  }
  Transfer armed(server.port());
  armed.set_headers(list);
  armed.set_url(std::string(s3) + "armed-with-a-long-enough-path");
  unsigned long failures_before = fail_shim_malloc_failures();
  setenv("TRACESTRIP_TEST_FAIL_SHIM_MALLOC", "1", 1);
  CURLcode result = armed.perform();
  unsetenv("TRACESTRIP_TEST_FAIL_SHIM_MALLOC");
  EXPECT_GT(fail_shim_malloc_failures(), failures_before) << "no allocation in the shim failed: the test tests nothing";
  EXPECT_EQ(result, CURLE_OK);
  EXPECT_EQ(armed.sent_custom_headers(), kMixed);  // passed through unchanged

  Transfer after(server.port());
  after.set_headers(list);
  after.set_url(std::string(s3) + "after");
  ASSERT_EQ(after.perform(), CURLE_OK);
  EXPECT_EQ(after.sent_custom_headers(), kStripped);
  curl_slist_free_all(list);
}

}  // namespace
}  // namespace tracestrip::test
