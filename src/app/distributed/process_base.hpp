#pragma once
// What every distributed service process has: an HTTP server on its router, the event bus
// (RabbitMQ), outbox relays, and the stop flag its patient consumers watch. Start and stop
// order live here once: bus → relays → HTTP up; HTTP → relays → bus down.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/distributed/service_process.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "messaging/outbox_relay.hpp"
#include "messaging/patient_consumer.hpp"
#include "ports/event_bus.hpp"
#include "ports/outbox.hpp"

namespace st::app::distributed {

class ProcessBase : public ServiceProcess {
 public:
  ProcessBase(const Config& config, std::string service);
  ~ProcessBase() override;

  void start() override;
  void stop() override;
  std::uint16_t port() const override;

 protected:
  // For the target's constructor: register a relay for an outbox, and wrap consumers.
  void relay(ports::Outbox& outbox);
  ports::BatchConsumer patient(ports::BatchConsumer consumer) const;
  // Called by stop() after the HTTP server stopped and before the bus stops.
  virtual void before_bus_stop() {}

  const Config config_;
  const std::string service_;
  std::unique_ptr<ports::EventBus> bus_;
  http::Router router_;

 private:
  messaging::StopFlag stopping_ = std::make_shared<std::atomic<bool>>(false);
  std::vector<std::unique_ptr<messaging::OutboxRelay>> relays_;
  std::unique_ptr<http::Server> server_;
  bool stopped_ = false;
};

}  // namespace st::app::distributed
