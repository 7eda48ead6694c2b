// Checks run in the order S3 reports them: who you are, what you sent,
// when you sent it, which headers you covered, and only then the maths.
#include "tracestrip/sigv4/verifier.h"

#include <algorithm>
#include <cstdlib>

#include "tracestrip/sigv4/amz_date.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/signer.h"
#include "tracestrip/sigv4/uri.h"

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
  case Verdict::kExpired: return "Expired";
  }
  return "Unknown";
}

namespace {

// Checks shared by header and query signatures, once the claimed
// Authorization is known: scope, key, x-amz-* coverage, then the signature
// recomputed from what arrived.
struct Claim {
  Authorization auth;
  std::string amz_date;
  std::string payload_hash;
  std::string canonical_query_source;  // the wire query minus X-Amz-Signature
  bool presigned = false;
};

std::optional<Verification> check_scope(Verification &result, const Authorization &auth,
                                        const VerifyOptions &options)
{
  if(auth.scope.service != options.service)
    return fail(result, Verdict::kMalformedAuthorization,
                "the service '" + auth.scope.service + "' is wrong; expecting '" +
                    options.service + "'");
  if(!options.region.empty() && auth.scope.region != options.region)
    return fail(result, Verdict::kMalformedAuthorization,
                "the region '" + auth.scope.region + "' is wrong; expecting '" + options.region +
                    "'");
  return std::nullopt;
}

Verification check_signature(Verification result, const HttpRequest &request, const Claim &claim,
                             const std::string &secret, const VerifyOptions &options)
{
  const Authorization &auth = claim.auth;
  if(claim.amz_date.substr(0, 8) != auth.scope.date)
    return fail(result, Verdict::kMalformedAuthorization,
                "the credential date '" + auth.scope.date + "' does not match the request date '" +
                    claim.amz_date + "'");

  std::vector<std::string> signed_names = sorted_unique(auth.signed_headers);
  if(options.require_amz_headers_signed) {
    result.unsigned_amz_headers = unsigned_amz_headers(request, signed_names);
    if(!result.unsigned_amz_headers.empty())
      return fail(result, Verdict::kHeadersNotSigned,
                  "There were headers present in the request which were not signed: " +
                      join(result.unsigned_amz_headers));
  }

  CanonicalRequestInput input{request, signed_names, claim.payload_hash, options.path_rules};
  if(claim.presigned)
    input.query_override = claim.canonical_query_source;
  result.canonical_request = canonical_request(input);
  result.string_to_sign = string_to_sign(claim.amz_date, auth.scope, result.canonical_request);
  result.expected_signature = signature(signing_key(secret, auth.scope), result.string_to_sign);
  if(!constant_time_equal(result.expected_signature, auth.signature))
    return fail(result, Verdict::kSignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you "
                "provided. Check your key and signing method.");
  return result;
}

struct QueryParam {
  std::string raw;      // "X-Amz-Date=20150830T123600Z" as sent
  std::string name;     // decoded
  std::string value;    // decoded
};

std::vector<QueryParam> split_query(std::string_view query)
{
  std::vector<QueryParam> params;
  size_t start = 0;
  while(start <= query.size()) {
    size_t amp = query.find('&', start);
    if(amp == std::string_view::npos)
      amp = query.size();
    std::string_view item = query.substr(start, amp - start);
    if(!item.empty()) {
      size_t equals = item.find('=');
      params.push_back({std::string(item), uri_decode(item.substr(0, equals)),
                        equals == std::string_view::npos ? std::string()
                                                         : uri_decode(item.substr(equals + 1))});
    }
    start = amp + 1;
  }
  return params;
}

std::optional<std::string> param(const std::vector<QueryParam> &params, std::string_view name)
{
  for(const QueryParam &item : params) {
    if(item.name == name)
      return item.value;
  }
  return std::nullopt;
}

bool is_presigned(const HttpRequest &request)
{
  return param(split_query(request.query), "X-Amz-Algorithm").has_value();
}

Verification verify_header_signature(const VerifyInput &input, const SecretLookup &lookup,
                                     const VerifyOptions &options, const std::string &header)
{
  const HttpRequest &request = input.request;
  Verification result;
  AuthorizationParse parsed = parse_authorization(header);
  if(!parsed.value)
    return fail(result, Verdict::kMalformedAuthorization, parsed.error);
  result.authorization = parsed.value;
  if(std::optional<Verification> failed = check_scope(result, *parsed.value, options))
    return *failed;

  std::optional<std::string> secret = lookup(parsed.value->access_key_id);
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

  // A service that does not require the header signs the empty payload.
  Claim claim{*parsed.value, *amz_date,
              content_sha256 ? *content_sha256 : std::string(kEmptyPayloadHash), {}, false};
  result = check_signature(result, request, claim, *secret, options);
  if(!result.ok())
    return result;

  if(input.body_sha256 && content_sha256 && is_hex64(*content_sha256) &&
     to_lower(*content_sha256) != to_lower(*input.body_sha256))
    return fail(result, Verdict::kContentSha256Mismatch,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
  return result;
}

// Presigned URL: the Authorization parts travel as X-Amz-* parameters and
// X-Amz-Expires replaces the skew window.
Verification verify_query_signature(const VerifyInput &input, const SecretLookup &lookup,
                                    const VerifyOptions &options)
{
  const HttpRequest &request = input.request;
  Verification result;
  result.presigned = true;
  std::vector<QueryParam> params = split_query(request.query);
  std::optional<std::string> algorithm = param(params, "X-Amz-Algorithm");
  std::optional<std::string> credential = param(params, "X-Amz-Credential");
  std::optional<std::string> amz_date = param(params, "X-Amz-Date");
  std::optional<std::string> expires = param(params, "X-Amz-Expires");
  std::optional<std::string> signed_headers = param(params, "X-Amz-SignedHeaders");
  std::optional<std::string> provided = param(params, "X-Amz-Signature");
  if(!algorithm || !credential || !amz_date || !expires || !signed_headers || !provided)
    return fail(result, Verdict::kMalformedAuthorization,
                "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, "
                "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  // The same grammar as the header, so the same parser checks it.
  AuthorizationParse parsed = parse_authorization(*algorithm + " Credential=" + *credential +
                                                  ", SignedHeaders=" + *signed_headers +
                                                  ", Signature=" + *provided);
  if(!parsed.value)
    return fail(result, Verdict::kMalformedAuthorization, parsed.error);
  result.authorization = parsed.value;
  if(std::optional<Verification> failed = check_scope(result, *parsed.value, options))
    return *failed;

  std::optional<std::string> secret = lookup(parsed.value->access_key_id);
  if(!secret)
    return fail(result, Verdict::kUnknownAccessKey,
                "The AWS Access Key Id you provided does not exist in our records.");

  std::optional<std::time_t> sent = parse_amz_date(*amz_date);
  char *end = nullptr;
  long lifetime = std::strtol(expires->c_str(), &end, 10);
  if(!sent || expires->empty() || *end != '\0' || lifetime < 1 || lifetime > 604800)
    return fail(result, Verdict::kMalformedAuthorization,
                "X-Amz-Date must be YYYYMMDDTHHMMSSZ and X-Amz-Expires 1 to 604800 seconds");
  std::time_t now = options.now ? options.now : std::time(nullptr);
  if(*sent - now > options.max_skew_seconds)
    return fail(result, Verdict::kRequestTimeTooSkewed,
                "The difference between the request time and the current time is too large.");
  if(now > *sent + lifetime)
    return fail(result, Verdict::kExpired, "Request has expired");

  std::string query;
  for(const QueryParam &item : params) {
    if(item.name == "X-Amz-Signature")
      continue;
    query += (query.empty() ? "" : "&") + item.raw;
  }
  std::optional<std::string> content_sha256 = find_header(request.headers, "x-amz-content-sha256");
  Claim claim{*parsed.value, *amz_date,
              content_sha256 ? *content_sha256 : std::string(kUnsignedPayload), query, true};
  return check_signature(result, request, claim, *secret, options);
}

}  // namespace

Verification verify_request(const VerifyInput &input, const SecretLookup &lookup,
                            const VerifyOptions &options)
{
  std::optional<std::string> header = find_header(input.request.headers, "Authorization");
  if(header)
    return verify_header_signature(input, lookup, options, *header);
  if(is_presigned(input.request))
    return verify_query_signature(input, lookup, options);
  Verification result;
  return fail(result, Verdict::kMissingAuthorization, "the request carries no Authorization");
}

}  // namespace tracestrip::sigv4
