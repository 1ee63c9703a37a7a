#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "messaging/one_at_a_time.hpp"

namespace st::messaging {
namespace {

using ports::Delivery;
using ports::Disposition;

std::vector<Delivery> deliveries(const std::vector<std::string>& ids) {
  std::vector<Delivery> out;
  for (const auto& id : ids) out.push_back({"q", "ticket.created", id, "{}", "", 1});
  return out;
}

TEST(OneAtATime, HandlesEachDeliveryInOrderWithItsOwnDisposition) {
  std::vector<std::string> seen;
  auto consumer = one_at_a_time([&](const Delivery& d) {
    seen.push_back(d.event_id);
    return d.event_id == "bad" ? Disposition::dead_letter : Disposition::ack;
  });
  EXPECT_EQ(
      consumer(deliveries({"a", "bad", "c"})),
      (std::vector<Disposition>{Disposition::ack, Disposition::dead_letter, Disposition::ack}));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "bad", "c"}));
  EXPECT_TRUE(consumer({}).empty());
}

TEST(OneAtATime, AThrowingHandlerRetriesItsOwnDeliveryOnly) {
  auto consumer = one_at_a_time([](const Delivery& d) -> Disposition {
    if (d.event_id == "std") throw std::runtime_error("down");
    if (d.event_id == "odd") throw 42;  // not a std::exception
    return Disposition::ack;
  });
  EXPECT_EQ(consumer(deliveries({"a", "std", "b", "odd"})),
            (std::vector<Disposition>{Disposition::ack, Disposition::retry, Disposition::ack,
                                      Disposition::retry}));
}

TEST(OneAtATime, AnEmptyHandlerIsRejected) {
  EXPECT_THROW(one_at_a_time(nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace st::messaging
