// One JSON line per request tracestrip changed (or, in report mode, would
// change). Header names only — never a value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tracestrip {

struct LogRecord {
  std::string_view action;  // "strip", "report", "kept-signed", "append-refused", ...
  std::string_view host;
  std::string_view reason;                    // why the request counts as S3-bound
  std::vector<std::string_view> headers;      // header names acted on
  std::vector<std::string_view> kept_signed;  // tracing names left because signed
  std::vector<std::string_view> refused;      // tracing names whose append was refused
  std::string_view note;                      // free text for warnings, may be empty
};

// Renders {"time":...,"pid":...,"host":...,"action":...,"headers":[...]}\n.
std::string format_log_line(const LogRecord& record, long long unix_millis, long pid);

std::string json_escape(std::string_view text);

}  // namespace tracestrip
