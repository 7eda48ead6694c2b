// The end-of-process report (TRACESTRIP_REPORT): per host, how many requests,
// whether they were S3-bound and signed, which tracing headers they carried,
// who added each one, and how many of them still went on the wire.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tracestrip {

struct ObservedHeader {
  std::string_view name;
  bool removed = false;                // taken off the wire by tracestrip
  bool signed_by_application = false;  // named in the application's SignedHeaders
  std::string_view added_by;           // the shared object (or program) that added it
};

struct RequestObservation {
  std::string_view host;
  bool s3_bound = false;
  std::string_view reason;  // bound_reason_name()
  bool sigv4 = false;
  std::vector<ObservedHeader> tracing_headers;
};

class ReportBook {
 public:
  void record(const RequestObservation& request);
  void clear() { hosts_.clear(); }
  bool empty() const { return hosts_.empty(); }

  // One JSON object, one line: {"tracestrip_report":1,"pid":...,"hosts":[...]}\n
  std::string json_line(long pid, std::string_view program, std::string_view mode) const;
  // The same as a short table for people.
  std::string table(long pid, std::string_view program, std::string_view mode) const;

 private:
  struct HeaderTally {
    uint64_t seen = 0;
    uint64_t removed = 0;
    bool signed_by_application = false;
    std::set<std::string> added_by;
  };
  struct HostTally {
    uint64_t requests = 0;
    bool s3_bound = false;
    std::string reason;
    bool sigv4 = false;
    std::map<std::string, HeaderTally> headers;  // lower-case name
  };
  std::map<std::string, HostTally> hosts_;
};

}  // namespace tracestrip
