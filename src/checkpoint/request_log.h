// What the checkpoint prints per request: enough to see what left the
// client process, never a secret.
#ifndef TRACESTRIP_CHECKPOINT_REQUEST_LOG_H
#define TRACESTRIP_CHECKPOINT_REQUEST_LOG_H

#include <string>
#include <string_view>
#include <vector>

#include "tracestrip/sigv4/request.h"

namespace tracestrip::checkpoint {

// Headers whose values are credentials: printed as <hidden>.
bool is_secret_header(std::string_view name);

struct LogEntry {
  const sigv4::HttpRequest &request;
  int status;
  std::string_view verdict;                 // "OK", "SignatureDoesNotMatch", ...
  std::string_view operation;               // "PutObject", "" when refused
  const std::vector<std::string> &signed_headers;  // from Authorization, may be empty
  std::string_view reason;                  // why it failed; empty when OK
};

// Two lines (three on failure), each ending in '\n':
//   PUT /b/k?x=1 -> 200 OK PutObject  signed: host;x-amz-date
//     headers: Host=127.0.0.1:9000 | traceparent*=00-... | Authorization=<hidden>
//     why: ...
// A '*' marks a header covered by the signature.
std::string format_log_entry(const LogEntry &entry);

}  // namespace tracestrip::checkpoint

#endif
