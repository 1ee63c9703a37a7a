#pragma once
#include <string_view>

#include "domain/validation.hpp"

namespace st::adapters::postgres {

// True when PostgreSQL (a UTF8 database) can take `s` as a text value: valid UTF-8 with no
// NUL character. Text that is not cannot be stored, so a lookup for it finds nothing.
inline bool storable_text(std::string_view s) {
  return s.find('\0') == std::string_view::npos && domain::is_valid_utf8(s);
}

}  // namespace st::adapters::postgres
