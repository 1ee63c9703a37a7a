#include "app/host.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "http/metrics_response.hpp"

namespace st::app {

Host::Host(ports::EventBus& bus, const http::Router& served, Options options)
    : bus_(bus), served_(served), options_(std::move(options)) {
  metrics_.set_constant_labels(options_.metric_labels);
  probes_.push_back(std::make_unique<services::TimedProbe>(bus_, kProbeBudget));
  for (auto* check : options_.checks)
    probes_.push_back(std::make_unique<services::TimedProbe>(*check, kProbeBudget));
}

Host::~Host() {
  stop();
}

void Host::add(components::Component& component, http::Router& router) {
  if (started_ || stopped_)
    throw std::logic_error("host: " + component.name() + " added after start()");
  components_.push_back(&component);
  component.attach_metrics(metrics_);
  component.register_routes(router);
  if (options_.metrics_route)
    router.route(http::bhttp::verb::get, "/metrics", [this](http::RequestContext& ctx) {
      return http::metrics_response(metrics_, ctx.request.version());
    });
  std::vector<services::TimedProbe*> dependencies;
  for (auto& p : probes_) dependencies.push_back(p.get());
  health_.push_back(std::make_unique<services::ServiceHealth>(
      component.name(), std::move(dependencies), [&component] { return component.health(); }));
  component.register_health(router, *health_.back());
  for (auto& [queue, consumer] : component.subscriptions(options_.prefetch)) {
    if (options_.patient_consumers)
      consumer = messaging::patient(std::move(consumer), stopping_, {.name = component.name()});
    bus_.subscribe(queue, std::move(consumer));
  }
  for (auto* outbox : component.outboxes()) {
    relays_.push_back(std::make_unique<messaging::OutboxRelay>(
        *outbox, bus_, messaging::OutboxRelay::Options{.name = component.name()}));
    const metrics::Labels labels{{"service", component.name()}};
    auto& relayed = metrics_.counter("smartticket_outbox_relayed_total",
                                     "Events the outbox relay published to the bus", labels);
    auto& failures = metrics_.counter("smartticket_outbox_relay_failures_total",
                                      "Relay attempts that failed (the bus or the store)", labels);
    auto& backlog = metrics_.gauge("smartticket_outbox_backlog",
                                   "Events written to the outbox and not yet published", labels);
    auto& lag = metrics_.gauge(
        "smartticket_outbox_oldest_age_seconds",
        "Age of the oldest event waiting in the outbox: the relay's lag (0 when empty)", labels);
    // The relay keeps totals; the counters catch up with them at each scrape.
    metrics_.add_collector([relay = relays_.back().get(), outbox, &relayed, &failures, &backlog,
                            &lag] {
      relayed.advance_to(relay->relayed());
      failures.advance_to(relay->failures());
      try {
        const auto b = outbox->backlog();
        backlog.set(static_cast<double>(b.messages));
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        lag.set(b.oldest_created_at
                    ? static_cast<double>(std::max<std::int64_t>(0, now - *b.oldest_created_at)) /
                          1000.0
                    : 0.0);
      } catch (const std::exception&) {  // the store is down: /health says so; keep the last
      }
    });
  }
}

void Host::start() {
  if (stopped_) throw std::logic_error("host: start() after stop()");
  if (started_) return;
  started_ = true;
  bus_.start();
  for (auto* c : components_) c->start();
  for (auto& r : relays_) r->start();
  auto server_options = options_.server;
  server_options.metrics = &metrics_;
  server_ = std::make_unique<http::Server>(server_options, served_);
  server_->start();
}

std::uint16_t Host::port() const {
  return server_ ? server_->port() : 0;
}

void Host::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto* c : components_) c->close();
  if (server_) server_->stop();
  stopping_->store(true);
  for (auto* c : components_) c->drain();
  for (auto& r : relays_) r->stop();
  bus_.stop();
  for (auto* c : components_) c->stop();
}

}  // namespace st::app
