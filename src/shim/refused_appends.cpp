#include "refused_appends.h"

#include "runtime.h"

namespace tracestrip::shim {

namespace {

// Past this many names without a transfer, they are logged on their own.
constexpr size_t kMaxPending = 64;

thread_local std::vector<std::string> t_refused;

void log_alone(const std::vector<std::string>& names) {
  LogRecord record;
  record.action = "append-refused";
  record.refused.assign(names.begin(), names.end());
  record.note = "tracing header appended to a list the application had already signed";
  log_record(record);
}

}  // namespace

void note_refused_append(std::string_view name) {
  if(!log_enabled())
    return;
  t_refused.emplace_back(name);
  if(t_refused.size() >= kMaxPending)
    log_alone(take_refused_appends());
}

std::vector<std::string> take_refused_appends() {
  std::vector<std::string> taken;
  taken.swap(t_refused);
  return taken;
}

}  // namespace tracestrip::shim
