#include "tracestrip/log_record.h"

#include <cstdio>
#include <ctime>

namespace tracestrip {

std::string json_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for(char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    switch(c) {
    case '"':
      escaped += "\\\"";
      break;
    case '\\':
      escaped += "\\\\";
      break;
    default:
      if(byte < 0x20 || byte == 0x7f) {
        char code[8];
        std::snprintf(code, sizeof code, "\\u%04x", byte);
        escaped += code;
      }
      else {
        escaped.push_back(c);
      }
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
  append_field(&line, "host", record.host);
  append_field(&line, "action", record.action);
  if(!record.reason.empty())
    append_field(&line, "reason", record.reason);
  append_names(&line, "headers", record.headers);
  if(!record.kept_signed.empty())
    append_names(&line, "kept_signed", record.kept_signed);
  if(!record.note.empty())
    append_field(&line, "note", record.note);
  line += "}\n";
  return line;
}

}  // namespace tracestrip
