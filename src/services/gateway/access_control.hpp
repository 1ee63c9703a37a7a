#pragma once
// The gateway's door: every public route passes through admit() before its handler runs.
// It authenticates the caller (Authorization: Bearer <key>), spends one token of the caller's
// rate limit, and checks the route's Access. Unauthenticated calls, failed ones included, are
// limited per client address, so guessing keys is limited too. Probes are never limited.
#include <optional>

#include "auth/access.hpp"
#include "auth/authenticator.hpp"
#include "auth/metrics_token.hpp"
#include "auth/rate_limiter.hpp"
#include "domain/principal.hpp"
#include "http/beast.hpp"
#include "http/request_context.hpp"
#include "metrics/registry.hpp"
#include "ports/clock.hpp"

namespace st::services::gateway {

struct AccessOptions {
  // Off: the original open API (every caller may do everything, anonymously, unlimited).
  // The server refuses to start that way unless it listens on loopback only.
  bool enabled = true;
  bool anonymous_create = false;  // POST /api/tickets without a key (a public web form)
  // Requests per minute; 0 = unlimited.
  int rate_anonymous = 60;
  int rate_requester = 120;
  int rate_agent = 1200;
  int rate_admin = 1200;
  // Admits GET /metrics (a route whose Access allows it) without a key, unlimited.
  auth::MetricsToken metrics_token = {};
};

class AccessControl {
 public:
  // `authenticator` may be null only when access control is off.
  AccessControl(AccessOptions options, auth::Authenticator* authenticator,
                const ports::Clock& clock);

  struct Admission {
    domain::Principal principal;
    std::optional<http::Response> refusal;  // 401, 403 or 429, ready to send
    auth::RateDecision rate;                // limit 0: no RateLimit headers
  };
  Admission admit(const http::RequestContext& ctx, const auth::Access& access);
  // From now on counts refusals: smartticket_http_unauthorized_total (401),
  // smartticket_http_rate_limited_total (429) and smartticket_http_forbidden_total (403).
  // Call before the server starts; `registry` outlives this object.
  void count_refusals(metrics::Registry& registry);
  // RateLimit-Policy and RateLimit on an answer to a limited caller.
  static void add_rate_headers(const auth::RateDecision& d, http::Response& res);

  bool enabled() const { return options_.enabled; }
  const AccessOptions& options() const { return options_; }
  auth::Authenticator* authenticator() { return authenticator_; }

 private:
  int limit_for(const domain::Principal& p) const;
  Admission decide(const http::RequestContext& ctx, const auth::Access& access);

  AccessOptions options_;
  auth::Authenticator* authenticator_;
  const ports::Clock& clock_;
  auth::RateLimiter limiter_;
  metrics::Counter* unauthorized_ = nullptr;
  metrics::Counter* rate_limited_ = nullptr;
  metrics::Counter* forbidden_ = nullptr;
};

}  // namespace st::services::gateway
