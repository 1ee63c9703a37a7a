#include "services/gateway/access_control.hpp"

#include "auth/api_key.hpp"
#include "http/json_response.hpp"

namespace st::services::gateway {

namespace bhttp = http::bhttp;
using domain::Principal;

namespace {

http::Response unauthorized(std::string_view message, bool invalid_token) {
  auto res = http::error_response(bhttp::status::unauthorized, "unauthorized", message);
  // RFC 6750: a request without credentials gets the bare challenge; a bad token says so.
  res.set(bhttp::field::www_authenticate,
          invalid_token ? R"(Bearer realm="smartticket", error="invalid_token")"
                        : R"(Bearer realm="smartticket")");
  return res;
}

http::Response too_many(const auth::RateDecision& d) {
  auto res = http::error_response(
      bhttp::status::too_many_requests, "rate_limited",
      "Too many requests; retry after " + std::to_string(d.retry_after_s) + " s");
  res.set(bhttp::field::retry_after, std::to_string(d.retry_after_s));
  AccessControl::add_rate_headers(d, res);
  return res;
}

std::vector<std::string_view> authorization_values(const http::Request& req) {
  std::vector<std::string_view> values;
  auto [first, last] = req.equal_range(bhttp::field::authorization);
  for (auto it = first; it != last; ++it) values.push_back(it->value());
  return values;
}

}  // namespace

AccessControl::AccessControl(AccessOptions options, auth::Authenticator* authenticator,
                             const ports::Clock& clock)
    : options_(options), authenticator_(authenticator), clock_(clock) {}

int AccessControl::limit_for(const Principal& p) const {
  if (!p.is_key()) return options_.rate_anonymous;
  switch (p.role) {
    case domain::Role::requester:
      return options_.rate_requester;
    case domain::Role::agent:
      return options_.rate_agent;
    case domain::Role::admin:
      return options_.rate_admin;
  }
  return options_.rate_anonymous;
}

void AccessControl::add_rate_headers(const auth::RateDecision& d, http::Response& res) {
  if (d.limit <= 0) return;
  res.set("RateLimit-Policy", auth::rate_limit_policy_header(d));
  res.set("RateLimit", auth::rate_limit_header(d));
}

void AccessControl::count_refusals(metrics::Registry& registry) {
  unauthorized_ = &registry.counter("smartticket_http_unauthorized_total",
                                    "Requests refused 401: no, a malformed or an unknown key");
  rate_limited_ = &registry.counter("smartticket_http_rate_limited_total",
                                    "Requests refused 429: the caller's rate limit was spent");
  forbidden_ = &registry.counter("smartticket_http_forbidden_total",
                                 "Requests refused 403: the key's role may not call the route");
}

AccessControl::Admission AccessControl::admit(const http::RequestContext& ctx,
                                              const auth::Access& access) {
  auto a = decide(ctx, access);
  if (a.refusal && unauthorized_) {
    switch (a.refusal->result()) {
      case bhttp::status::unauthorized:
        unauthorized_->inc();
        break;
      case bhttp::status::too_many_requests:
        rate_limited_->inc();
        break;
      case bhttp::status::forbidden:
        forbidden_->inc();
        break;
      default:
        break;
    }
  }
  return a;
}

AccessControl::Admission AccessControl::decide(const http::RequestContext& ctx,
                                               const auth::Access& access) {
  Admission a;
  // Open mode, and routes anyone may call unlimited (probes, the console): no credential is
  // even read, so a broken header never fails a health check.
  if (!options_.enabled || (access.unlimited() && access.allows_anonymous())) return a;

  const auto bearer = auth::read_bearer(authorization_values(ctx.request));
  const auto now = clock_.now();
  // Callers without a valid key share their address's budget: failed attempts spend it.
  auto by_address = [&] {
    return limiter_.take("addr:" + std::string(ctx.peer), options_.rate_anonymous, now);
  };
  using Outcome = auth::BearerCredential::Outcome;
  if (bearer.outcome == Outcome::malformed) {
    a.rate = by_address();
    a.refusal = a.rate.allowed ? unauthorized(bearer.problem, true) : too_many(a.rate);
    return a;
  }
  if (bearer.outcome == Outcome::absent) {
    a.rate = by_address();
    if (!a.rate.allowed)
      a.refusal = too_many(a.rate);
    else if (!access.allows(a.principal))
      a.refusal =
          unauthorized("This endpoint needs an API key: send Authorization: Bearer <key>", false);
    return a;
  }
  // The metrics token reads /metrics (and only routes that allow it), anonymously and
  // unlimited: a scraper polls on a fixed interval.
  if (access.allows_metrics_token() && options_.metrics_token.matches(bearer.credential)) return a;
  auto principal = authenticator_->authenticate(bearer.credential);
  if (!principal) {
    a.rate = by_address();
    a.refusal = a.rate.allowed ? unauthorized("The API key is not valid or has been revoked", true)
                               : too_many(a.rate);
    return a;
  }
  a.principal = std::move(*principal);
  const bool key = a.principal.is_key();
  a.rate = limiter_.take(
      key ? "key:" + a.principal.key_id : "ticket:" + std::to_string(a.principal.ticket_id),
      limit_for(a.principal), now);
  if (!a.rate.allowed)
    a.refusal = too_many(a.rate);
  else if (!access.allows(a.principal))
    a.refusal = http::error_response(
        bhttp::status::forbidden, "forbidden",
        key ? (a.principal.role == domain::Role::requester
                   ? "A requester"
                   : "An " + std::string(domain::to_string(a.principal.role))) +
                  " key may not do this"
            : std::string("A ticket token only reads its own ticket and its trail"));
  return a;
}

}  // namespace st::services::gateway
