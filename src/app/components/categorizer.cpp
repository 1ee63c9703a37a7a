#include "app/components/categorizer.hpp"

#include "app/queues.hpp"
#include "services/categorizer/categorizer_api.hpp"

namespace st::app::components {

CategorizerComponent::CategorizerComponent(const Config& config,
                                           ports::TrainingExampleStore* training_store,
                                           std::chrono::milliseconds watermark_poll,
                                           ports::DepartmentDirectory& departments,
                                           ports::EventBus& bus, const ports::Clock& clock)
    : chain_(config, metrics_, training_store, watermark_poll),
      service_(chain_.strategies(), departments, bus, clock, chain_.service_options()) {}

void CategorizerComponent::register_routes(http::Router& router) {
  services::categorizer::register_routes(router, service_, waits_);
}

std::vector<Subscription> CategorizerComponent::subscriptions(int prefetch) {
  std::vector<Subscription> out{
      {queues::categorizer(prefetch),
       [this](const std::vector<ports::Delivery>& batch) { return service_.on_created(batch); }}};
  if (auto* training = chain_.training())
    out.push_back({queues::categorizer_training(prefetch),
                   [training](const std::vector<ports::Delivery>& batch) {
                     return training->on_routed(batch);
                   }});
  return out;
}

void CategorizerComponent::start() {
  if (auto* training = chain_.training()) training->start();
}

void CategorizerComponent::drain() {
  waits_.stop();
}

void CategorizerComponent::stop() {
  if (auto* training = chain_.training()) training->stop();
}

}  // namespace st::app::components
