// The PostgreSQL settings: DATABASE_URL and the seed's DB_* variables.
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "app/config.hpp"

namespace st::app {
namespace {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

TEST(ConfigDatabase, DefaultsPointAtALocalServer) {
  const auto c = load_config("", {});
  EXPECT_EQ(c.database_url, "");
  EXPECT_EQ(c.db_host, "localhost");
  EXPECT_EQ(c.db_port, 5432);
  EXPECT_EQ(c.db_name, "smartticket");
  EXPECT_EQ(c.db_user, "smartticket");
  EXPECT_EQ(c.db_password, "");
  EXPECT_EQ(c.db_pool_size, 8u);
}

TEST(ConfigDatabase, TheSeedsVariablesAreRead) {
  ScopedEnv url("DATABASE_URL", "postgresql://app:pw@db:6000/tickets");
  ScopedEnv host("DB_HOST", "postgres");
  ScopedEnv port("DB_PORT", "6543");
  ScopedEnv name("DB_NAME", "tickets_db");
  ScopedEnv user("DB_USER", "app");
  ScopedEnv password("DB_PASSWORD", "s3cret");
  ScopedEnv pool("SMARTTICKET_DB_POOL_SIZE", "3");
  const auto c = load_config("", {{"db_host", "from-flag"}});
  EXPECT_EQ(c.database_url, "postgresql://app:pw@db:6000/tickets");
  EXPECT_EQ(c.db_host, "from-flag");
  EXPECT_EQ(c.db_port, 6543);
  EXPECT_EQ(c.db_name, "tickets_db");
  EXPECT_EQ(c.db_user, "app");
  EXPECT_EQ(c.db_password, "s3cret");
  EXPECT_EQ(c.db_pool_size, 3u);
}

TEST(ConfigDatabase, ADatabaseIsConfiguredOnlyWhenOneIsNamed) {
  EXPECT_FALSE(load_config("", {}).database_configured);
  {
    ScopedEnv url("DATABASE_URL", "postgresql://app@db/tickets");
    EXPECT_TRUE(load_config("", {}).database_configured);
  }
  {
    ScopedEnv host("DB_HOST", "postgres");  // what the Compose file sets
    EXPECT_TRUE(load_config("", {}).database_configured);
  }
  {
    ScopedEnv empty("DATABASE_URL", "");
    EXPECT_FALSE(load_config("", {}).database_configured);
  }
  EXPECT_TRUE(load_config("", {{"db_port", "6543"}}).database_configured);
  // The pool size says how many connections, not where to: no database is named.
  EXPECT_FALSE(load_config("", {{"db_pool_size", "3"}}).database_configured);
}

TEST(ConfigDatabase, BadNumbersAreRejected) {
  {
    ScopedEnv port("DB_PORT", "70000");
    EXPECT_THROW(load_config("", {}), std::invalid_argument);
  }
  {
    ScopedEnv pool("SMARTTICKET_DB_POOL_SIZE", "0");
    EXPECT_THROW(load_config("", {}), std::invalid_argument);
  }
}

TEST(ConfigDatabase, SecretsAreNotAcceptedAsFlags) {
  int secrets = 0;
  for (const auto& s : settings()) {
    if (s.key == "database_url" || s.key == "db_password") {
      EXPECT_TRUE(s.flag.empty()) << s.key;
      ++secrets;
    }
  }
  EXPECT_EQ(secrets, 2);
}

}  // namespace
}  // namespace st::app
