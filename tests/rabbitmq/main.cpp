// The RabbitMQ adapter tests share one broker (support/rabbitmq_server.hpp), started by the
// first test that needs it and stopped here when every test has run.
#include <gtest/gtest.h>

#include "support/rabbitmq_server.hpp"

namespace {

class SharedBroker : public testing::Environment {
 public:
  void TearDown() override { st::test_support::stop_shared_rabbit_server(); }
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  testing::AddGlobalTestEnvironment(new SharedBroker);  // gtest owns it
  return RUN_ALL_TESTS();
}
