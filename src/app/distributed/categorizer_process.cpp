// --target=categorizer: consumes ticket.created from its shared queue (run as many as the
// Claude latency needs; they split the work), asks its chain and publishes
// ticket.categorized. It has no tables; the department list comes from routing over HTTP.
#include "adapters/remote/department_directory_client.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/distributed/process_base.hpp"
#include "app/queues.hpp"
#include "ports/clock.hpp"
#include "services/categorizer/categorizer_api.hpp"
#include "services/categorizer/keyword_categorizer.hpp"

namespace st::app::distributed {
namespace {

using namespace services;

class CategorizerProcess final : public ProcessBase {
 public:
  explicit CategorizerProcess(const Config& c)
      : ProcessBase(c, "categorizer"),
        routing_client_(make_client(c, "routing", c.routing_url)),
        departments_(*routing_client_),
        categorizer_({&keywords_}, departments_, *bus_, clock_) {
    categorizer::register_routes(router_, categorizer_);
    bus_->subscribe_batch(queues::categorizer(c.prefetch),
                          patient([this](const std::vector<ports::Delivery>& b) {
                            return categorizer_.on_created(b);
                          }));
  }
  ~CategorizerProcess() override { stop(); }

 private:
  ports::SystemClock clock_;
  std::unique_ptr<http::HttpClient> routing_client_;
  adapters::remote::DepartmentDirectoryClient departments_;
  categorizer::KeywordCategorizer keywords_;
  categorizer::CategorizerService categorizer_;
};

}  // namespace

std::unique_ptr<ServiceProcess> make_categorizer_process(const Config& config) {
  return std::make_unique<CategorizerProcess>(config);
}

}  // namespace st::app::distributed
