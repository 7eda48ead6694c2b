// TRACESTRIP_HOSTS: extra hosts treated as S3 (MinIO, Ceph RGW, a test
// endpoint). Entries: "host", "*.suffix" (any name below suffix, not suffix
// itself), either with ":port"; IPv6 literals in brackets ("[::1]:9000").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tracestrip {

struct HostPattern {
  std::string host;         // lower case, no trailing dot; for "*.x" this is "x"
  bool subdomains = false;  // written "*.host"
  int port = 0;             // 0: any port

  std::string spelling() const;
};

// Lower case, trailing dot removed. Brackets of IPv6 literals are kept.
std::string normalize_host(std::string_view host);

std::optional<HostPattern> parse_host_pattern(std::string_view entry);

// `host` as given by normalize_host; `port` the effective port (0 if unknown).
bool host_pattern_matches(const HostPattern& pattern, std::string_view host, int port);

}  // namespace tracestrip
