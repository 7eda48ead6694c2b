// Process-wide settings and the log, both set up on first use: a shim may be
// called from another library's constructor, before anything of ours ran.
#pragma once

#include <string_view>

#include "tracestrip/config.h"
#include "tracestrip/log_record.h"

namespace tracestrip::shim {

// Read once. In a setuid/setgid process the environment is ignored and the
// built-in defaults apply.
const Config& config();

// Writes one JSON line to the configured log (nothing when the log is off).
void log_record(const LogRecord& record);
bool log_enabled();

// Writes all of `text` to `fd`, retrying short writes; gives up on an error.
void write_all(int fd, std::string_view text);

// One line on stderr, prefixed "tracestrip: ", for failures and warnings a
// user must see whatever the log setting. Each distinct `key` (a string
// literal) is said once. Allocates nothing, so it may report a failed allocation.
void warn_once(const char* key, const char* message) noexcept;

}  // namespace tracestrip::shim
