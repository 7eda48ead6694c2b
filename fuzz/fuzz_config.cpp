// Configuration parsing: the input is split at NUL bytes into the values of
// TRACESTRIP_MODE, _SCOPE, _LOG, _HEADERS, _KEEP and _HOSTS. Whatever the
// values, parsing ends, built-in rules stay, every problem line is printable
// and names its variable, and a parsed pattern re-parses from its spelling.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tracestrip/config.h"

using namespace tracestrip;

namespace {

struct Values {
  std::vector<std::string> parts;
};

const char* const kNames[] = {"TRACESTRIP_MODE",    "TRACESTRIP_SCOPE", "TRACESTRIP_LOG",
                              "TRACESTRIP_HEADERS", "TRACESTRIP_KEEP",  "TRACESTRIP_HOSTS"};

const char* lookup(const char* name, void* context) {
  auto* values = static_cast<Values*>(context);
  for(size_t i = 0; i < 6; ++i) {
    if(std::strcmp(name, kNames[i]) == 0)
      return i < values->parts.size() ? values->parts[i].c_str() : nullptr;
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Values values;
  std::string current;
  for(size_t i = 0; i < size; ++i) {
    if(data[i] == 0) {
      values.parts.push_back(current);
      current.clear();
    }
    else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  values.parts.push_back(current);
  Config config = parse_config(lookup, &values);
  // Built-in rules survive any TRACESTRIP_HEADERS; only TRACESTRIP_KEEP narrows them.
  if(!config.headers.tracing().matches("traceparent"))
    std::abort();
  for(const std::string& problem : config.problems) {
    bool named = false;
    for(const char* name : kNames)
      named = named || problem.rfind(name, 0) == 0;
    if(!named || problem.size() > 512)
      std::abort();
    for(char c : problem) {
      if(static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        std::abort();  // diagnostics never carry control bytes to stderr
    }
  }
  for(const HostPattern& pattern : config.hosts) {
    std::optional<HostPattern> again = parse_host_pattern(pattern.spelling());
    if(!again || again->host != pattern.host || again->port != pattern.port || again->subdomains != pattern.subdomains)
      std::abort();
  }
  for(const NamePattern& pattern : config.headers.tracing().patterns()) {
    std::optional<NamePattern> again = parse_name_pattern(pattern.spelling());
    if(!again || again->text != pattern.text || again->is_prefix != pattern.is_prefix)
      std::abort();
  }
  if(config.log_kind == LogKind::File && config.log_path.find('/') == std::string::npos)
    std::abort();
  (void)mode_name(config.mode);
  return 0;
}
