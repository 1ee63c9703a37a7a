// ServiceHealth and TimedProbe: /health names each dependency and answers 503 when one fails,
// /health/live probes nothing, /health/ready follows the dependencies, and a probe that hangs
// reads as failed after its budget without holding the request any longer.
#include "services/common/service_health.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "services/common/timed_probe.hpp"

namespace st::services {
namespace {

namespace asio = http::asio;
using namespace std::chrono_literals;
using nlohmann::json;

// A dependency whose answer the test sets; `hold()` makes the next probes wait for `release()`.
class ScriptedCheck final : public ports::HealthCheck {
 public:
  explicit ScriptedCheck(std::string name) : name_(std::move(name)) {}
  std::string health_name() const override { return name_; }
  ports::Probe probe() noexcept override {
    std::unique_lock lock(mutex_);
    ++calls_;
    released_.wait(lock, [this] { return !held_; });
    return answer_;
  }
  void answer(ports::Probe p) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(p);
  }
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  const std::string name_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  int calls_ = 0;
  ports::Probe answer_;
};

// Runs one awaitable to completion on an io_context of its own (one thread, as a
// connection's strand).
template <class T>
T run(asio::awaitable<T> a) {
  asio::io_context ioc;
  auto f = asio::co_spawn(ioc, std::move(a), asio::use_future);
  ioc.run();
  return f.get();
}

json body_of(const http::Response& r) {
  return json::parse(r.body());
}

class ServiceHealthTest : public ::testing::Test {
 protected:
  ScriptedCheck bus{"bus"}, database{"database"};
  TimedProbe bus_probe{bus, 2s}, database_probe{database, 2s};
};

TEST_F(ServiceHealthTest, HealthyWhenEveryDependencyAnswers) {
  ServiceHealth health("tickets", {&bus_probe, &database_probe});
  const auto r = run(health.health());
  EXPECT_EQ(r.result(), http::bhttp::status::ok);
  const auto body = body_of(r);
  EXPECT_EQ(body["status"], "healthy") << body;
  EXPECT_EQ(body["service"], "tickets");
  EXPECT_EQ(body["details"]["bus"]["status"], "healthy") << body;
  EXPECT_EQ(body["details"]["database"]["status"], "healthy") << body;
  EXPECT_TRUE(body["details"]["database"]["latency_ms"].is_number()) << body;
  EXPECT_FALSE(body["details"]["database"].contains("error")) << body;
}

TEST_F(ServiceHealthTest, AFailingDependencyIs503AndNamedWithItsError) {
  database.answer({false, "sqlite: file is not a database"});
  ServiceHealth health("tickets", {&bus_probe, &database_probe});
  const auto r = run(health.health());
  EXPECT_EQ(r.result(), http::bhttp::status::service_unavailable);
  const auto body = body_of(r);
  EXPECT_EQ(body["status"], "unhealthy") << body;
  EXPECT_EQ(body["details"]["database"]["status"], "unhealthy") << body;
  EXPECT_EQ(body["details"]["database"]["error"], "sqlite: file is not a database") << body;
  EXPECT_EQ(body["details"]["bus"]["status"], "healthy") << body;
}

TEST_F(ServiceHealthTest, EachRequestProbesAnew) {
  ServiceHealth health("tickets", {&database_probe});
  EXPECT_EQ(run(health.health()).result(), http::bhttp::status::ok);
  database.answer({false, "gone"});
  EXPECT_EQ(run(health.health()).result(), http::bhttp::status::service_unavailable);
  database.answer({});
  EXPECT_EQ(run(health.health()).result(), http::bhttp::status::ok);
  EXPECT_EQ(database.calls(), 3);
}

// A fast probe often returns between start() and result(): its answer is the one awaited, not
// a reason to probe again (under load this made one request probe twice).
TEST_F(ServiceHealthTest, AProbeThatAlreadyReturnedIsNotRunAgainForItsAnswer) {
  const auto first = database_probe.start();
  EXPECT_TRUE(run(database_probe.result(first)).probe.ok);
  database.answer({false, "gone"});
  EXPECT_TRUE(run(database_probe.result(first)).probe.ok) << "probe 1's answer, kept";
  EXPECT_EQ(database.calls(), 1);
  const auto second = database_probe.start();
  EXPECT_GT(second, first);
  EXPECT_FALSE(run(database_probe.result(second)).probe.ok);
  EXPECT_EQ(database.calls(), 2);
}

TEST_F(ServiceHealthTest, TheServicesOwnStateComesWithTheDependencies) {
  ServiceHealth health("categorizer", {&bus_probe}, [] {
    return json{{"status", "degraded"},
                {"details", {{"claude", {{"status", "degraded"}, {"reason", "breaker open"}}}}}};
  });
  const auto r = run(health.health());
  EXPECT_EQ(r.result(), http::bhttp::status::ok) << "degraded still serves";
  const auto body = body_of(r);
  EXPECT_EQ(body["status"], "degraded") << body;
  EXPECT_EQ(body["details"]["claude"]["reason"], "breaker open") << body;
  EXPECT_EQ(body["details"]["bus"]["status"], "healthy") << body;
}

TEST_F(ServiceHealthTest, LiveIs200WhateverTheDependenciesAndProbesNothing) {
  database.answer({false, "connection refused"});
  ServiceHealth health("tickets", {&bus_probe, &database_probe});
  const auto r = health.live();
  EXPECT_EQ(r.result(), http::bhttp::status::ok);
  EXPECT_EQ(body_of(r)["status"], "alive");
  EXPECT_EQ(database.calls(), 0);
}

TEST_F(ServiceHealthTest, ReadyIs503WhileARequiredDependencyFails) {
  ServiceHealth health("routing", {&bus_probe, &database_probe});
  auto r = run(health.ready());
  EXPECT_EQ(r.result(), http::bhttp::status::ok);
  EXPECT_EQ(body_of(r)["status"], "ready");
  bus.answer({false, "rabbitmq: connection refused"});
  r = run(health.ready());
  EXPECT_EQ(r.result(), http::bhttp::status::service_unavailable);
  const auto body = body_of(r);
  EXPECT_EQ(body["status"], "not_ready") << body;
  EXPECT_EQ(body["details"]["bus"]["error"], "rabbitmq: connection refused") << body;
}

TEST_F(ServiceHealthTest, ReadyIgnoresTheServicesOwnDegradedState) {
  ServiceHealth health("categorizer", {&bus_probe}, [] { return json{{"status", "degraded"}}; });
  EXPECT_EQ(run(health.ready()).result(), http::bhttp::status::ok);
}

TEST_F(ServiceHealthTest, TheRoutesAreServedOnTheServicesRouter) {
  ServiceHealth health("analytics", {&database_probe});
  http::Router router;
  health.register_routes(router);
  const auto routes = router.describe_routes();
  EXPECT_EQ(routes,
            (std::vector<std::string>{"GET /health", "GET /health/live", "GET /health/ready"}));
}

TEST(TimedProbe, AProbeThatHangsFailsAfterItsBudgetWhileItStillHangs) {
  ScriptedCheck database("database");
  database.hold();
  {
    TimedProbe probe(database, 100ms);
    ServiceHealth health("tickets", {&probe});
    const auto r = run(health.health());
    EXPECT_EQ(r.result(), http::bhttp::status::service_unavailable);
    const auto body = body_of(r);
    EXPECT_EQ(body["details"]["database"]["status"], "unhealthy") << body;
    EXPECT_EQ(body["details"]["database"]["error"], "no answer within 100 ms") << body;
    // Still hanging: the next request does not start a second probe, and fails too.
    EXPECT_EQ(run(health.ready()).result(), http::bhttp::status::service_unavailable);
    EXPECT_EQ(database.calls(), 1);
    database.release();  // the destructor waits for the probe in flight
  }
}

TEST(TimedProbe, AfterAHungProbeReturnsTheNextRequestProbesAnew) {
  ScriptedCheck database("database");
  database.hold();
  TimedProbe probe(database, 100ms);
  EXPECT_FALSE(run(probe.result(probe.start())).probe.ok);
  database.release();
  // Until the hung probe returns, a request shares it and (its budget long spent) fails; its
  // own late answer may be the first healthy one. Bounded: 50 tries, 1 s.
  bool ok = false;
  for (int i = 0; i < 50 && !ok; ++i) {
    ok = run(probe.result(probe.start())).probe.ok;
    if (!ok) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(ok);
  // With no probe in flight any more, the next request starts a fresh one.
  EXPECT_TRUE(run(probe.result(probe.start())).probe.ok);
  EXPECT_GE(database.calls(), 2);
}

// Answers only once `other` has been probed too (or after 5 s).
class WaitsForAnother final : public ports::HealthCheck {
 public:
  explicit WaitsForAnother(ScriptedCheck& other) : other_(other) {}
  std::string health_name() const override { return "bus"; }
  ports::Probe probe() noexcept override {
    for (int i = 0; i < 500 && other_.calls() == 0; ++i) std::this_thread::sleep_for(10ms);
    return {};
  }

 private:
  ScriptedCheck& other_;
};

TEST(TimedProbe, DependenciesAreProbedAtTheSameTime) {
  // The bus answers only after the database was probed: probed one after the other, the
  // bus would run out of its budget first.
  ScriptedCheck database("database");
  WaitsForAnother bus(database);
  TimedProbe bus_probe(bus, 2s), database_probe(database, 2s);
  ServiceHealth health("tickets", {&bus_probe, &database_probe});
  const auto body = run(health.report());
  EXPECT_EQ(body["details"]["bus"]["status"], "healthy") << body;
  EXPECT_EQ(body["details"]["database"]["status"], "healthy") << body;
}

}  // namespace
}  // namespace st::services
