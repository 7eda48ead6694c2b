#include "tracestrip/sigv4/signer.h"

#include <algorithm>

#include "tracestrip/sigv4/amz_date.h"
#include "tracestrip/sigv4/authorization.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/uri.h"

namespace tracestrip::sigv4 {

namespace {

CredentialScope scope_of(const SigningConfig &config)
{
  return CredentialScope{format_scope_date(config.time), config.region, config.service};
}

bool is_unsigned_name(const SigningConfig &config, std::string_view lower_name)
{
  return std::any_of(config.unsigned_headers.begin(), config.unsigned_headers.end(),
                     [lower_name](const std::string &skip) { return iequals(skip, lower_name); });
}

// The names the signer covers: every header present except the skip list.
std::vector<std::string> names_to_sign(const HttpRequest &request, const SigningConfig &config)
{
  std::vector<std::string> names;
  for(const std::string &name : header_names(request.headers)) {
    if(!is_unsigned_name(config, name))
      names.push_back(name);
  }
  return names;
}

// Runs steps 1-4 over a request whose headers and query are final.
SigningResult compute(const HttpRequest &request, const SigningConfig &config,
                      const std::vector<std::string> &signed_names,
                      std::optional<std::string_view> query)
{
  CredentialScope scope = scope_of(config);
  SigningResult result;
  result.signed_headers = join_signed_headers(signed_names);
  result.canonical_request = canonical_request(
      CanonicalRequestInput{request, signed_names, config.payload_hash, config.path_rules, query});
  result.string_to_sign =
      string_to_sign(format_amz_date(config.time), scope, result.canonical_request);
  result.signature = signature(signing_key(config.credentials.secret_access_key, scope),
                               result.string_to_sign);
  return result;
}

void append_param(std::string &query, std::string_view name, std::string_view value)
{
  if(!query.empty())
    query += '&';
  query += name;
  query += '=';
  query += uri_encode(value, false);
}

}  // namespace

std::string CredentialScope::to_string() const
{
  return date + "/" + region + "/" + service + "/aws4_request";
}

std::string string_to_sign(std::string_view amz_date, const CredentialScope &scope,
                           std::string_view canonical_request)
{
  std::string text(kAlgorithm);
  text += '\n';
  text += amz_date;
  text += '\n';
  text += scope.to_string();
  text += '\n';
  text += sha256_hex(canonical_request);
  return text;
}

std::string signing_key(std::string_view secret_access_key, const CredentialScope &scope)
{
  std::string key = hmac_sha256("AWS4" + std::string(secret_access_key), scope.date);
  key = hmac_sha256(key, scope.region);
  key = hmac_sha256(key, scope.service);
  return hmac_sha256(key, "aws4_request");
}

std::string signature(std::string_view signing_key, std::string_view string_to_sign)
{
  return hex_encode(hmac_sha256(signing_key, string_to_sign));
}

const std::vector<std::string> &default_unsigned_headers()
{
  static const std::vector<std::string> names = {
      "authorization", "connection",       "expect",           "proxy-authorization",
      "sec-websocket-key", "sec-websocket-protocol", "sec-websocket-version",
      "transfer-encoding", "upgrade",       "user-agent",       "x-amzn-trace-id"};
  return names;
}

SigningResult sign_request(HttpRequest &request, const SigningConfig &config)
{
  const Credentials &credentials = config.credentials;
  remove_header(request.headers, "Authorization");
  remove_header(request.headers, "X-Amz-Date");
  remove_header(request.headers, "X-Amz-Security-Token");
  if(config.add_content_sha256_header) {
    remove_header(request.headers, "x-amz-content-sha256");
    request.headers.push_back({"x-amz-content-sha256", config.payload_hash});
  }
  request.headers.push_back({"X-Amz-Date", format_amz_date(config.time)});
  bool token = !credentials.session_token.empty();
  if(token && !config.omit_session_token)
    request.headers.push_back({"X-Amz-Security-Token", credentials.session_token});

  std::vector<std::string> signed_names = names_to_sign(request, config);
  SigningResult result = compute(request, config, signed_names, std::nullopt);
  result.authorization = format_authorization(
      Authorization{credentials.access_key_id, scope_of(config), signed_names, result.signature});

  if(token && config.omit_session_token)
    request.headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  request.headers.push_back({"Authorization", result.authorization});
  return result;
}

SigningResult presign_request(HttpRequest &request, const SigningConfig &config)
{
  const Credentials &credentials = config.credentials;
  std::vector<std::string> signed_names = names_to_sign(request, config);
  std::string query = request.query;
  append_param(query, "X-Amz-Algorithm", kAlgorithm);
  append_param(query, "X-Amz-Credential",
               credentials.access_key_id + "/" + scope_of(config).to_string());
  append_param(query, "X-Amz-Date", format_amz_date(config.time));
  append_param(query, "X-Amz-Expires", std::to_string(config.expires_seconds));
  bool token = !credentials.session_token.empty();
  if(token && !config.omit_session_token)
    append_param(query, "X-Amz-Security-Token", credentials.session_token);
  append_param(query, "X-Amz-SignedHeaders", join_signed_headers(signed_names));

  SigningResult result = compute(request, config, signed_names, query);
  if(token && config.omit_session_token)
    append_param(query, "X-Amz-Security-Token", credentials.session_token);
  append_param(query, "X-Amz-Signature", result.signature);
  result.presigned_query = query;
  request.query = query;
  return result;
}

}  // namespace tracestrip::sigv4
