// Step 1 of SigV4: the canonical request.
//
//   METHOD \n canonical-uri \n canonical-query \n canonical-headers \n
//   signed-headers \n payload-hash
#ifndef TRACESTRIP_SIGV4_CANONICAL_REQUEST_H
#define TRACESTRIP_SIGV4_CANONICAL_REQUEST_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/sigv4/request.h"

namespace tracestrip::sigv4 {

// How the path becomes the canonical URI. Most AWS services normalise the
// path and encode the wire path once more ("double encoding"). S3 does
// neither: it signs the object key exactly, so "a//b/../c" is a key.
struct PathRules {
  bool normalize = true;       // drop "." / ".." / empty segments first
  bool double_encode = true;   // encode the wire path as it is (%20 -> %2520)

  static PathRules s3() { return PathRules{false, false}; }
};

// Canonical URI of a wire path. Without double encoding the path is
// decoded and re-encoded, so both "/a b" and "/a%20b" give "/a%20b".
std::string canonical_uri(std::string_view wire_path, const PathRules &rules);

// Canonical query: each name and value decoded then re-encoded, pairs
// sorted by name then value, "name=" for a name without a value.
std::string canonical_query(std::string_view wire_query);

// A header value as signed: outer blanks trimmed, inner runs of blanks
// (space, tab, folded line breaks) collapsed to one space.
std::string canonical_header_value(std::string_view value);

// Lower-case names of the headers, sorted, each once.
std::vector<std::string> header_names(const HeaderList &headers);

// "a;b;c" from names already lower-case and sorted.
std::string join_signed_headers(const std::vector<std::string> &names);

// "name:v1,v2\n" per signed name: repeated headers joined with ',' in
// arrival order. A signed name absent from the request gives "name:\n",
// which then fails to verify as it should.
std::string canonical_headers(const HeaderList &headers,
                              const std::vector<std::string> &signed_names);

struct CanonicalRequestInput {
  const HttpRequest &request;
  const std::vector<std::string> &signed_names;  // lower-case, sorted
  std::string_view payload_hash;   // hex SHA-256, or "UNSIGNED-PAYLOAD"
  PathRules path_rules;
  // Replaces request.query when the query itself carries the signature
  // parameters (presigning, or verifying without X-Amz-Signature).
  std::optional<std::string_view> query_override = std::nullopt;
};

std::string canonical_request(const CanonicalRequestInput &input);

}  // namespace tracestrip::sigv4

#endif
