#include "messaging/consume_batch.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace st::messaging {
namespace {

using ports::Delivery;
using ports::Disposition;

std::vector<Delivery> two_deliveries() {
  std::vector<Delivery> out(2);
  out[0].event_id = "a";
  out[1].event_id = "b";
  return out;
}

const std::vector<Delivery> kTwo = two_deliveries();

TEST(ConsumeBatch, TheConsumersAnswerIsKept) {
  const auto outcome = consume_batch(
      [](const std::vector<Delivery>&) {
        return std::vector{Disposition::ack, Disposition::dead_letter};
      },
      kTwo);
  EXPECT_EQ(outcome.dispositions, (std::vector{Disposition::ack, Disposition::dead_letter}));
  EXPECT_EQ(outcome.failure, "");
  EXPECT_EQ(outcome.reason(0), "");
  EXPECT_EQ(outcome.reason(1), "");
}

TEST(ConsumeBatch, ARetryTheConsumerAskedForSaysSo) {
  const auto outcome = consume_batch(
      [](const std::vector<Delivery>&) {
        return std::vector{Disposition::retry, Disposition::ack};
      },
      kTwo);
  EXPECT_EQ(outcome.reason(0), "consumer asked for a retry");
  EXPECT_EQ(outcome.reason(1), "");
}

TEST(ConsumeBatch, AThrowingConsumerRetriesTheWholeBatch) {
  const auto outcome = consume_batch(
      [](const std::vector<Delivery>&) -> std::vector<Disposition> {
        throw std::runtime_error("database down");
      },
      kTwo);
  EXPECT_EQ(outcome.dispositions, (std::vector{Disposition::retry, Disposition::retry}));
  EXPECT_EQ(outcome.failure, "batch handler threw: database down");
  EXPECT_EQ(outcome.reason(1), "batch handler threw: database down");
}

TEST(ConsumeBatch, ANonStandardExceptionIsCaughtToo) {
  const auto outcome = consume_batch(
      [](const std::vector<Delivery>&) -> std::vector<Disposition> { throw 42; }, kTwo);
  EXPECT_EQ(outcome.dispositions, (std::vector{Disposition::retry, Disposition::retry}));
  EXPECT_EQ(outcome.failure, "batch handler threw a non-standard exception");
}

TEST(ConsumeBatch, AnAnswerOfTheWrongSizeRetriesTheWholeBatch) {
  const auto outcome = consume_batch(
      [](const std::vector<Delivery>&) { return std::vector{Disposition::ack}; }, kTwo);
  EXPECT_EQ(outcome.dispositions, (std::vector{Disposition::retry, Disposition::retry}));
  EXPECT_EQ(outcome.failure,
            "batch handler threw: batch consumer returned 1 dispositions for 2 deliveries");
}

}  // namespace
}  // namespace st::messaging
