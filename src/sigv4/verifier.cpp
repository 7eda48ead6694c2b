// Checks run in the order S3 reports them: who you are, what you sent,
// when you sent it, which headers you covered, and only then the maths.
#include "tracestrip/sigv4/verifier.h"

#include <algorithm>
#include <cstdlib>

#include "tracestrip/sigv4/amz_date.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/signer.h"

namespace tracestrip::sigv4 {

namespace {

Verification fail(Verification result, Verdict verdict, std::string message)
{
  result.verdict = verdict;
  result.message = std::move(message);
  return result;
}

bool is_hex64(std::string_view text)
{
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

bool starts_with(std::string_view text, std::string_view prefix)
{
  return text.substr(0, prefix.size()) == prefix;
}

// Payload hashes a client may declare instead of the body's own hash.
bool is_declared_payload_kind(std::string_view value)
{
  return value == kUnsignedPayload || starts_with(value, "STREAMING-");
}

std::vector<std::string> sorted_unique(std::vector<std::string> names)
{
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// x-amz-* headers that arrived but are not covered by the signature. S3
// refuses them because they change what the request means.
std::vector<std::string> unsigned_amz_headers(const HttpRequest &request,
                                              const std::vector<std::string> &signed_names)
{
  std::vector<std::string> missing;
  for(const std::string &name : header_names(request.headers)) {
    if(starts_with(name, "x-amz-") &&
       !std::binary_search(signed_names.begin(), signed_names.end(), name))
      missing.push_back(name);
  }
  return missing;
}

std::string join(const std::vector<std::string> &names)
{
  std::string joined;
  for(const std::string &name : names)
    joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

}  // namespace

std::string_view verdict_name(Verdict verdict)
{
  switch(verdict) {
  case Verdict::kOk: return "OK";
  case Verdict::kMissingAuthorization: return "MissingAuthorization";
  case Verdict::kMalformedAuthorization: return "AuthorizationHeaderMalformed";
  case Verdict::kUnknownAccessKey: return "InvalidAccessKeyId";
  case Verdict::kMissingContentSha256: return "MissingContentSha256";
  case Verdict::kInvalidContentSha256: return "InvalidContentSha256";
  case Verdict::kMissingDate: return "MissingDate";
  case Verdict::kRequestTimeTooSkewed: return "RequestTimeTooSkewed";
  case Verdict::kHeadersNotSigned: return "HeadersNotSigned";
  case Verdict::kSignatureDoesNotMatch: return "SignatureDoesNotMatch";
  case Verdict::kContentSha256Mismatch: return "XAmzContentSHA256Mismatch";
  }
  return "Unknown";
}

Verification verify_request(const VerifyInput &input, const SecretLookup &lookup,
                            const VerifyOptions &options)
{
  const HttpRequest &request = input.request;
  Verification result;

  std::optional<std::string> header = find_header(request.headers, "Authorization");
  if(!header)
    return fail(result, Verdict::kMissingAuthorization, "the request carries no Authorization");
  AuthorizationParse parsed = parse_authorization(*header);
  if(!parsed.value)
    return fail(result, Verdict::kMalformedAuthorization, parsed.error);
  result.authorization = parsed.value;
  const Authorization &auth = *parsed.value;

  if(auth.scope.service != options.service)
    return fail(result, Verdict::kMalformedAuthorization,
                "the service '" + auth.scope.service + "' is wrong; expecting '" +
                    options.service + "'");
  if(!options.region.empty() && auth.scope.region != options.region)
    return fail(result, Verdict::kMalformedAuthorization,
                "the region '" + auth.scope.region + "' is wrong; expecting '" + options.region +
                    "'");

  std::optional<std::string> secret = lookup(auth.access_key_id);
  if(!secret)
    return fail(result, Verdict::kUnknownAccessKey,
                "The AWS Access Key Id you provided does not exist in our records.");

  std::optional<std::string> content_sha256 = find_header(request.headers, "x-amz-content-sha256");
  if(options.require_content_sha256 && !content_sha256)
    return fail(result, Verdict::kMissingContentSha256,
                "Missing required header for this request: x-amz-content-sha256");
  if(content_sha256 && !is_declared_payload_kind(*content_sha256) && !is_hex64(*content_sha256))
    return fail(result, Verdict::kInvalidContentSha256,
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-..., or a valid "
                "sha256 value.");

  std::optional<std::string> amz_date = find_header(request.headers, "x-amz-date");
  std::optional<std::time_t> sent = amz_date ? parse_amz_date(*amz_date) : std::nullopt;
  if(!sent)
    return fail(result, Verdict::kMissingDate,
                "AWS authentication requires a valid Date or x-amz-date header");
  std::time_t now = options.now ? options.now : std::time(nullptr);
  if(std::labs(static_cast<long>(now - *sent)) > options.max_skew_seconds)
    return fail(result, Verdict::kRequestTimeTooSkewed,
                "The difference between the request time and the current time is too large.");
  if(amz_date->substr(0, 8) != auth.scope.date)
    return fail(result, Verdict::kMalformedAuthorization,
                "the credential date '" + auth.scope.date + "' does not match x-amz-date '" +
                    *amz_date + "'");

  std::vector<std::string> signed_names = sorted_unique(auth.signed_headers);
  if(options.require_amz_headers_signed) {
    result.unsigned_amz_headers = unsigned_amz_headers(request, signed_names);
    if(!result.unsigned_amz_headers.empty())
      return fail(result, Verdict::kHeadersNotSigned,
                  "There were headers present in the request which were not signed: " +
                      join(result.unsigned_amz_headers));
  }

  // A service that does not require the header signs the empty payload.
  std::string payload_hash =
      content_sha256 ? *content_sha256 : std::string(kEmptyPayloadHash);
  result.canonical_request = canonical_request(
      CanonicalRequestInput{request, signed_names, payload_hash, options.path_rules});
  result.string_to_sign = string_to_sign(*amz_date, auth.scope, result.canonical_request);
  result.expected_signature = signature(signing_key(*secret, auth.scope), result.string_to_sign);
  if(!constant_time_equal(result.expected_signature, auth.signature))
    return fail(result, Verdict::kSignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you "
                "provided. Check your key and signing method.");

  if(input.body_sha256 && content_sha256 && is_hex64(*content_sha256) &&
     to_lower(*content_sha256) != to_lower(*input.body_sha256))
    return fail(result, Verdict::kContentSha256Mismatch,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
  return result;
}

}  // namespace tracestrip::sigv4
