#include "app/components/gateway.hpp"

#include <chrono>
#include <utility>

#include "app/access_setup.hpp"
#include "app/queues.hpp"
#include "messaging/one_at_a_time.hpp"

namespace st::app::components {
namespace {

services::gateway::EventStreamLimits event_stream_limits(const Config& c) {
  using std::chrono::milliseconds;
  return {.max_streams = static_cast<std::size_t>(c.event_stream_max),
          .max_streams_per_caller = static_cast<std::size_t>(c.event_stream_max_per_caller),
          .buffer_bytes = static_cast<std::size_t>(c.event_stream_buffer_bytes),
          .write_timeout = milliseconds(c.event_stream_write_timeout_ms),
          .heartbeat = milliseconds(c.event_stream_heartbeat_ms)};
}

// Every queue of the topology: the services' durable ones (replayable) and the gateway's own.
services::gateway::DeadLetterQueues dead_letter_queues(ports::EventBus& bus,
                                                       ports::DeadLetterAdmin* admin) {
  services::gateway::DeadLetterQueues out{&bus};
  for (const auto& spec : queues::durable()) {
    out.queues.push_back(spec.name);
    out.replayable.push_back(spec.name);
  }
  out.queues.push_back(queues::gateway().name);
  out.admin = admin;
  return out;
}

}  // namespace

GatewayComponent::GatewayComponent(const Config& config, std::string mode,
                                   services::gateway::Upstreams upstreams, ports::KeyStore& keys,
                                   ports::IdempotencyStore& idempotency, ports::EventBus& bus,
                                   const ports::Clock& clock,
                                   ports::DeadLetterAdmin* dead_letter_admin,
                                   ports::StoreBackup* backup)
    : authenticator_(keys, clock),
      gateway_({.create_timeout = std::chrono::milliseconds(config.create_timeout_ms),
                .mode = std::move(mode),
                .event_streams = event_stream_limits(config),
                .access = access_options(config)},
               upstreams, {&authenticator_, &idempotency, backup},
               dead_letter_queues(bus, dead_letter_admin)) {
  bootstrap_admin_key(keys, config);
}

void GatewayComponent::register_routes(http::Router& router) {
  gateway_.register_routes(router);
}

std::vector<Subscription> GatewayComponent::subscriptions(int /*prefetch*/) {
  // Each event is only passed on (to streams, to a waiting create): nothing to batch.
  return {{queues::gateway(), messaging::one_at_a_time([this](const ports::Delivery& d) {
             return gateway_.on_event(d);
           })}};
}

}  // namespace st::app::components
