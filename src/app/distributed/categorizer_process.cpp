// --target=categorizer: consumes ticket.created from its shared queue (run as many as the
// Claude latency needs; they split the work), asks its chain (Claude → learned model →
// keywords) and publishes ticket.categorized. The department list comes from routing over
// HTTP. Its only state is the learned model: each instance keeps its model and training
// examples in a small SQLite file of its own (data_dir) and learns from the routing
// decisions it sees on a transient queue while it runs.
#include <filesystem>

#include "adapters/remote/department_directory_client.hpp"
#include "adapters/sqlite/database.hpp"
#include "app/categorizer_chain.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/process_base.hpp"
#include "app/queues.hpp"
#include "metrics/registry.hpp"
#include "ports/clock.hpp"
#include "services/categorizer/categorizer_api.hpp"

namespace st::app::distributed {
namespace {

using namespace services;

std::unique_ptr<adapters::sqlite::Database> open_model_db(const Config& c) {
  if (!c.model_enabled) return nullptr;
  std::filesystem::create_directories(c.data_dir);
  const auto file = (std::filesystem::absolute(c.data_dir) / "categorizer.db").string();
  return std::make_unique<adapters::sqlite::Database>(file);
}

class CategorizerProcess final : public ProcessBase {
 public:
  explicit CategorizerProcess(const Config& c)
      : ProcessBase(c, "categorizer"),
        model_db_(open_model_db(c)),
        routing_client_(make_client(c, "routing", c.routing_url)),
        departments_(*routing_client_),
        chain_(c, metrics_, model_db_.get()),
        categorizer_(chain_.strategies(), departments_, *bus_, clock_, chain_.service_options()) {
    categorizer::register_routes(router_, categorizer_, &metrics_);
    bus_->subscribe_batch(queues::categorizer(c.prefetch),
                          patient([this](const std::vector<ports::Delivery>& b) {
                            return categorizer_.on_created(b);
                          }));
    if (auto* training = chain_.training()) {
      auto spec = queues::categorizer_training(c.prefetch);
      spec.durable = false;  // one per instance: each sees every routing decision
      bus_->subscribe_batch(spec, [training](const std::vector<ports::Delivery>& b) {
        return training->on_routed(b);
      });
    }
  }
  ~CategorizerProcess() override { stop(); }

  void start() override {
    ProcessBase::start();
    if (auto* training = chain_.training()) training->start();
  }
  void stop() override {
    ProcessBase::stop();
    if (auto* training = chain_.training()) training->stop();
  }

 private:
  ports::SystemClock clock_;
  metrics::Registry metrics_;
  std::unique_ptr<adapters::sqlite::Database> model_db_;
  std::unique_ptr<http::HttpClient> routing_client_;
  adapters::remote::DepartmentDirectoryClient departments_;
  CategorizerChain chain_;
  categorizer::CategorizerService categorizer_;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_categorizer_process(const Config& config) {
  return std::make_unique<CategorizerProcess>(config);
}

}  // namespace st::app::distributed
