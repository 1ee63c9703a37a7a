// The embedded mode opens its data file as the configuration says: `durability` reaches the
// writer connection's PRAGMA synchronous, and a value it does not know stops the start.
#include <gtest/gtest.h>

#include <cstdlib>

#include "app/embedded_system.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::app {
namespace {

using adapters::sqlite::Connection;
using adapters::sqlite::Database;

std::int64_t synchronous_of(const Config& config, const std::string& file) {
  Database db(file, embedded_database_options(config));
  return db.write([](Connection& c) {
    auto q = c.query("PRAGMA synchronous");
    q.step();
    return q.int64(0);
  });
}

TEST(EmbeddedDatabase, DurabilityIsFullUnlessNormalIsAsked) {
  testing_support::TempDir dir;
  EXPECT_EQ(synchronous_of(load_config("", {}), dir.file("default.db")), 2);  // FULL
  EXPECT_EQ(synchronous_of(load_config("", {{"durability", "full"}}), dir.file("full.db")), 2);
  ::setenv("SMARTTICKET_DURABILITY", "normal", 1);
  const Config from_env = load_config("", {});
  ::unsetenv("SMARTTICKET_DURABILITY");
  EXPECT_EQ(synchronous_of(from_env, dir.file("normal.db")), 1);  // NORMAL
}

TEST(EmbeddedDatabase, AnUnknownDurabilityIsRefusedWithTheAcceptedValues) {
  ::setenv("SMARTTICKET_DURABILITY", "fast", 1);
  try {
    load_config("", {});
    ADD_FAILURE() << "durability=fast was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("durability must be full or normal, got 'fast'"),
              std::string::npos)
        << e.what();
  }
  ::unsetenv("SMARTTICKET_DURABILITY");
}

}  // namespace
}  // namespace st::app
