// Which header names are trace propagation headers: a built-in table of the
// formats agents use, widened by TRACESTRIP_HEADERS and narrowed by
// TRACESTRIP_KEEP. Names compare without regard to letter case.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tracestrip {

// An exact name ("traceparent") or a prefix ("x-b3-", written "x-b3-*" in
// settings). A prefix matches only names longer than itself.
struct NamePattern {
  std::string text;  // lower case
  bool is_prefix = false;

  std::string spelling() const { return is_prefix ? text + "*" : text; }
};

struct BuiltinTracingHeader {
  std::string_view family;   // "W3C", "B3", ...
  std::string_view pattern;  // as written in settings: "x-b3-*"
};

// The built-in table, for documentation, reports and tests.
const std::vector<BuiltinTracingHeader>& builtin_tracing_headers();

// Parses one settings entry: a header name made of token characters (RFC 9110),
// optionally ending in '*'. Returns nothing for anything else ("*", "a*b", "x y").
std::optional<NamePattern> parse_name_pattern(std::string_view entry);

// A set of patterns indexed by first letter so that matching a name costs a
// few comparisons, whatever the table's size.
class NamePatternSet {
 public:
  void add(NamePattern pattern);
  bool matches(std::string_view name) const;
  bool empty() const { return count_ == 0; }
  std::vector<NamePattern> patterns() const;

 private:
  static size_t bucket_of(char first);
  std::array<std::vector<NamePattern>, 37> buckets_{};  // a-z, 0-9, other
  size_t count_ = 0;
};

class TracingHeaderRules {
 public:
  // The built-in table only.
  static TracingHeaderRules builtin();

  void add_tracing(NamePattern pattern) { tracing_.add(std::move(pattern)); }
  void add_keep(NamePattern pattern) { keep_.add(std::move(pattern)); }

  bool is_tracing(std::string_view name) const { return tracing_.matches(name) && !keep_.matches(name); }
  const NamePatternSet& tracing() const { return tracing_; }
  const NamePatternSet& keep() const { return keep_; }

 private:
  NamePatternSet tracing_;
  NamePatternSet keep_;
};

}  // namespace tracestrip
