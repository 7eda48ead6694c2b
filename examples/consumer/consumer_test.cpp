// Runs s3-put under tracestrip with the GoogleTest helper and asserts, from
// tracestrip's report, that no tracing header reached an S3 host.
#include <tracestrip/testing/gtest.h>

#include <cstdlib>
#include <string>

#include "sink.h"

#ifndef S3_PUT
#error "S3_PUT: path of the s3-put program"
#endif

namespace ts = tracestrip::testing;

namespace {

bool named(const std::string& object, const std::string& name) {
  return object == name || (object.size() > name.size() &&
                            object.compare(object.size() - name.size() - 1, std::string::npos, "/" + name) == 0);
}

}  // namespace

TEST(Consumer, NoTracingHeaderReachesS3ThroughTheLauncher) {
  Sink sink;
  ASSERT_NE(sink.port(), 0);
  ts::Run run = ts::run_under_tracestrip({S3_PUT, std::to_string(sink.port())});
  ASSERT_EQ(run.exit_code, 0) << run.command << "\n" << run.output;

  EXPECT_NO_TRACING_HEADERS_TO_S3(run.report);
  EXPECT_TRUE(ts::SawS3Requests(run.report));
  // What the server got agrees with the report; the non-S3 host kept its header.
  EXPECT_EQ(sink.headers_for("/s3/example-key").count("traceparent"), 0u);
  EXPECT_EQ(sink.headers_for("/other/example-key").count("traceparent"), 1u);
}

TEST(Consumer, NoTracingHeaderReachesS3WithLdPreload) {
  Sink sink;
  ASSERT_NE(sink.port(), 0);
  ts::Options options;
  options.via = ts::Options::Via::preload;  // the library path from tracestrip::testing
  ts::Run run = ts::run_under_tracestrip({S3_PUT, std::to_string(sink.port())}, options);
  ASSERT_EQ(run.exit_code, 0) << run.command << "\n" << run.output;
  EXPECT_NO_TRACING_HEADERS_TO_S3(run.report);
  EXPECT_TRUE(ts::SawS3Requests(run.report));
  EXPECT_EQ(sink.headers_for("/s3/example-key").count("traceparent"), 0u);
}

// Report mode changes nothing, so the assertion must fail: the helper can tell.
TEST(Consumer, ReportModeIsCaught) {
  Sink sink;
  ASSERT_NE(sink.port(), 0);
  ts::Options options;
  options.mode = "report";
  ts::Run run = ts::run_under_tracestrip({S3_PUT, std::to_string(sink.port())}, options);
  ASSERT_EQ(run.exit_code, 0) << run.command << "\n" << run.output;
  ASSERT_TRUE(run.report.found) << run.output;
  const ::testing::AssertionResult verdict = ts::NoTracingHeadersToS3(run.report);
  EXPECT_FALSE(verdict);
  EXPECT_NE(std::string(verdict.message()).find("traceparent reached example-bucket.s3.us-east-1.amazonaws.com"),
            std::string::npos)
      << verdict.message();
  EXPECT_EQ(sink.headers_for("/s3/example-key").count("traceparent"), 1u);
}

// Under an APM agent preloaded first, the report names who added what.
// EXAMPLE_AGENT: path of an agent such as tracestrip's libdemoagent.so.
TEST(Consumer, ReportNamesTheAgent) {
  const char* agent = std::getenv("EXAMPLE_AGENT");
  if(!agent || !*agent)
    GTEST_SKIP() << "EXAMPLE_AGENT not set";
  Sink sink;
  ASSERT_NE(sink.port(), 0);
  ts::Options options;
  options.preload_before = {agent};
  ts::Run run = ts::run_under_tracestrip({S3_PUT, std::to_string(sink.port())}, options);
  ASSERT_EQ(run.exit_code, 0) << run.command << "\n" << run.output;
  EXPECT_NO_TRACING_HEADERS_TO_S3(run.report);

  bool agent_named = false, program_named = false;
  for(const ts::HostStats* host : run.report.all_hosts()) {
    if(!host->s3_bound)
      continue;
    for(const ts::HeaderStats& header : host->tracing_headers)
      for(const std::string& who : header.added_by) {
        agent_named |= named(who, "libdemoagent.so");
        program_named |= header.name == "traceparent" && named(who, "s3-put");
      }
  }
  EXPECT_TRUE(agent_named) << "no header attributed to libdemoagent.so";
  EXPECT_TRUE(program_named) << "traceparent not attributed to s3-put";
}
