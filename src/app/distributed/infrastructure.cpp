#include "app/distributed/infrastructure.hpp"

#include "auth/service_credential.hpp"

#include <stdexcept>

#include <unistd.h>

#include <thread>

#include <spdlog/spdlog.h>

#include "adapters/postgres/connection_settings.hpp"
#include "adapters/rabbitmq/dead_letter_admin.hpp"
#include "adapters/rabbitmq/rabbit_bus.hpp"
#include "app/queues.hpp"

namespace st::app::distributed {

std::string database_conninfo(const Config& config) {
  adapters::postgres::DatabaseSettings settings{.url = config.database_url,
                                                .host = config.db_host,
                                                .port = std::to_string(config.db_port),
                                                .name = config.db_name,
                                                .user = config.db_user,
                                                .password = config.db_password};
  return adapters::postgres::connection_string(settings);
}

std::unique_ptr<adapters::postgres::Database> make_database(const Config& config) {
  const auto conninfo = database_conninfo(config);
  spdlog::info("PostgreSQL: {}", adapters::postgres::redact(conninfo));
  return std::make_unique<adapters::postgres::Database>(
      conninfo, adapters::postgres::PoolOptions{.max_connections = config.db_pool_size});
}

void wait_before_retry(const std::string& what, const std::exception& error,
                       std::chrono::steady_clock::time_point deadline) {
  if (std::chrono::steady_clock::now() >= deadline) throw;
  spdlog::warn("{} is not reachable yet, retrying: {}", what, error.what());
  std::this_thread::sleep_for(std::chrono::seconds(1));
}

std::unique_ptr<ports::EventBus> make_event_bus(const Config& config, const std::string& service) {
  adapters::rabbitmq::RabbitBus::Options options;
  options.url = config.rabbitmq_url;
  options.instance_id = service + "-" + std::to_string(::getpid());
  auto bus = std::make_unique<adapters::rabbitmq::RabbitBus>(options);
  // Whatever this process publishes must find its consumers' queues, even if those
  // services have never run yet.
  for (const auto& spec : queues::durable(config.prefetch)) bus->declare(spec);
  return bus;
}

std::unique_ptr<ports::DeadLetterAdmin> make_dead_letter_admin(const Config& config) {
  adapters::rabbitmq::RabbitOptions options;
  options.url = config.rabbitmq_url;
  std::vector<std::string> quorum;
  for (const auto& spec : queues::durable()) quorum.push_back(spec.name);
  return std::make_unique<adapters::rabbitmq::RabbitDeadLetterAdmin>(options, std::move(quorum));
}

std::unique_ptr<http::HttpClient> make_client(const Config& config, const std::string& name,
                                              const std::string& url) {
  auto parsed = http::parse_service_url(url);
  if (!parsed) throw std::invalid_argument(name + " service URL is not valid: " + url);
  http::ClientOptions options{
      .name = name, .request_timeout = std::chrono::milliseconds(config.upstream_timeout_ms)};
  // Every call to another process carries the service credential (auth/service_credential).
  if (!config.service_token.empty())
    options.headers.emplace_back(auth::kServiceTokenHeader, config.service_token);
  return std::make_unique<http::HttpClient>(*parsed, options);
}

}  // namespace st::app::distributed
