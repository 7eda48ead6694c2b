// Recognises the host names of Amazon S3 endpoints in every AWS partition:
// path-style, virtual-hosted, legacy dash-region, dual-stack, FIPS, website,
// Transfer Acceleration, access points (incl. multi-region), Object Lambda,
// Outposts, S3 Express and S3 Control.
#pragma once

#include <string_view>
#include <vector>

namespace tracestrip {

// The DNS suffixes of the AWS partitions (amazonaws.com, amazonaws.com.cn, ...).
const std::vector<std::string_view>& aws_partition_suffixes();

// `host` is lower case, without port or trailing dot (see normalize_host).
bool is_aws_s3_host(std::string_view host);

// "us-east-1", "cn-north-1", "us-gov-west-1", "us-isob-east-1", "eusc-de-east-1".
bool looks_like_region(std::string_view label);

}  // namespace tracestrip
