// The IdempotencyStore contract, run on every storage adapter (see backends.hpp).
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "unit/adapters/store_contract/backends.hpp"

namespace st::contract {
namespace {

using ports::IdempotencyClaim;
using ports::StoredAnswer;
using Outcome = IdempotencyClaim::Outcome;

constexpr domain::Millis kTtl = domain::kMillisPerDay;  // how long an answer is kept
constexpr domain::Millis kLease = 60'000;               // how long a claim may run
constexpr domain::Millis kT0 = 1'700'000'000'000;

const StoredAnswer kCreated{201, "application/json", "/api/tickets/7", R"({"id":7})"};

const char* name(Outcome o) {
  switch (o) {
    case Outcome::started:
      return "started";
    case Outcome::replay:
      return "replay";
    case Outcome::mismatch:
      return "mismatch";
    case Outcome::in_flight:
      return "in_flight";
  }
  return "?";
}

template <class Backend>
class IdempotencyStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::IdempotencyStore;
  void reopen() {
    store.reset();
    backend.reopen();
    store = backend.template make<Store>();
  }
  // A claim at `now` as the gateway makes it: answers older than the TTL and claims older
  // than the lease count as absent.
  IdempotencyClaim claim(const std::string& scope, const std::string& key,
                         const std::string& fingerprint, domain::Millis now) {
    return store->claim(scope, key, fingerprint, now, now - kTtl, now - kLease);
  }
  std::string outcome(const std::string& scope, const std::string& key,
                      const std::string& fingerprint, domain::Millis now) {
    return name(claim(scope, key, fingerprint, now).outcome);
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(IdempotencyStoreContract, Backends, BackendName);

TYPED_TEST(IdempotencyStoreContract, TheFirstAnswerIsReplayedToARepeat) {
  const auto first = this->claim("st_a", "k1", "fp1", kT0);
  EXPECT_STREQ(name(first.outcome), "started");
  EXPECT_FALSE(first.answer.has_value());
  this->store->complete("st_a", "k1", kCreated, kT0 + 5);
  for (int i = 0; i < 2; ++i) {
    const auto repeat = this->claim("st_a", "k1", "fp1", kT0 + 1000);
    EXPECT_STREQ(name(repeat.outcome), "replay");
    EXPECT_EQ(repeat.answer, kCreated);
  }
  // A second complete (a bug, a stale process) does not replace the first answer.
  this->store->complete("st_a", "k1", StoredAnswer{500, "text/plain", "", "later"}, kT0 + 2000);
  EXPECT_EQ(this->claim("st_a", "k1", "fp1", kT0 + 3000).answer, kCreated);
}

TYPED_TEST(IdempotencyStoreContract, AnAnswerIsReplayedByteForByte) {
  // No Location header, a body with a NUL and bytes that are not UTF-8.
  const StoredAnswer odd{200, "application/octet-stream", "",
                         std::string("a\0b\xff\xfe\n\"'; --", 12)};
  ASSERT_EQ(odd.body.size(), 12u);
  ASSERT_EQ(this->outcome("st_a", "k1", "fp1", kT0), "started");
  this->store->complete("st_a", "k1", odd, kT0);
  EXPECT_EQ(this->claim("st_a", "k1", "fp1", kT0).answer, odd);
}

TYPED_TEST(IdempotencyStoreContract, AnotherRequestUnderAUsedKeyIsAMismatch) {
  ASSERT_EQ(this->outcome("st_a", "k1", "fp1", kT0), "started");
  // While the first request runs...
  EXPECT_EQ(this->outcome("st_a", "k1", "fp2", kT0 + 1), "mismatch");
  this->store->complete("st_a", "k1", kCreated, kT0 + 2);
  // ...and after it answered; the answer is not handed out.
  const auto c = this->claim("st_a", "k1", "fp2", kT0 + 3);
  EXPECT_STREQ(name(c.outcome), "mismatch");
  EXPECT_FALSE(c.answer.has_value());
  // The original request still replays.
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + 4), "replay");
}

TYPED_TEST(IdempotencyStoreContract, ARepeatWhileTheFirstRunsIsInFlight) {
  ASSERT_EQ(this->outcome("st_a", "k1", "fp1", kT0), "started");
  const auto c = this->claim("st_a", "k1", "fp1", kT0 + 10);
  EXPECT_STREQ(name(c.outcome), "in_flight");
  EXPECT_FALSE(c.answer.has_value());
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + kLease), "in_flight");
  this->store->complete("st_a", "k1", kCreated, kT0 + kLease);
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + kLease + 1), "replay");
}

TYPED_TEST(IdempotencyStoreContract, AnAbandonedClaimLetsTheNextOneRun) {
  ASSERT_EQ(this->outcome("st_a", "k1", "fp1", kT0), "started");
  this->store->abandon("st_a", "k1");
  // The retry may even be a different request: nothing was answered under the key.
  EXPECT_EQ(this->outcome("st_a", "k1", "fp2", kT0 + 1), "started");
  EXPECT_EQ(this->outcome("st_a", "k1", "fp2", kT0 + 2), "in_flight");
  this->store->abandon("st_unknown", "k1");  // nothing to forget: no error
}

TYPED_TEST(IdempotencyStoreContract, AbandonDoesNotForgetAnAnswer) {
  ASSERT_EQ(this->outcome("st_a", "k1", "fp1", kT0), "started");
  this->store->complete("st_a", "k1", kCreated, kT0 + 1);
  this->store->abandon("st_a", "k1");
  EXPECT_EQ(this->claim("st_a", "k1", "fp1", kT0 + 2).answer, kCreated);
}

TYPED_TEST(IdempotencyStoreContract, AnExpiredAnswerCountsAsAbsent) {
  ASSERT_EQ(this->outcome("st_a", "k1", "fp1", kT0), "started");
  this->store->complete("st_a", "k1", kCreated, kT0 + 1);
  // created_at == expire_before is not older than it: still kept.
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + kTtl), "replay");
  // One millisecond later the key is free again, for any request.
  const auto later = this->claim("st_a", "k1", "fp2", kT0 + kTtl + 1);
  EXPECT_STREQ(name(later.outcome), "started");
  EXPECT_FALSE(later.answer.has_value());
  // The new claim replaced the old record whole: it runs, then answers anew.
  EXPECT_EQ(this->outcome("st_a", "k1", "fp2", kT0 + kTtl + 2), "in_flight");
  const StoredAnswer second{201, "application/json", "/api/tickets/8", R"({"id":8})"};
  this->store->complete("st_a", "k1", second, kT0 + kTtl + 3);
  EXPECT_EQ(this->claim("st_a", "k1", "fp2", kT0 + kTtl + 4).answer, second);
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + kTtl + 5), "mismatch");
}

TYPED_TEST(IdempotencyStoreContract, AClaimWhoseLeaseEndedCountsAsAbsent) {
  ASSERT_EQ(this->outcome("st_a", "k1", "fp1", kT0), "started");
  // Its process died without complete() or abandon(): once the lease ends, a retry runs.
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + kLease), "in_flight");
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + kLease + 1), "started");
  // The new claim has a lease of its own.
  EXPECT_EQ(this->outcome("st_a", "k1", "fp1", kT0 + kLease + 2), "in_flight");
  // A finished record has no lease: it replays until it expires.
  ASSERT_EQ(this->outcome("st_a", "k2", "fp1", kT0), "started");
  this->store->complete("st_a", "k2", kCreated, kT0 + 1);
  EXPECT_EQ(this->outcome("st_a", "k2", "fp1", kT0 + 10 * kLease), "replay");
}

TYPED_TEST(IdempotencyStoreContract, PurgeDeletesRecordsCreatedBeforeAndCountsThem) {
  EXPECT_EQ(this->store->purge(kT0), 0u);
  ASSERT_EQ(this->outcome("st_a", "k1", "fp", kT0 + 10), "started");
  this->store->complete("st_a", "k1", kCreated, kT0 + 11);
  ASSERT_EQ(this->outcome("st_a", "k2", "fp", kT0 + 20), "started");  // still running
  ASSERT_EQ(this->outcome("st_b", "k1", "fp", kT0 + 30), "started");
  this->store->complete("st_b", "k1", kCreated, kT0 + 31);
  EXPECT_EQ(this->store->purge(kT0 + 30), 2u);
  EXPECT_EQ(this->store->purge(kT0 + 30), 0u);
  EXPECT_EQ(this->outcome("st_b", "k1", "fp", kT0 + 40), "replay");
  EXPECT_EQ(this->outcome("st_a", "k1", "fp", kT0 + 40), "started");
  EXPECT_EQ(this->outcome("st_a", "k2", "fp", kT0 + 40), "started");
}

TYPED_TEST(IdempotencyStoreContract, ScopesDoNotShareKeys) {
  // Two callers picking the same key (a UUID library with a bad seed, "1", "retry").
  ASSERT_EQ(this->outcome("st_a", "k1", "fp-a", kT0), "started");
  EXPECT_EQ(this->outcome("st_b", "k1", "fp-b", kT0), "started");
  this->store->complete("st_a", "k1", kCreated, kT0 + 1);
  EXPECT_EQ(this->outcome("st_b", "k1", "fp-b", kT0 + 2), "in_flight");
  EXPECT_EQ(this->outcome("st_b", "k1", "fp-a", kT0 + 2), "mismatch");
  this->store->abandon("st_b", "k1");
  EXPECT_EQ(this->claim("st_a", "k1", "fp-a", kT0 + 3).answer, kCreated);
  EXPECT_EQ(this->outcome("st_b", "k1", "fp-a", kT0 + 3), "started");
  // Scope and key are compared whole: no prefix or case folding.
  EXPECT_EQ(this->outcome("st_a", "K1", "fp-a", kT0 + 4), "started");
  EXPECT_EQ(this->outcome("st_", "ak1", "fp-a", kT0 + 4), "started");
}

TYPED_TEST(IdempotencyStoreContract, RecordsSurviveARestart) {
  ASSERT_EQ(this->outcome("st_a", "done", "fp", kT0), "started");
  this->store->complete("st_a", "done", kCreated, kT0 + 1);
  ASSERT_EQ(this->outcome("st_a", "running", "fp", kT0), "started");
  this->reopen();
  EXPECT_EQ(this->claim("st_a", "done", "fp", kT0 + 2).answer, kCreated);
  EXPECT_EQ(this->outcome("st_a", "running", "fp", kT0 + 2), "in_flight");
}

// The same request retried at once through several gateway instances (each its own
// database handle): for every key exactly one claim starts and the others are in flight.
TYPED_TEST(IdempotencyStoreContract, ConcurrentClaimsStartExactlyOnce) {
  using Store = typename TestFixture::Store;
  constexpr std::size_t kInstances = 4;
  constexpr int kKeys = 50;
  std::vector<std::unique_ptr<typename TypeParam::Database>> dbs;
  std::vector<std::unique_ptr<Store>> stores;  // destroyed before their databases
  for (std::size_t i = 0; i < kInstances; ++i) {
    dbs.push_back(this->backend.open_another());
    stores.push_back(std::make_unique<Store>(*dbs.back()));
  }
  std::vector<std::atomic<int>> started(kKeys);
  std::vector<std::atomic<int>> in_flight(kKeys);
  race(kInstances, [&](std::size_t i) {
    for (int k = 0; k < kKeys; ++k) {
      const auto c =
          stores[i]->claim("st_a", "key-" + std::to_string(k), "fp", kT0, kT0 - kTtl, kT0 - kLease);
      if (c.outcome == Outcome::started) ++started[k];
      if (c.outcome == Outcome::in_flight) ++in_flight[k];
    }
  });
  for (int k = 0; k < kKeys; ++k) {
    EXPECT_EQ(started[k].load(), 1) << "key-" << k;
    EXPECT_EQ(in_flight[k].load(), static_cast<int>(kInstances) - 1) << "key-" << k;
  }
}

}  // namespace
}  // namespace st::contract
