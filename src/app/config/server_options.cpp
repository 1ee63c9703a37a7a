#include "app/config/server_options.hpp"

namespace st::app {

http::ServerOptions server_options(const Config& config) {
  return {.address = config.host,
          .port = config.listen_port(),
          .threads = config.threads,
          .max_connections = config.max_connections,
          .header_timeout = std::chrono::milliseconds(config.header_timeout_ms),
          .access_log = config.access_log};
}

}  // namespace st::app
