#include "request_log.h"

#include <algorithm>

namespace tracestrip::checkpoint {

namespace {

bool is_signed(const std::vector<std::string> &signed_headers, const std::string &name)
{
  std::string lower = sigv4::to_lower(name);
  return std::find(signed_headers.begin(), signed_headers.end(), lower) != signed_headers.end();
}

// Keeps a log line on one line whatever a client put in a header value.
std::string printable(std::string_view value)
{
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for(unsigned char c : value) {
    if(c < 0x20 || c == 0x7f) {
      text += "\\x";
      text += digits[c >> 4];
      text += digits[c & 0x0f];
    }
    else {
      text += static_cast<char>(c);
    }
  }
  return text;
}

}  // namespace

bool is_secret_header(std::string_view name)
{
  static const char *const secrets[] = {
      "authorization", "proxy-authorization", "cookie", "set-cookie", "x-amz-security-token",
      "x-amz-server-side-encryption-customer-key",
      "x-amz-copy-source-server-side-encryption-customer-key"};
  return std::any_of(std::begin(secrets), std::end(secrets),
                     [name](const char *secret) { return sigv4::iequals(name, secret); });
}

std::string format_log_entry(const LogEntry &entry)
{
  const sigv4::HttpRequest &request = entry.request;
  std::string line = request.method + " " + printable(request.path);
  if(!request.query.empty())
    line += "?" + printable(request.query);
  line += " -> " + std::to_string(entry.status) + " " + std::string(entry.verdict);
  if(!entry.operation.empty())
    line += " " + std::string(entry.operation);
  if(!entry.signed_headers.empty()) {
    line += "  signed: ";
    for(size_t i = 0; i < entry.signed_headers.size(); ++i)
      line += (i ? ";" : "") + entry.signed_headers[i];
  }
  line += "\n  headers:";
  bool first = true;
  for(const sigv4::Header &header : request.headers) {
    line += first ? " " : " | ";
    first = false;
    line += printable(header.name);
    if(is_signed(entry.signed_headers, header.name))
      line += "*";
    line += "=";
    line += is_secret_header(header.name) ? std::string("<hidden>") : printable(header.value);
  }
  line += "\n";
  if(!entry.reason.empty())
    line += "  why: " + printable(entry.reason) + "\n";
  return line;
}

}  // namespace tracestrip::checkpoint
