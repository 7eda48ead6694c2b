// The built-in tracing-header table, name patterns and TracingHeaderRules.
#include "tracestrip/tracing_headers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace tracestrip {
namespace {

std::string upper(std::string text) {
  for(char& c : text)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// "x-b3-traceid" -> "X-B3-Traceid": first letter of every dash-separated word up.
std::string title_case(std::string text) {
  bool word_start = true;
  for(char& c : text) {
    if(word_start)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    word_start = c == '-';
  }
  return text;
}

// "traceparent" -> "tRaCePaReNt".
std::string alternating_case(std::string text) {
  for(size_t i = 0; i < text.size(); ++i) {
    if(i % 2 == 1)
      text[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  }
  return text;
}

std::vector<std::string> letter_cases(const std::string& name) {
  return {name, upper(name), title_case(name), alternating_case(name)};
}

bool is_prefix_pattern(std::string_view pattern) { return !pattern.empty() && pattern.back() == '*'; }

std::string without_star(std::string_view pattern) {
  return std::string(is_prefix_pattern(pattern) ? pattern.substr(0, pattern.size() - 1) : pattern);
}

// Names a prefix pattern must match: the prefix plus a few suffixes.
std::vector<std::string> names_under_prefix(const std::string& prefix) {
  return {prefix + "x", prefix + "traceid", prefix + "Span-Id", prefix + "0", prefix + "sampled-flag-2"};
}

// The list issue 2 names, written out so that removing an entry from the
// table fails a test rather than silently shrinking the coverage.
const std::vector<std::string>& issue_names() {
  static const std::vector<std::string> names = {
      "traceparent",
      "tracestate",
      "baggage",
      "b3",
      "x-b3-*",
      "uber-trace-id",
      "uberctx-*",
      "jaeger-debug-id",
      "jaeger-baggage",
      "ot-tracer-*",
      "ot-baggage-*",
      "x-ot-span-context",
      "x-datadog-*",
      "pinpoint-*",
      "newrelic",
      "x-newrelic-*",
      "sw8",
      "sw8-correlation",
      "sw8-x",
      "elastic-apm-traceparent",
      "x-instana-*",
      "x-dynatrace",
      "singularityheader",
      "x-cloud-trace-context",
      "grpc-trace-bin",
      "sentry-trace",
      "x-amzn-trace-id",
  };
  return names;
}

// Concrete header names for the issue's list: exact names as is, prefixes
// with several suffixes, each in several letter cases.
std::vector<std::string> concrete_names(const std::vector<std::string>& patterns) {
  std::vector<std::string> names;
  for(const std::string& pattern : patterns) {
    std::vector<std::string> bases =
        is_prefix_pattern(pattern) ? names_under_prefix(without_star(pattern)) : std::vector<std::string>{pattern};
    for(const std::string& base : bases) {
      for(const std::string& spelled : letter_cases(base))
        names.push_back(spelled);
    }
  }
  return names;
}

TEST(BuiltinTable, ListsEveryFormatTheIssueNames) {
  std::set<std::string> table;
  for(const BuiltinTracingHeader& header : builtin_tracing_headers())
    table.insert(std::string(header.pattern));
  for(const std::string& name : issue_names())
    EXPECT_EQ(table.count(name), 1u) << "missing from builtin_tracing_headers(): " << name;
}

TEST(BuiltinTable, EveryEntryParsesAndHasAFamily) {
  for(const BuiltinTracingHeader& header : builtin_tracing_headers()) {
    EXPECT_FALSE(header.family.empty()) << header.pattern;
    std::optional<NamePattern> pattern = parse_name_pattern(header.pattern);
    ASSERT_TRUE(pattern.has_value()) << header.pattern;
    EXPECT_EQ(pattern->spelling(), header.pattern);
    EXPECT_EQ(pattern->is_prefix, is_prefix_pattern(header.pattern));
  }
}

TEST(BuiltinRules, MatchEveryTableEntryInSeveralLetterCases) {
  const TracingHeaderRules rules = TracingHeaderRules::builtin();
  std::vector<std::string> patterns;
  for(const BuiltinTracingHeader& header : builtin_tracing_headers())
    patterns.emplace_back(header.pattern);
  for(const std::string& name : concrete_names(patterns))
    EXPECT_TRUE(rules.is_tracing(name)) << name;
}

TEST(BuiltinRules, MatchEveryNameTheIssueListsInSeveralLetterCases) {
  const TracingHeaderRules rules = TracingHeaderRules::builtin();
  for(const std::string& name : concrete_names(issue_names()))
    EXPECT_TRUE(rules.is_tracing(name)) << name;
}

TEST(BuiltinRules, PinpointCoversItsWholeFamily) {
  const TracingHeaderRules rules = TracingHeaderRules::builtin();
  for(const char* name : {"Pinpoint-TraceID", "Pinpoint-SpanID", "Pinpoint-pSpanID", "Pinpoint-Sampled",
                          "Pinpoint-Flags", "Pinpoint-pAppName", "Pinpoint-pAppType", "Pinpoint-Host"})
    EXPECT_TRUE(rules.is_tracing(name)) << name;
}

class LookalikeName : public testing::TestWithParam<const char*> {};

TEST_P(LookalikeName, IsNotTracing) {
  const TracingHeaderRules rules = TracingHeaderRules::builtin();
  for(const std::string& spelled : letter_cases(GetParam()))
    EXPECT_FALSE(rules.is_tracing(spelled)) << spelled;
}

INSTANTIATE_TEST_SUITE_P(Builtin, LookalikeName,
                         testing::Values("traceparentx", "x-b3", "x-b3-", "my-traceparent", "pinpoint", "pinpoint-",
                                         "x-datadog-", "x-datadog", "b3x", "sw8x", "sw8-", "sw8-y", "uberctx",
                                         "uberctx-", "x-traceparent", "traceparent-", "newrelicx", "x-newrelic",
                                         "x-amzn-trace", "x-amzn-trace-idx", "tracestat", "ot-tracer", "ot-baggage",
                                         "baggages", "x-instana", "sentry", "grpc-trace", "content-type",
                                         "authorization", "x-amz-date", "x-amz-content-sha256", "host", "b", "", "-",
                                         "*"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = "n" + std::to_string(param.index) + "_";
                           for(const char* c = param.param; *c; ++c)
                             name.push_back(std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_');
                           return name;
                         });

TEST(ParseNamePattern, ReadsNamesAndPrefixesInLowerCase) {
  std::optional<NamePattern> exact = parse_name_pattern("X-Request-Trace");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->text, "x-request-trace");
  EXPECT_FALSE(exact->is_prefix);
  EXPECT_EQ(exact->spelling(), "x-request-trace");

  std::optional<NamePattern> prefix = parse_name_pattern("X-My-Trace-*");
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->text, "x-my-trace-");
  EXPECT_TRUE(prefix->is_prefix);
  EXPECT_EQ(prefix->spelling(), "x-my-trace-*");
}

TEST(ParseNamePattern, AcceptsEveryTokenCharacter) {
  std::optional<NamePattern> pattern = parse_name_pattern("a!#$%&'+-.^_`|~9");
  ASSERT_TRUE(pattern);
  EXPECT_EQ(pattern->text, "a!#$%&'+-.^_`|~9");
}

class BadNamePattern : public testing::TestWithParam<const char*> {};

TEST_P(BadNamePattern, IsRejected) { EXPECT_FALSE(parse_name_pattern(GetParam()).has_value()) << GetParam(); }

INSTANTIATE_TEST_SUITE_P(Malformed, BadNamePattern,
                         testing::Values("", "*", "**", "a*b", "*a", "a**", "x y", "x\ty", "x:y", "x;y", "x,y", "x/y",
                                         "x\"y", "x(y)", "x@y", "x\ry", "x\ny", "x\x7fy", "x\x80y",
                                         "\xc3\xa9t\xc3\xa9"));

TEST(NamePatternSet, PrefixMatchesOnlyLongerNames) {
  NamePatternSet set;
  set.add(*parse_name_pattern("x-corr-*"));
  EXPECT_TRUE(set.matches("x-corr-id"));
  EXPECT_TRUE(set.matches("X-CORR-ID"));
  EXPECT_FALSE(set.matches("x-corr-"));
  EXPECT_FALSE(set.matches("x-corr"));
  EXPECT_FALSE(set.matches("y-corr-id"));
  EXPECT_FALSE(set.matches(""));
}

TEST(NamePatternSet, ExactNameMatchesOnlyItself) {
  NamePatternSet set;
  set.add(*parse_name_pattern("request-id"));
  EXPECT_TRUE(set.matches("Request-ID"));
  EXPECT_FALSE(set.matches("request-idx"));
  EXPECT_FALSE(set.matches("request-i"));
  EXPECT_FALSE(set.matches("xrequest-id"));
}

TEST(NamePatternSet, NamesStartingWithDigitsOrSymbolsAreFound) {
  NamePatternSet set;
  set.add(*parse_name_pattern("9lives"));
  set.add(*parse_name_pattern("_private-*"));
  set.add(*parse_name_pattern("~tilde"));
  EXPECT_TRUE(set.matches("9LIVES"));
  EXPECT_TRUE(set.matches("_Private-x"));
  EXPECT_TRUE(set.matches("~Tilde"));
  EXPECT_FALSE(set.matches("_private-"));
  EXPECT_FALSE(set.matches("8lives"));
}

TEST(NamePatternSet, CountsAndListsDistinctPatterns) {
  NamePatternSet set;
  EXPECT_TRUE(set.empty());
  set.add(*parse_name_pattern("abc"));
  set.add(*parse_name_pattern("ABC"));   // same pattern once lowered
  set.add(*parse_name_pattern("abc*"));  // a prefix is a different pattern
  set.add(NamePattern{"", false});       // ignored
  EXPECT_FALSE(set.empty());
  std::vector<NamePattern> all = set.patterns();
  ASSERT_EQ(all.size(), 2u);
  std::set<std::string> spellings = {all[0].spelling(), all[1].spelling()};
  EXPECT_EQ(spellings, (std::set<std::string>{"abc", "abc*"}));
}

TEST(BuiltinRules, PatternsMirrorTheTable) {
  const TracingHeaderRules rules = TracingHeaderRules::builtin();
  std::set<std::string> from_rules;
  for(const NamePattern& pattern : rules.tracing().patterns())
    from_rules.insert(pattern.spelling());
  std::set<std::string> from_table;
  for(const BuiltinTracingHeader& header : builtin_tracing_headers())
    from_table.insert(std::string(header.pattern));
  EXPECT_EQ(from_rules, from_table);
  EXPECT_TRUE(rules.keep().empty());
}

TEST(TracingHeaderRules, AddedNamesAndPrefixesMatch) {
  TracingHeaderRules rules = TracingHeaderRules::builtin();
  EXPECT_FALSE(rules.is_tracing("x-request-trace"));
  EXPECT_FALSE(rules.is_tracing("x-corr-id"));
  rules.add_tracing(*parse_name_pattern("X-Request-Trace"));
  rules.add_tracing(*parse_name_pattern("x-corr-*"));
  EXPECT_TRUE(rules.is_tracing("x-request-trace"));
  EXPECT_TRUE(rules.is_tracing("X-REQUEST-TRACE"));
  EXPECT_TRUE(rules.is_tracing("X-Corr-Id"));
  EXPECT_FALSE(rules.is_tracing("x-corr-"));
  EXPECT_TRUE(rules.is_tracing("traceparent"));  // built-ins stay
}

TEST(TracingHeaderRules, KeepRemovesNamesAndPrefixes) {
  TracingHeaderRules rules = TracingHeaderRules::builtin();
  ASSERT_TRUE(rules.is_tracing("x-amzn-trace-id"));
  rules.add_keep(*parse_name_pattern("X-Amzn-Trace-Id"));
  EXPECT_FALSE(rules.is_tracing("x-amzn-trace-id"));
  EXPECT_FALSE(rules.is_tracing("X-AMZN-TRACE-ID"));

  rules.add_keep(*parse_name_pattern("x-b3-*"));
  EXPECT_FALSE(rules.is_tracing("X-B3-TraceId"));
  EXPECT_TRUE(rules.is_tracing("b3"));  // only what the keep pattern covers
  EXPECT_TRUE(rules.is_tracing("traceparent"));
}

TEST(TracingHeaderRules, KeepWinsOverAnAddedName) {
  TracingHeaderRules rules = TracingHeaderRules::builtin();
  rules.add_tracing(*parse_name_pattern("x-mine"));
  rules.add_keep(*parse_name_pattern("x-mine"));
  EXPECT_FALSE(rules.is_tracing("x-mine"));
}

TEST(TracingHeaderRules, EmptyRulesMatchNothing) {
  TracingHeaderRules rules;
  EXPECT_TRUE(rules.tracing().empty());
  EXPECT_FALSE(rules.is_tracing("traceparent"));
}

}  // namespace
}  // namespace tracestrip
