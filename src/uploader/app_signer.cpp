#include "app_signer.h"

#include <ctime>

#include "naming.h"
#include "tracestrip/sigv4/amz_date.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/signer.h"

namespace sigv4 = tracestrip::sigv4;

namespace uploader {

namespace {

/* "Name: value" as curl sends it: the value without leading blanks. */
sigv4::Header split_header(const char *line)
{
  std::string text(line);
  size_t colon = text.find(':');
  sigv4::Header header;
  header.name = text.substr(0, colon);
  if(colon != std::string::npos) {
    size_t start = text.find_first_not_of(" \t", colon + 1);
    header.value = start == std::string::npos ? std::string() : text.substr(start);
  }
  return header;
}

} // namespace

bool app_signing_available()
{
  return true;
}

std::string payload_sha256(const std::string &body)
{
  return sigv4::sha256_hex(body);
}

struct curl_slist *sign_header_list(struct curl_slist *list, const Options &options,
                                    const std::string &method, const std::string &path,
                                    const std::string &payload_hash, std::string &error)
{
  std::time_t now = std::time(nullptr);
  const std::string lines[] = {
    "x-amz-content-sha256: " + payload_hash,
    "x-amz-date: " + sigv4::format_amz_date(now),
    "host: " + authority_of(options.endpoint),
  };
  for(const std::string &line : lines) {
    struct curl_slist *grown = curl_slist_append(list, line.c_str());
    if(!grown) {
      error = "out of memory building the header list";
      curl_slist_free_all(list);
      return nullptr;
    }
    list = grown;
  }

  /* Sign what the list holds, all of it: this program trusts its list. */
  sigv4::HttpRequest request;
  request.method = method;
  request.path = path;
  for(const struct curl_slist *node = list; node; node = node->next)
    request.headers.push_back(split_header(node->data));

  sigv4::SigningConfig config;
  config.credentials.access_key_id = options.access_key;
  config.credentials.secret_access_key = options.secret_key;
  config.region = options.region;
  config.service = "s3";
  config.time = now;
  config.path_rules = sigv4::PathRules::s3();
  config.payload_hash = payload_hash;
  config.unsigned_headers.clear();
  sigv4::SigningResult result = sigv4::sign_request(request, config);

  std::string authorization = "Authorization: " + result.authorization;
  struct curl_slist *grown = curl_slist_append(list, authorization.c_str());
  if(!grown) {
    error = "out of memory building the header list";
    curl_slist_free_all(list);
    return nullptr;
  }
  return grown;
}

} // namespace uploader
