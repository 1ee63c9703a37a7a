#pragma once
// Who may call a route: every public route of the gateway states it when it is registered
// (Gateway::add), so a route cannot exist without a rule. The table in docs/api.md
// ("Access") is this, written out.
#include <cstdint>
#include <string>

#include "domain/principal.hpp"

namespace st::auth {

class Access {
 public:
  // Anyone, never rate-limited: probes, the console's files, the service map.
  static constexpr Access open() { return Access(kAnonymous | kRequester | kAgent | kAdmin, true); }
  // Any key (a requester sees only their own tickets; the handler enforces that).
  static constexpr Access signed_in() { return Access(kRequester | kAgent | kAdmin); }
  // Agents and admins: every ticket.
  static constexpr Access staff() { return Access(kAgent | kAdmin); }
  static constexpr Access admins() { return Access(kAdmin); }
  // The same plus anonymous callers (anonymous ticket creation when it is switched on).
  constexpr Access and_anonymous() const { return Access(bits_ | kAnonymous, unlimited_); }
  // The same plus a ticket token for the ticket named in the path (anonymous creates).
  constexpr Access and_ticket_token() const { return Access(bits_ | kTicketToken, unlimited_); }
  // The same plus the metrics token (auth/metrics_token.hpp): GET /metrics only.
  constexpr Access and_metrics_token() const { return Access(bits_ | kMetricsToken, unlimited_); }

  bool allows(const domain::Principal& p) const;
  bool allows_anonymous() const { return bits_ & kAnonymous; }
  bool allows_ticket_token() const { return bits_ & kTicketToken; }
  bool allows_metrics_token() const { return bits_ & kMetricsToken; }
  // Never counted against a rate limit (probes must answer whatever a caller did before).
  bool unlimited() const { return unlimited_; }

 private:
  enum : std::uint8_t {
    kAnonymous = 1,
    kRequester = 2,
    kAgent = 4,
    kAdmin = 8,
    kTicketToken = 16,
    kMetricsToken = 32,
  };
  constexpr explicit Access(std::uint8_t bits, bool unlimited = false)
      : bits_(bits), unlimited_(unlimited) {}
  std::uint8_t bits_;
  bool unlimited_;
};

}  // namespace st::auth
