#include "tracestrip/report_book.h"

#include <cstdio>

#include "tracestrip/log_record.h"
#include "tracestrip/text.h"

namespace tracestrip {

void ReportBook::record(const RequestObservation& request) {
  HostTally& host = hosts_[std::string(request.host)];
  ++host.requests;
  // A host counts as S3-bound, and signed, if any of its requests was.
  if(request.s3_bound && !host.s3_bound) {
    host.s3_bound = true;
    host.reason = std::string(request.reason);
  }
  host.sigv4 = host.sigv4 || request.sigv4;
  for(const ObservedHeader& header : request.tracing_headers) {
    HeaderTally& tally = host.headers[to_lower(header.name)];
    ++tally.seen;
    tally.removed += header.removed ? 1 : 0;
    tally.signed_by_application = tally.signed_by_application || header.signed_by_application;
    if(!header.added_by.empty())
      tally.added_by.emplace(header.added_by);
  }
}

namespace {

std::string quoted(std::string_view text) { return "\"" + json_escape(text) + "\""; }

const char* boolean(bool value) { return value ? "true" : "false"; }

}  // namespace

std::string ReportBook::json_line(long pid, std::string_view program, std::string_view mode) const {
  std::string line = "{\"tracestrip_report\":1,\"pid\":" + std::to_string(pid) + ",\"program\":" + quoted(program) +
                     ",\"mode\":" + quoted(mode) + ",\"hosts\":[";
  bool first_host = true;
  for(const auto& [name, host] : hosts_) {
    line += first_host ? "" : ",";
    first_host = false;
    line += "{\"host\":" + quoted(name) + ",\"requests\":" + std::to_string(host.requests) +
            ",\"s3_bound\":" + boolean(host.s3_bound) +
            ",\"reason\":" + quoted(host.s3_bound ? host.reason : "not-s3") + ",\"sigv4\":" + boolean(host.sigv4) +
            ",\"tracing_headers\":[";
    bool first_header = true;
    for(const auto& [header_name, tally] : host.headers) {
      line += first_header ? "" : ",";
      first_header = false;
      line += "{\"name\":" + quoted(header_name) + ",\"seen\":" + std::to_string(tally.seen) +
              ",\"removed\":" + std::to_string(tally.removed) +
              ",\"sent\":" + std::to_string(tally.seen - tally.removed) +
              ",\"signed_by_application\":" + boolean(tally.signed_by_application) + ",\"added_by\":[";
      bool first_origin = true;
      for(const std::string& origin : tally.added_by) {
        line += (first_origin ? "" : ",") + quoted(origin);
        first_origin = false;
      }
      line += "]}";
    }
    line += "]}";
  }
  line += "]}\n";
  return line;
}

std::string ReportBook::table(long pid, std::string_view program, std::string_view mode) const {
  std::string text = "tracestrip report for " + std::string(program) + " (pid " + std::to_string(pid) + ", mode " +
                     std::string(mode) + ")\n";
  if(hosts_.empty())
    return text + "  no curl requests seen\n";
  char row[512];
  for(const auto& [name, host] : hosts_) {
    std::snprintf(row, sizeof row, "  %s: %llu request(s), %s%s\n", name.c_str(),
                  static_cast<unsigned long long>(host.requests), host.s3_bound ? "S3-bound" : "not S3",
                  host.sigv4 ? ", SigV4" : "");
    text += row;
    for(const auto& [header_name, tally] : host.headers) {
      std::string origins;
      for(const std::string& origin : tally.added_by)
        origins += (origins.empty() ? "" : ", ") + origin;
      std::snprintf(row, sizeof row, "    %-28s seen %llu, removed %llu, sent %llu%s  added by %s\n",
                    header_name.c_str(), static_cast<unsigned long long>(tally.seen),
                    static_cast<unsigned long long>(tally.removed),
                    static_cast<unsigned long long>(tally.seen - tally.removed),
                    tally.signed_by_application ? " (signed by the application)" : "",
                    origins.empty() ? "unknown" : origins.c_str());
      text += row;
    }
  }
  return text;
}

}  // namespace tracestrip
