#include "tracestrip/sigv4_evidence.h"

#include "tracestrip/text.h"

namespace tracestrip {

CurlSigv4Setting parse_curl_sigv4_setting(std::string_view setting) {
  // curl reads it with sscanf("%[^:]:%[^:]:%[^:]:%s"): an empty field ends
  // the reading, and what was not read comes from the host.
  CurlSigv4Setting parsed;
  size_t index = 0;
  bool ended = false;
  for_each_list_entry(setting, ':', [&](std::string_view part) {
    if(ended || part.empty()) {
      ended = true;
      return;
    }
    if(index == 2)
      parsed.region = std::string(part);
    else if(index == 3)
      parsed.service = to_lower(part.substr(0, part.find_first_of(" \t")));
    ++index;
  });
  return parsed;
}

namespace {

// The service of a credential scope "AKID/date[/region]/service/aws4_request".
std::string_view scope_service(std::string_view credential) {
  size_t last = credential.rfind('/');
  if(last == std::string_view::npos || last == 0 || credential.substr(last + 1) != "aws4_request")
    return {};
  size_t before = credential.rfind('/', last - 1);
  if(before == std::string_view::npos)
    return {};
  if(credential.substr(0, before).find('/') == std::string_view::npos)
    return {};  // needs at least key and date in front of the service
  return credential.substr(before + 1, last - before - 1);
}

bool take_algorithm(std::string_view* value) {
  for(std::string_view algorithm : {std::string_view("AWS4-HMAC-SHA256"), std::string_view("AWS4-ECDSA-P256-SHA256")}) {
    if(istarts_with(*value, algorithm) && value->size() > algorithm.size() &&
       ((*value)[algorithm.size()] == ' ' || (*value)[algorithm.size()] == '\t')) {
      value->remove_prefix(algorithm.size());
      return true;
    }
  }
  return false;
}

template <typename Fn>
void for_each_key_value(std::string_view text, char separator, Fn fn) {
  for_each_list_entry(text, separator, [&](std::string_view item) {
    size_t equals = item.find('=');
    if(equals != std::string_view::npos)
      fn(trim_blanks(item.substr(0, equals)), trim_blanks(item.substr(equals + 1)));
  });
}

int hex_value(char c) {
  if(c >= '0' && c <= '9')
    return c - '0';
  c = ascii_lower(c);
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

}  // namespace

std::optional<Sigv4Authorization> parse_sigv4_authorization(std::string_view value) {
  value = trim_blanks(value);
  if(!take_algorithm(&value))
    return std::nullopt;
  Sigv4Authorization parsed;
  bool has_credential = false;
  for_each_key_value(value, ',', [&](std::string_view key, std::string_view item) {
    if(key == "Credential") {
      parsed.service = scope_service(item);
      has_credential = true;
    }
    else if(key == "SignedHeaders") {
      for_each_list_entry(item, ';', [&](std::string_view name) {
        if(!name.empty())
          parsed.signed_headers.push_back(name);
      });
    }
  });
  if(!has_credential)
    return std::nullopt;
  return parsed;
}

std::string percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for(size_t i = 0; i < text.size(); ++i) {
    if(text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    }
    else {
      decoded.push_back(text[i]);
    }
  }
  return decoded;
}

std::optional<PresignedQuery> parse_presigned_query(std::string_view query) {
  PresignedQuery parsed;
  bool presigned = false;
  for_each_key_value(query, '&', [&](std::string_view key, std::string_view item) {
    if(iequals(key, "X-Amz-Credential")) {
      presigned = true;
      parsed.service = to_lower(scope_service(percent_decode(item)));
    }
    else if(iequals(key, "X-Amz-Signature")) {
      presigned = true;
    }
    else if(iequals(key, "X-Amz-SignedHeaders")) {
      for_each_list_entry(percent_decode(item), ';', [&](std::string_view name) {
        if(!name.empty())
          parsed.signed_headers.push_back(to_lower(name));
      });
    }
  });
  if(!presigned)
    return std::nullopt;
  return parsed;
}

}  // namespace tracestrip
