// tracestrip/testing/gtest.h: run a program under tracestrip from a
// GoogleTest test and assert on what tracestrip saw. Header-only; needs
// C++17, POSIX and GoogleTest.
//
//   #include <tracestrip/testing/gtest.h>
//
//   TEST(Upload, NoTracingHeaderReachesS3) {
//     tracestrip::testing::Run run = tracestrip::testing::run_under_tracestrip({"./my-uploader", "--bucket", "b"});
//     ASSERT_EQ(run.exit_code, 0) << run.output;
//     EXPECT_NO_TRACING_HEADERS_TO_S3(run.report);
//     EXPECT_TRUE(tracestrip::testing::SawS3Requests(run.report));
//   }
//
// The program runs with TRACESTRIP_REPORT set to a fresh file; at exit the
// shim appends one JSON object per process to it:
//
//   {"tracestrip_report":1,"pid":1234,"program":"up","mode":"strip","hosts":[
//     {"host":"b.s3.us-east-1.amazonaws.com","requests":2,"s3_bound":true,"reason":"s3-endpoint","sigv4":true,
//      "tracing_headers":[{"name":"traceparent","seen":2,"removed":2,"sent":0,
//                          "signed_by_application":false,"added_by":["libdemoagent.so"]}]}]}
//
// "No tracing header reached an S3 host" means: a report was written, every
// line of it parsed, and for every host with s3_bound:true every tracing
// header has sent == 0. A missing report (the shim was not loaded, or the
// program never finished) is a failure, not a pass.
//
// Where tracestrip is found (first that is set):
//   Options::library / Options::launcher;
//   the environment: TRACESTRIP_TESTING_PRELOAD, TRACESTRIP_TESTING_LAUNCHER;
//   the macros of the same names (the CMake target tracestrip::testing
//   defines them to the installed paths);
//   otherwise "tracestrip-run" from PATH.
#pragma once

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tracestrip::testing {

// ---------------------------------------------------------------- the report

struct HeaderStats {
  std::string name;  // lower-cased
  long long seen = 0;
  long long removed = 0;
  long long sent = 0;
  bool signed_by_application = false;
  std::vector<std::string> added_by;  // shared objects (or the program) that added it
};

struct HostStats {
  std::string host;
  long long requests = 0;
  bool s3_bound = false;
  std::string reason;
  bool sigv4 = false;
  std::vector<HeaderStats> tracing_headers;
};

struct ProcessReport {
  long long pid = 0;
  std::string program;
  std::string mode;
  std::vector<HostStats> hosts;
};

struct Report {
  std::string path;
  bool found = false;                 // the file existed
  std::vector<ProcessReport> processes;
  std::vector<std::string> errors;    // lines that could not be read, with why

  // Every host entry, across processes.
  std::vector<const HostStats*> all_hosts() const {
    std::vector<const HostStats*> out;
    for (const ProcessReport& process : processes)
      for (const HostStats& host : process.hosts) out.push_back(&host);
    return out;
  }
};

namespace detail {

// A minimal JSON reader: enough for the report, strict about syntax, with a
// depth limit. Numbers are kept as doubles.
struct Json {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  const Json* get(std::string_view key) const {
    if (kind != Kind::object) return nullptr;
    for (const auto& [name, value] : object)
      if (name == key) return &value;
    return nullptr;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  bool parse(Json& out, std::string& error) {
    skip_space();
    if (!value(out, 0)) {
      error = error_.empty() ? "invalid JSON" : error_;
      error += " at offset " + std::to_string(pos_);
      return false;
    }
    skip_space();
    if (pos_ != text_.size()) {
      error = "trailing characters at offset " + std::to_string(pos_);
      return false;
    }
    return true;
  }

 private:
  bool fail(const char* why) {
    if (error_.empty()) error_ = why;
    return false;
  }
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail("unexpected token");
    pos_ += word.size();
    return true;
  }
  bool value(Json& out, int depth) {
    if (depth > 32) return fail("nested too deeply");
    if (pos_ >= text_.size()) return fail("unexpected end");
    switch (text_[pos_]) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': out.kind = Json::Kind::string; return string(out.string);
      case 't': out.kind = Json::Kind::boolean; out.boolean = true; return literal("true");
      case 'f': out.kind = Json::Kind::boolean; out.boolean = false; return literal("false");
      case 'n': out.kind = Json::Kind::null; return literal("null");
      default: return number(out);
    }
  }
  bool object(Json& out, int depth) {
    out.kind = Json::Kind::object;
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') { ++pos_; return true; }
    for (;;) {
      skip_space();
      std::string key;
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a key");
      if (!string(key)) return false;
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      skip_space();
      Json member;
      if (!value(member, depth + 1)) return false;
      out.object.emplace_back(std::move(key), std::move(member));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < text_.size() && text_[pos_] == '}') { ++pos_; return true; }
      return fail("expected ',' or '}'");
    }
  }
  bool array(Json& out, int depth) {
    out.kind = Json::Kind::array;
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') { ++pos_; return true; }
    for (;;) {
      skip_space();
      Json element;
      if (!value(element, depth + 1)) return false;
      out.array.push_back(std::move(element));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < text_.size() && text_[pos_] == ']') { ++pos_; return true; }
      return fail("expected ',' or ']'");
    }
  }
  static void put_utf8(std::string& out, unsigned long cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool hex4(unsigned long& out) {
    if (text_.size() - pos_ < 4) return fail("short \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      out <<= 4;
      if (c >= '0' && c <= '9') out |= static_cast<unsigned long>(c - '0');
      else if (c >= 'a' && c <= 'f') out |= static_cast<unsigned long>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= static_cast<unsigned long>(c - 'A' + 10);
      else return fail("bad \\u escape");
    }
    return true;
  }
  bool string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') { out += c; continue; }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned long cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            unsigned long low = 0;
            if (!hex4(low)) return false;
            if (low >= 0xDC00 && low < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            else { put_utf8(out, 0xFFFD); cp = low; }
          } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
          }
          put_utf8(out, cp);
          break;
        }
        default: return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }
  bool number(Json& out) {
    const size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    const size_t digits = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    if (pos_ == digits) return fail("unexpected token");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    }
    out.kind = Json::Kind::number;
    out.number = std::strtod(std::string(text_.substr(start, pos_ - start)).c_str(), nullptr);
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

inline bool take_string(const Json& object, const char* key, std::string& out) {
  const Json* value = object.get(key);
  if (!value || value->kind != Json::Kind::string) return false;
  out = value->string;
  return true;
}
inline bool take_count(const Json& object, const char* key, long long& out) {
  const Json* value = object.get(key);
  if (!value || value->kind != Json::Kind::number || value->number < 0) return false;
  out = static_cast<long long>(value->number);
  return true;
}
inline bool take_bool(const Json& object, const char* key, bool& out) {
  const Json* value = object.get(key);
  if (!value || value->kind != Json::Kind::boolean) return false;
  out = value->boolean;
  return true;
}

}  // namespace detail

// One line of the report. Fields the assertions depend on (host, s3_bound,
// name, sent) are required; the others are read when present. Unknown fields
// are ignored, so later report versions still read.
inline bool parse_report_line(std::string_view line, ProcessReport& out, std::string& error) {
  using detail::Json;
  Json root;
  if (!detail::JsonReader(line).parse(root, error)) return false;
  if (root.kind != Json::Kind::object) { error = "not a JSON object"; return false; }
  const Json* version = root.get("tracestrip_report");
  if (!version || version->kind != Json::Kind::number) { error = "no \"tracestrip_report\" field"; return false; }
  detail::take_count(root, "pid", out.pid);
  detail::take_string(root, "program", out.program);
  detail::take_string(root, "mode", out.mode);
  const Json* hosts = root.get("hosts");
  if (!hosts || hosts->kind != Json::Kind::array) { error = "no \"hosts\" array"; return false; }
  for (const Json& h : hosts->array) {
    HostStats host;
    if (h.kind != Json::Kind::object || !detail::take_string(h, "host", host.host) ||
        !detail::take_bool(h, "s3_bound", host.s3_bound)) {
      error = "a host entry without \"host\" or \"s3_bound\"";
      return false;
    }
    detail::take_count(h, "requests", host.requests);
    detail::take_string(h, "reason", host.reason);
    detail::take_bool(h, "sigv4", host.sigv4);
    if (const Json* headers = h.get("tracing_headers")) {
      if (headers->kind != Json::Kind::array) { error = "\"tracing_headers\" is not an array"; return false; }
      for (const Json& x : headers->array) {
        HeaderStats header;
        if (x.kind != Json::Kind::object || !detail::take_string(x, "name", header.name) ||
            !detail::take_count(x, "sent", header.sent)) {
          error = "a tracing header of " + host.host + " without \"name\" or \"sent\"";
          return false;
        }
        detail::take_count(x, "seen", header.seen);
        detail::take_count(x, "removed", header.removed);
        detail::take_bool(x, "signed_by_application", header.signed_by_application);
        if (const Json* by = x.get("added_by"); by && by->kind == Json::Kind::array)
          for (const Json& who : by->array)
            if (who.kind == Json::Kind::string) header.added_by.push_back(who.string);
        host.tracing_headers.push_back(std::move(header));
      }
    }
    out.hosts.push_back(std::move(host));
  }
  return true;
}

// Reads a JSON Lines report. Blank lines are skipped; a line that does not
// read (e.g. cut short by a crash) is recorded in Report::errors.
inline Report parse_report(std::istream& in, std::string path = {}) {
  Report report;
  report.path = std::move(path);
  report.found = true;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ProcessReport process;
    std::string error;
    if (parse_report_line(line, process, error))
      report.processes.push_back(std::move(process));
    else
      report.errors.push_back("line " + std::to_string(number) + ": " + error);
  }
  return report;
}

inline Report read_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    Report missing;
    missing.path = path;
    return missing;
  }
  return parse_report(in, path);
}

// ------------------------------------------------------------ the assertions

inline ::testing::AssertionResult NoTracingHeadersToS3(const Report& report) {
  if (!report.found)
    return ::testing::AssertionFailure()
           << "no tracestrip report at '" << report.path
           << "': was libtracestrip.so loaded (LD_PRELOAD), and did the program exit normally?";
  if (!report.errors.empty()) {
    auto failure = ::testing::AssertionFailure();
    failure << "unreadable tracestrip report '" << report.path << "':";
    for (const std::string& error : report.errors) failure << "\n  " << error;
    return failure;
  }
  if (report.processes.empty())
    return ::testing::AssertionFailure() << "tracestrip report '" << report.path << "' is empty";
  std::ostringstream leaks;
  for (const ProcessReport& process : report.processes) {
    for (const HostStats& host : process.hosts) {
      if (!host.s3_bound) continue;
      for (const HeaderStats& header : host.tracing_headers) {
        if (header.sent == 0) continue;
        leaks << "\n  " << header.name << " reached " << host.host << " " << header.sent << " time(s)"
              << " (pid " << process.pid << ", " << (process.program.empty() ? "?" : process.program)
              << ", mode " << (process.mode.empty() ? "?" : process.mode) << ", reason " << host.reason;
        if (header.signed_by_application) leaks << ", signed by the application";
        if (!header.added_by.empty()) {
          leaks << ", added by";
          for (const std::string& who : header.added_by) leaks << " " << who;
        }
        leaks << ")";
      }
    }
  }
  if (!leaks.str().empty())
    return ::testing::AssertionFailure() << "tracing headers reached S3 hosts:" << leaks.str();
  return ::testing::AssertionSuccess() << "no tracing header reached an S3 host (" << report.processes.size()
                                       << " process(es) reported)";
}

// At least one S3-bound request was seen: guards against a test that passes
// because its program never reached the (fake) S3 host at all.
inline ::testing::AssertionResult SawS3Requests(const Report& report) {
  long long requests = 0;
  for (const HostStats* host : report.all_hosts())
    if (host->s3_bound) requests += host->requests > 0 ? host->requests : 1;
  if (requests > 0) return ::testing::AssertionSuccess() << requests << " S3-bound request(s)";
  return ::testing::AssertionFailure() << "tracestrip saw no S3-bound request in '" << report.path << "'";
}

// The objects named as having added `header` to requests for any host.
inline std::vector<std::string> added_by(const Report& report, std::string_view header) {
  std::vector<std::string> out;
  for (const HostStats* host : report.all_hosts())
    for (const HeaderStats& h : host->tracing_headers)
      if (h.name == header)
        for (const std::string& who : h.added_by)
          if (std::find(out.begin(), out.end(), who) == out.end()) out.push_back(who);
  return out;
}

#define EXPECT_NO_TRACING_HEADERS_TO_S3(report) EXPECT_TRUE(::tracestrip::testing::NoTracingHeadersToS3(report))
#define ASSERT_NO_TRACING_HEADERS_TO_S3(report) ASSERT_TRUE(::tracestrip::testing::NoTracingHeadersToS3(report))

// ------------------------------------------------------------ running a program

struct Options {
  // How to load the shim: through tracestrip-run (which appends it to
  // LD_PRELOAD), or by setting LD_PRELOAD directly.
  enum class Via { launcher, preload } via = Via::launcher;
  std::string launcher;  // default: see the top of this file
  std::string library;   // default: see the top of this file
  // Preloaded before tracestrip, e.g. an APM agent.
  std::vector<std::string> preload_before;
  // TRACESTRIP_* settings; empty means "not set" (the shim's default, or what
  // the environment already says).
  std::string mode, hosts, headers, keep, scope, log;
  // Extra environment for the program, "NAME=value".
  std::vector<std::string> environment;
  // Where the report goes (removed first); empty: a fresh file in a
  // temporary directory, removed afterwards unless keep_files.
  std::string report_path;
  // Keep the temporary directory (report and output) after the run.
  bool keep_files = false;
};

struct Run {
  int exit_code = -1;    // the program's exit status, -1 if it did not exit
  int term_signal = 0;   // the signal that killed it, if any
  std::string output;    // stdout and stderr, interleaved
  std::string command;   // what was run, for messages
  Report report;

  bool ok() const { return exit_code == 0; }
};

namespace detail {

inline std::string first_set(std::initializer_list<const char*> candidates) {
  for (const char* c : candidates)
    if (c && *c) return c;
  return {};
}

inline std::string default_launcher() {
#ifdef TRACESTRIP_TESTING_LAUNCHER
  const char* built_in = TRACESTRIP_TESTING_LAUNCHER;
#else
  const char* built_in = nullptr;
#endif
  std::string found = first_set({std::getenv("TRACESTRIP_TESTING_LAUNCHER"), built_in});
  return found.empty() ? "tracestrip-run" : found;
}

inline std::string default_library() {
#ifdef TRACESTRIP_TESTING_PRELOAD
  const char* built_in = TRACESTRIP_TESTING_PRELOAD;
#else
  const char* built_in = nullptr;
#endif
  return first_set({std::getenv("TRACESTRIP_TESTING_PRELOAD"), built_in});
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct TempDir {
  std::string path;
  bool keep = false;
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/tracestrip-test-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data())) path = buffer.data();
  }
  ~TempDir() {
    if (keep || path.empty()) return;
    for (const char* name : {"/report.jsonl", "/output.txt"}) std::remove((path + name).c_str());
    rmdir(path.c_str());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace detail

// Runs argv (argv[0] looked up in PATH) under tracestrip, waits for it, and
// reads the report. Never throws; failures to start show in exit_code (127)
// and output.
inline Run run_under_tracestrip(const std::vector<std::string>& argv, const Options& options = {}) {
  Run run;
  detail::TempDir dir;
  dir.keep = options.keep_files;
  const std::string report_path =
      !options.report_path.empty() ? options.report_path : (dir.path.empty() ? "" : dir.path + "/report.jsonl");
  const std::string output_path = dir.path.empty() ? "/dev/null" : dir.path + "/output.txt";
  if (argv.empty() || report_path.empty()) {
    run.output = argv.empty() ? "run_under_tracestrip: no command" : "run_under_tracestrip: no temporary directory";
    run.report.path = report_path;
    return run;
  }

  // The command line.
  std::vector<std::string> args;
  std::string preload;
  for (const std::string& entry : options.preload_before) preload += (preload.empty() ? "" : " ") + entry;
  if (options.via == Options::Via::launcher) {
    args.push_back(options.launcher.empty() ? detail::default_launcher() : options.launcher);
    if (!options.library.empty()) {  // otherwise the launcher finds its own
      args.push_back("--library");
      args.push_back(options.library);
    }
    args.push_back("--");
  } else {
    std::string library = options.library.empty() ? detail::default_library() : options.library;
    if (library.empty()) {
      run.output = "run_under_tracestrip: Via::preload without a library path "
                   "(set Options::library or TRACESTRIP_TESTING_PRELOAD)";
      run.report.path = report_path;
      return run;
    }
    preload += (preload.empty() ? "" : " ") + library;
  }
  args.insert(args.end(), argv.begin(), argv.end());
  for (const std::string& a : args) run.command += (run.command.empty() ? "" : " ") + a;

  // The program's environment: ours, with the settings, the caller's extra
  // entries and LD_PRELOAD replaced. Built before fork(): the child of a
  // multi-threaded test must only open, dup2 and exec.
  std::map<std::string, std::string> overrides;
  auto setting = [&overrides](const char* name, const std::string& value) {
    if (!value.empty()) overrides[name] = value;
  };
  setting("TRACESTRIP_MODE", options.mode);
  setting("TRACESTRIP_HOSTS", options.hosts);
  setting("TRACESTRIP_HEADERS", options.headers);
  setting("TRACESTRIP_KEEP", options.keep);
  setting("TRACESTRIP_SCOPE", options.scope);
  setting("TRACESTRIP_LOG", options.log);
  overrides["TRACESTRIP_REPORT"] = report_path;
  for (const std::string& entry : options.environment) {
    const size_t eq = entry.find('=');
    if (eq != std::string::npos && eq > 0) overrides[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  if (!preload.empty()) {
    // After what is already preloaded; with the launcher, LD_PRELOAD holds
    // only what goes before the shim, which the launcher appends.
    const auto given = overrides.find("LD_PRELOAD");
    const char* inherited = std::getenv("LD_PRELOAD");
    std::string value = given != overrides.end() ? given->second : inherited ? inherited : "";
    value += (value.empty() ? "" : " ") + preload;
    overrides["LD_PRELOAD"] = value;
  }
  std::vector<std::string> env_strings;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos || overrides.count(std::string(text.substr(0, eq))) == 0)
      env_strings.emplace_back(text);
  }
  for (const auto& [name, value] : overrides) env_strings.push_back(name + "=" + value);
  std::vector<char*> cenv;
  for (std::string& entry : env_strings) cenv.push_back(entry.data());
  cenv.push_back(nullptr);

  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);

  if (!options.report_path.empty()) std::remove(report_path.c_str());  // this run's report only
  const std::string cannot_run = "run_under_tracestrip: cannot run " + args.front() + "\n";
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child == 0) {
    const int fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    const int null_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_in >= 0) dup2(null_in, 0);
    execvpe(cargs[0], cargs.data(), cenv.data());
    if (write(2, cannot_run.data(), cannot_run.size()) < 0) _exit(127);
    _exit(127);
  }
  if (child < 0) {
    run.output = std::string("run_under_tracestrip: fork: ") + std::strerror(errno);
    run.report.path = report_path;
    return run;
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.term_signal = WTERMSIG(status);
  run.output = detail::read_file(output_path);
  run.report = read_report(report_path);
  return run;
}

}  // namespace tracestrip::testing
