// The libcurl webhook transport without a network: a literal resolves to itself, a refused
// address is never contacted, and a closed loopback port is a transport error (no status).
#include "adapters/curl/curl_webhook_transport.hpp"

#include <gtest/gtest.h>

#include "services/webhooks/webhook_url.hpp"

namespace st::adapters::curl {
namespace {

using namespace std::chrono_literals;

TEST(CurlWebhookTransport, ALiteralResolvesToItself) {
  CurlWebhookTransport t;
  EXPECT_EQ(t.resolve("127.0.0.1"), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(t.resolve("::1"), std::vector<std::string>{"::1"});
  EXPECT_TRUE(t.resolve("no-such-host.invalid").empty());
}

TEST(CurlWebhookTransport, ARefusedAddressIsNeverContacted) {
  CurlWebhookTransport t;
  std::vector<std::string> asked;
  const ports::AddressCheck allowed = [&](const std::string& a) {
    asked.push_back(a);
    return services::webhooks::address_refusal(a, /*allow_private=*/true);
  };
  const auto reply =
      t.post({"http://169.254.169.254/latest/meta-data/", "{}", {}}, 1000ms, allowed);
  EXPECT_FALSE(reply.status);
  EXPECT_NE(reply.error.find("refused"), std::string::npos) << reply.error;
  EXPECT_EQ(asked, std::vector<std::string>{"169.254.169.254"});
}

TEST(CurlWebhookTransport, AClosedPortIsATransportError) {
  CurlWebhookTransport t;
  const ports::AddressCheck any = [](const std::string&) { return std::optional<std::string>(); };
  // Port 9 (discard) on loopback: nothing listens there in the test environment.
  const auto reply = t.post({"http://127.0.0.1:9/hook", "{}", {}}, 2000ms, any);
  EXPECT_FALSE(reply.status);
  EXPECT_FALSE(reply.error.empty());
}

}  // namespace
}  // namespace st::adapters::curl
