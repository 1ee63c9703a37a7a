#include <gtest/gtest.h>

#include "http/url.hpp"

namespace st::http {
namespace {

TEST(ServiceUrl, HostPortAndBasePath) {
  auto u = parse_service_url("http://tickets:5001");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "tickets");
  EXPECT_EQ(u->port, 5001);
  EXPECT_EQ(u->base_path, "");
  auto b = parse_service_url("http://127.0.0.1:8080/svc/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base_path, "/svc");
  EXPECT_EQ(b->authority(), "127.0.0.1:8080");
}

TEST(ServiceUrl, DefaultPortAndIpv6) {
  EXPECT_EQ(parse_service_url("http://routing")->port, 80);
  auto v6 = parse_service_url("http://[::1]:5003");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5003);
}

TEST(ServiceUrl, RejectsWhatIsNotAPlainServiceUrl) {
  for (const char* bad : {"", "tickets:5001", "https://tickets:5001", "http://", "http://:5001",
                          "http://h:0", "http://h:65536", "http://h:12ab", "http://h:",
                          "http://user:pw@h:5001", "http://h:5001/a?b=1", "http://[::1"})
    EXPECT_FALSE(parse_service_url(bad)) << bad;
}

}  // namespace
}  // namespace st::http
