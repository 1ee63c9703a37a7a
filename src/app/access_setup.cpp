#include "app/access_setup.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "auth/key_issuer.hpp"
#include "ports/clock.hpp"

namespace st::app {

services::gateway::AccessOptions access_options(const Config& c) {
  return {.enabled = c.auth,
          .anonymous_create = c.auth_anonymous_create,
          .rate_anonymous = c.rate_limit_anonymous,
          .rate_requester = c.rate_limit_requester,
          .rate_agent = c.rate_limit_agent,
          .rate_admin = c.rate_limit_admin,
          .metrics_token = auth::MetricsToken(c.metrics_token)};
}

void bootstrap_admin_key(ports::KeyStore& keys, const Config& c) {
  if (!c.auth) {
    spdlog::warn(
        "access control is off (auth=off): anyone who reaches {}:{} may read and change "
        "every ticket",
        c.host, c.listen_port());
    return;
  }
  const auto file = std::filesystem::absolute(c.data_dir) / "admin.key";
  const std::optional<std::string> given =
      c.admin_key.empty() ? std::nullopt : std::optional<std::string>(c.admin_key);
  const auto result = auth::ensure_admin_key(keys, ports::SystemClock{}.now(), file, given);
  if (!result.created) return;
  if (result.written_to.empty())
    spdlog::info("stored the configured admin key {} (the first key of this install)",
                 result.key_id);
  else
    spdlog::info(
        "created the first admin key {}; its secret is in {} (mode 0600): send it as "
        "Authorization: Bearer <key>",
        result.key_id, result.written_to.lexically_normal().string());
}

}  // namespace st::app
