#pragma once
// The distributed adapters, built from the configuration: the one place that names the
// PostgreSQL and RabbitMQ adapter classes and the HTTP client settings.
#include <memory>
#include <string>

#include "app/config.hpp"
#include "http/client.hpp"
#include "ports/event_bus.hpp"

namespace st::app::distributed {

// The RabbitMQ bus for `service` (its queues are named after it).
std::unique_ptr<ports::EventBus> make_event_bus(const Config& config, const std::string& service);

// A pooled client to another service, e.g. make_client(config, "tickets", config.tickets_url).
std::unique_ptr<http::HttpClient> make_client(const Config& config, const std::string& name,
                                              const std::string& url);

}  // namespace st::app::distributed
