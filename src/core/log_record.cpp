#include "tracestrip/log_record.h"

#include <cstdio>
#include <ctime>

namespace tracestrip {

namespace {

// Length of the well-formed UTF-8 sequence starting at text[at], or 0.
size_t utf8_sequence_length(std::string_view text, size_t at) {
  unsigned char lead = static_cast<unsigned char>(text[at]);
  size_t length = lead >= 0xc2 && lead <= 0xdf   ? 2
                  : lead >= 0xe0 && lead <= 0xef ? 3
                  : lead >= 0xf0 && lead <= 0xf4 ? 4
                                                 : 0;
  if(length == 0 || at + length > text.size())
    return 0;
  for(size_t i = 1; i < length; ++i) {
    if((static_cast<unsigned char>(text[at + i]) & 0xc0) != 0x80)
      return 0;
  }
  return length;
}

}  // namespace

// Control bytes become \u escapes; UTF-8 passes through; any other byte
// becomes U+FFFD, so that a line is always valid JSON.
std::string json_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for(size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    unsigned char byte = static_cast<unsigned char>(c);
    if(c == '"' || c == '\\') {
      escaped.push_back('\\');
      escaped.push_back(c);
    }
    else if(byte < 0x20 || byte == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "\\u%04x", byte);
      escaped += code;
    }
    else if(byte < 0x80) {
      escaped.push_back(c);
    }
    else if(size_t length = utf8_sequence_length(text, i)) {
      escaped.append(text.substr(i, length));
      i += length - 1;
    }
    else {
      escaped += "\\ufffd";
    }
  }
  return escaped;
}

namespace {

std::string iso_time(long long unix_millis) {
  std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(unix_millis % 1000));
  return text;
}

void append_field(std::string* line, std::string_view key, std::string_view value) {
  *line += ",\"";
  *line += key;
  *line += "\":\"";
  *line += json_escape(value);
  *line += "\"";
}

void append_names(std::string* line, std::string_view key, const std::vector<std::string_view>& names) {
  *line += ",\"";
  *line += key;
  *line += "\":[";
  for(size_t i = 0; i < names.size(); ++i) {
    if(i > 0)
      *line += ",";
    *line += "\"" + json_escape(names[i]) + "\"";
  }
  *line += "]";
}

}  // namespace

std::string format_log_line(const LogRecord& record, long long unix_millis, long pid) {
  std::string line = "{\"time\":\"" + iso_time(unix_millis) + "\",\"pid\":" + std::to_string(pid);
  if(!record.host.empty())
    append_field(&line, "host", record.host);
  append_field(&line, "action", record.action);
  if(!record.reason.empty())
    append_field(&line, "reason", record.reason);
  append_names(&line, "headers", record.headers);
  if(!record.kept_signed.empty())
    append_names(&line, "kept_signed", record.kept_signed);
  if(!record.refused.empty())
    append_names(&line, "refused", record.refused);
  if(!record.note.empty())
    append_field(&line, "note", record.note);
  line += "}\n";
  return line;
}

}  // namespace tracestrip
