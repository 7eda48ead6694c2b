#include "addressing.h"

#include <algorithm>

#include "tracestrip/sigv4/request.h"
#include "tracestrip/sigv4/uri.h"

namespace tracestrip::checkpoint {

namespace {

bool is_ip_literal(std::string_view host)
{
  if(host.find(':') != std::string_view::npos)  // IPv6
    return true;
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
}

bool is_s3_service_label(std::string_view label)
{
  // "s3", "s3-external-1", "s3-us-west-2", "s3-accesspoint" ...
  return label == "s3" || label.substr(0, 3) == "s3-";
}

}  // namespace

std::string host_without_port(std::string_view host)
{
  if(!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return std::string(host.substr(1, close == std::string_view::npos ? host.npos : close - 1));
  }
  size_t colon = host.rfind(':');
  if(colon != std::string_view::npos && host.find(':') == colon)
    host = host.substr(0, colon);
  return std::string(host);
}

std::string bucket_from_host(std::string_view host_header, std::string_view own_host)
{
  std::string host = sigv4::to_lower(host_without_port(host_header));
  if(host.empty() || is_ip_literal(host) || host == "localhost" || host == own_host)
    return {};
  size_t first_dot = host.find('.');
  if(first_dot == std::string::npos || is_s3_service_label(host.substr(0, first_dot)))
    return {};

  const std::string local_suffix = ".localhost";
  if(host.size() > local_suffix.size() &&
     host.compare(host.size() - local_suffix.size(), local_suffix.size(), local_suffix) == 0)
    return host.substr(0, host.size() - local_suffix.size());

  // The bucket ends where the S3 service label begins.
  for(size_t dot = host.find('.'); dot != std::string::npos; dot = host.find('.', dot + 1)) {
    size_t next = host.find('.', dot + 1);
    std::string_view label = std::string_view(host).substr(
        dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
    if(is_s3_service_label(label))
      return host.substr(0, dot);
  }
  return host.substr(0, first_dot);
}

S3Address resolve_address(std::string_view host, std::string_view wire_path,
                          std::string_view own_host)
{
  S3Address address;
  std::string path = sigv4::uri_decode(wire_path);
  std::string_view rest = path;
  if(!rest.empty() && rest.front() == '/')
    rest.remove_prefix(1);

  address.bucket = bucket_from_host(host, own_host);
  if(!address.bucket.empty()) {
    address.virtual_hosted = true;
    address.key = std::string(rest);
    return address;
  }
  size_t slash = rest.find('/');
  address.bucket = std::string(rest.substr(0, slash));
  if(slash != std::string_view::npos)
    address.key = std::string(rest.substr(slash + 1));
  return address;
}

}  // namespace tracestrip::checkpoint
