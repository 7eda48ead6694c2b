// Small ASCII helpers shared by the rules: header names and host names are
// compared without regard to letter case, and nothing here depends on locale.
#pragma once

#include <string>
#include <string_view>

namespace tracestrip {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
bool iends_with(std::string_view text, std::string_view suffix);
std::string to_lower(std::string_view text);
std::string_view trim_blanks(std::string_view text);  // spaces and tabs

// Splits "a,b , c" into trimmed entries and calls fn(entry) for each, empty
// entries included so that callers decide what an empty entry means.
template <typename Fn>
void for_each_list_entry(std::string_view list, char separator, Fn fn) {
  size_t start = 0;
  while(start <= list.size()) {
    size_t end = list.find(separator, start);
    if(end == std::string_view::npos)
      end = list.size();
    fn(trim_blanks(list.substr(start, end - start)));
    start = end + 1;
  }
}

}  // namespace tracestrip
