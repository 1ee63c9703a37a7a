// The authenticator over a real key store: right key, wrong secret, revoked, unknown, and the
// short cache that lets another instance's revocation take effect within its lifetime.
#include "auth/authenticator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/key_store.hpp"
#include "auth/api_key.hpp"
#include "auth/key_issuer.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::auth {
namespace {

class FixedClock final : public ports::Clock {
 public:
  domain::Millis now() const override { return now_; }
  domain::Millis now_ = 1'700'000'000'000;
};

class AuthenticatorTest : public ::testing::Test {
 protected:
  testing_support::TempDir dir;
  adapters::sqlite::Database db{dir.file("keys.db")};
  adapters::sqlite::SqliteKeyStore store{db};
  FixedClock clock;
  Authenticator auth{store, clock, std::chrono::milliseconds(1000)};
};

TEST_F(AuthenticatorTest, AKeyItIssuedNamesItsOwner) {
  const auto issued = issue_key(store, {"Rita", domain::Role::requester, "rita@example.com"}, 1);
  const auto p = auth.authenticate(issued.text);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, domain::Principal::Kind::key);
  EXPECT_EQ(p->key_id, issued.record.id);
  EXPECT_EQ(p->name, "Rita");
  EXPECT_EQ(p->role, domain::Role::requester);
  EXPECT_EQ(p->email, "rita@example.com");
}

TEST_F(AuthenticatorTest, AWrongSecretAnUnknownIdAndGarbageAreRefused) {
  const auto issued = issue_key(store, {"Alex", domain::Role::agent, ""}, 1);
  std::string wrong = issued.text;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_FALSE(auth.authenticate(wrong));
  EXPECT_FALSE(auth.authenticate(generate_key().text));  // well-formed, never stored
  EXPECT_FALSE(auth.authenticate("stk_"));
  EXPECT_FALSE(auth.authenticate(""));
  EXPECT_TRUE(auth.authenticate(issued.text));  // the right one still works
}

TEST_F(AuthenticatorTest, ARevocationElsewhereTakesEffectWhenTheCacheExpires) {
  const auto issued = issue_key(store, {"Alex", domain::Role::agent, ""}, 1);
  ASSERT_TRUE(auth.authenticate(issued.text));
  // Another gateway instance revokes it: this one trusts its cache for up to a second.
  ASSERT_TRUE(store.revoke(issued.record.id, clock.now_));
  clock.now_ += 500;
  EXPECT_TRUE(auth.authenticate(issued.text));
  clock.now_ += 600;
  EXPECT_FALSE(auth.authenticate(issued.text));
}

TEST_F(AuthenticatorTest, ForgetMakesARevocationHereImmediate) {
  const auto issued = issue_key(store, {"Alex", domain::Role::agent, ""}, 1);
  ASSERT_TRUE(auth.authenticate(issued.text));
  ASSERT_TRUE(store.revoke(issued.record.id, clock.now_));
  auth.forget(issued.record.id);
  EXPECT_FALSE(auth.authenticate(issued.text));
}

TEST_F(AuthenticatorTest, TheFirstAdminKeyIsWrittenOnceWithMode0600) {
  const auto file = dir.file("admin.key");
  const auto first = ensure_admin_key(store, 1, file, std::nullopt);
  ASSERT_TRUE(first.created);
  EXPECT_EQ(first.written_to, file);
  std::string text;
  std::getline(*std::make_unique<std::ifstream>(file), text);
  const auto p = auth.authenticate(text);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->role, domain::Role::admin);
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // A second start finds a key and leaves everything alone.
  const auto second = ensure_admin_key(store, 2, file, std::nullopt);
  EXPECT_FALSE(second.created);
  std::string again;
  std::getline(*std::make_unique<std::ifstream>(file), again);
  EXPECT_EQ(again, text);
  EXPECT_EQ(store.list_active().size(), 1u);
}

TEST_F(AuthenticatorTest, AGivenAdminKeyIsStoredAndNoFileIsWritten) {
  const auto given = generate_key().text;
  const auto file = dir.file("admin.key");
  const auto r = ensure_admin_key(store, 1, file, given);
  EXPECT_TRUE(r.created);
  EXPECT_TRUE(r.written_to.empty());
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_TRUE(auth.authenticate(given));
  // A malformed setting is an error at every start, even when keys exist.
  EXPECT_THROW(ensure_admin_key(store, 1, file, std::string("not-a-key")), std::invalid_argument);
}

}  // namespace
}  // namespace st::auth
