#pragma once
// Opaque paging cursors: clients pass back what they were given and never build one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace st::services {

std::string encode_cursor(std::int64_t before_id);
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

}  // namespace st::services
