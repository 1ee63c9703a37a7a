// --target=categorizer: the categorizer component, sharing the ticket.created queue with the
// other instances (run as many as the Claude latency needs; they split the work). The
// department list comes from routing over HTTP. Its state is the learned model's: the
// training examples live in PostgreSQL, one table shared by every instance, fed from the
// durable categorizer-training queue (the instances split the labels, each recorded once,
// and labels published while none runs wait there). Each instance trains and keeps its own
// model file in data_dir, retraining when the shared watermark has moved far enough,
// whoever recorded the labels.
#include <chrono>

#include "adapters/postgres/training_example_store.hpp"
#include "adapters/remote/department_directory_client.hpp"
#include "app/components/categorizer.hpp"
#include "app/distributed/component_process.hpp"
#include "ports/clock.hpp"

namespace st::app::distributed {
namespace {

// How often an instance reads the shared watermark for labels the others recorded: one
// cheap query, and a retraining at most this long after the labels that made it due.
constexpr std::chrono::seconds kWatermarkPoll{10};

struct CategorizerTarget {
  CategorizerTarget(const Config& c, ports::EventBus& bus, const ports::Clock& clock)
      :  // Without a learned model there is nothing to store: no database at all.
        training_db(c.model_enabled ? make_database(c) : nullptr),
        training_store(training_db
                           ? open_store<adapters::postgres::PgTrainingExampleStore>(*training_db)
                           : nullptr),
        routing_client(make_client(c, "routing", c.routing_url)),
        departments(*routing_client),
        component(c, training_store.get(), kWatermarkPoll, departments, bus, clock) {}

  // Not `db`: it is not needed to serve (categorizing goes on without it), so /health does
  // not probe it; its state shows in the training details instead.
  std::unique_ptr<adapters::postgres::Database> training_db;
  std::unique_ptr<adapters::postgres::PgTrainingExampleStore> training_store;
  std::unique_ptr<http::HttpClient> routing_client;
  adapters::remote::DepartmentDirectoryClient departments;
  components::CategorizerComponent component;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_categorizer_process(const Config& config) {
  return std::make_unique<ComponentProcess<CategorizerTarget>>(config, "categorizer");
}

}  // namespace st::app::distributed
