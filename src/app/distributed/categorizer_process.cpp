// --target=categorizer: consumes ticket.created from its shared queue (run as many as the
// Claude latency needs; they split the work), asks its chain (Claude → learned model →
// keywords) and publishes ticket.categorized. The department list comes from routing over
// HTTP. Its state is the learned model's: the training examples live in PostgreSQL, one
// table shared by every instance, fed from the durable categorizer-training queue (the
// instances split the labels, each recorded once, and labels published while none runs
// wait there). Each instance trains and keeps its own model file in data_dir, retraining
// when the shared watermark has moved far enough, whoever recorded the labels.
#include <chrono>

#include "adapters/postgres/training_example_store.hpp"
#include "adapters/remote/department_directory_client.hpp"
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

// How often an instance reads the shared watermark for labels the others recorded: one
// cheap query, and a retraining at most this long after the labels that made it due.
constexpr std::chrono::seconds kWatermarkPoll{10};

class CategorizerProcess final : public ProcessBase {
 public:
  explicit CategorizerProcess(const Config& c)
      : ProcessBase(c, "categorizer"),
        // Without a learned model there is nothing to store: no database at all.
        db_(c.model_enabled ? make_database(c) : nullptr),
        training_store_(db_ ? open_store<adapters::postgres::PgTrainingExampleStore>(*db_)
                            : nullptr),
        routing_client_(make_client(c, "routing", c.routing_url)),
        departments_(*routing_client_),
        chain_(c, metrics_, training_store_.get(), kWatermarkPoll),
        categorizer_(chain_.strategies(), departments_, *bus_, clock_, chain_.service_options()) {
    categorizer::register_routes(router_, categorizer_, &metrics_);
    bus_->subscribe_batch(queues::categorizer(c.prefetch),
                          patient([this](const std::vector<ports::Delivery>& b) {
                            return categorizer_.on_created(b);
                          }));
    if (auto* training = chain_.training()) {
      bus_->subscribe_batch(queues::categorizer_training(c.prefetch),
                            patient([training](const std::vector<ports::Delivery>& b) {
                              return training->on_routed(b);
                            }));
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
  std::unique_ptr<adapters::postgres::Database> db_;
  std::unique_ptr<adapters::postgres::PgTrainingExampleStore> training_store_;
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
