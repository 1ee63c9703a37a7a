#pragma once
// Ticket tokens: what an anonymous create (auth_anonymous_create, a public web form) answers
// with, so the person who filed the ticket can follow it without a key. A token reads
// "stt_<ticket id>_<32 hex>": the hex is an HMAC-SHA256 (OpenSSL) of the id under the
// installation's secret, so tokens need no table and work on every gateway instance. It lets
// its holder read that one ticket and its trail, nothing else.
#include <optional>
#include <string>
#include <string_view>

#include "domain/ticket.hpp"

namespace st::auth {

inline constexpr std::string_view kTicketTokenPrefix = "stt_";

class TicketTokens {
 public:
  explicit TicketTokens(std::string secret) : secret_(std::move(secret)) {}

  std::string issue(domain::TicketId id) const;
  // The ticket a token is for, or nullopt (malformed, or not signed with this secret).
  std::optional<domain::TicketId> verify(std::string_view token) const;

 private:
  std::string mac(domain::TicketId id) const;
  std::string secret_;
};

}  // namespace st::auth
