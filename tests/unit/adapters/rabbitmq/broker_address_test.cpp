// RABBITMQ_URL parsing; needs no broker.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "adapters/rabbitmq/broker_address.hpp"

namespace st::adapters::rabbitmq {
namespace {

TEST(BrokerAddress, ParsesEveryPart) {
  const auto a = BrokerAddress::parse("amqp://svc:s3cret@rabbit.internal:5673/helpdesk");
  EXPECT_EQ(a.host, "rabbit.internal");
  EXPECT_EQ(a.port, 5673);
  EXPECT_EQ(a.user, "svc");
  EXPECT_EQ(a.password, "s3cret");
  EXPECT_EQ(a.vhost, "helpdesk");
}

TEST(BrokerAddress, TheDefaultUrlMeansTheDefaultVhost) {
  for (const char* url : {"amqp://guest:guest@127.0.0.1:5672/", "amqp://guest:guest@127.0.0.1:5672",
                          "amqp://guest:guest@127.0.0.1:5672/%2f"}) {
    const auto a = BrokerAddress::parse(url);
    EXPECT_EQ(a.vhost, "/") << url;
    EXPECT_EQ(a.port, 5672) << url;
  }
  EXPECT_EQ(BrokerAddress::parse("amqp://u:p@host").port, 5672);
}

TEST(BrokerAddress, RedactedHidesThePassword) {
  const auto a = BrokerAddress::parse("amqp://svc:s3cret@rabbit:5672/helpdesk");
  EXPECT_EQ(a.redacted(), "amqp://svc:***@rabbit:5672/helpdesk");
  EXPECT_EQ(BrokerAddress::parse("amqp://guest:guest@127.0.0.1:5672/").redacted(),
            "amqp://guest:***@127.0.0.1:5672/");
}

TEST(BrokerAddress, BadUrlsAreRejectedWithoutRepeatingThem) {
  for (const char* url :
       {"http://u:s3cret@host/", "amqp://u:s3cret@host:notaport/", "", "amqps://u:s3cret@host/"}) {
    try {
      BrokerAddress::parse(url);
      ADD_FAILURE() << "accepted " << url;
    } catch (const std::invalid_argument& ex) {
      EXPECT_EQ(std::string(ex.what()).find("s3cret"), std::string::npos) << ex.what();
    }
  }
}

}  // namespace
}  // namespace st::adapters::rabbitmq
