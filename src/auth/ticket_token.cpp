#include "auth/ticket_token.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <stdexcept>

#include "auth/api_key.hpp"

namespace st::auth {

namespace {
constexpr std::size_t kMacHexDigits = 32;  // 128 of HMAC-SHA256's 256 bits
}  // namespace

std::string TicketTokens::mac(domain::TicketId id) const {
  const std::string message = "ticket-token:" + std::to_string(id);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len && hex.size() < kMacHexDigits; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 0xf];
  }
  return hex;
}

std::string TicketTokens::issue(domain::TicketId id) const {
  return std::string(kTicketTokenPrefix) + std::to_string(id) + "_" + mac(id);
}

std::optional<domain::TicketId> TicketTokens::verify(std::string_view token) const {
  if (!token.starts_with(kTicketTokenPrefix)) return std::nullopt;
  token.remove_prefix(kTicketTokenPrefix.size());
  const auto sep = token.find('_');
  if (sep == std::string_view::npos || token.size() - sep - 1 != kMacHexDigits) return std::nullopt;
  domain::TicketId id = 0;
  const auto digits = token.substr(0, sep);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  // Canonical decimal only: "007" must not be a second spelling of 7's token.
  if (ec != std::errc{} || end != digits.data() + digits.size() || id <= 0 ||
      std::to_string(id) != digits)
    return std::nullopt;
  if (!same_hash(token.substr(sep + 1), mac(id))) return std::nullopt;
  return id;
}

}  // namespace st::auth
