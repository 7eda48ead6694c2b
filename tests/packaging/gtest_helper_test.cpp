// The GoogleTest helper (include/tracestrip/testing/gtest.h): its report
// reader on hand-written lines, its assertions, and how it runs a program
// (against a stand-in launcher that writes a report line itself).
#include <tracestrip/testing/gtest.h>

#include <sstream>
#include <string>

namespace ts = tracestrip::testing;

namespace {

const char* const kClean =
    R"({"tracestrip_report":1,"pid":1234,"program":"s3-legacy-upload","mode":"strip","hosts":[)"
    R"({"host":"bucket.s3.us-east-1.amazonaws.com","requests":2,"s3_bound":true,"reason":"s3-endpoint","sigv4":true,)"
    R"("tracing_headers":[{"name":"traceparent","seen":2,"removed":2,"sent":0,"signed_by_application":false,)"
    R"("added_by":["libdemoagent.so"]}]},)"
    R"({"host":"api.example.com","requests":1,"s3_bound":false,"reason":"none","sigv4":false,)"
    R"("tracing_headers":[{"name":"b3","seen":1,"removed":0,"sent":1,"signed_by_application":false,"added_by":["app"]}]}]})";

const char* const kLeak =
    R"({"tracestrip_report":1,"pid":77,"program":"up","mode":"report","hosts":[)"
    R"({"host":"b.s3.amazonaws.com","requests":1,"s3_bound":true,"reason":"s3-endpoint","sigv4":false,)"
    R"("tracing_headers":[{"name":"pinpoint-traceid","seen":1,"removed":0,"sent":1,"signed_by_application":true,)"
    R"("added_by":["/opt/agent/libagent.so","up"]}]}]})";

ts::Report parse(const std::string& text) {
  std::istringstream in(text);
  return ts::parse_report(in, "test.jsonl");
}

}  // namespace

TEST(ReportReader, ReadsTheDocumentedShape) {
  const ts::Report report = parse(std::string(kClean) + "\n");
  ASSERT_TRUE(report.errors.empty()) << report.errors.front();
  ASSERT_EQ(report.processes.size(), 1u);
  const ts::ProcessReport& process = report.processes[0];
  EXPECT_EQ(process.pid, 1234);
  EXPECT_EQ(process.program, "s3-legacy-upload");
  EXPECT_EQ(process.mode, "strip");
  ASSERT_EQ(process.hosts.size(), 2u);
  const ts::HostStats& s3 = process.hosts[0];
  EXPECT_EQ(s3.host, "bucket.s3.us-east-1.amazonaws.com");
  EXPECT_EQ(s3.requests, 2);
  EXPECT_TRUE(s3.s3_bound);
  EXPECT_TRUE(s3.sigv4);
  EXPECT_EQ(s3.reason, "s3-endpoint");
  ASSERT_EQ(s3.tracing_headers.size(), 1u);
  EXPECT_EQ(s3.tracing_headers[0].name, "traceparent");
  EXPECT_EQ(s3.tracing_headers[0].seen, 2);
  EXPECT_EQ(s3.tracing_headers[0].removed, 2);
  EXPECT_EQ(s3.tracing_headers[0].sent, 0);
  EXPECT_EQ(s3.tracing_headers[0].added_by, std::vector<std::string>{"libdemoagent.so"});
  EXPECT_FALSE(process.hosts[1].s3_bound);
  EXPECT_EQ(ts::added_by(report, "traceparent"), std::vector<std::string>{"libdemoagent.so"});
}

TEST(ReportReader, OneProcessPerLineBlankLinesSkipped) {
  const ts::Report report = parse(std::string(kClean) + "\n\n  \n" + kLeak + "\r\n");
  EXPECT_TRUE(report.errors.empty());
  ASSERT_EQ(report.processes.size(), 2u);
  EXPECT_EQ(report.processes[1].pid, 77);
  EXPECT_EQ(report.all_hosts().size(), 3u);
}

TEST(ReportReader, FieldOrderWhitespaceEscapesAndUnknownFields) {
  const ts::Report report = parse(
      R"({ "hosts" : [ { "future" : {"a":[1,2,{"b":null}]}, "s3_bound" : true , "host" : "b\u002es3.amazonaws.com",)"
      R"( "tracing_headers" : [ { "sent" : 0 , "name" : "x-b3-\"odd\"\\\/", "added_by" : ["caf\u00e9.so", "\ud83d\ude00"] } ] } ],)"
      R"( "tracestrip_report" : 2 , "extra": -1.5e3 })");
  ASSERT_TRUE(report.errors.empty()) << report.errors.front();
  ASSERT_EQ(report.all_hosts().size(), 1u);
  const ts::HostStats& host = *report.all_hosts()[0];
  EXPECT_EQ(host.host, "b.s3.amazonaws.com");
  ASSERT_EQ(host.tracing_headers.size(), 1u);
  EXPECT_EQ(host.tracing_headers[0].name, "x-b3-\"odd\"\\/");
  EXPECT_EQ(host.tracing_headers[0].added_by, (std::vector<std::string>{"caf\xc3\xa9.so", "\xf0\x9f\x98\x80"}));
}

TEST(ReportReader, BrokenLinesAreErrorsNotPasses) {
  for(const char* bad : {
          R"({"tracestrip_report":1,"hosts":[{"host":"b.s3.amazonaws.com","s3_bound":true,"tracing_h)",  // cut short
          R"({"hosts":[]})",                                                                             // no marker
          R"({"tracestrip_report":1})",                                                                  // no hosts
          R"({"tracestrip_report":1,"hosts":[{"host":"h","s3_bound":"yes"}]})",                          // wrong type
          R"({"tracestrip_report":1,"hosts":[{"host":"h","s3_bound":true,"tracing_headers":[{"name":"b3"}]}]})",
          R"({"tracestrip_report":1,"hosts":[]} trailing)",
          R"([1,2])",
          "{\"tracestrip_report\":1,\"hosts\":[],\"s\":\"a\x01\"}",
          R"({"tracestrip_report":1,"hosts":[]],})",
      }) {
    const ts::Report report = parse(std::string(kClean) + "\n" + bad + "\n");
    EXPECT_EQ(report.errors.size(), 1u) << bad;
    EXPECT_EQ(report.processes.size(), 1u) << bad;
    EXPECT_FALSE(ts::NoTracingHeadersToS3(report)) << bad;
  }
}

TEST(ReportReader, DeepNestingIsRefusedNotACrash) {
  const std::string deep = R"({"tracestrip_report":1,"hosts":[],"x":)" + std::string(100000, '[');
  const ts::Report report = parse(deep);
  EXPECT_EQ(report.errors.size(), 1u);
}

TEST(Assertions, CleanReportPasses) {
  const ts::Report report = parse(kClean);
  EXPECT_NO_TRACING_HEADERS_TO_S3(report);
  EXPECT_TRUE(ts::SawS3Requests(report));
}

TEST(Assertions, AHeaderSentToS3FailsAndSaysWhoAddedIt) {
  const ts::Report report = parse(std::string(kClean) + "\n" + kLeak);
  const ::testing::AssertionResult result = ts::NoTracingHeadersToS3(report);
  ASSERT_FALSE(result);
  const std::string message = result.message();
  EXPECT_NE(message.find("pinpoint-traceid reached b.s3.amazonaws.com 1 time(s)"), std::string::npos) << message;
  EXPECT_NE(message.find("added by /opt/agent/libagent.so up"), std::string::npos) << message;
  EXPECT_NE(message.find("signed by the application"), std::string::npos) << message;
  EXPECT_EQ(message.find("traceparent"), std::string::npos) << message;
}

TEST(Assertions, NonS3HostsMayCarryTracingHeaders) {
  const ts::Report report = parse(R"({"tracestrip_report":1,"hosts":[{"host":"api.example.com","s3_bound":false,)"
                                  R"("tracing_headers":[{"name":"traceparent","sent":3}]}]})");
  EXPECT_NO_TRACING_HEADERS_TO_S3(report);
  EXPECT_FALSE(ts::SawS3Requests(report));
}

TEST(Assertions, MissingOrEmptyReportFails) {
  const ts::Report missing = ts::read_report("/nonexistent/tracestrip-report.jsonl");
  EXPECT_FALSE(missing.found);
  const ::testing::AssertionResult result = ts::NoTracingHeadersToS3(missing);
  EXPECT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("no tracestrip report"), std::string::npos);
  EXPECT_FALSE(ts::NoTracingHeadersToS3(parse("")));
  EXPECT_FALSE(ts::SawS3Requests(missing));
}

// The runner, against a stand-in launcher (a shell script) that records what
// it was given and writes one report line, as the shim would at exit.
class Runner : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tracestrip-helper-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    launcher_ = dir_ + "/fake-run";
    std::ofstream script(launcher_);
    script << "#!/bin/sh\n"
              "[ \"$1\" = -- ] || { echo \"fake-run: expected --, got $1\" >&2; exit 125; }\n"
              "shift\n"
              "echo \"mode=${TRACESTRIP_MODE:-unset} hosts=${TRACESTRIP_HOSTS:-unset} preload=${LD_PRELOAD:-unset}\"\n"
              "\"$@\"; status=$?\n"
              "printf '%s\\n' '"
           << kClean
           << "' >>\"$TRACESTRIP_REPORT\"\n"
              "exit $status\n";
    script.close();
    chmod(launcher_.c_str(), 0700);
  }
  void TearDown() override {
    std::remove(launcher_.c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_, launcher_;
};

TEST_F(Runner, RunsThroughTheLauncherAndReadsTheReport) {
  ts::Options options;
  options.launcher = launcher_;
  options.mode = "report";
  options.hosts = "minio.internal:9000";
  options.preload_before = {"/opt/agent/libagent.so"};
  const ts::Run run = ts::run_under_tracestrip({"sh", "-c", "echo hello; echo oops >&2; exit 3"}, options);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.output.find("mode=report hosts=minio.internal:9000"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("libagent.so"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("hello"), std::string::npos);
  EXPECT_NE(run.output.find("oops"), std::string::npos);
  ASSERT_TRUE(run.report.found);
  EXPECT_EQ(run.report.processes.size(), 1u);
  EXPECT_NO_TRACING_HEADERS_TO_S3(run.report);
}

TEST_F(Runner, DirectPreloadPutsTheLibraryLast) {
  ts::Options options;
  options.via = ts::Options::Via::preload;
  options.library = "/nonexistent/libtracestrip.so";  // glibc warns and goes on
  options.preload_before = {"/nonexistent/libagent.so"};
  options.environment = {"LD_PRELOAD=/nonexistent/first.so", "EXTRA_SETTING=on", "TRACESTRIP_KEEP=x-amzn-trace-id"};
  options.keep = "overridden-by-environment";
  const std::string report = dir_ + "/report.jsonl";
  options.report_path = report;
  const ts::Run run = ts::run_under_tracestrip(
      {"sh", "-c",
       "echo \"preload=$LD_PRELOAD\"; echo \"$TRACESTRIP_REPORT $EXTRA_SETTING $TRACESTRIP_KEEP\"; "
       "env | grep -c '^LD_PRELOAD='"},
      options);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("preload=/nonexistent/first.so /nonexistent/libagent.so /nonexistent/libtracestrip.so\n"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find(report + " on x-amzn-trace-id\n"), std::string::npos) << run.output;
  const std::string one_preload = "\n1\n";  // one LD_PRELOAD entry in the environment, printed last
  EXPECT_EQ(run.output.compare(run.output.size() - std::min(run.output.size(), one_preload.size()), std::string::npos,
                               one_preload),
            0)
      << run.output;
  // Nothing wrote the report: that is a failure, never a pass.
  EXPECT_FALSE(run.report.found);
  EXPECT_FALSE(ts::NoTracingHeadersToS3(run.report));
}

TEST_F(Runner, MissingProgramIs127) {
  ts::Options options;
  options.launcher = dir_ + "/no-such-launcher";
  const ts::Run run = ts::run_under_tracestrip({"true"}, options);
  EXPECT_EQ(run.exit_code, 127);
  EXPECT_NE(run.output.find("cannot run"), std::string::npos) << run.output;
  EXPECT_FALSE(run.report.found);
}
