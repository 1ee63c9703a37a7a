#include "adapters/sql/outbox_listener.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace st::adapters::sql {
namespace {

TEST(OutboxListener, NotifyWithoutAListenerDoesNothing) {
  OutboxListener listener;
  EXPECT_NO_THROW(listener.notify());
  listener.set(nullptr);
  EXPECT_NO_THROW(listener.notify());
}

TEST(OutboxListener, CallsTheLatestListenerAndSwallowsItsFailures) {
  OutboxListener listener;
  int first = 0, second = 0;
  listener.set([&] { ++first; });
  listener.notify();
  listener.set([&] {
    ++second;
    throw std::runtime_error("relay gone");
  });
  EXPECT_NO_THROW(listener.notify());
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

}  // namespace
}  // namespace st::adapters::sql
