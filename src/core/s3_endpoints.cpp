#include "tracestrip/s3_endpoints.h"

#include <array>

namespace tracestrip {

const std::vector<std::string_view>& aws_partition_suffixes() {
  static const std::vector<std::string_view> suffixes = {
      "amazonaws.com", "amazonaws.com.cn", "amazonaws.eu",   "c2s.ic.gov",
      "sc2s.sgov.gov", "cloud.adc-e.uk",   "csp.hci.ic.gov",
  };
  return suffixes;
}

namespace {

bool is_lower_alpha(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Strips ".<partition suffix>" from host; returns false when no partition matches.
bool strip_partition(std::string_view host, std::string_view* rest) {
  for(std::string_view suffix : aws_partition_suffixes()) {
    if(host.size() > suffix.size() + 1 && host.substr(host.size() - suffix.size()) == suffix &&
       host[host.size() - suffix.size() - 1] == '.') {
      *rest = host.substr(0, host.size() - suffix.size() - 1);
      return true;
    }
  }
  return false;
}

// Splits into at most 64 labels; returns 0 for an empty label (".." or a leading dot).
size_t split_labels(std::string_view name, std::array<std::string_view, 64>* labels) {
  size_t count = 0;
  size_t start = 0;
  while(count < labels->size()) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if(label.empty())
      return 0;
    (*labels)[count++] = label;
    if(dot == std::string_view::npos)
      return count;
    start = dot + 1;
  }
  return 0;  // more labels than any S3 endpoint has
}

bool is_service_label(std::string_view label, std::string_view previous) {
  static constexpr std::array<std::string_view, 9> exact = {
      "s3",          "s3-external-1", "s3-accelerate", "s3-accesspoint", "s3-object-lambda",
      "s3-outposts", "s3-control",    "s3-website",    "s3-fips",
  };
  for(std::string_view name : exact) {
    if(label == name)
      return true;
  }
  if(label == "s3-global")
    return previous == "accesspoint";  // multi-region access points
  if(starts_with(label, "s3express-"))
    return label.size() > 10;
  // Legacy forms carrying the region in the label: s3-us-west-2, s3-website-eu-west-1, s3-fips-us-gov-west-1.
  for(std::string_view prefix :
      {std::string_view("s3-website-"), std::string_view("s3-fips-"), std::string_view("s3-")}) {
    if(starts_with(label, prefix) && looks_like_region(label.substr(prefix.size())))
      return true;
  }
  return false;
}

// After the service label only these may follow: a region, "dualstack", and
// for interface endpoints a final "vpce".
bool is_valid_tail(const std::array<std::string_view, 64>& labels, size_t from, size_t count) {
  bool seen_region = false;
  bool seen_dualstack = false;
  for(size_t i = from; i < count; ++i) {
    std::string_view label = labels[i];
    if(label == "dualstack" && !seen_dualstack)
      seen_dualstack = true;
    else if(looks_like_region(label) && !seen_region)
      seen_region = true;
    else if(label == "vpce" && i + 1 == count && seen_region)
      continue;
    else
      return false;
  }
  return true;
}

}  // namespace

bool looks_like_region(std::string_view label) {
  // letters{2,4} ( "-" letters+ )+ "-" digits+
  size_t i = 0;
  while(i < label.size() && is_lower_alpha(label[i]))
    ++i;
  if(i < 2 || i > 4)
    return false;
  size_t words = 0;
  while(i < label.size() && label[i] == '-') {
    size_t start = ++i;
    while(i < label.size() && is_lower_alpha(label[i]))
      ++i;
    if(i == start)
      break;
    ++words;
  }
  if(words == 0 || i >= label.size() || !is_digit(label[i]) || label[i - 1] != '-')
    return false;
  while(i < label.size() && is_digit(label[i]))
    ++i;
  return i == label.size();
}

bool is_aws_s3_host(std::string_view host) {
  std::string_view rest;
  if(!strip_partition(host, &rest))
    return false;
  std::array<std::string_view, 64> labels{};
  size_t count = split_labels(rest, &labels);
  for(size_t i = 0; i < count; ++i) {
    std::string_view previous = i > 0 ? labels[i - 1] : std::string_view();
    if(is_service_label(labels[i], previous) && is_valid_tail(labels, i + 1, count))
      return true;
  }
  return false;
}

}  // namespace tracestrip
