// TRACESTRIP_HOSTS entries: parsing, matching and host normalisation.
#include "tracestrip/host_patterns.h"

#include <gtest/gtest.h>

#include <string>

namespace tracestrip {
namespace {

HostPattern parsed(std::string_view entry) {
  std::optional<HostPattern> pattern = parse_host_pattern(entry);
  EXPECT_TRUE(pattern.has_value()) << "'" << entry << "' should parse";
  return pattern.value_or(HostPattern{});
}

TEST(NormalizeHost, LowersCaseAndDropsOneTrailingDot) {
  EXPECT_EQ(normalize_host("S3.Amazonaws.COM"), "s3.amazonaws.com");
  EXPECT_EQ(normalize_host("minio.local."), "minio.local");
  EXPECT_EQ(normalize_host("MinIO.Local."), "minio.local");
  EXPECT_EQ(normalize_host("[::1]"), "[::1]");
  EXPECT_EQ(normalize_host("[FE80::1]"), "[fe80::1]");
  EXPECT_EQ(normalize_host(""), "");
  EXPECT_EQ(normalize_host("."), "");
  EXPECT_EQ(normalize_host("127.0.0.1"), "127.0.0.1");
}

TEST(ParseHostPattern, PlainHost) {
  HostPattern pattern = parsed("MinIO.Example.COM.");
  EXPECT_EQ(pattern.host, "minio.example.com");
  EXPECT_FALSE(pattern.subdomains);
  EXPECT_EQ(pattern.port, 0);
  EXPECT_EQ(pattern.spelling(), "minio.example.com");
}

TEST(ParseHostPattern, Subdomains) {
  HostPattern pattern = parsed("*.Storage.Example");
  EXPECT_EQ(pattern.host, "storage.example");
  EXPECT_TRUE(pattern.subdomains);
  EXPECT_EQ(pattern.port, 0);
  EXPECT_EQ(pattern.spelling(), "*.storage.example");
}

TEST(ParseHostPattern, HostAndPort) {
  HostPattern pattern = parsed("localhost:9000");
  EXPECT_EQ(pattern.host, "localhost");
  EXPECT_EQ(pattern.port, 9000);
  EXPECT_EQ(pattern.spelling(), "localhost:9000");

  HostPattern wildcard = parsed("*.rgw.lan:7480");
  EXPECT_EQ(wildcard.host, "rgw.lan");
  EXPECT_TRUE(wildcard.subdomains);
  EXPECT_EQ(wildcard.port, 7480);
  EXPECT_EQ(wildcard.spelling(), "*.rgw.lan:7480");
}

TEST(ParseHostPattern, PortLimits) {
  EXPECT_EQ(parsed("h:1").port, 1);
  EXPECT_EQ(parsed("h:65535").port, 65535);
  EXPECT_EQ(parsed("h:00080").port, 80);
}

TEST(ParseHostPattern, Ipv6Literals) {
  HostPattern with_port = parsed("[::1]:9000");
  EXPECT_EQ(with_port.host, "[::1]");
  EXPECT_EQ(with_port.port, 9000);
  EXPECT_FALSE(with_port.subdomains);
  EXPECT_EQ(with_port.spelling(), "[::1]:9000");

  HostPattern without_port = parsed("[FD00::A:1]");
  EXPECT_EQ(without_port.host, "[fd00::a:1]");
  EXPECT_EQ(without_port.port, 0);
}

TEST(ParseHostPattern, Ipv4Literal) {
  HostPattern pattern = parsed("127.0.0.1:9000");
  EXPECT_EQ(pattern.host, "127.0.0.1");
  EXPECT_EQ(pattern.port, 9000);
}

class MalformedHostPattern : public testing::TestWithParam<const char*> {};

TEST_P(MalformedHostPattern, IsRejected) {
  EXPECT_FALSE(parse_host_pattern(GetParam()).has_value()) << "'" << GetParam() << "'";
}

INSTANTIATE_TEST_SUITE_P(Entries, MalformedHostPattern,
                         testing::Values("", ".", "*", "*.", "*.*.example", "**.example", "a*b.example",
                                         "host:", "host:0", "host:65536", "host:123456", "host:-1", "host:80x",
                                         "host: 80", "host:80:81", ":80", "a..b", ".example", "exa mple", "exa/mple",
                                         "http://host", "host/path", "[::1", "[]", "[]:80", "[::1]x",
                                         "[::1]:", "[::1]:0", "[::1]:99999", "[::g]", "*.[::1]", "::1",
                                         "h\xc3\xa9.example", "host\n", "user@host"));

TEST(HostPatternMatches, ExactHostAnyPort) {
  HostPattern pattern = parsed("minio.local");
  EXPECT_TRUE(host_pattern_matches(pattern, "minio.local", 443));
  EXPECT_TRUE(host_pattern_matches(pattern, "minio.local", 9000));
  EXPECT_TRUE(host_pattern_matches(pattern, "minio.local", 0));
  EXPECT_FALSE(host_pattern_matches(pattern, "a.minio.local", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, "minio.localx", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, "xminio.local", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, "minio", 443));
}

TEST(HostPatternMatches, ExactHostWithPort) {
  HostPattern pattern = parsed("minio.local:9000");
  EXPECT_TRUE(host_pattern_matches(pattern, "minio.local", 9000));
  EXPECT_FALSE(host_pattern_matches(pattern, "minio.local", 9001));
  EXPECT_FALSE(host_pattern_matches(pattern, "minio.local", 0));
  EXPECT_FALSE(host_pattern_matches(pattern, "other.local", 9000));
}

TEST(HostPatternMatches, SubdomainsButNotTheSuffixItself) {
  HostPattern pattern = parsed("*.storage.example");
  EXPECT_TRUE(host_pattern_matches(pattern, "bucket.storage.example", 443));
  EXPECT_TRUE(host_pattern_matches(pattern, "a.b.storage.example", 80));
  EXPECT_FALSE(host_pattern_matches(pattern, "storage.example", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, ".storage.example", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, "evilstorage.example", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, "bucket.storage.example.evil", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, "example", 443));
}

TEST(HostPatternMatches, SubdomainsWithPort) {
  HostPattern pattern = parsed("*.rgw.lan:7480");
  EXPECT_TRUE(host_pattern_matches(pattern, "b.rgw.lan", 7480));
  EXPECT_FALSE(host_pattern_matches(pattern, "b.rgw.lan", 443));
  EXPECT_FALSE(host_pattern_matches(pattern, "rgw.lan", 7480));
}

TEST(HostPatternMatches, Ipv6LiteralWithPort) {
  HostPattern pattern = parsed("[::1]:9000");
  EXPECT_TRUE(host_pattern_matches(pattern, "[::1]", 9000));
  EXPECT_FALSE(host_pattern_matches(pattern, "[::1]", 9001));
  EXPECT_FALSE(host_pattern_matches(pattern, "::1", 9000));
  EXPECT_FALSE(host_pattern_matches(pattern, "[::2]", 9000));
}

TEST(HostPatternMatches, ComparesNormalizedHosts) {
  HostPattern pattern = parsed("MinIO.Local.");
  EXPECT_TRUE(host_pattern_matches(pattern, normalize_host("MINIO.local."), 9000));
}

}  // namespace
}  // namespace tracestrip
