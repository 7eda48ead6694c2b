// SigV4 canonicalisation (src/sigv4): URI encoding and decoding, path
// normalisation, canonical URI / query / header values / headers and the
// canonical request. Invariants: decode(encode(x)) == x; encoded text holds
// only unreserved bytes and %XX; normalisation is idempotent; canonical
// header values have no outer or doubled blanks.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/sigv4/canonical_request.h"
#include "tracestrip/sigv4/uri.h"

using namespace tracestrip::sigv4;

namespace {

bool encoded_ok(std::string_view text, bool keep_slash) {
  for(size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
    if(unreserved)
      continue;
    if(c != '%' || i + 2 >= text.size() + 0 || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
       !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      return false;
    i += 2;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Field split: path \n query \n header-name \n header-value \n ...
  std::vector<std::string_view> fields;
  size_t start = 0;
  while(start <= text.size() && fields.size() < 64) {
    size_t end = text.find('\n', start);
    if(end == std::string_view::npos)
      end = text.size();
    fields.push_back(text.substr(start, end - start));
    start = end + 1;
  }

  for(bool keep_slash : {false, true}) {
    std::string encoded = uri_encode(text, keep_slash);
    if(!encoded_ok(encoded, keep_slash) || uri_decode(encoded) != text)
      std::abort();
  }
  (void)uri_decode(text);
  std::string normalized = normalize_path(text);
  if(normalize_path(normalized) != normalized)
    std::abort();

  std::string value = canonical_header_value(text);
  if(!value.empty() && (value.front() == ' ' || value.back() == ' ' || value.find("  ") != std::string::npos))
    std::abort();

  HttpRequest request;
  request.method = "PUT";
  request.path = std::string(fields[0]);
  if(fields.size() > 1)
    request.query = std::string(fields[1]);
  for(size_t i = 2; i + 1 < fields.size(); i += 2)
    request.headers.push_back(Header{std::string(fields[i]), std::string(fields[i + 1])});
  (void)canonical_uri(request.path, PathRules{});
  (void)canonical_uri(request.path, PathRules::s3());
  std::string query = canonical_query(request.query);
  if(canonical_query(query) != query)
    std::abort();  // canonical form is a fixed point
  std::vector<std::string> names = header_names(request.headers);
  for(size_t i = 1; i < names.size(); ++i) {
    if(!(names[i - 1] < names[i]))
      std::abort();  // sorted, each once
  }
  (void)join_signed_headers(names);
  (void)canonical_headers(request.headers, names);
  CanonicalRequestInput input{request, names, "UNSIGNED-PAYLOAD", PathRules::s3()};
  (void)canonical_request(input);
  return 0;
}
