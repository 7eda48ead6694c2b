#include "tracestrip/host_patterns.h"

#include "tracestrip/text.h"

namespace tracestrip {

std::string HostPattern::spelling() const {
  std::string text = subdomains ? "*." + host : host;
  if(port != 0)
    text += ":" + std::to_string(port);
  return text;
}

std::string normalize_host(std::string_view host) {
  std::string normal = to_lower(host);
  if(!normal.empty() && normal.back() == '.')
    normal.pop_back();
  return normal;
}

namespace {

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool parse_port(std::string_view text, int* port) {
  if(text.empty() || text.size() > 5)
    return false;
  int value = 0;
  for(char c : text) {
    if(c < '0' || c > '9')
      return false;
    value = value * 10 + (c - '0');
  }
  if(value < 1 || value > 65535)
    return false;
  *port = value;
  return true;
}

// Splits "host[:port]" or "[v6][:port]"; returns false when malformed.
bool split_host_port(std::string_view entry, std::string_view* host, int* port) {
  *port = 0;
  if(!entry.empty() && entry.front() == '[') {
    size_t close = entry.find(']');
    if(close == std::string_view::npos || close == 1)
      return false;
    *host = entry.substr(0, close + 1);
    std::string_view rest = entry.substr(close + 1);
    if(rest.empty())
      return true;
    return rest.front() == ':' && parse_port(rest.substr(1), port);
  }
  size_t colon = entry.find(':');
  *host = entry.substr(0, colon);
  if(colon == std::string_view::npos)
    return true;
  return parse_port(entry.substr(colon + 1), port);
}

bool is_valid_name(std::string_view host) {
  if(host.empty())
    return false;
  if(host.front() == '[')
    return host.find_first_not_of("0123456789abcdef:.[]", 0) == std::string_view::npos;
  // Empty labels: a leading dot, "..", or a dot still trailing after
  // normalize_host took one ("a.." would keep "a.", found by fuzz_config).
  if(host.front() == '.' || host.back() == '.' || host.find("..") != std::string_view::npos)
    return false;
  for(char c : host) {
    if(!is_host_char(c))
      return false;
  }
  return true;
}

}  // namespace

std::optional<HostPattern> parse_host_pattern(std::string_view entry) {
  HostPattern pattern;
  std::string lower = to_lower(entry);
  std::string_view text = lower;
  if(text.substr(0, 2) == "*.") {
    pattern.subdomains = true;
    text.remove_prefix(2);
  }
  std::string_view host;
  if(!split_host_port(text, &host, &pattern.port))
    return std::nullopt;
  pattern.host = normalize_host(host);
  if(!is_valid_name(pattern.host) || (pattern.subdomains && pattern.host.front() == '['))
    return std::nullopt;
  return pattern;
}

bool host_pattern_matches(const HostPattern& pattern, std::string_view host, int port) {
  if(pattern.port != 0 && pattern.port != port)
    return false;
  if(!pattern.subdomains)
    return host == pattern.host;
  return host.size() > pattern.host.size() + 1 && host.substr(host.size() - pattern.host.size()) == pattern.host &&
         host[host.size() - pattern.host.size() - 1] == '.';
}

}  // namespace tracestrip
