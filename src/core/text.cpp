#include "tracestrip/text.h"

namespace tracestrip {

bool iequals(std::string_view a, std::string_view b) {
  if(a.size() != b.size())
    return false;
  for(size_t i = 0; i < a.size(); ++i) {
    if(ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  }
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

std::string to_lower(std::string_view text) {
  std::string lower(text);
  for(char& c : lower)
    c = ascii_lower(c);
  return lower;
}

std::string_view trim_blanks(std::string_view text) {
  while(!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while(!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

}  // namespace tracestrip
