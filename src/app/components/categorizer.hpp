#pragma once
// The categorizer: consumes ticket.created, asks its chain (Claude → learned model →
// keywords) and publishes ticket.categorized. With the learned model on, it also consumes
// the model's labels (ticket.routed, on the durable categorizer-training queue) into the
// training examples and retrains in the background while it runs.
#include <chrono>

#include "app/categorizer_chain.hpp"
#include "app/components/component.hpp"
#include "app/config.hpp"
#include "http/blocking_pool.hpp"
#include "metrics/registry.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "ports/service_clients.hpp"
#include "ports/training_examples.hpp"
#include "services/categorizer/categorizer_service.hpp"

namespace st::app::components {

class CategorizerComponent final : public Component {
 public:
  // `training_store` and `watermark_poll`: see CategorizerChain. `departments` is the
  // routing service's list, `bus` where ticket.categorized is published.
  CategorizerComponent(const Config& config, ports::TrainingExampleStore* training_store,
                       std::chrono::milliseconds watermark_poll,
                       ports::DepartmentDirectory& departments, ports::EventBus& bus,
                       const ports::Clock& clock);

  std::string name() const override { return "categorizer"; }
  void register_routes(http::Router& router) override;
  // The chain's counters (Claude, the cache, decisions) join the process's metrics.
  void attach_metrics(metrics::Registry& registry) override { registry.include(metrics_); }
  std::vector<Subscription> subscriptions(int prefetch) override;
  // Its strategies (Claude off, on, or behind an open breaker) and the trainer's watermarks.
  nlohmann::json health() override { return service_.health(); }
  // The learned model's retraining runs between start and stop.
  void start() override;
  // The HTTP server has stopped: the categorize calls still on the pool finish.
  void drain() override;
  void stop() override;

 private:
  metrics::Registry metrics_;
  CategorizerChain chain_;
  services::categorizer::CategorizerService service_;
  // POST /api/categorize waits for Claude here. Twice Claude's default concurrency: the
  // calls past the limiter's cap wait for a permit or fall back to the next strategy.
  http::BlockingPool waits_{{.name = "categorize", .threads = 8, .queue = 32}};
};

}  // namespace st::app::components
