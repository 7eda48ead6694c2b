// check-report REPORT: exit 0 when the JSON Lines report written by
// tracestrip says no tracing header reached an S3 host and S3 was reached.
#include <tracestrip/testing/gtest.h>

#include <cstdio>

int main(int argc, char** argv) {
  if(argc != 2) {
    std::fprintf(stderr, "usage: %s REPORT\n", argv[0]);
    return 2;
  }
  const tracestrip::testing::Report report = tracestrip::testing::read_report(argv[1]);
  const ::testing::AssertionResult clean = tracestrip::testing::NoTracingHeadersToS3(report);
  const ::testing::AssertionResult reached = tracestrip::testing::SawS3Requests(report);
  std::printf("%s\n%s\n", clean.message(), reached.message());
  return clean && reached ? 0 : 1;
}
