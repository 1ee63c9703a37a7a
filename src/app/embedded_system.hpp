#pragma once
// `serve --target=all`: every service in one process, on the embedded adapters (one SQLite
// file in WAL mode, the in-process bus). This file is the only place that knows which
// adapter backs which port in this mode.
#include <cstdint>
#include <memory>

#include "adapters/sqlite/database.hpp"
#include "app/config.hpp"

namespace st::app {

// How the embedded mode opens its data file (exclusive to this process; `durability`).
adapters::sqlite::DatabaseOptions embedded_database_options(const Config& config);
// The one-process store's file in `data_dir` (created if missing): <data_dir>/smartticket.db.
std::string embedded_data_file(const std::string& data_dir);

class EmbeddedSystem {
 public:
  explicit EmbeddedSystem(const Config& config);
  ~EmbeddedSystem();

  // Opens the data file, migrates, starts the pipeline and the HTTP server.
  void start();
  std::uint16_t port() const;
  std::string data_file() const;
  // Graceful: stop accepting, finish requests in flight, drain outboxes and handlers in
  // flight, close the database.
  void stop();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace st::app
