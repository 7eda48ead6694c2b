// The JSON log line: fields, order, escaping, time.
#include "tracestrip/log_record.h"

#include <gtest/gtest.h>

#include <string>

namespace tracestrip {
namespace {

TEST(JsonEscape, EscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(json_escape("plain-Name_1"), "plain-Name_1");
  EXPECT_EQ(json_escape("a\"b"), "a\\\"b");
  EXPECT_EQ(json_escape("a\\b"), "a\\\\b");
  EXPECT_EQ(json_escape("a\nb\rc\td"), "a\\u000ab\\u000dc\\u0009d");
  EXPECT_EQ(json_escape(std::string("\0\x1f\x7f", 3)), "\\u0000\\u001f\\u007f");
  EXPECT_EQ(json_escape("caf\xc3\xa9"), "caf\xc3\xa9");        // UTF-8 passes through
  EXPECT_EQ(json_escape("x-\xff-\xc3"), "x-\\ufffd-\\ufffd");  // anything else cannot break the JSON
  EXPECT_EQ(json_escape(""), "");
}

TEST(FormatLogLine, StripRecord) {
  LogRecord record;
  record.action = "strip";
  record.host = "bucket.s3.amazonaws.com";
  record.reason = "s3-endpoint";
  record.headers = {"traceparent", "X-B3-TraceId"};
  EXPECT_EQ(format_log_line(record, 1700000000123LL, 4242),
            "{\"time\":\"2023-11-14T22:13:20.123Z\",\"pid\":4242,\"host\":\"bucket.s3.amazonaws.com\","
            "\"action\":\"strip\",\"reason\":\"s3-endpoint\",\"headers\":[\"traceparent\",\"X-B3-TraceId\"]}\n");
}

TEST(FormatLogLine, OptionalFieldsOnlyWhenSet) {
  LogRecord record;
  record.action = "report";
  record.host = "h";
  EXPECT_EQ(format_log_line(record, 0, 1),
            "{\"time\":\"1970-01-01T00:00:00.000Z\",\"pid\":1,\"host\":\"h\",\"action\":\"report\",\"headers\":[]}\n");
}

TEST(FormatLogLine, KeptSignedAndNote) {
  LogRecord record;
  record.action = "kept-signed";
  record.host = "minio.lan";
  record.reason = "app-signature";
  record.kept_signed = {"traceparent"};
  record.note = "signed by the application";
  EXPECT_EQ(format_log_line(record, 86400000LL + 5, 7),
            "{\"time\":\"1970-01-02T00:00:00.005Z\",\"pid\":7,\"host\":\"minio.lan\",\"action\":\"kept-signed\","
            "\"reason\":\"app-signature\",\"headers\":[],\"kept_signed\":[\"traceparent\"],"
            "\"note\":\"signed by the application\"}\n");
}

TEST(FormatLogLine, EscapesEveryStringField) {
  LogRecord record;
  record.action = "a\"";
  record.host = "h\\";
  record.reason = "r\n";
  record.headers = {"x\"y"};
  record.kept_signed = {"k\t"};
  record.note = "n\r\n";
  std::string line = format_log_line(record, 0, 1);
  EXPECT_EQ(line,
            "{\"time\":\"1970-01-01T00:00:00.000Z\",\"pid\":1,\"host\":\"h\\\\\",\"action\":\"a\\\"\","
            "\"reason\":\"r\\u000a\",\"headers\":[\"x\\\"y\"],\"kept_signed\":[\"k\\u0009\"],"
            "\"note\":\"n\\u000d\\u000a\"}\n");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
}

TEST(FormatLogLine, LargePidAndLateTime) {
  LogRecord record;
  record.action = "strip";
  record.host = "h";
  std::string line = format_log_line(record, 4102444799999LL, 4194304);
  EXPECT_EQ(line.rfind("{\"time\":\"2099-12-31T23:59:59.999Z\",\"pid\":4194304,", 0), 0u) << line;
}

}  // namespace
}  // namespace tracestrip
