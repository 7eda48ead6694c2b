// The Authorization header of a SigV4 request:
//   AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request,
//   SignedHeaders=host;x-amz-date, Signature=<64 hex>
#ifndef TRACESTRIP_SIGV4_AUTHORIZATION_H
#define TRACESTRIP_SIGV4_AUTHORIZATION_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/sigv4/signer.h"

namespace tracestrip::sigv4 {

struct Authorization {
  std::string access_key_id;
  CredentialScope scope;
  std::vector<std::string> signed_headers;  // as listed, lower-case
  std::string signature;                    // lower-case hex
};

std::string format_authorization(const Authorization &auth);

// Why a header did not parse, for AuthorizationHeaderMalformed messages.
struct AuthorizationParse {
  std::optional<Authorization> value;
  std::string error;  // empty on success
};

// Accepts the separators real clients send (", " or ","), in any order;
// rejects another algorithm, a scope without 4 parts ending aws4_request,
// a missing field and a signature that is not 64 hex digits.
AuthorizationParse parse_authorization(std::string_view header);

// True when the header claims SigV4 at all (starts with the algorithm).
bool is_sigv4_authorization(std::string_view header);

}  // namespace tracestrip::sigv4

#endif
