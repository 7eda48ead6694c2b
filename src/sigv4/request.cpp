#include "tracestrip/sigv4/request.h"

#include <algorithm>

namespace tracestrip::sigv4 {

namespace {

char lower(char c)
{
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b)
{
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower(std::string_view text)
{
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), lower);
  return lowered;
}

std::optional<std::string> find_header(const HeaderList &headers, std::string_view name)
{
  for(const Header &header : headers) {
    if(iequals(header.name, name))
      return header.value;
  }
  return std::nullopt;
}

std::size_t remove_header(HeaderList &headers, std::string_view name)
{
  auto first = std::remove_if(headers.begin(), headers.end(),
                              [name](const Header &h) { return iequals(h.name, name); });
  auto removed = static_cast<std::size_t>(headers.end() - first);
  headers.erase(first, headers.end());
  return removed;
}

}  // namespace tracestrip::sigv4
