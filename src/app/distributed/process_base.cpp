#include "app/distributed/process_base.hpp"

#include <spdlog/spdlog.h>

#include "app/distributed/infrastructure.hpp"
#include "auth/service_credential.hpp"

namespace st::app::distributed {

ProcessBase::ProcessBase(const Config& config, std::string service)
    : config_(config), service_(std::move(service)), bus_(make_event_bus(config, service_)) {}

ProcessBase::~ProcessBase() {
  stop();
}

void ProcessBase::relay(ports::Outbox& outbox) {
  relays_.push_back(std::make_unique<messaging::OutboxRelay>(
      outbox, *bus_, messaging::OutboxRelay::Options{.name = service_}));
}

ports::BatchConsumer ProcessBase::patient(ports::BatchConsumer consumer) const {
  return messaging::patient(std::move(consumer), stopping_, {.name = service_});
}

void ProcessBase::start() {
  bus_->start();
  for (auto& r : relays_) r->start();
  http::ServerOptions options{config_.host, config_.listen_port(), config_.threads};
  // The services answer only the gateway and each other; the gateway's public routes have
  // their own access control.
  if (service_ != "gateway" && !config_.service_token.empty())
    options.guard = [token = config_.service_token](const http::RequestContext& ctx) {
      return auth::check_service_credential(ctx, token);
    };
  else if (service_ != "gateway" && config_.auth)
    spdlog::warn(
        "{}: no service credential (SMARTTICKET_SERVICE_TOKEN): anyone who reaches "
        "{}:{} may call this service; acceptable on loopback only",
        service_, config_.host, config_.listen_port());
  server_ = std::make_unique<http::Server>(options, router_);
  server_->start();
}

std::uint16_t ProcessBase::port() const {
  return server_ ? server_->port() : 0;
}

void ProcessBase::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (server_) server_->stop();
  stopping_->store(true);
  before_bus_stop();
  for (auto& r : relays_) r->stop();
  bus_->stop();
}

}  // namespace st::app::distributed
