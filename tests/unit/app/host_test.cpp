// Host: the one start and shutdown order of both modes, checked on a recording bus, fake
// components and a real HTTP server.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/host.hpp"
#include "http/client.hpp"
#include "http/json_response.hpp"
#include "ports/unavailable.hpp"

namespace st::app {
namespace {

using ports::Delivery;
using ports::Disposition;

// What happened, in order, across the bus, the outbox and the components.
class Log {
 public:
  void add(std::string what) {
    std::lock_guard lk(mu_);
    entries_.push_back(std::move(what));
  }
  std::vector<std::string> entries() const {
    std::lock_guard lk(mu_);
    return entries_;
  }
  // The entries that are not the relay's polling, which comes at no fixed moment.
  std::vector<std::string> steps() const {
    auto all = entries();
    std::erase(all, "outbox.poll");
    return all;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> entries_;
};

class RecordingBus final : public ports::EventBus {
 public:
  explicit RecordingBus(Log& log) : log_(log) {}
  void publish(const std::vector<ports::OutgoingMessage>& batch) override {
    for (const auto& m : batch) log_.add("publish " + m.event_id);
  }
  void subscribe(const ports::QueueSpec& spec, ports::BatchConsumer consumer) override {
    log_.add("subscribe " + spec.name + " prefetch " + std::to_string(spec.prefetch));
    consumers.push_back(std::move(consumer));
  }
  void start() override { log_.add("bus.start"); }
  void stop() override { log_.add("bus.stop"); }
  std::size_t dead_letter_count(const std::string&) override { return 0; }

  std::vector<ports::BatchConsumer> consumers;

 private:
  Log& log_;
};

// An outbox holding at most one message, appended by the component's drain().
class FakeOutbox final : public ports::Outbox {
 public:
  explicit FakeOutbox(Log& log) : log_(log) {}
  std::size_t relay(std::size_t, const ports::PublishBatch& publish) override {
    std::lock_guard lk(mu_);
    log_.add("outbox.poll");
    if (pending_.empty()) return 0;
    publish(pending_);
    const auto n = pending_.size();
    pending_.clear();
    return n;
  }
  void set_listener(std::function<void()>) override { log_.add("outbox.listen"); }
  void append(std::string id) {
    std::lock_guard lk(mu_);
    pending_.push_back({1, std::move(id), "ticket.created", "{}"});
  }

 private:
  Log& log_;
  std::mutex mu_;
  std::vector<ports::OutboxMessage> pending_;
};

// Logs each hook; while closing, checks that its routes still answer over HTTP, and while
// draining that they no longer do.
class FakeComponent final : public components::Component {
 public:
  FakeComponent(std::string name, Log& log) : name_(std::move(name)), log_(log), outbox_(log) {}
  void probe(const Host& host) { host_ = &host; }
  // The consumer's next `n` calls throw ports::Unavailable (a database restarting).
  void unavailable_for(int n) { *unavailable_calls_ = n; }

  std::string name() const override { return name_; }
  void register_routes(http::Router& router) override {
    router.route(http::bhttp::verb::get, "/" + name_, [this](http::RequestContext&) {
      return http::ok({{"name", name_}});
    });
  }
  std::vector<components::Subscription> subscriptions(int prefetch) override {
    ports::QueueSpec spec{name_, {"ticket.#"}, true, 5, prefetch};
    return {{spec, [calls = unavailable_calls_](const std::vector<Delivery>& b) {
               if (calls->fetch_sub(1) > 0) throw ports::Unavailable("database restarting");
               return std::vector<Disposition>(b.size(), Disposition::ack);
             }}};
  }
  std::vector<ports::Outbox*> outboxes() override { return {&outbox_}; }
  void start() override { log_.add(name_ + ".start"); }
  void close() override { log_.add(name_ + ".close" + (answers() ? " (serving)" : "")); }
  void drain() override {
    log_.add(name_ + ".drain" + (answers() ? " (serving)" : ""));
    outbox_.append(name_ + "-left-behind");  // what a request in flight left to publish
  }
  void stop() override { log_.add(name_ + ".stop"); }

 private:
  bool answers() const {
    if (!host_ || host_->port() == 0) return false;
    http::HttpClient client({"127.0.0.1", host_->port(), ""},
                            {.name = "probe", .idempotent_retries = 0});
    try {
      return client.send_blocking({http::bhttp::verb::get, "/" + name_, 11}).result() ==
             http::bhttp::status::ok;
    } catch (const ports::Unavailable&) {
      return false;
    }
  }

  std::string name_;
  Log& log_;
  FakeOutbox outbox_;
  const Host* host_ = nullptr;
  std::shared_ptr<std::atomic<int>> unavailable_calls_ = std::make_shared<std::atomic<int>>(0);
};

http::ServerOptions loopback() {
  return {.address = "127.0.0.1", .port = 0, .threads = 1};
}

std::ptrdiff_t position(const std::vector<std::string>& steps, const std::string& step) {
  auto it = std::find(steps.begin(), steps.end(), step);
  EXPECT_NE(it, steps.end()) << step;
  return it - steps.begin();
}

TEST(Host, StartsAndStopsEveryComponentInOneOrder) {
  Log log;
  RecordingBus bus(log);
  FakeComponent served("served", log), other("other", log);
  http::Router served_routes, other_routes;
  Host host(bus, served_routes, {.server = loopback(), .prefetch = 7, .checks = {}});
  served.probe(host);
  host.add(served, served_routes);
  host.add(other, other_routes);
  EXPECT_EQ(host.port(), 0);
  host.start();
  EXPECT_NE(host.port(), 0);
  host.stop();
  host.stop();  // idempotent

  auto steps = log.steps();
  // The relays publish what drain() left, each when its thread gets to it: after that
  // drain, before the bus stops.
  for (const std::string name : {"served", "other"}) {
    const auto published = position(steps, "publish " + name + "-left-behind");
    EXPECT_GT(published, position(steps, name + ".drain"));
    EXPECT_LT(published, position(steps, "bus.stop"));
  }
  std::erase_if(steps, [](const std::string& s) { return s.starts_with("publish "); });
  EXPECT_EQ(steps, (std::vector<std::string>{
                       "subscribe served prefetch 7",
                       "subscribe other prefetch 7",
                       "bus.start",
                       "served.start",
                       "other.start",
                       "outbox.listen",
                       "outbox.listen",
                       "served.close (serving)",  // the HTTP server still answers
                       "other.close",
                       "served.drain",  // it no longer does
                       "other.drain",
                       "bus.stop",
                       "served.stop",
                       "other.stop",
                   }));
}

TEST(Host, ConsumersGetTheModesPrefetchAndMayBePatient) {
  Log log;
  RecordingBus bus(log), patient_bus(log);
  FakeComponent a("a", log), b("b", log);
  http::Router routes;
  Host impatient(bus, routes, {.server = loopback(), .checks = {}});
  Host patient(patient_bus, routes,
               {.server = loopback(), .patient_consumers = true, .checks = {}});
  impatient.add(a, routes);
  patient.add(b, routes);
  EXPECT_EQ(log.steps().front(),
            "subscribe a prefetch " + std::to_string(queues::kDefaultPrefetch));
  // A dependency down for one call: the plain consumer gives the batch back to the bus (it
  // throws, which the bus counts as a delivery); the patient one waits and answers for it.
  const std::vector<Delivery> batch{{"a", "ticket.created", "e1", "{}", "", 1}};
  a.unavailable_for(1);
  b.unavailable_for(1);
  ASSERT_EQ(bus.consumers.size(), 1u);
  EXPECT_THROW(bus.consumers[0](batch), ports::Unavailable);
  EXPECT_EQ(bus.consumers[0](batch), std::vector<Disposition>{Disposition::ack});
  ASSERT_EQ(patient_bus.consumers.size(), 1u);
  EXPECT_EQ(patient_bus.consumers[0](batch), std::vector<Disposition>{Disposition::ack});
}

TEST(Host, AddingAfterStartIsRejected) {
  Log log;
  RecordingBus bus(log);
  FakeComponent a("a", log), late("late", log);
  http::Router routes, late_routes;
  Host host(bus, routes, {.server = loopback(), .checks = {}});
  host.add(a, routes);
  host.start();
  EXPECT_THROW(host.add(late, late_routes), std::logic_error);
  host.stop();
  EXPECT_THROW(host.start(), std::logic_error);
}

TEST(Host, DestroyingAnUnstartedHostRunsTheShutdownHooks) {
  // What a constructor that failed after the host was built leaves to wind down.
  Log log;
  RecordingBus bus(log);
  FakeComponent a("a", log);
  http::Router routes;
  {
    Host host(bus, routes, {.server = loopback(), .checks = {}});
    host.add(a, routes);
  }
  const auto steps = log.steps();
  // Never started, the relay publishes nothing (the outbox keeps it for the next run).
  EXPECT_EQ(steps, (std::vector<std::string>{"subscribe a prefetch 64", "a.close", "a.drain",
                                             "bus.stop", "a.stop"}));
}

}  // namespace
}  // namespace st::app
