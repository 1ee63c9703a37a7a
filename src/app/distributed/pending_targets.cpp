// Placeholder until the PostgreSQL adapter lands: the targets that own tables.
#include <stdexcept>

#include "app/distributed/service_process.hpp"

namespace st::app::distributed {

namespace {
[[noreturn]] void needs_postgres(const std::string& target) {
  throw std::runtime_error("target '" + target +
                           "' needs the PostgreSQL adapter, which is not built yet");
}
}  // namespace

std::unique_ptr<ServiceProcess> make_tickets_process(const Config&) {
  needs_postgres("tickets");
}
std::unique_ptr<ServiceProcess> make_routing_process(const Config&) {
  needs_postgres("routing");
}
std::unique_ptr<ServiceProcess> make_analytics_process(const Config&) {
  needs_postgres("analytics");
}

}  // namespace st::app::distributed
