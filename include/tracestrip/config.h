// tracestrip's settings, read once from the environment.
#pragma once

#include <string>
#include <vector>

#include "tracestrip/host_patterns.h"
#include "tracestrip/tracing_headers.h"

namespace tracestrip {

enum class Mode { Strip, Report, Off };
enum class Scope { S3, Sigv4 };
enum class LogKind { Off, Stderr, File };

struct Config {
  Mode mode = Mode::Strip;
  Scope scope = Scope::S3;
  LogKind log_kind = LogKind::Off;
  std::string log_path;
  LogKind report_kind = LogKind::Off;  // TRACESTRIP_REPORT: off, stderr (a table) or a path (JSON lines)
  std::string report_path;
  TracingHeaderRules headers = TracingHeaderRules::builtin();
  std::vector<HostPattern> hosts;
  // One line per malformed setting, naming the variable and the bad entry.
  std::vector<std::string> problems;
};

using EnvLookup = const char* (*)(const char* name, void* context);

// Reads TRACESTRIP_MODE, _SCOPE, _LOG, _REPORT, _HEADERS, _KEEP and _HOSTS through
// `lookup`. A malformed entry is reported in `problems` and skipped; the rest applies.
Config parse_config(EnvLookup lookup, void* context);

// Built-in defaults only: strip, S3 scope, built-in rules, no log.
Config default_config();

const char* mode_name(Mode mode);

// The effective settings, one "name: value" line each, for --print-config.
std::string describe_config(const Config& config);

}  // namespace tracestrip
