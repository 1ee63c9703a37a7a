#pragma once
// Distributed mode: one service per process (`serve --target=tickets|categorizer|routing|
// analytics|gateway`), on PostgreSQL and RabbitMQ, reaching the other services over HTTP.
// Each target file (tickets_process.cpp, ...) composes the same service code the embedded
// mode uses with the distributed adapters; only src/app knows which adapter backs which port.
#include <cstdint>
#include <memory>
#include <string>

#include "app/config.hpp"

namespace st::app::distributed {

class ServiceProcess {
 public:
  virtual ~ServiceProcess() = default;
  // Connects, migrates its own tables, starts consumers, relays and the HTTP server.
  virtual void start() = 0;
  // Graceful: stop accepting, finish requests in flight, relay what is pending, stop
  // consuming (unacked messages go back to the broker).
  virtual void stop() = 0;
  virtual std::uint16_t port() const = 0;
};

// The process for config.target; throws std::invalid_argument for "all" (the embedded mode).
std::unique_ptr<ServiceProcess> make_service_process(const Config& config);

std::unique_ptr<ServiceProcess> make_tickets_process(const Config& config);
std::unique_ptr<ServiceProcess> make_routing_process(const Config& config);
std::unique_ptr<ServiceProcess> make_categorizer_process(const Config& config);
std::unique_ptr<ServiceProcess> make_analytics_process(const Config& config);
std::unique_ptr<ServiceProcess> make_gateway_process(const Config& config);

}  // namespace st::app::distributed
