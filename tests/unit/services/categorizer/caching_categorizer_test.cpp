#include "services/categorizer/caching_categorizer.hpp"

#include <gtest/gtest.h>

#include "unit/support/manual_clock.hpp"

namespace st::services::categorizer {
namespace {

using namespace std::chrono_literals;
using testing_support::ManualSteadyClock;

// A strategy that counts its calls and answers (or not) as told.
class CountingStrategy final : public ports::Categorizer {
 public:
  std::optional<ports::Categorization> categorize(const ports::CategorizationRequest& r) override {
    ++calls;
    if (!answers) return std::nullopt;
    return ports::Categorization{r.departments.front(), 90, domain::CategorizedBy::claude,
                                 "call " + std::to_string(calls), "m"};
  }
  std::string_view name() const override { return "claude"; }
  ports::CategorizerHealth health() override {
    return {ports::CategorizerHealth::State::degraded, "inner", {}};
  }
  int calls = 0;
  bool answers = true;
};

ports::CategorizationRequest req(std::string title, std::string description,
                                 std::vector<std::string> departments = {"IT Support", "HR"}) {
  return {std::move(title), std::move(description), std::move(departments)};
}

class CachingCategorizerTest : public ::testing::Test {
 protected:
  CachingCategorizer make(CacheOptions o) {
    return CachingCategorizer(inner, o, &registry, clock.function());
  }
  CountingStrategy inner;
  ManualSteadyClock clock;
  metrics::Registry registry;
};

TEST_F(CachingCategorizerTest, TheSameTextIsAnsweredFromTheCache) {
  auto cache = make({.capacity = 10, .ttl = 60s});
  const auto first = cache.categorize(req("VPN down", "It drops."));
  // Case and spacing do not make a new question.
  const auto second = cache.categorize(req("  vpn   DOWN ", "it\n drops."));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(second->reason, first->reason);
  EXPECT_EQ(second->categorized_by, domain::CategorizedBy::claude);
  const auto text = registry.render();
  EXPECT_NE(text.find("smartticket_categorizer_cache_hits_total{strategy=\"claude\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("smartticket_categorizer_cache_misses_total{strategy=\"claude\"} 1"),
            std::string::npos);
}

TEST_F(CachingCategorizerTest, OtherTextOrDepartmentsAreNewQuestions) {
  auto cache = make({.capacity = 10, .ttl = 60s});
  cache.categorize(req("VPN down", "It drops."));
  cache.categorize(req("VPN down", "It drops again."));
  cache.categorize(req("VPN down", "It drops.", {"IT Support", "HR", "Legal"}));
  EXPECT_EQ(inner.calls, 3);
  // Field boundaries count: the same words split differently are another ticket.
  EXPECT_NE(CachingCategorizer::key_of(req("a b", "c")),
            CachingCategorizer::key_of(req("a", "b c")));
}

TEST_F(CachingCategorizerTest, EntriesExpireAfterTheTtl) {
  auto cache = make({.capacity = 10, .ttl = 60s});
  cache.categorize(req("VPN down", "It drops."));
  clock.advance(59s);
  cache.categorize(req("VPN down", "It drops."));
  EXPECT_EQ(inner.calls, 1);
  clock.advance(1s);
  cache.categorize(req("VPN down", "It drops."));
  EXPECT_EQ(inner.calls, 2);
}

TEST_F(CachingCategorizerTest, TheLeastRecentlyUsedEntryIsEvicted) {
  auto cache = make({.capacity = 2, .ttl = 60s});
  cache.categorize(req("a", "1"));
  cache.categorize(req("b", "2"));
  cache.categorize(req("a", "1"));  // a is now the most recent
  cache.categorize(req("c", "3"));  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(inner.calls, 3);
  cache.categorize(req("a", "1"));
  EXPECT_EQ(inner.calls, 3);
  cache.categorize(req("b", "2"));
  EXPECT_EQ(inner.calls, 4);
}

TEST_F(CachingCategorizerTest, GivingUpIsNeverCached) {
  auto cache = make({.capacity = 10, .ttl = 60s});
  inner.answers = false;
  EXPECT_FALSE(cache.categorize(req("VPN down", "It drops.")));
  inner.answers = true;
  EXPECT_TRUE(cache.categorize(req("VPN down", "It drops.")));
  EXPECT_EQ(inner.calls, 2);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(CachingCategorizerTest, CapacityZeroDisablesIt) {
  auto cache = make({.capacity = 0, .ttl = 60s});
  cache.categorize(req("VPN down", "It drops."));
  cache.categorize(req("VPN down", "It drops."));
  EXPECT_EQ(inner.calls, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CachingCategorizerTest, NameAndHealthAreTheInnerStrategys) {
  auto cache = make({});
  EXPECT_EQ(cache.name(), "claude");
  EXPECT_EQ(cache.health().state, ports::CategorizerHealth::State::degraded);
}

}  // namespace
}  // namespace st::services::categorizer
