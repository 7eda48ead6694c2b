// Which bucket and key a request names: path-style (/bucket/key) when the
// Host is the endpoint itself, virtual-hosted (bucket.host/key) otherwise.
#ifndef TRACESTRIP_CHECKPOINT_ADDRESSING_H
#define TRACESTRIP_CHECKPOINT_ADDRESSING_H

#include <string>
#include <string_view>

namespace tracestrip::checkpoint {

struct S3Address {
  std::string bucket;  // empty: the service itself (ListBuckets)
  std::string key;     // decoded; empty: the bucket itself
  bool virtual_hosted = false;
};

// Host without its port ("[::1]:80" -> "::1", "b.localhost:9000" -> "b.localhost").
std::string host_without_port(std::string_view host);

// Bucket named by a Host header, or "" when the host is the endpoint's own
// (an IP literal, "localhost", own_host, or an S3 service name such as
// "s3.us-east-1.amazonaws.com"). "b.localhost" and
// "b.s3.us-east-1.amazonaws.com" both name bucket "b"; dotted bucket names
// keep their dots when the host has an "s3." label after them.
std::string bucket_from_host(std::string_view host, std::string_view own_host);

// wire_path is the raw, percent-encoded path of the request target.
S3Address resolve_address(std::string_view host, std::string_view wire_path,
                          std::string_view own_host);

}  // namespace tracestrip::checkpoint

#endif
