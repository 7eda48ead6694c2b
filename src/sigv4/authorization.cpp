#include "tracestrip/sigv4/authorization.h"

#include <algorithm>

#include "tracestrip/sigv4/request.h"

namespace tracestrip::sigv4 {

namespace {

std::string_view trim(std::string_view text)
{
  while(!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while(!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string> split(std::string_view text, char separator)
{
  std::vector<std::string> parts;
  size_t start = 0;
  while(start <= text.size()) {
    size_t end = text.find(separator, start);
    if(end == std::string_view::npos)
      end = text.size();
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_lower_hex64(std::string_view text)
{
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

AuthorizationParse failure(std::string message)
{
  return AuthorizationParse{std::nullopt, std::move(message)};
}

}  // namespace

bool is_sigv4_authorization(std::string_view header)
{
  header = trim(header);
  return header.size() > kAlgorithm.size() && header.substr(0, kAlgorithm.size()) == kAlgorithm &&
         (header[kAlgorithm.size()] == ' ' || header[kAlgorithm.size()] == '\t');
}

std::string format_authorization(const Authorization &auth)
{
  return std::string(kAlgorithm) + " Credential=" + auth.access_key_id + "/" +
         auth.scope.to_string() + ", SignedHeaders=" + join_signed_headers(auth.signed_headers) +
         ", Signature=" + auth.signature;
}

AuthorizationParse parse_authorization(std::string_view header)
{
  if(!is_sigv4_authorization(header))
    return failure("the authorization mechanism is not AWS4-HMAC-SHA256");
  header = trim(trim(header).substr(kAlgorithm.size()));

  std::string credential, signed_headers, signature_hex;
  bool have_credential = false, have_signed = false, have_signature = false;
  for(const std::string &raw_field : split(header, ',')) {
    std::string_view field = trim(raw_field);
    size_t equals = field.find('=');
    if(equals == std::string_view::npos)
      return failure("the authorization header is malformed: '" + std::string(field) + "'");
    std::string_view name = field.substr(0, equals);
    std::string_view value = field.substr(equals + 1);
    if(name == "Credential") {
      credential = value;
      have_credential = true;
    }
    else if(name == "SignedHeaders") {
      signed_headers = value;
      have_signed = true;
    }
    else if(name == "Signature") {
      signature_hex = value;
      have_signature = true;
    }
    else {
      return failure("unknown authorization field '" + std::string(name) + "'");
    }
  }
  if(!have_credential || !have_signed || !have_signature)
    return failure("the authorization header needs Credential, SignedHeaders and Signature");

  // The access key id cannot hold '/', so the last four parts are the scope.
  std::vector<std::string> parts = split(credential, '/');
  if(parts.size() != 5 || parts[0].empty() || parts[1].size() != 8 || parts[2].empty() ||
     parts[3].empty() || parts[4] != "aws4_request")
    return failure("the Credential is not AKID/YYYYMMDD/region/service/aws4_request: '" +
                   credential + "'");
  if(!is_lower_hex64(signature_hex))
    return failure("the Signature is not 64 lower-case hex digits");

  Authorization auth;
  auth.access_key_id = parts[0];
  auth.scope = CredentialScope{parts[1], parts[2], parts[3]};
  auth.signed_headers = split(signed_headers, ';');
  if(std::any_of(auth.signed_headers.begin(), auth.signed_headers.end(),
                 [](const std::string &name) { return name.empty() || name != to_lower(name); }))
    return failure("SignedHeaders must be lower-case names separated by ';'");
  auth.signature = signature_hex;
  return AuthorizationParse{std::move(auth), {}};
}

}  // namespace tracestrip::sigv4
