#include <gtest/gtest.h>

#include <future>
#include <stdexcept>

#include "messaging/patient_consumer.hpp"
#include "ports/unavailable.hpp"

namespace st::messaging {
namespace {

using namespace std::chrono_literals;
using ports::Disposition;

std::vector<ports::Delivery> one() {
  ports::Delivery d;
  d.queue = "q";
  d.routing_key = "ticket.created";
  d.event_id = "e1";
  return {d};
}

PatienceOptions fast() {
  return {.name = "test", .initial_backoff = 1ms, .max_backoff = 4ms};
}

TEST(PatientConsumer, RetriesInPlaceWhileTheDependencyIsDown) {
  int calls = 0;
  auto stop = std::make_shared<std::atomic<bool>>(false);
  auto consumer = patient(
      [&](const std::vector<ports::Delivery>& b) {
        if (++calls < 4) throw ports::Unavailable("database restarting");
        return std::vector<Disposition>(b.size(), Disposition::ack);
      },
      stop, fast());
  EXPECT_EQ(consumer(one()), std::vector<Disposition>{Disposition::ack});
  EXPECT_EQ(calls, 4);  // three outages absorbed, the broker never saw a retry
}

TEST(PatientConsumer, OtherFailuresPropagateToTheBus) {
  int calls = 0;
  auto consumer = patient(
      [&](const std::vector<ports::Delivery>&) -> std::vector<Disposition> {
        ++calls;
        throw std::runtime_error("bug");
      },
      std::make_shared<std::atomic<bool>>(false), fast());
  EXPECT_THROW(consumer(one()), std::runtime_error);
  EXPECT_EQ(calls, 1);
}

TEST(PatientConsumer, StoppingGivesTheBatchBackPromptly) {
  auto stop = std::make_shared<std::atomic<bool>>(false);
  auto consumer = patient(
      [&](const std::vector<ports::Delivery>&) -> std::vector<Disposition> {
        throw ports::Unavailable("down for good");
      },
      stop, {.name = "test", .initial_backoff = 1000ms, .max_backoff = 1000ms});
  auto result = std::async(std::launch::async, [&] { return consumer(one()); });
  std::this_thread::sleep_for(20ms);
  stop->store(true);
  ASSERT_EQ(result.wait_for(2s), std::future_status::ready);  // not held for the backoff
  EXPECT_THROW(result.get(), ports::Unavailable);
}

}  // namespace
}  // namespace st::messaging
