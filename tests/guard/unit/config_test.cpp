// parse_config through a fake environment: every variable, letter case,
// malformed entries (one problem line each, naming variable and entry).
#include "tracestrip/config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace tracestrip {
namespace {

using Environment = std::map<std::string, std::string>;

const char* fake_lookup(const char* name, void* context) {
  const Environment& environment = *static_cast<const Environment*>(context);
  auto found = environment.find(name);
  return found == environment.end() ? nullptr : found->second.c_str();
}

Config parse(Environment environment) { return parse_config(&fake_lookup, &environment); }

std::vector<std::string> spellings(const std::vector<HostPattern>& hosts) {
  std::vector<std::string> all;
  for(const HostPattern& host : hosts)
    all.push_back(host.spelling());
  return all;
}

// Every problem names `variable` and `entry`, fits on one line, and there are `count` of them.
void expect_problems(const Config& config, const std::string& variable, const std::vector<std::string>& entries) {
  ASSERT_EQ(config.problems.size(), entries.size()) << testing::PrintToString(config.problems);
  for(size_t i = 0; i < entries.size(); ++i) {
    const std::string& line = config.problems[i];
    EXPECT_NE(line.find(variable), std::string::npos) << line;
    EXPECT_NE(line.find(entries[i]), std::string::npos) << line << " should name " << entries[i];
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  }
}

TEST(ParseConfig, DefaultsWithoutAnyVariable) {
  Config config = parse({});
  EXPECT_EQ(config.mode, Mode::Strip);
  EXPECT_EQ(config.scope, Scope::S3);
  EXPECT_EQ(config.log_kind, LogKind::Off);
  EXPECT_TRUE(config.log_path.empty());
  EXPECT_TRUE(config.hosts.empty());
  EXPECT_TRUE(config.problems.empty());
  EXPECT_TRUE(config.headers.is_tracing("traceparent"));
  EXPECT_TRUE(config.headers.is_tracing("x-amzn-trace-id"));
  EXPECT_TRUE(config.headers.keep().empty());
}

TEST(ParseConfig, NullLookupGivesDefaults) {
  Config config = parse_config(nullptr, nullptr);
  EXPECT_EQ(config.mode, Mode::Strip);
  EXPECT_TRUE(config.problems.empty());
}

TEST(DefaultConfig, IsStripS3BuiltinNoLog) {
  Config config = default_config();
  EXPECT_EQ(config.mode, Mode::Strip);
  EXPECT_EQ(config.scope, Scope::S3);
  EXPECT_EQ(config.log_kind, LogKind::Off);
  EXPECT_TRUE(config.headers.is_tracing("b3"));
  EXPECT_TRUE(config.problems.empty());
}

TEST(ParseConfig, ModeInAnyCase) {
  EXPECT_EQ(parse({{"TRACESTRIP_MODE", "strip"}}).mode, Mode::Strip);
  EXPECT_EQ(parse({{"TRACESTRIP_MODE", "report"}}).mode, Mode::Report);
  EXPECT_EQ(parse({{"TRACESTRIP_MODE", "REPORT"}}).mode, Mode::Report);
  EXPECT_EQ(parse({{"TRACESTRIP_MODE", " Off "}}).mode, Mode::Off);
  EXPECT_EQ(parse({{"TRACESTRIP_MODE", ""}}).mode, Mode::Strip);
  EXPECT_TRUE(parse({{"TRACESTRIP_MODE", "Report"}}).problems.empty());
}

TEST(ParseConfig, ScopeInAnyCase) {
  EXPECT_EQ(parse({{"TRACESTRIP_SCOPE", "s3"}}).scope, Scope::S3);
  EXPECT_EQ(parse({{"TRACESTRIP_SCOPE", "sigv4"}}).scope, Scope::Sigv4);
  EXPECT_EQ(parse({{"TRACESTRIP_SCOPE", "SigV4"}}).scope, Scope::Sigv4);
  EXPECT_EQ(parse({{"TRACESTRIP_SCOPE", "S3"}}).scope, Scope::S3);
}

TEST(ParseConfig, LogDestinations) {
  EXPECT_EQ(parse({{"TRACESTRIP_LOG", "off"}}).log_kind, LogKind::Off);
  EXPECT_EQ(parse({{"TRACESTRIP_LOG", "STDERR"}}).log_kind, LogKind::Stderr);
  Config file = parse({{"TRACESTRIP_LOG", " /var/log/tracestrip.jsonl "}});
  EXPECT_EQ(file.log_kind, LogKind::File);
  EXPECT_EQ(file.log_path, "/var/log/tracestrip.jsonl");
  Config relative = parse({{"TRACESTRIP_LOG", "./ts.log"}});
  EXPECT_EQ(relative.log_kind, LogKind::File);
  EXPECT_EQ(relative.log_path, "./ts.log");
  EXPECT_TRUE(relative.problems.empty());
}

TEST(ParseConfig, HeadersAddNamesAndPrefixes) {
  Config config = parse({{"TRACESTRIP_HEADERS", "X-Request-Trace, x-corr-*"}});
  EXPECT_TRUE(config.problems.empty());
  EXPECT_TRUE(config.headers.is_tracing("x-request-trace"));
  EXPECT_TRUE(config.headers.is_tracing("X-Corr-Id"));
  EXPECT_FALSE(config.headers.is_tracing("x-corr-"));
  EXPECT_TRUE(config.headers.is_tracing("traceparent"));
}

TEST(ParseConfig, KeepRemovesNamesAndPrefixes) {
  Config config = parse({{"TRACESTRIP_KEEP", "X-Amzn-Trace-Id,x-b3-*"}});
  EXPECT_TRUE(config.problems.empty());
  EXPECT_FALSE(config.headers.is_tracing("x-amzn-trace-id"));
  EXPECT_FALSE(config.headers.is_tracing("X-B3-TraceId"));
  EXPECT_TRUE(config.headers.is_tracing("b3"));
  EXPECT_TRUE(config.headers.is_tracing("traceparent"));
}

TEST(ParseConfig, Hosts) {
  Config config = parse({{"TRACESTRIP_HOSTS", "MinIO.local, *.rgw.lan:7480 ,[::1]:9000,127.0.0.1:9000"}});
  EXPECT_TRUE(config.problems.empty());
  EXPECT_EQ(spellings(config.hosts),
            (std::vector<std::string>{"minio.local", "*.rgw.lan:7480", "[::1]:9000", "127.0.0.1:9000"}));
}

TEST(ParseConfig, EmptyEntriesAndStrayCommasAreSkippedSilently) {
  Config config = parse({{"TRACESTRIP_HEADERS", ",,x-one,, ,x-two,"},
                         {"TRACESTRIP_KEEP", " , "},
                         {"TRACESTRIP_HOSTS", ",minio.local,,"}});
  EXPECT_TRUE(config.problems.empty()) << testing::PrintToString(config.problems);
  EXPECT_TRUE(config.headers.is_tracing("x-one"));
  EXPECT_TRUE(config.headers.is_tracing("x-two"));
  EXPECT_TRUE(config.headers.keep().empty());
  EXPECT_EQ(spellings(config.hosts), (std::vector<std::string>{"minio.local"}));
}

TEST(ParseConfig, EveryVariableAtOnce) {
  Config config = parse({{"TRACESTRIP_MODE", "report"},
                         {"TRACESTRIP_SCOPE", "sigv4"},
                         {"TRACESTRIP_LOG", "stderr"},
                         {"TRACESTRIP_HEADERS", "x-mine"},
                         {"TRACESTRIP_KEEP", "baggage"},
                         {"TRACESTRIP_HOSTS", "*.minio.lan"}});
  EXPECT_TRUE(config.problems.empty());
  EXPECT_EQ(config.mode, Mode::Report);
  EXPECT_EQ(config.scope, Scope::Sigv4);
  EXPECT_EQ(config.log_kind, LogKind::Stderr);
  EXPECT_TRUE(config.headers.is_tracing("x-mine"));
  EXPECT_FALSE(config.headers.is_tracing("baggage"));
  EXPECT_EQ(spellings(config.hosts), (std::vector<std::string>{"*.minio.lan"}));
}

// ---- malformed input ------------------------------------------------------

struct BadValue {
  const char* label;
  std::string variable;
  std::string value;
  std::vector<std::string> bad_entries;  // as the problem lines must name them
};

std::ostream& operator<<(std::ostream& out, const BadValue& c) { return out << c.label; }

class MalformedVariable : public testing::TestWithParam<BadValue> {};

TEST_P(MalformedVariable, GivesOneProblemPerBadEntry) {
  const BadValue& c = GetParam();
  Config config = parse({{c.variable, c.value}});
  expect_problems(config, c.variable, c.bad_entries);
}

INSTANTIATE_TEST_SUITE_P(
    Entries, MalformedVariable,
    testing::Values(
        BadValue{"UnknownMode", "TRACESTRIP_MODE", "strp", {"'strp'"}},
        BadValue{"ModeList", "TRACESTRIP_MODE", "strip,report", {"'strip,report'"}},
        BadValue{"BadScope", "TRACESTRIP_SCOPE", "all", {"'all'"}},
        BadValue{"BadLog", "TRACESTRIP_LOG", "syslog", {"'syslog'"}},
        BadValue{"RelativeLogWithoutSlash", "TRACESTRIP_LOG", "trace.log", {"'trace.log'"}},
        BadValue{"HeaderStar", "TRACESTRIP_HEADERS", "*", {"'*'"}},
        BadValue{"HeaderInnerStar", "TRACESTRIP_HEADERS", "x-good,a*b, x-fine", {"'a*b'"}},
        BadValue{"HeaderBlank", "TRACESTRIP_HEADERS", "x y", {"'x y'"}},
        BadValue{"HeaderSeveral", "TRACESTRIP_HEADERS", "*,x:y,ok,**", {"'*'", "'x:y'", "'**'"}},
        BadValue{"KeepBad", "TRACESTRIP_KEEP", "x-amzn-trace-id,a b", {"'a b'"}},
        BadValue{"HostBadPort", "TRACESTRIP_HOSTS", "minio:99999", {"'minio:99999'"}},
        BadValue{"HostSeveral", "TRACESTRIP_HOSTS", "ok.lan, http://x , *., [::1", {"'http://x'", "'*.'", "'[::1'"}}),
    [](const testing::TestParamInfo<BadValue>& param) { return std::string(param.param.label); });

TEST(ParseConfig, BadEntriesDoNotStopTheRest) {
  Config config = parse({{"TRACESTRIP_MODE", "bogus"},
                         {"TRACESTRIP_SCOPE", "sigv4"},
                         {"TRACESTRIP_LOG", "nowhere"},
                         {"TRACESTRIP_HEADERS", "*,x-mine,a*b"},
                         {"TRACESTRIP_KEEP", "x y,x-amzn-trace-id"},
                         {"TRACESTRIP_HOSTS", "bad host,minio.lan:9000"}});
  EXPECT_EQ(config.problems.size(), 6u) << testing::PrintToString(config.problems);
  EXPECT_EQ(config.mode, Mode::Strip);
  EXPECT_EQ(config.scope, Scope::Sigv4);
  EXPECT_EQ(config.log_kind, LogKind::Off);
  EXPECT_TRUE(config.headers.is_tracing("x-mine"));
  EXPECT_FALSE(config.headers.is_tracing("x-amzn-trace-id"));
  EXPECT_EQ(spellings(config.hosts), (std::vector<std::string>{"minio.lan:9000"}));
  for(const char* variable :
      {"TRACESTRIP_MODE", "TRACESTRIP_LOG", "TRACESTRIP_HEADERS", "TRACESTRIP_KEEP", "TRACESTRIP_HOSTS"}) {
    bool named = false;
    for(const std::string& line : config.problems)
      named = named || line.find(variable) != std::string::npos;
    EXPECT_TRUE(named) << variable;
  }
}

TEST(ParseConfig, ControlBytesInABadEntryDoNotBreakTheLine) {
  Config config = parse({{"TRACESTRIP_HEADERS", "x\ny,x-ok"}});
  ASSERT_EQ(config.problems.size(), 1u);
  EXPECT_EQ(config.problems[0].find('\n'), std::string::npos) << config.problems[0];
  EXPECT_NE(config.problems[0].find("TRACESTRIP_HEADERS"), std::string::npos);
  EXPECT_TRUE(config.headers.is_tracing("x-ok"));
}

// The problem line of `variable`, or "" when there is none.
std::string problem_of(const Config& config, const std::string& variable) {
  for(const std::string& line : config.problems) {
    if(line.find(variable) != std::string::npos)
      return line;
  }
  return {};
}

TEST(ParseConfig, HugeEntriesAreRejectedWithAShortLine) {
  const std::string long_name(100000, 'a');
  const std::string long_host = std::string(300, 'h') + ".example";
  Config config = parse({{"TRACESTRIP_HEADERS", long_name + ",x-ok"},
                         {"TRACESTRIP_HOSTS", long_host + ",ok.lan"},
                         {"TRACESTRIP_MODE", std::string(5000, 'm')},
                         {"TRACESTRIP_LOG", "/" + std::string(5000, 'p')}});
  ASSERT_EQ(config.problems.size(), 4u) << testing::PrintToString(config.problems);
  const std::vector<std::pair<std::string, char>> expected = {
      {"TRACESTRIP_HEADERS", 'a'}, {"TRACESTRIP_HOSTS", 'h'}, {"TRACESTRIP_MODE", 'm'}, {"TRACESTRIP_LOG", 'p'}};
  for(const auto& [variable, letter] : expected) {
    std::string line = problem_of(config, variable);
    ASSERT_FALSE(line.empty()) << variable;
    EXPECT_LT(line.size(), 200u) << variable << ": the line is not clipped";
    EXPECT_NE(line.find(std::string(32, letter)), std::string::npos)
        << "the line should quote the start of the entry: " << line;
  }
  EXPECT_TRUE(config.headers.is_tracing("x-ok"));
  EXPECT_FALSE(config.headers.is_tracing(long_name));
  EXPECT_EQ(spellings(config.hosts), (std::vector<std::string>{"ok.lan"}));
  EXPECT_EQ(config.mode, Mode::Strip);
  EXPECT_EQ(config.log_kind, LogKind::Off);
}

TEST(ParseConfig, ManyValidEntriesAllApply) {
  std::string value;
  for(int i = 0; i < 2000; ++i)
    value += "x-h" + std::to_string(i) + ",";
  Config config = parse({{"TRACESTRIP_HEADERS", value}});
  EXPECT_TRUE(config.problems.empty());
  EXPECT_TRUE(config.headers.is_tracing("x-h0"));
  EXPECT_TRUE(config.headers.is_tracing("X-H1999"));
  EXPECT_FALSE(config.headers.is_tracing("x-h2000"));
}

TEST(ModeName, NamesEveryMode) {
  EXPECT_STREQ(mode_name(Mode::Strip), "strip");
  EXPECT_STREQ(mode_name(Mode::Report), "report");
  EXPECT_STREQ(mode_name(Mode::Off), "off");
}

}  // namespace
}  // namespace tracestrip
