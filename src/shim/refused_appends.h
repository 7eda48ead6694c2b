// Tracing headers whose curl_slist_append tracestrip refused, held per thread
// until the next transfer committed on that thread, so that the log has one
// line per request rather than one per refused header.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tracestrip::shim {

void note_refused_append(std::string_view name);

// Takes what this thread noted since the last call.
std::vector<std::string> take_refused_appends();

}  // namespace tracestrip::shim
