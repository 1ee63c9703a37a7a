// The queue-age bound of the distributed mode; needs no broker.
#include <gtest/gtest.h>

#include <chrono>

#include "adapters/rabbitmq/queue_wait_estimate.hpp"

namespace st::adapters::rabbitmq {
namespace {

using std::chrono::seconds;
const QueueWaitEstimate::Clock::time_point t0{};

TEST(QueueWaitEstimate, CountsFromTheLastTimeTheQueueWasSeenEmpty) {
  QueueWaitEstimate e;
  EXPECT_EQ(e.observe("q", 0, t0), 0.0);
  EXPECT_EQ(e.observe("q", 3, t0 + seconds(10)), 10.0);  // empty at 0, 3 waiting at 10
  EXPECT_EQ(e.observe("q", 9, t0 + seconds(75)), 75.0);  // still never drained: growing
  EXPECT_EQ(e.observe("q", 0, t0 + seconds(80)), 0.0);   // drained
  EXPECT_EQ(e.observe("q", 1, t0 + seconds(95)), 15.0);  // the new wait counts from there
}

TEST(QueueWaitEstimate, AQueueFirstSeenWithMessagesCountsFromThatSight) {
  QueueWaitEstimate e;
  EXPECT_EQ(e.observe("q", 5, t0 + seconds(100)), 0.0);
  EXPECT_EQ(e.observe("q", 5, t0 + seconds(130)), 30.0);
}

TEST(QueueWaitEstimate, QueuesAreApartAndTimeNeverRunsBackwards) {
  QueueWaitEstimate e;
  e.observe("a", 0, t0);
  e.observe("b", 0, t0 + seconds(50));
  EXPECT_EQ(e.observe("a", 1, t0 + seconds(60)), 60.0);
  EXPECT_EQ(e.observe("b", 1, t0 + seconds(60)), 10.0);
  EXPECT_EQ(e.observe("b", 1, t0 + seconds(40)), 0.0);  // an observation from before: not < 0
}

}  // namespace
}  // namespace st::adapters::rabbitmq
