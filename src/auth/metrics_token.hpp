#pragma once
// The metrics token: a bearer credential that reads GET /metrics and nothing else, so a
// Prometheus server scrapes without holding an admin key. Only its SHA-256 hash is kept; a
// presented token is hashed and compared in constant time.
#include <string>
#include <string_view>

#include "http/request_context.hpp"

namespace st::auth {

inline constexpr std::string_view kMetricsPath = "/metrics";

class MetricsToken {
 public:
  MetricsToken() = default;  // none configured: accepts nothing
  // `token` in clear text (from the configuration); empty: none configured.
  explicit MetricsToken(std::string_view token);

  bool configured() const { return !hash_.empty(); }
  // Whether `credential` (a bearer token already read from the request) is this token.
  bool matches(std::string_view credential) const;
  // Whether the request is GET /metrics carrying this token as Authorization: Bearer.
  bool admits(const http::RequestContext& ctx) const;

 private:
  std::string hash_;
};

}  // namespace st::auth
