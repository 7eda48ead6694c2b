#include "tracestrip/sigv4/amz_date.h"

#include <cstdio>

namespace tracestrip::sigv4 {

namespace {

std::string format_utc(std::time_t when, const char *format)
{
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[32];
  size_t length = std::strftime(text, sizeof(text), format, &parts);
  return std::string(text, length);
}

// Reads exactly `count` digits at text[at]; -1 when one is not a digit.
int read_number(std::string_view text, size_t at, size_t count)
{
  int number = 0;
  for(size_t i = at; i < at + count; ++i) {
    if(i >= text.size() || text[i] < '0' || text[i] > '9')
      return -1;
    number = number * 10 + (text[i] - '0');
  }
  return number;
}

std::optional<std::time_t> make_utc(int year, int month, int day, int hour, int minute,
                                    int second)
{
  if(year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
     minute > 59 || second > 60)
    return std::nullopt;
  std::tm parts{};
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  return timegm(&parts);
}

}  // namespace

std::string format_amz_date(std::time_t when)
{
  return format_utc(when, "%Y%m%dT%H%M%SZ");
}

std::string format_scope_date(std::time_t when)
{
  return format_utc(when, "%Y%m%d");
}

std::optional<std::time_t> parse_amz_date(std::string_view text)
{
  // 20150830T123600Z
  if(text.size() != 16 || text[8] != 'T' || text[15] != 'Z')
    return std::nullopt;
  int year = read_number(text, 0, 4), month = read_number(text, 4, 2);
  int day = read_number(text, 6, 2), hour = read_number(text, 9, 2);
  int minute = read_number(text, 11, 2), second = read_number(text, 13, 2);
  if(year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0)
    return std::nullopt;
  return make_utc(year, month, day, hour, minute, second);
}

std::optional<std::time_t> parse_iso8601(std::string_view text)
{
  // 2015-08-30T12:36:00Z
  if(text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
     text[13] != ':' || text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  int year = read_number(text, 0, 4), month = read_number(text, 5, 2);
  int day = read_number(text, 8, 2), hour = read_number(text, 11, 2);
  int minute = read_number(text, 14, 2), second = read_number(text, 17, 2);
  if(year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0)
    return std::nullopt;
  return make_utc(year, month, day, hour, minute, second);
}

}  // namespace tracestrip::sigv4
