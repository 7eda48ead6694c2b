#include "s3_errors.h"

#include "tracestrip/sigv4/amz_date.h"

namespace tracestrip::checkpoint {

using sigv4::Verdict;

namespace {

S3Error signature_mismatch(const sigv4::Verification &verification)
{
  S3Error error = make_error(403, "SignatureDoesNotMatch", verification.message);
  const sigv4::Authorization &auth = *verification.authorization;
  error.details = {{"AWSAccessKeyId", auth.access_key_id},
                   {"StringToSign", verification.string_to_sign},
                   {"SignatureProvided", auth.signature},
                   {"StringToSignBytes", spaced_hex(verification.string_to_sign)},
                   {"CanonicalRequest", verification.canonical_request},
                   {"CanonicalRequestBytes", spaced_hex(verification.canonical_request)}};
  return error;
}

std::string joined(const std::vector<std::string> &names)
{
  std::string text;
  for(const std::string &name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

S3Error make_error(int status, std::string code, std::string message)
{
  return S3Error{status, std::move(code), std::move(message), {}};
}

S3Error error_for(const sigv4::Verification &verification, std::time_t now)
{
  switch(verification.verdict) {
  case Verdict::kMissingAuthorization:
    return make_error(403, "AccessDenied", "Access Denied");
  case Verdict::kMalformedAuthorization:
    if(verification.presigned)
      return make_error(400, "AuthorizationQueryParametersError", verification.message);
    return make_error(400, "AuthorizationHeaderMalformed",
                      "The authorization header is malformed; " + verification.message);
  case Verdict::kExpired:
    return make_error(403, "AccessDenied", verification.message);
  case Verdict::kUnknownAccessKey: {
    S3Error error = make_error(403, "InvalidAccessKeyId", verification.message);
    error.details = {{"AWSAccessKeyId", verification.authorization->access_key_id}};
    return error;
  }
  case Verdict::kMissingContentSha256:
    return make_error(400, "InvalidRequest", verification.message);
  case Verdict::kInvalidContentSha256:
    return make_error(400, "InvalidArgument", verification.message);
  case Verdict::kMissingDate:
    return make_error(403, "AccessDenied", verification.message);
  case Verdict::kRequestTimeTooSkewed: {
    S3Error error = make_error(403, "RequestTimeTooSkewed", verification.message);
    error.details = {{"ServerTime", sigv4::format_amz_date(now)},
                     {"MaxAllowedSkewMilliseconds", "900000"}};
    return error;
  }
  case Verdict::kHeadersNotSigned: {
    // S3's own wording; the names follow in their own element.
    S3Error error = make_error(403, "AccessDenied",
                               "There were headers present in the request which were not signed");
    error.details = {{"HeadersNotSigned", joined(verification.unsigned_amz_headers)}};
    return error;
  }
  case Verdict::kSignatureDoesNotMatch:
    return signature_mismatch(verification);
  case Verdict::kContentSha256Mismatch:
    return make_error(400, "XAmzContentSHA256Mismatch", verification.message);
  case Verdict::kOk:
    break;
  }
  return make_error(500, "InternalError", "verification passed but was reported as an error");
}

std::string xml_escape(const std::string &text)
{
  std::string escaped;
  escaped.reserve(text.size());
  for(char c : text) {
    switch(c) {
    case '&': escaped += "&amp;"; break;
    case '<': escaped += "&lt;"; break;
    case '>': escaped += "&gt;"; break;
    case '"': escaped += "&quot;"; break;
    case '\'': escaped += "&apos;"; break;
    default: escaped += c;
    }
  }
  return escaped;
}

std::string spaced_hex(const std::string &bytes)
{
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for(unsigned char byte : bytes) {
    if(!hex.empty())
      hex += ' ';
    hex += digits[byte >> 4];
    hex += digits[byte & 0x0f];
  }
  return hex;
}

std::string error_xml(const S3Error &error, const std::string &resource,
                      const std::string &request_id)
{
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" +
                    xml_escape(error.code) + "</Code><Message>" + xml_escape(error.message) +
                    "</Message>";
  for(const auto &[element, text] : error.details)
    xml += "<" + element + ">" + xml_escape(text) + "</" + element + ">";
  xml += "<Resource>" + xml_escape(resource) + "</Resource><RequestId>" + xml_escape(request_id) +
         "</RequestId></Error>";
  return xml;
}

}  // namespace tracestrip::checkpoint
