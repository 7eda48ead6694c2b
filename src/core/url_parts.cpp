#include "tracestrip/url_parts.h"

#include <cstdlib>

#include "tracestrip/host_patterns.h"

namespace tracestrip {

namespace {

// Copies one part out of a CURLU handle; false when curl has no such part.
bool get_part(const CurlUrlApi& api, CURLU* handle, CURLUPart what, unsigned int flags, std::string* out) {
  char* part = nullptr;
  CURLUcode result = api.get(handle, what, &part, flags);
  // curl 7.88 can hand out a part together with an error (failed IDN
  // conversion): free it whatever the result.
  bool found = result == CURLUE_OK && part;
  if(found)
    out->assign(part);
  if(part)
    api.free(part);
  return found;
}

UrlParts read_parts(const CurlUrlApi& api, CURLU* handle) {
  UrlParts parts;
  std::string host;
  // An IDN host is compared in its punycode form; without IDN support curl refuses, so ask again plainly.
  if(!get_part(api, handle, CURLUPART_HOST, CURLU_PUNYCODE, &host) && !get_part(api, handle, CURLUPART_HOST, 0, &host))
    return parts;
  parts.host = normalize_host(host);
  std::string port;
  if(get_part(api, handle, CURLUPART_PORT, CURLU_DEFAULT_PORT, &port))
    parts.port = static_cast<int>(std::strtol(port.c_str(), nullptr, 10));  // curl hands out digits only
  get_part(api, handle, CURLUPART_QUERY, 0, &parts.query);
  parts.valid = true;
  return parts;
}

}  // namespace

UrlParts parse_url(const CurlUrlApi& api, const char* url) {
  if(!api.complete() || !url)
    return {};
  CURLU* handle = api.create();
  if(!handle)
    return {};
  UrlParts parts;
  if(api.set(handle, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK)
    parts = read_parts(api, handle);
  api.cleanup(handle);
  return parts;
}

UrlParts read_curlu(const CurlUrlApi& api, CURLU* handle) {
  if(!api.complete() || !handle)
    return {};
  return read_parts(api, handle);
}

}  // namespace tracestrip
