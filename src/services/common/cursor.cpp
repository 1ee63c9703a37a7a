#include "services/common/cursor.hpp"

#include <charconv>

namespace st::services {
namespace {
// A version prefix lets the format change later without misreading old cursors.
constexpr std::string_view kPrefix = "c1.";
constexpr std::uint64_t kMask = 0x5bd1e9955bd1e995ULL;  // hides the raw id; not a secret
}  // namespace

std::string encode_cursor(std::int64_t before_id) {
  char buf[17];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, static_cast<std::uint64_t>(before_id) ^ kMask, 16);
  (void)ec;
  return std::string(kPrefix) + std::string(buf, end);
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
  if (!cursor.starts_with(kPrefix)) return std::nullopt;
  cursor.remove_prefix(kPrefix.size());
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), v, 16);
  if (cursor.empty() || ec != std::errc{} || ptr != cursor.data() + cursor.size())
    return std::nullopt;
  const auto id = static_cast<std::int64_t>(v ^ kMask);
  if (id <= 0) return std::nullopt;
  return id;
}

}  // namespace st::services
