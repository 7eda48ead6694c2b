// Verifying a received request the way S3 does: parse Authorization (or
// the presigned query), look up the secret, check date skew or expiry,
// payload hash and that every x-amz-* header is signed, then recompute
// the signature from what arrived.
#ifndef TRACESTRIP_SIGV4_VERIFIER_H
#define TRACESTRIP_SIGV4_VERIFIER_H

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/sigv4/authorization.h"
#include "tracestrip/sigv4/canonical_request.h"
#include "tracestrip/sigv4/request.h"

namespace tracestrip::sigv4 {

enum class Verdict {
  kOk,
  kMissingAuthorization,      // no Authorization header
  kMalformedAuthorization,    // unparsable, wrong region/service/date
  kUnknownAccessKey,          // lookup found no secret
  kMissingContentSha256,      // S3 requires x-amz-content-sha256
  kInvalidContentSha256,      // not hex-64, UNSIGNED-PAYLOAD or STREAMING-*
  kMissingDate,               // no parsable x-amz-date
  kRequestTimeTooSkewed,      // more than max_skew from now
  kHeadersNotSigned,          // an x-amz-* header outside SignedHeaders
  kSignatureDoesNotMatch,
  kContentSha256Mismatch,     // body does not hash to x-amz-content-sha256
  kExpired,                   // presigned URL past X-Amz-Date + X-Amz-Expires
};

// Stable name of a verdict ("SignatureDoesNotMatch"-like, for logs).
std::string_view verdict_name(Verdict verdict);

// Returns the secret for an access key id, or nullopt when unknown.
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

struct VerifyOptions {
  std::string service = "s3";
  std::string region;              // empty: accept the region the client names
  PathRules path_rules = PathRules::s3();
  long max_skew_seconds = 15 * 60;
  std::time_t now = 0;             // 0: the current time
  bool require_content_sha256 = true;
  bool require_amz_headers_signed = true;
};

struct VerifyInput {
  const HttpRequest &request;      // headers in arrival order
  // Hex SHA-256 of the body that actually arrived; nullopt skips the
  // payload check (for a verifier that never sees the body).
  std::optional<std::string> body_sha256;
};

struct Verification {
  Verdict verdict = Verdict::kOk;
  bool presigned = false;          // signature came in the query string
  std::string message;             // human explanation
  std::optional<Authorization> authorization;
  std::vector<std::string> unsigned_amz_headers;  // for kHeadersNotSigned
  // Filled once the signature was computed (also on a mismatch).
  std::string canonical_request;
  std::string string_to_sign;
  std::string expected_signature;

  bool ok() const { return verdict == Verdict::kOk; }
};

// Header signatures (Authorization) and presigned URLs (X-Amz-Signature
// in the query; the payload hash is UNSIGNED-PAYLOAD unless the request
// carries x-amz-content-sha256).
Verification verify_request(const VerifyInput &input, const SecretLookup &lookup,
                            const VerifyOptions &options);

}  // namespace tracestrip::sigv4

#endif
