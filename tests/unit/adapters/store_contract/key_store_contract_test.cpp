// The KeyStore contract, run on every storage adapter (see backends.hpp).
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "unit/adapters/store_contract/backends.hpp"

namespace st::contract {
namespace {

using domain::Role;
using ports::ApiKeyRecord;

ApiKeyRecord key(const std::string& id, domain::Millis created_at, Role role = Role::admin) {
  return ApiKeyRecord{id,         "key " + id, role, id + "@example.com", "hash-of-" + id,
                      created_at, std::nullopt};
}

std::vector<std::string> ids(const std::vector<ApiKeyRecord>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.id);
  return out;
}

template <class Backend>
class KeyStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::KeyStore;
  void reopen() {
    store.reset();
    backend.reopen();
    store = backend.template make<Store>();
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(KeyStoreContract, Backends, BackendName);

TYPED_TEST(KeyStoreContract, CreatedKeysAreFoundWithEveryField) {
  auto& store = *this->store;
  EXPECT_FALSE(store.find("st_a").has_value());
  const ApiKeyRecord admin = key("st_a", 100, Role::admin);
  ApiKeyRecord agent = key("st_b", 200, Role::agent);
  agent.email = "";  // optional for staff
  const ApiKeyRecord requester = key("st_c", 300, Role::requester);
  EXPECT_TRUE(store.create(admin));
  EXPECT_TRUE(store.create(agent));
  EXPECT_TRUE(store.create(requester));
  EXPECT_EQ(store.find("st_a"), admin);
  EXPECT_EQ(store.find("st_b"), agent);
  EXPECT_EQ(store.find("st_c"), requester);
  EXPECT_FALSE(store.find("st_d").has_value());
  EXPECT_FALSE(store.find("").has_value());
}

TYPED_TEST(KeyStoreContract, ADuplicateIdIsRefusedAndChangesNothing) {
  auto& store = *this->store;
  const ApiKeyRecord first = key("st_a", 100);
  ASSERT_TRUE(store.create(first));
  ApiKeyRecord second = key("st_a", 200, Role::requester);
  second.name = "someone else";
  second.secret_hash = "another hash";
  EXPECT_FALSE(store.create(second));
  EXPECT_EQ(store.find("st_a"), first);
  EXPECT_EQ(store.list_active().size(), 1u);
}

TYPED_TEST(KeyStoreContract, ListActiveIsOldestFirstWithoutRevokedKeys) {
  auto& store = *this->store;
  EXPECT_TRUE(store.list_active().empty());
  // Created out of order: the list follows created_at, not insertion.
  store.create(key("st_c", 300));
  store.create(key("st_a", 100));
  store.create(key("st_d", 400));
  store.create(key("st_b", 200));
  EXPECT_EQ(ids(store.list_active()), (std::vector<std::string>{"st_a", "st_b", "st_c", "st_d"}));
  ASSERT_TRUE(store.revoke("st_b", 500));
  const auto active = store.list_active();
  EXPECT_EQ(ids(active), (std::vector<std::string>{"st_a", "st_c", "st_d"}));
  EXPECT_EQ(active[0], key("st_a", 100));
  // A key created already revoked is not active either.
  ApiKeyRecord revoked = key("st_e", 50);
  revoked.revoked_at = 60;
  ASSERT_TRUE(store.create(revoked));
  EXPECT_EQ(store.find("st_e"), revoked);
  EXPECT_EQ(ids(store.list_active()), (std::vector<std::string>{"st_a", "st_c", "st_d"}));
}

TYPED_TEST(KeyStoreContract, AKeyIsRevokedOnce) {
  auto& store = *this->store;
  store.create(key("st_a", 100));
  EXPECT_TRUE(store.revoke("st_a", 500));
  auto found = store.find("st_a");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->revoked_at, 500);
  // Revoking again changes nothing: the first time stays.
  EXPECT_FALSE(store.revoke("st_a", 600));
  EXPECT_EQ(store.find("st_a")->revoked_at, 500);
  EXPECT_FALSE(store.revoke("st_unknown", 600));
  EXPECT_FALSE(store.find("st_unknown").has_value());
}

TYPED_TEST(KeyStoreContract, CreateIfNoneActiveStoresOnlyTheFirstActiveKey) {
  auto& store = *this->store;
  EXPECT_TRUE(store.create_if_none_active(key("st_first", 100)));
  EXPECT_EQ(store.find("st_first"), key("st_first", 100));
  EXPECT_FALSE(store.create_if_none_active(key("st_second", 200)));
  EXPECT_FALSE(store.find("st_second").has_value());
  // Any active key counts, whatever its role.
  store.create(key("st_req", 300, Role::requester));
  store.revoke("st_first", 400);
  EXPECT_FALSE(store.create_if_none_active(key("st_third", 500)));
  // Once every key is revoked, a new first key may be stored again.
  store.revoke("st_req", 600);
  EXPECT_TRUE(store.create_if_none_active(key("st_fourth", 700)));
  EXPECT_EQ(ids(store.list_active()), std::vector<std::string>{"st_fourth"});
}

TYPED_TEST(KeyStoreContract, KeysSurviveARestart) {
  this->store->create(key("st_a", 100, Role::agent));
  this->store->create(key("st_b", 200, Role::requester));
  this->store->revoke("st_a", 300);
  this->reopen();
  ApiKeyRecord a = key("st_a", 100, Role::agent);
  a.revoked_at = 300;
  EXPECT_EQ(this->store->find("st_a"), a);
  EXPECT_EQ(this->store->find("st_b"), key("st_b", 200, Role::requester));
  EXPECT_EQ(ids(this->store->list_active()), std::vector<std::string>{"st_b"});
  EXPECT_FALSE(this->store->create_if_none_active(key("st_c", 400)));
}

TYPED_TEST(KeyStoreContract, TextIsStoredVerbatim) {
  ApiKeyRecord k = key("st_a", 100, Role::requester);
  k.name = "it's \"Ops\"; DROP TABLE api_keys; --\nline two ü 日本";
  k.email = "o'brien+tickets@example.com";
  ASSERT_TRUE(this->store->create(k));
  EXPECT_EQ(this->store->find("st_a"), k);
  // A lookup by text that looks like SQL finds nothing and breaks nothing.
  EXPECT_FALSE(this->store->find("st_a' OR '1'='1").has_value());
  EXPECT_FALSE(this->store->revoke("st_a' OR '1'='1", 200));
  EXPECT_FALSE(this->store->find("st_a")->revoked_at.has_value());
}

// Several gateway instances starting at once on an empty store, each through its own
// database handle: exactly one of them stores its first admin key, every round.
TYPED_TEST(KeyStoreContract, ConcurrentFirstStartsStoreExactlyOneKey) {
  using Store = typename TestFixture::Store;
  constexpr std::size_t kInstances = 4;
  constexpr int kRounds = 5;
  std::vector<std::unique_ptr<typename TypeParam::Database>> dbs;
  std::vector<std::unique_ptr<Store>> stores;  // destroyed before their databases
  for (std::size_t i = 0; i < kInstances; ++i) {
    dbs.push_back(this->backend.open_another());
    stores.push_back(std::make_unique<Store>(*dbs.back()));
  }
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> stored{0};
    race(kInstances, [&](std::size_t i) {
      const auto id = "st_" + std::to_string(round) + "_" + std::to_string(i);
      if (stores[i]->create_if_none_active(key(id, 100 * round + 1))) ++stored;
    });
    EXPECT_EQ(stored.load(), 1) << "round " << round;
    const auto active = this->store->list_active();
    ASSERT_EQ(active.size(), 1u) << "round " << round;
    // The next round starts from a store whose keys are all revoked.
    this->store->revoke(active[0].id, 100 * round + 50);
  }
  EXPECT_TRUE(this->store->list_active().empty());
}

// The ticket-token secret: the first candidate stored wins, for every instance and restart.
TYPED_TEST(KeyStoreContract, TheInstallSecretIsTheFirstCandidateForEveryone) {
  using Store = typename TestFixture::Store;
  constexpr std::size_t kInstances = 4;
  std::vector<std::unique_ptr<typename TypeParam::Database>> dbs;
  std::vector<std::unique_ptr<Store>> stores;  // destroyed before their databases
  for (std::size_t i = 0; i < kInstances; ++i) {
    dbs.push_back(this->backend.open_another());
    stores.push_back(std::make_unique<Store>(*dbs.back()));
  }
  std::vector<std::string> got(kInstances);
  race(kInstances, [&](std::size_t i) {
    got[i] = stores[i]->install_secret("candidate-" + std::to_string(i));
  });
  EXPECT_TRUE(got[0].starts_with("candidate-")) << got[0];
  for (const auto& g : got) EXPECT_EQ(g, got[0]);
  EXPECT_EQ(this->store->install_secret("a latecomer"), got[0]);
  stores.clear();
  dbs.clear();
  this->reopen();
  EXPECT_EQ(this->store->install_secret("after a restart"), got[0]);
}

TYPED_TEST(KeyStoreContract, AnAgentsDepartmentsAndAvailabilityAreStoredAndChanged) {
  auto& store = *this->store;
  ApiKeyRecord agent = key("st_ag", 100, Role::agent);
  agent.departments = {"IT Support", "Größe & Co"};
  ASSERT_TRUE(store.create(agent));
  EXPECT_EQ(store.find("st_ag"), agent);
  EXPECT_EQ(store.find("st_ag")->availability, domain::Availability::available);

  const auto away = store.update_agent("st_ag", {std::nullopt, domain::Availability::away});
  ASSERT_TRUE(away.has_value());
  EXPECT_EQ(away->availability, domain::Availability::away);
  EXPECT_EQ(away->departments, agent.departments);  // what was not sent is kept

  const auto moved = store.update_agent("st_ag", {std::vector<std::string>{"HR"}, std::nullopt});
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->departments, std::vector<std::string>{"HR"});
  EXPECT_EQ(moved->availability, domain::Availability::away);
  this->reopen();
  EXPECT_EQ(this->store->find("st_ag"), moved);
}

TYPED_TEST(KeyStoreContract, AnUnknownOrRevokedKeyIsNotChanged) {
  auto& store = *this->store;
  EXPECT_FALSE(store.update_agent("st_none", {std::nullopt, domain::Availability::away}));
  ASSERT_TRUE(store.create(key("st_gone", 100, Role::agent)));
  ASSERT_TRUE(store.revoke("st_gone", 200));
  EXPECT_FALSE(store.update_agent("st_gone", {std::vector<std::string>{"HR"}, std::nullopt}));
  EXPECT_TRUE(store.find("st_gone")->departments.empty());
}

}  // namespace
}  // namespace st::contract
