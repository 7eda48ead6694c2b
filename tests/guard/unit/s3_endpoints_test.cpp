// Amazon S3 endpoint host names in every partition, and their lookalikes.
#include "tracestrip/s3_endpoints.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "tracestrip/host_patterns.h"

namespace tracestrip {
namespace {

struct Partition {
  std::string dns;
  std::vector<std::string> regions;
};

const std::vector<Partition>& partitions() {
  static const std::vector<Partition> all = {
      {"amazonaws.com", {"us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "il-central-1"}},
      {"amazonaws.com.cn", {"cn-north-1", "cn-northwest-1"}},
      {"amazonaws.eu", {"eusc-de-east-1"}},
      {"c2s.ic.gov", {"us-iso-east-1", "us-iso-west-1"}},
      {"sc2s.sgov.gov", {"us-isob-east-1"}},
      {"cloud.adc-e.uk", {"eu-isoe-west-1"}},
      {"csp.hci.ic.gov", {"us-isof-south-1", "us-isof-east-1"}},
  };
  return all;
}

// Buckets with dashes and dots, used in turn.
const std::vector<std::string>& buckets() {
  static const std::vector<std::string> all = {"my-bucket", "logs.example.com", "a.b-c.d", "b1"};
  return all;
}

// Forms without a region: {b} bucket, {dns} partition suffix.
const std::vector<std::string>& global_forms() {
  static const std::vector<std::string> all = {
      "s3.{dns}",
      "{b}.s3.{dns}",
      "s3-external-1.{dns}",
      "{b}.s3-external-1.{dns}",
      "{b}.s3-accelerate.{dns}",
      "s3-accelerate.{dns}",
      "{b}.s3-accelerate.dualstack.{dns}",
      "mfzwi23gnjvgw.mrap.accesspoint.s3-global.{dns}",
      "mfzwi23gnjvgw.accesspoint.s3-global.{dns}",
  };
  return all;
}

// Forms with a region: {r} region.
const std::vector<std::string>& regional_forms() {
  static const std::vector<std::string> all = {
      "s3.{r}.{dns}",
      "{b}.s3.{r}.{dns}",
      "s3-{r}.{dns}",
      "{b}.s3-{r}.{dns}",
      "{b}.s3-website-{r}.{dns}",
      "{b}.s3-website.{r}.{dns}",
      "s3-fips.{r}.{dns}",
      "{b}.s3-fips.{r}.{dns}",
      "s3-fips.dualstack.{r}.{dns}",
      "{b}.s3-fips.dualstack.{r}.{dns}",
      "s3-fips-{r}.{dns}",
      "s3.dualstack.{r}.{dns}",
      "{b}.s3.dualstack.{r}.{dns}",
      "my-ap-123456789012.s3-accesspoint.{r}.{dns}",
      "my-ap-123456789012.s3-accesspoint.dualstack.{r}.{dns}",
      "my-olap-123456789012.s3-object-lambda.{r}.{dns}",
      "my-ap-123456789012.op-01234567890123456.s3-outposts.{r}.{dns}",
      "s3express-control.{r}.{dns}",
      "{b}--use1-az4--x-s3.s3express-use1-az4.{r}.{dns}",
      "s3express-use1-az4.{r}.{dns}",
      "123456789012.s3-control.{r}.{dns}",
      "s3-control.{r}.{dns}",
      "s3-control.dualstack.{r}.{dns}",
      "{b}.vpce-0a1b2c3d4e5f6a7b8-abcdefgh.s3.{r}.vpce.{dns}",
  };
  return all;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for(size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string expand(const std::string& form, const std::string& dns, const std::string& region,
                   const std::string& bucket) {
  return replace_all(replace_all(replace_all(form, "{dns}", dns), "{r}", region), "{b}", bucket);
}

std::vector<std::string> s3_hosts() {
  std::vector<std::string> hosts;
  size_t turn = 0;
  for(const Partition& partition : partitions()) {
    for(const std::string& form : global_forms())
      hosts.push_back(expand(form, partition.dns, "", buckets()[turn++ % buckets().size()]));
    for(const std::string& region : partition.regions) {
      for(const std::string& form : regional_forms())
        hosts.push_back(expand(form, partition.dns, region, buckets()[turn++ % buckets().size()]));
    }
  }
  return hosts;
}

std::string case_name(const testing::TestParamInfo<std::string>& param) {
  std::string name;
  for(char c : param.param)
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name.empty() ? "empty_" + std::to_string(param.index) : name + "_" + std::to_string(param.index);
}

class S3Host : public testing::TestWithParam<std::string> {};

TEST_P(S3Host, IsRecognised) { EXPECT_TRUE(is_aws_s3_host(GetParam())) << GetParam(); }

TEST_P(S3Host, IsRecognisedAfterNormalizingUpperCaseAndTrailingDot) {
  std::string spelled = GetParam() + ".";
  for(char& c : spelled)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(is_aws_s3_host(normalize_host(spelled))) << spelled;
}

TEST_P(S3Host, StopsBeingS3UnderAForeignDomain) {
  EXPECT_FALSE(is_aws_s3_host(GetParam() + ".evil.example")) << GetParam();
  EXPECT_FALSE(is_aws_s3_host(GetParam() + "x")) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(EveryFormEveryPartition, S3Host, testing::ValuesIn(s3_hosts()), case_name);

class NotS3Host : public testing::TestWithParam<std::string> {};

TEST_P(NotS3Host, IsRejected) { EXPECT_FALSE(is_aws_s3_host(GetParam())) << GetParam(); }

INSTANTIATE_TEST_SUITE_P(
    Lookalikes, NotS3Host,
    testing::Values(
        "s3.amazonaws.com.evil.example", "s3.us-east-1.amazonaws.com.evil.example",
        "bucket.s3.amazonaws.com.cn.evil.example", "sqs.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com",
        "dynamodb.cn-north-1.amazonaws.com.cn", "s3.evil.amazonaws.com", "mys3.amazonaws.com", "s3x.amazonaws.com",
        "s3-evil.amazonaws.com", "s3-us-east.amazonaws.com", "s3-1.amazonaws.com", "amazonaws.com", "amazonaws.com.cn",
        ".amazonaws.com", "s3.amazonaws.co", "s3.amazonaws.computer", "s3.notamazonaws.com", "s3amazonaws.com",
        "s3..amazonaws.com", "bucket..s3.amazonaws.com", "s3.us-east-1..amazonaws.com", "s3-global.amazonaws.com",
        "mrap.s3-global.amazonaws.com", "accesspointx.s3-global.amazonaws.com", "s3express.us-east-1.amazonaws.com",
        "s3express-.us-east-1.amazonaws.com", "s3-accesspointx.us-east-1.amazonaws.com", "s3-website.amazonaws.co",
        "s3.us-east-1.us-west-2.amazonaws.com", "s3.dualstack.dualstack.us-east-1.amazonaws.com",
        "s3.us-east-1.vpce.vpce.amazonaws.com", "s3.vpce.us-east-1.amazonaws.com", "s3.vpce.amazonaws.com",
        "s3.us-east-1.elb.amazonaws.com", "s3.compute-1.amazonaws.com", "ec2-3-5-7-9.compute-1.amazonaws.com",
        "s3-us-east-1-123456.us-east-1.elb.amazonaws.com", "s3.ic.gov", "s3.hci.ic.gov", "s3.sgov.gov", "s3.adc-e.uk",
        "s3.c2s.ic.gov.example", "s3.amazonaws.eu.example", "52.216.8.59", "3.5.0.1", "[2600:1fa0:80b4:db49::1]",
        "[::1]", "localhost", "s3", "s3.local", "minio.example.com", "s3.example.com", ""),
    case_name);

TEST(PartitionSuffixes, AreTheSevenAwsPartitions) {
  const std::vector<std::string_view> expected = {"amazonaws.com", "amazonaws.com.cn", "amazonaws.eu",  "c2s.ic.gov",
                                                  "sc2s.sgov.gov", "cloud.adc-e.uk",   "csp.hci.ic.gov"};
  std::vector<std::string_view> actual = aws_partition_suffixes();
  std::sort(actual.begin(), actual.end());
  std::vector<std::string_view> sorted_expected = expected;
  std::sort(sorted_expected.begin(), sorted_expected.end());
  EXPECT_EQ(actual, sorted_expected);
}

TEST(PartitionSuffixes, EveryPartitionHasTheGlobalPathStyleEndpoint) {
  for(std::string_view suffix : aws_partition_suffixes()) {
    std::string host = "s3." + std::string(suffix);
    EXPECT_TRUE(is_aws_s3_host(host)) << host;
    EXPECT_FALSE(is_aws_s3_host(std::string(suffix))) << suffix;
    EXPECT_FALSE(is_aws_s3_host("sqs." + std::string(suffix))) << suffix;
  }
}

TEST(LooksLikeRegion, AcceptsRegionsOfEveryPartition) {
  for(const Partition& partition : partitions()) {
    for(const std::string& region : partition.regions)
      EXPECT_TRUE(looks_like_region(region)) << region;
  }
  for(const char* region : {"us-east-1", "cn-north-1", "us-gov-west-1", "us-isob-east-1", "eusc-de-east-1",
                            "ap-southeast-5", "mx-central-1", "eu-central-12"})
    EXPECT_TRUE(looks_like_region(region)) << region;
}

TEST(LooksLikeRegion, RejectsOtherLabels) {
  for(const char* label : {"",           "us",         "us-",       "us-east",       "us-east-", "us-east-1a",
                           "us-east-1-", "-us-east-1", "u-east-1",  "useast-east-1", "us--1",    "us-1",
                           "US-EAST-1",  "us_east_1",  "dualstack", "vpce",          "s3",       "use1-az4",
                           "compute-1",  "us-east-1 ", "us-east-x1"})
    EXPECT_FALSE(looks_like_region(label)) << "'" << label << "'";
}

}  // namespace
}  // namespace tracestrip
