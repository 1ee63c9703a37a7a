#pragma once
// SQL helpers both relational adapters (SQLite and PostgreSQL) share.
#include <string>
#include <string_view>

namespace st::adapters::sql {

// A LIKE pattern matching any text that contains `needle` literally: '%', '_' and the
// escape character '\' in `needle` are escaped. Use with ESCAPE '\'.
inline std::string contains_pattern(std::string_view needle) {
  std::string out;
  out.reserve(needle.size() + 8);
  out += '%';
  for (char ch : needle) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '%';
  return out;
}

}  // namespace st::adapters::sql
