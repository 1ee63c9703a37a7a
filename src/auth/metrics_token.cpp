#include "auth/metrics_token.hpp"

#include <vector>

#include "auth/api_key.hpp"

namespace st::auth {

MetricsToken::MetricsToken(std::string_view token) {
  if (!token.empty()) hash_ = hash_key(token);
}

bool MetricsToken::matches(std::string_view credential) const {
  return configured() && same_hash(hash_key(credential), hash_);
}

bool MetricsToken::admits(const http::RequestContext& ctx) const {
  if (!configured() || ctx.path != kMetricsPath || ctx.request.method() != http::bhttp::verb::get)
    return false;
  std::vector<std::string_view> values;
  auto [first, last] = ctx.request.equal_range(http::bhttp::field::authorization);
  for (auto it = first; it != last; ++it) values.push_back(it->value());
  const auto bearer = read_bearer(values);
  return bearer.outcome == BearerCredential::Outcome::present && matches(bearer.credential);
}

}  // namespace st::auth
