#include "naming.h"

#include <cstdio>
#include <random>

namespace uploader {

std::string random_uuid()
{
  std::random_device device;
  unsigned char bytes[16];
  for(unsigned char &b : bytes)
    b = static_cast<unsigned char>(device() & 0xff);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40); /* version 4 */
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return out;
}

std::string object_key(const std::string &original_name, std::time_t now)
{
  struct tm utc;
  gmtime_r(&now, &utc);
  char date[32];
  std::snprintf(date, sizeof(date), "%04d/%02d/%02d", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday);
  return std::string("files/") + date + "/" + random_uuid() + "_" + original_name;
}

std::string base_name(const std::string &path)
{
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string guess_content_type(const std::string &file_name)
{
  static const struct {
    const char *extension;
    const char *type;
  } known[] = {
    {"png", "image/png"},        {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},        {"webp", "image/webp"},       {"svg", "image/svg+xml"},
    {"txt", "text/plain"},       {"html", "text/html"},        {"css", "text/css"},
    {"csv", "text/csv"},         {"json", "application/json"}, {"xml", "application/xml"},
    {"pdf", "application/pdf"},  {"zip", "application/zip"},   {"gz", "application/gzip"},
    {"mp4", "video/mp4"},        {"mp3", "audio/mpeg"},
  };
  size_t dot = file_name.find_last_of('.');
  if(dot != std::string::npos && file_name.find('/', dot) == std::string::npos) {
    std::string ext = file_name.substr(dot + 1);
    for(char &c : ext)
      if(c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
    for(const auto &k : known)
      if(ext == k.extension)
        return k.type;
  }
  return "application/octet-stream";
}

std::string encode_path(const std::string &path)
{
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for(unsigned char c : path) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if(keep)
      out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    }
  }
  return out;
}

std::string authority_of(const std::string &url)
{
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

} // namespace uploader
