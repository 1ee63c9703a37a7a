#include "app/distributed/component_process.hpp"

#include <spdlog/spdlog.h>

#include "app/config/server_options.hpp"
#include "auth/service_credential.hpp"

namespace st::app::distributed {

Host::Options host_options(const Config& config, const std::string& service) {
  Host::Options options{.server = server_options(config),
                        .prefetch = config.prefetch,
                        .patient_consumers = true,
                        .checks = {}};
  // The services answer only the gateway and each other; the gateway's public routes have
  // their own access control.
  if (service != "gateway" && !config.service_token.empty())
    options.server.guard = [token = config.service_token](const http::RequestContext& ctx) {
      return auth::check_service_credential(ctx, token);
    };
  else if (service != "gateway" && config.auth)
    spdlog::warn(
        "{}: no service credential (SMARTTICKET_SERVICE_TOKEN): anyone who reaches "
        "{}:{} may call this service; acceptable on loopback only",
        service, config.host, config.listen_port());
  return options;
}

}  // namespace st::app::distributed
