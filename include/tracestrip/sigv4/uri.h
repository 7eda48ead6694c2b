// Percent-encoding and path normalisation as SigV4 defines them (RFC 3986
// unreserved characters stay literal, everything else becomes %XX upper-case).
#ifndef TRACESTRIP_SIGV4_URI_H
#define TRACESTRIP_SIGV4_URI_H

#include <string>
#include <string_view>

namespace tracestrip::sigv4 {

// Encodes every byte except A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash).
std::string uri_encode(std::string_view text, bool keep_slash);

// Decodes %XX escapes; a '%' not followed by two hex digits stays literal.
// '+' stays '+': SigV4 does not treat it as a space.
std::string uri_decode(std::string_view text);

// Removes "." and ".." segments and empty segments ("//"), keeping a
// trailing slash, as aws-c-auth does for services that normalise paths.
std::string normalize_path(std::string_view path);

}  // namespace tracestrip::sigv4

#endif
