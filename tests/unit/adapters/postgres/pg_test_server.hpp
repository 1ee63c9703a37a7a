// Real PostgreSQL servers for the unit tests: a throwaway server (initdb into a temporary
// directory, pg_ctl on a free loopback port, torn down at the end) and a fresh schema per
// test on the server shared by the whole test run.
//
// The shared server is the one the ctest fixture started (tests/support/pg-test-server,
// found through SMARTTICKET_TEST_PG_DIR) or, when the binary runs on its own, one started on
// first use and stopped when the test program ends. Missing PostgreSQL binaries fail the
// test with a message saying what to install: tests that need PostgreSQL never skip.
#pragma once

#include <memory>
#include <string>

#include "adapters/postgres/database.hpp"

namespace st::testing_support {

class PgServer {
 public:
  // initdb + start. Throws std::runtime_error (naming what is missing) on failure.
  PgServer();
  // Stops the server (immediately) and removes its directory.
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const { return port_; }
  // key=value connection string to database `postgres` as superuser `postgres`, with
  // `extra` appended (e.g. "options='-c search_path=x'").
  std::string conninfo(const std::string& extra = "") const;

  void stop();   // pg_ctl stop -m fast
  void start();  // pg_ctl start, on the same port
  void restart();

 private:
  std::string dir_;
  std::string bindir_;
  int port_ = 0;
};

// The key=value connection string of the server shared by the test run (started on first
// call if no fixture provides one).
const std::string& shared_pg_conninfo();

// A schema of its own on the shared server, dropped at the end of the test, and a pool
// whose connections use it: every test starts from empty tables and fresh id sequences,
// and tests of parallel ctest processes never see each other's rows.
class PgTestSchema {
 public:
  PgTestSchema();
  ~PgTestSchema();
  PgTestSchema(const PgTestSchema&) = delete;
  PgTestSchema& operator=(const PgTestSchema&) = delete;

  const std::string& name() const { return name_; }
  // Connection string whose search_path is this schema (then public, for pg_trgm).
  const std::string& conninfo() const { return conninfo_; }
  // A new pool on this schema.
  std::unique_ptr<adapters::postgres::Database> open(
      adapters::postgres::PoolOptions options = {}) const;

 private:
  std::string name_;
  std::string conninfo_;
};

}  // namespace st::testing_support
