// The two time formats SigV4 uses: "20150830T123600Z" and "20150830".
#ifndef TRACESTRIP_SIGV4_AMZ_DATE_H
#define TRACESTRIP_SIGV4_AMZ_DATE_H

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace tracestrip::sigv4 {

std::string format_amz_date(std::time_t when);      // 20150830T123600Z
std::string format_scope_date(std::time_t when);    // 20150830

// Strict "YYYYMMDDTHHMMSSZ"; nullopt when anything is off.
std::optional<std::time_t> parse_amz_date(std::string_view text);

// "2015-08-30T12:36:00Z" (ISO 8601, UTC), as in the AWS test vectors.
std::optional<std::time_t> parse_iso8601(std::string_view text);

}  // namespace tracestrip::sigv4

#endif
