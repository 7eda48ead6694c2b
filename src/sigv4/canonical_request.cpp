#include "tracestrip/sigv4/canonical_request.h"

#include <algorithm>
#include <utility>

#include "tracestrip/sigv4/uri.h"

namespace tracestrip::sigv4 {

namespace {

bool is_blank(char c)
{
  // Folded header lines reach us with their line breaks: treat them as
  // blanks so that "value1\n  value2" canonicalises to "value1 value2".
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

using QueryPair = std::pair<std::string, std::string>;

std::vector<QueryPair> encoded_query_pairs(std::string_view query)
{
  std::vector<QueryPair> pairs;
  size_t start = 0;
  while(start <= query.size()) {
    size_t amp = query.find('&', start);
    if(amp == std::string_view::npos)
      amp = query.size();
    std::string_view item = query.substr(start, amp - start);
    if(!item.empty()) {
      size_t equals = item.find('=');
      std::string_view name = item.substr(0, equals);
      std::string_view value =
          equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1);
      // Decode first so that an already encoded name is not encoded twice.
      pairs.emplace_back(uri_encode(uri_decode(name), false),
                         uri_encode(uri_decode(value), false));
    }
    start = amp + 1;
  }
  return pairs;
}

}  // namespace

std::string canonical_uri(std::string_view wire_path, const PathRules &rules)
{
  std::string path = wire_path.empty() ? std::string("/") : std::string(wire_path);
  if(rules.normalize)
    path = normalize_path(path);
  if(rules.double_encode)
    return uri_encode(path, true);
  return uri_encode(uri_decode(path), true);
}

std::string canonical_query(std::string_view wire_query)
{
  std::vector<QueryPair> pairs = encoded_query_pairs(wire_query);
  std::sort(pairs.begin(), pairs.end());
  std::string canonical;
  for(const QueryPair &pair : pairs) {
    if(!canonical.empty())
      canonical += '&';
    canonical += pair.first;
    canonical += '=';
    canonical += pair.second;
  }
  return canonical;
}

std::string canonical_header_value(std::string_view value)
{
  std::string canonical;
  bool pending_blank = false;
  for(char c : value) {
    if(is_blank(c)) {
      pending_blank = !canonical.empty();
      continue;
    }
    if(pending_blank)
      canonical += ' ';
    pending_blank = false;
    canonical += c;
  }
  return canonical;
}

std::vector<std::string> header_names(const HeaderList &headers)
{
  std::vector<std::string> names;
  for(const Header &header : headers)
    names.push_back(to_lower(header.name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string join_signed_headers(const std::vector<std::string> &names)
{
  std::string joined;
  for(const std::string &name : names) {
    if(!joined.empty())
      joined += ';';
    joined += name;
  }
  return joined;
}

std::string canonical_headers(const HeaderList &headers,
                              const std::vector<std::string> &signed_names)
{
  std::string canonical;
  for(const std::string &name : signed_names) {
    canonical += name;
    canonical += ':';
    bool first = true;
    for(const Header &header : headers) {
      if(!iequals(header.name, name))
        continue;
      if(!first)
        canonical += ',';
      canonical += canonical_header_value(header.value);
      first = false;
    }
    canonical += '\n';
  }
  return canonical;
}

std::string canonical_request(const CanonicalRequestInput &input)
{
  std::string_view query = input.query_override.value_or(input.request.query);
  std::string canonical;
  canonical += input.request.method;
  canonical += '\n';
  canonical += canonical_uri(input.request.path, input.path_rules);
  canonical += '\n';
  canonical += canonical_query(query);
  canonical += '\n';
  canonical += canonical_headers(input.request.headers, input.signed_names);
  canonical += '\n';
  canonical += join_signed_headers(input.signed_names);
  canonical += '\n';
  canonical += input.payload_hash;
  return canonical;
}

}  // namespace tracestrip::sigv4
