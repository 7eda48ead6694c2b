// How one CURLOPT_HTTPHEADER entry is read, as curl 7.88's
// Curl_add_custom_headers reads it (lib/http.c).
#include "tracestrip/header_line.h"

#include <gtest/gtest.h>

#include <string>

namespace tracestrip {
namespace {

struct LineCase {
  const char* label;  // test name
  std::string line;
  HeaderLineKind kind;
  std::string name;
  std::string value;
};

std::ostream& operator<<(std::ostream& out, const LineCase& c) { return out << c.label; }

const char* kind_name(HeaderLineKind kind) {
  switch(kind) {
  case HeaderLineKind::Header:
    return "Header";
  case HeaderLineKind::EmptyHeader:
    return "EmptyHeader";
  case HeaderLineKind::Removal:
    return "Removal";
  case HeaderLineKind::NotHeader:
    return "NotHeader";
  }
  return "?";
}

class HeaderLineForm : public testing::TestWithParam<LineCase> {};

TEST_P(HeaderLineForm, IsReadLikeCurl) {
  const LineCase& c = GetParam();
  HeaderLine parsed = parse_header_line(c.line);
  EXPECT_STREQ(kind_name(parsed.kind), kind_name(c.kind));
  EXPECT_EQ(std::string(parsed.name), c.name);
  EXPECT_EQ(std::string(parsed.value), c.value);
  EXPECT_EQ(sends_header(parsed), c.kind == HeaderLineKind::Header || c.kind == HeaderLineKind::EmptyHeader);
}

using K = HeaderLineKind;

INSTANTIATE_TEST_SUITE_P(
    Forms, HeaderLineForm,
    testing::Values(LineCase{"NameValue", "Name: v", K::Header, "Name", "v"},
                    LineCase{"NoBlankAfterColon", "traceparent:00-abc-01", K::Header, "traceparent", "00-abc-01"},
                    LineCase{"BlanksAroundValue", "X-Id: \t a b \t ", K::Header, "X-Id", "a b"},
                    LineCase{"TabAfterColon", "X-Id:\tv", K::Header, "X-Id", "v"},
                    LineCase{"ColonsInValue", "Host: h:80", K::Header, "Host", "h:80"},
                    LineCase{"SemicolonInValue", "Accept: a;q=1", K::Header, "Accept", "a;q=1"},
                    LineCase{"SemicolonBeforeColon", "A;b: v", K::Header, "A;b", "v"},
                    LineCase{"NameKeptAsWritten", " Name : v", K::Header, " Name ", "v"},
                    LineCase{"NameColon", "Name:", K::Removal, "Name", ""},
                    LineCase{"NameColonBlanks", "Name:   ", K::Removal, "Name", ""},
                    LineCase{"NameColonTabs", "Name:\t\t", K::Removal, "Name", ""},
                    LineCase{"NameSemicolon", "Name;", K::EmptyHeader, "Name", ""},
                    LineCase{"NameSemicolonBlank", "Name; ", K::NotHeader, "", ""},
                    LineCase{"NameSemicolonTab", "Name;\t", K::NotHeader, "", ""},
                    LineCase{"SemicolonThenText", "Name; x", K::NotHeader, "", ""},
                    LineCase{"TwoSemicolons", "Na;me;", K::NotHeader, "", ""},
                    LineCase{"ColonValueNoName", ":v", K::NotHeader, "", ""},
                    LineCase{"ColonAlone", ":", K::NotHeader, "", ""},
                    LineCase{"NoSeparator", "Name value", K::NotHeader, "", ""},
                    LineCase{"NameOnly", "Name", K::NotHeader, "", ""}, LineCase{"Empty", "", K::NotHeader, "", ""},
                    LineCase{"CrLfInsideValue", "X-A: a\r\nX-B: b", K::Header, "X-A", "a\r\nX-B: b"},
                    LineCase{"ValueThenCrLf", "X-A: a\r\n", K::Header, "X-A", "a\r\n"},
                    LineCase{"CrLfInsideName", "X-A\r\nX-B: b", K::Header, "X-A\r\nX-B", "b"},
                    LineCase{"CrLfNoColon", "X-A\r\nX-B", K::NotHeader, "", ""},
                    LineCase{"SemicolonThenCrLf", "Name;\r\n", K::NotHeader, "", ""}),
    [](const testing::TestParamInfo<LineCase>& param) { return std::string(param.param.label); });

TEST(HeaderLine, ViewsPointIntoTheLine) {
  std::string line = "traceparent: 00-abc-01";
  HeaderLine parsed = parse_header_line(line);
  EXPECT_EQ(parsed.name.data(), line.data());
  EXPECT_EQ(parsed.value.data(), line.data() + 13);
}

// curl skips ISSPACE after the colon — blank, tab and also CR, LF, VT and FF
// — and sends the header only when something is left. "Name:\r\n" is
// therefore a removal line to curl, never sent.
// Regression test — this bug was found here and fixed in src/core: parse_header_line trims only blanks and tabs, so it classifies these
// lines as Header ("sent"); HeaderSelector then reports them as removed from
// the wire although curl would not have sent them.
class CurlSpaceOnlyValue : public testing::TestWithParam<std::string> {};

TEST_P(CurlSpaceOnlyValue, IsARemovalLine) {
  HeaderLine parsed = parse_header_line(GetParam());
  EXPECT_STREQ(kind_name(parsed.kind), kind_name(HeaderLineKind::Removal));
  EXPECT_FALSE(sends_header(parsed));
}

INSTANTIATE_TEST_SUITE_P(Whitespace, CurlSpaceOnlyValue,
                         testing::Values("traceparent:\r\n", "traceparent:\r", "traceparent:\n", "traceparent: \r\n",
                                         "traceparent:\v", "traceparent:\f"),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return "case" + std::to_string(param.index);
                         });

}  // namespace
}  // namespace tracestrip
