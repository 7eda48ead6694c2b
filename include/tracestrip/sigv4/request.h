// The parts of an HTTP request that SigV4 covers.
#ifndef TRACESTRIP_SIGV4_REQUEST_H
#define TRACESTRIP_SIGV4_REQUEST_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracestrip::sigv4 {

struct Header {
  std::string name;
  std::string value;
};

// Headers in arrival order; a name may repeat.
using HeaderList = std::vector<Header>;

struct HttpRequest {
  std::string method;   // "GET"
  std::string path;     // as on the wire, percent-encoded: "/bucket/a%20b"
  std::string query;    // as on the wire, without '?': "list-type=2&prefix=a"
  HeaderList headers;
};

// ASCII case-insensitive comparison, for header names.
bool iequals(std::string_view a, std::string_view b);

// ASCII lower-case copy.
std::string to_lower(std::string_view text);

// First value of the header called name (any case), if present.
std::optional<std::string> find_header(const HeaderList &headers, std::string_view name);

// Removes every header called name (any case); returns how many went.
std::size_t remove_header(HeaderList &headers, std::string_view name);

}  // namespace tracestrip::sigv4

#endif
