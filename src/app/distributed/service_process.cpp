#include "app/distributed/service_process.hpp"

#include <stdexcept>

namespace st::app::distributed {

std::unique_ptr<ServiceProcess> make_service_process(const Config& config) {
  if (config.target == "tickets") return make_tickets_process(config);
  if (config.target == "routing") return make_routing_process(config);
  if (config.target == "categorizer") return make_categorizer_process(config);
  if (config.target == "analytics") return make_analytics_process(config);
  if (config.target == "gateway") return make_gateway_process(config);
  throw std::invalid_argument("no distributed process for target '" + config.target + "'");
}

}  // namespace st::app::distributed
