#include "app/distributed/component_process.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "app/config/server_options.hpp"
#include "auth/metrics_token.hpp"
#include "auth/service_credential.hpp"

namespace st::app::distributed {

namespace {

// What tells this process apart from its replicas: the host name (a pod's or container's
// name), else its process id.
std::string instance_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') return name;
  return "pid-" + std::to_string(::getpid());
}

}  // namespace

Host::Options host_options(const Config& config, const std::string& service) {
  Host::Options options{.server = server_options(config),
                        .prefetch = config.prefetch,
                        .patient_consumers = true,
                        .checks = {},
                        .metric_labels = {{"service", service}, {"instance", instance_name()}},
                        .metrics_route = service != "gateway"};
  // The services answer only the gateway and each other (and GET /metrics a scraper holding
  // the metrics token); the gateway's public routes have their own access control.
  if (service != "gateway" && !config.service_token.empty())
    options.server.guard = [token = config.service_token,
                            metrics = auth::MetricsToken(config.metrics_token)](
                               const http::RequestContext& ctx) -> std::optional<http::Response> {
      if (metrics.admits(ctx)) return std::nullopt;
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
