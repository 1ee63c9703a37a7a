#include "app/stored_examples.hpp"

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "adapters/postgres/connection_settings.hpp"
#include "adapters/postgres/database.hpp"
#include "adapters/postgres/training_example_store.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/training_example_store.hpp"
#include "app/distributed/infrastructure.hpp"
#include "app/learned_model_setup.hpp"
#include "learned_model/labeled_data.hpp"
#include "learned_model/model_training.hpp"

namespace st::app {
namespace {

// The database named for the operator: the URL with its password masked, or the DB_* pieces.
std::string database_name(const Config& c) {
  if (!c.database_url.empty()) return adapters::postgres::redact(c.database_url);
  return c.db_user + "@" + c.db_host + ":" + std::to_string(c.db_port) + "/" + c.db_name;
}

StoredExamples from_postgres(const Config& config) {
  const auto cold_start = load_cold_start(config);
  StoredExamples out{{}, "PostgreSQL " + database_name(config)};
  try {
    // One connection, no retries: a command should fail at once when the database is not
    // there, not wait for it the way a starting service does.
    adapters::postgres::Database db(distributed::database_conninfo(config),
                                    adapters::postgres::PoolOptions{.max_connections = 1});
    // Migrates the categorizer's tables if no categorizer has yet: then there are no labels.
    adapters::postgres::PgTrainingExampleStore store(db);
    out.examples = learned_model::training_set(cold_start, store, training_policy(config));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot read the training examples in " + out.source + ": " +
                             e.what());
  }
  return out;
}

StoredExamples from_data_file(const Config& config) {
  const auto file = (std::filesystem::path(config.data_dir) / "smartticket.db").string();
  // No data file: a helpdesk that never ran has recorded no labels.
  if (!std::filesystem::exists(file))
    return {load_cold_start(config), "none, no " + file + " (the cold-start set alone)"};
  std::unique_ptr<adapters::sqlite::Database> db;
  std::unique_ptr<adapters::sqlite::SqliteTrainingExampleStore> store;
  try {
    db = std::make_unique<adapters::sqlite::Database>(file);
    store = std::make_unique<adapters::sqlite::SqliteTrainingExampleStore>(*db);
  } catch (const std::exception& e) {
    throw learned_model::DataError("cannot open " + file + " (stop the server first): " + e.what());
  }
  return {learned_model::training_set(load_cold_start(config), *store, training_policy(config)),
          "embedded SQLite " + file};
}

}  // namespace

StoredExamples stored_examples(const Config& config) {
  return config.database_configured ? from_postgres(config) : from_data_file(config);
}

}  // namespace st::app
