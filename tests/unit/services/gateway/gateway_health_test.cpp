// /api/health counts the dead letters of every queue, as the bus reports them, and says which
// queue could not be asked rather than failing the probe.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "ports/unavailable.hpp"
#include "services/gateway/gateway.hpp"
#include "unit/services/gateway/gateway_parts.hpp"
#include "unit/support/dispatch.hpp"

namespace st::services::gateway {
namespace {

namespace bhttp = http::bhttp;

// A bus that only counts: each queue's dead letters, or an outage from `down_from` on.
class CountingBus final : public ports::EventBus {
 public:
  void publish(const std::vector<ports::OutgoingMessage>&) override {}
  void subscribe(const ports::QueueSpec&, ports::BatchConsumer) override {}
  void start() override {}
  void stop() override {}
  std::size_t dead_letter_count(const std::string& queue) override {
    ++asked;
    if (queue == down_from) throw ports::Unavailable("broker down");
    return counts[queue];
  }
  std::map<std::string, std::size_t> counts;
  std::string down_from;
  int asked = 0;
};

class GatewayHealth : public ::testing::Test, protected GatewayParts {
 protected:
  nlohmann::json health() {
    http::Router router;
    Gateway gateway{{.access = {.enabled = false}},
                    upstreams(),
                    stores(),
                    {&bus, {"categorizer", "routing", "analytics", "gateway"}}};
    gateway.register_routes(router);
    const http::Request req{bhttp::verb::get, "/api/health", 11};
    return nlohmann::json::parse(testing_support::dispatch(router, req).body());
  }

  CountingBus bus;
};

TEST_F(GatewayHealth, CountsTheDeadLettersOfEveryQueue) {
  bus.counts = {{"routing", 2}, {"gateway", 1}};
  const auto dead = health()["dead_letters"];
  EXPECT_EQ(dead["total"], 3);
  EXPECT_EQ(dead["queues"],
            nlohmann::json({{"categorizer", 0}, {"routing", 2}, {"analytics", 0}, {"gateway", 1}}));
}

TEST_F(GatewayHealth, AQueueThatCannotBeAskedIsNullAndTheRestAreNotAskedToo) {
  bus.counts = {{"categorizer", 4}};
  bus.down_from = "routing";
  const auto dead = health()["dead_letters"];
  EXPECT_EQ(dead["total"], 4);
  EXPECT_EQ(dead["queues"]["categorizer"], 4);
  EXPECT_TRUE(dead["queues"]["routing"].is_null());
  EXPECT_TRUE(dead["queues"]["gateway"].is_null());
  EXPECT_EQ(bus.asked, 2) << "an unreachable broker is asked once, not once per queue";
}

}  // namespace
}  // namespace st::services::gateway
