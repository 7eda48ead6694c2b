#include "tracestrip/config.h"

#include "tracestrip/text.h"

namespace tracestrip {

namespace {

constexpr size_t kMaxEntryLength = 255;

// Quotes a bad entry for a diagnostic: clipped, control bytes shown as '?'.
std::string quote_entry(std::string_view entry) {
  std::string quoted = "'";
  for(size_t i = 0; i < entry.size() && i < 64; ++i) {
    unsigned char c = static_cast<unsigned char>(entry[i]);
    quoted.push_back(c < 0x20 || c == 0x7f ? '?' : entry[i]);
  }
  if(entry.size() > 64)
    quoted += "...";
  return quoted + "'";
}

std::string problem(const char* variable, std::string_view entry, const char* why) {
  return std::string(variable) + ": ignoring " + quote_entry(entry) + " (" + why + ")";
}

std::string_view lookup_value(EnvLookup lookup, void* context, const char* name) {
  const char* value = lookup ? lookup(name, context) : nullptr;
  return value ? trim_blanks(value) : std::string_view();
}

void read_mode(std::string_view value, Config* config) {
  if(value.empty() || iequals(value, "strip"))
    config->mode = Mode::Strip;
  else if(iequals(value, "report"))
    config->mode = Mode::Report;
  else if(iequals(value, "off"))
    config->mode = Mode::Off;
  else
    config->problems.push_back(problem("TRACESTRIP_MODE", value, "expected strip, report or off; using strip"));
}

void read_scope(std::string_view value, Config* config) {
  if(value.empty() || iequals(value, "s3"))
    config->scope = Scope::S3;
  else if(iequals(value, "sigv4"))
    config->scope = Scope::Sigv4;
  else
    config->problems.push_back(problem("TRACESTRIP_SCOPE", value, "expected s3 or sigv4; using s3"));
}

// TRACESTRIP_LOG and TRACESTRIP_REPORT: off, stderr, or a path.
void read_destination(const char* variable, std::string_view value, LogKind* kind, std::string* path, Config* config) {
  if(value.empty() || iequals(value, "off")) {
    *kind = LogKind::Off;
  }
  else if(iequals(value, "stderr")) {
    *kind = LogKind::Stderr;
  }
  else if(value.find('/') != std::string_view::npos && value.size() <= 4096) {
    *kind = LogKind::File;
    *path = std::string(value);
  }
  else {
    config->problems.push_back(problem(variable, value, "expected off, stderr or a path containing '/'"));
  }
}

template <typename AddFn>
void read_name_patterns(const char* variable, std::string_view value, Config* config, AddFn add) {
  for_each_list_entry(value, ',', [&](std::string_view entry) {
    if(entry.empty())
      return;  // stray commas are harmless
    std::optional<NamePattern> pattern;
    if(entry.size() <= kMaxEntryLength)
      pattern = parse_name_pattern(entry);
    if(pattern)
      add(std::move(*pattern));
    else
      config->problems.push_back(problem(variable, entry, "not a header name or name* pattern"));
  });
}

void read_hosts(std::string_view value, Config* config) {
  for_each_list_entry(value, ',', [&](std::string_view entry) {
    if(entry.empty())
      return;
    std::optional<HostPattern> pattern;
    if(entry.size() <= kMaxEntryLength)
      pattern = parse_host_pattern(entry);
    if(pattern)
      config->hosts.push_back(std::move(*pattern));
    else
      config->problems.push_back(problem("TRACESTRIP_HOSTS", entry, "expected host, *.suffix or host:port"));
  });
}

}  // namespace

Config default_config() { return Config{}; }

Config parse_config(EnvLookup lookup, void* context) {
  Config config;
  read_mode(lookup_value(lookup, context, "TRACESTRIP_MODE"), &config);
  read_scope(lookup_value(lookup, context, "TRACESTRIP_SCOPE"), &config);
  read_destination("TRACESTRIP_LOG", lookup_value(lookup, context, "TRACESTRIP_LOG"), &config.log_kind,
                   &config.log_path, &config);
  read_destination("TRACESTRIP_REPORT", lookup_value(lookup, context, "TRACESTRIP_REPORT"), &config.report_kind,
                   &config.report_path, &config);
  read_name_patterns("TRACESTRIP_HEADERS", lookup_value(lookup, context, "TRACESTRIP_HEADERS"), &config,
                     [&](NamePattern pattern) { config.headers.add_tracing(std::move(pattern)); });
  read_name_patterns("TRACESTRIP_KEEP", lookup_value(lookup, context, "TRACESTRIP_KEEP"), &config,
                     [&](NamePattern pattern) { config.headers.add_keep(std::move(pattern)); });
  read_hosts(lookup_value(lookup, context, "TRACESTRIP_HOSTS"), &config);
  return config;
}

namespace {

std::string destination(LogKind kind, const std::string& path) {
  return kind == LogKind::Off ? "off" : kind == LogKind::Stderr ? "stderr" : path;
}

std::string pattern_list(const NamePatternSet& set) {
  std::string text;
  for(const NamePattern& pattern : set.patterns())
    text += (text.empty() ? "" : ",") + pattern.spelling();
  return text.empty() ? "(none)" : text;
}

}  // namespace

std::string describe_config(const Config& config) {
  std::string hosts;
  for(const HostPattern& pattern : config.hosts)
    hosts += (hosts.empty() ? "" : ",") + pattern.spelling();
  return std::string("mode: ") + mode_name(config.mode) + "\n" +
         "scope: " + (config.scope == Scope::S3 ? "s3" : "sigv4") + "\n" +
         "log: " + destination(config.log_kind, config.log_path) + "\n" +
         "report: " + destination(config.report_kind, config.report_path) + "\n" +
         "tracing headers: " + pattern_list(config.headers.tracing()) + "\n" +
         "kept headers: " + pattern_list(config.headers.keep()) + "\n" + "S3 hosts: built-in Amazon S3 endpoint forms" +
         (hosts.empty() ? "" : "," + hosts) + "\n";
}

const char* mode_name(Mode mode) {
  switch(mode) {
  case Mode::Strip:
    return "strip";
  case Mode::Report:
    return "report";
  case Mode::Off:
    return "off";
  }
  return "strip";
}

}  // namespace tracestrip
