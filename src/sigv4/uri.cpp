#include "tracestrip/sigv4/uri.h"

#include <vector>

namespace tracestrip::sigv4 {

namespace {

bool is_unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if(c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> split_segments(std::string_view path)
{
  std::vector<std::string_view> segments;
  size_t start = 0;
  while(start <= path.size()) {
    size_t slash = path.find('/', start);
    if(slash == std::string_view::npos)
      slash = path.size();
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash)
{
  static const char digits[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for(unsigned char c : text) {
    if(is_unreserved(c) || (keep_slash && c == '/')) {
      encoded += static_cast<char>(c);
    }
    else {
      encoded += '%';
      encoded += digits[c >> 4];
      encoded += digits[c & 0x0f];
    }
  }
  return encoded;
}

std::string uri_decode(std::string_view text)
{
  std::string decoded;
  decoded.reserve(text.size());
  for(size_t i = 0; i < text.size(); ++i) {
    if(text[i] == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if(high >= 0 && low >= 0) {
        decoded += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    decoded += text[i];
  }
  return decoded;
}

std::string normalize_path(std::string_view path)
{
  // RFC 3986 remove_dot_segments, and empty segments dropped as well:
  // aws-c-auth turns "//example//" into "/example/".
  std::vector<std::string_view> kept;
  for(std::string_view segment : split_segments(path)) {
    if(segment.empty() || segment == ".")
      continue;
    if(segment == "..") {
      if(!kept.empty())
        kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  std::string normalized;
  for(std::string_view segment : kept) {
    normalized += '/';
    normalized += segment;
  }
  // A path that ended in a directory ("/a/", "/a/.", "/a/..") keeps its
  // trailing slash.
  size_t last_slash = path.rfind('/');
  std::string_view last = last_slash == std::string_view::npos ? path : path.substr(last_slash + 1);
  bool ends_as_directory = last.empty() || last == "." || last == "..";
  if(normalized.empty() || ends_as_directory)
    normalized += '/';
  return normalized;
}

}  // namespace tracestrip::sigv4
