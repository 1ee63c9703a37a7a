#include "services/webhooks/webhook_url.hpp"

#include <gtest/gtest.h>

namespace st::services::webhooks {
namespace {

TEST(WebhookUrl, ParsesSchemeHostAndPort) {
  auto u = parse_webhook_url("https://Hooks.Example.com/in?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_EQ(u->port, 443);
  u = parse_webhook_url("http://[::1]:8080/x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8080);
  u = parse_webhook_url("http://127.0.0.1:9/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 9);
}

TEST(WebhookUrl, RefusesOtherSchemesUserInfoAndBadPorts) {
  for (const char* bad :
       {"ftp://example.com/", "file:///etc/passwd", "example.com", "gopher://x/",
        "http://user:pw@example.com/", "http://:80/", "http://example.com:0/",
        "http://example.com:99999/", "http://example.com:8a/", "http://[::1/", "http:///path"}) {
    std::string why;
    EXPECT_FALSE(parse_webhook_url(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(WebhookAddress, ClassifiesTheRanges) {
  EXPECT_EQ(classify_address("93.184.216.34"), AddressKind::public_address);
  EXPECT_EQ(classify_address("2606:2800:220:1::1"), AddressKind::public_address);
  EXPECT_EQ(classify_address("127.0.0.1"), AddressKind::loopback);
  EXPECT_EQ(classify_address("127.255.0.9"), AddressKind::loopback);
  EXPECT_EQ(classify_address("::1"), AddressKind::loopback);
  EXPECT_EQ(classify_address("10.1.2.3"), AddressKind::private_address);
  EXPECT_EQ(classify_address("172.16.0.1"), AddressKind::private_address);
  EXPECT_EQ(classify_address("172.31.255.255"), AddressKind::private_address);
  EXPECT_EQ(classify_address("172.32.0.1"), AddressKind::public_address);
  EXPECT_EQ(classify_address("192.168.1.1"), AddressKind::private_address);
  EXPECT_EQ(classify_address("fc00::1"), AddressKind::private_address);
  EXPECT_EQ(classify_address("fdab::1"), AddressKind::private_address);
  EXPECT_EQ(classify_address("169.254.169.254"), AddressKind::link_local);
  EXPECT_EQ(classify_address("169.254.0.1"), AddressKind::link_local);
  EXPECT_EQ(classify_address("fe80::1"), AddressKind::link_local);
  EXPECT_EQ(classify_address("febf::1"), AddressKind::link_local);
  EXPECT_EQ(classify_address("fd00:ec2::254"), AddressKind::metadata);
  EXPECT_EQ(classify_address("100.100.100.200"), AddressKind::metadata);
  EXPECT_EQ(classify_address("0.0.0.0"), AddressKind::unspecified);
  EXPECT_EQ(classify_address("::"), AddressKind::unspecified);
  EXPECT_EQ(classify_address("224.0.0.1"), AddressKind::multicast);
  EXPECT_EQ(classify_address("ff02::1"), AddressKind::multicast);
  EXPECT_EQ(classify_address("example.com"), AddressKind::not_an_address);
}

TEST(WebhookAddress, MappedIpv6IsItsIpv4Address) {
  EXPECT_EQ(classify_address("::ffff:169.254.169.254"), AddressKind::link_local);
  EXPECT_EQ(classify_address("::ffff:127.0.0.1"), AddressKind::loopback);
  EXPECT_EQ(classify_address("::ffff:8.8.8.8"), AddressKind::public_address);
}

TEST(WebhookAddress, PrivateAndLoopbackOnlyWhenAllowed) {
  for (const char* a : {"127.0.0.1", "::1", "10.0.0.1", "192.168.0.5", "fc00::5"}) {
    EXPECT_TRUE(address_refusal(a, false)) << a;
    EXPECT_FALSE(address_refusal(a, true)) << a;
  }
  EXPECT_FALSE(address_refusal("8.8.8.8", false));
}

TEST(WebhookAddress, LinkLocalAndMetadataAlwaysRefused) {
  for (const char* a : {"169.254.169.254", "fe80::1", "fd00:ec2::254", "0.0.0.0", "224.0.0.1"}) {
    EXPECT_TRUE(address_refusal(a, false)) << a;
    EXPECT_TRUE(address_refusal(a, true)) << a;
  }
}

TEST(WebhookAddress, MetadataAndLoopbackNames) {
  EXPECT_TRUE(host_name_refusal("metadata.google.internal", true));
  EXPECT_TRUE(host_name_refusal("METADATA", true));
  EXPECT_TRUE(host_name_refusal("localhost", false));
  EXPECT_FALSE(host_name_refusal("localhost", true));
  EXPECT_FALSE(host_name_refusal("hooks.example.com", false));
}

}  // namespace
}  // namespace st::services::webhooks
