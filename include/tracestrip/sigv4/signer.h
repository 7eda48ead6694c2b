// Steps 2-4 of SigV4 (string to sign, signing key, signature) and the two
// ways to attach a signature: Authorization header or presigned query.
#ifndef TRACESTRIP_SIGV4_SIGNER_H
#define TRACESTRIP_SIGV4_SIGNER_H

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/sigv4/canonical_request.h"
#include "tracestrip/sigv4/request.h"

namespace tracestrip::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string: the payload hash of a request without body.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when the keys are long-term
};

// "20150830/us-east-1/s3/aws4_request"
struct CredentialScope {
  std::string date;     // YYYYMMDD
  std::string region;
  std::string service;

  std::string to_string() const;
};

// AWS4-HMAC-SHA256 \n amz-date \n scope \n hex(sha256(canonical request))
std::string string_to_sign(std::string_view amz_date, const CredentialScope &scope,
                           std::string_view canonical_request);

// HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request".
std::string signing_key(std::string_view secret_access_key, const CredentialScope &scope);

// Lower-case hex HMAC of the string to sign under the signing key.
std::string signature(std::string_view signing_key, std::string_view string_to_sign);

// Headers the signer never signs because proxies, agents or the HTTP stack
// itself may add, drop or rewrite them (the list aws-c-auth uses).
const std::vector<std::string> &default_unsigned_headers();

struct SigningConfig {
  Credentials credentials;
  std::string region;
  std::string service;
  std::time_t time = 0;
  PathRules path_rules;
  // Hex SHA-256 of the body, kUnsignedPayload, or kEmptyPayloadHash.
  std::string payload_hash = std::string(kEmptyPayloadHash);
  // Adds (and signs) x-amz-content-sha256: payload_hash. S3 requires it.
  bool add_content_sha256_header = false;
  // Attaches the session token after signing, for services that want it
  // outside the signature (the "sts-header-after" vector).
  bool omit_session_token = false;
  std::vector<std::string> unsigned_headers = default_unsigned_headers();
  long expires_seconds = 3600;  // presigning only
};

// What signing computed, kept so that tests and error reports can show
// every intermediate step.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string signed_headers;   // "host;x-amz-date"
  std::string authorization;    // header signing: the Authorization value
  std::string presigned_query;  // query signing: the full new query
};

// Signs request in place: removes any old Authorization / X-Amz-Date /
// X-Amz-Security-Token, adds X-Amz-Date (and the token and
// x-amz-content-sha256 as configured) and an Authorization header.
SigningResult sign_request(HttpRequest &request, const SigningConfig &config);

// Presigns request: its query gains X-Amz-Algorithm, -Credential, -Date,
// -Expires, -SignedHeaders (and -Security-Token) and finally
// X-Amz-Signature. Headers are signed but not changed.
SigningResult presign_request(HttpRequest &request, const SigningConfig &config);

}  // namespace tracestrip::sigv4

#endif
