#include "adapters/postgres/connection_settings.hpp"

#include <gtest/gtest.h>

namespace st::adapters::postgres {
namespace {

TEST(DatabaseSettings, FieldsBecomeAQuotedKeyValueString) {
  DatabaseSettings s;
  s.host = "db.internal";
  s.port = "6543";
  s.name = "tickets";
  s.user = "app";
  s.password = "pa ss'wo\\rd";
  const auto c = connection_string(s);
  EXPECT_TRUE(
      c.starts_with("host='db.internal' port='6543' dbname='tickets' user='app' "
                    "password='pa ss\\'wo\\\\rd'"))
      << c;
  EXPECT_NE(c.find(" connect_timeout=3"), std::string::npos);
  EXPECT_NE(c.find(" keepalives=1"), std::string::npos);
  EXPECT_NE(c.find(" tcp_user_timeout=15000"), std::string::npos);
}

TEST(DatabaseSettings, DefaultsNeedNoPassword) {
  const auto c = connection_string({});
  EXPECT_TRUE(c.starts_with("host='localhost' port='5432' dbname='smartticket' user='smartticket'"))
      << c;
  EXPECT_EQ(c.find("password"), std::string::npos);
}

TEST(DatabaseSettings, AUrlWinsAndGetsTheLimitsAsQueryParameters) {
  DatabaseSettings s;
  s.host = "ignored";
  s.url = "postgresql://app:secret@db:5432/tickets";
  ConnectionLimits limits;
  limits.connect_timeout = std::chrono::seconds(7);
  const auto c = connection_string(s, limits);
  EXPECT_TRUE(
      c.starts_with("postgresql://app:secret@db:5432/tickets?connect_timeout=7&"
                    "keepalives=1&"))
      << c;
  EXPECT_EQ(c.find("ignored"), std::string::npos);
}

TEST(DatabaseSettings, LimitsTheUrlSetsItselfAreKept) {
  DatabaseSettings s;
  s.url = "postgres://db/tickets?sslmode=disable&connect_timeout=20";
  const auto c = connection_string(s);
  EXPECT_NE(c.find("connect_timeout=20"), std::string::npos);
  EXPECT_EQ(c.find("connect_timeout=3"), std::string::npos);
  EXPECT_NE(c.find("&keepalives=1"), std::string::npos) << c;

  s.url = "host=db dbname=tickets connect_timeout = 9";  // key=value form
  const auto kv = connection_string(s);
  EXPECT_EQ(kv.find("connect_timeout=3"), std::string::npos) << kv;
  EXPECT_NE(kv.find(" keepalives=1"), std::string::npos) << kv;
}

TEST(DatabaseSettings, RedactHidesEveryFormOfPassword) {
  EXPECT_EQ(redact("postgresql://app:s3cr%40t@db:5432/tickets?sslmode=require"),
            "postgresql://app:***@db:5432/tickets?sslmode=require");
  EXPECT_EQ(redact("postgres://app@db/tickets"), "postgres://app@db/tickets");
  EXPECT_EQ(redact("postgresql://db/tickets?user=app&password=hunter2&sslmode=require"),
            "postgresql://db/tickets?user=app&password=***&sslmode=require");
  EXPECT_EQ(redact("host='db' user='app' password='it\\'s secret' sslmode=require"),
            "host='db' user='app' password=*** sslmode=require");
  EXPECT_EQ(redact("host=db password = plain user=app"), "host=db password = *** user=app");

  DatabaseSettings s;
  s.password = "do-not-log-me";
  EXPECT_EQ(redact(connection_string(s)).find("do-not-log-me"), std::string::npos);
}

}  // namespace
}  // namespace st::adapters::postgres
