// The guard of a service process: probes pass, everything else needs the exact credential.
#include "auth/service_credential.hpp"

#include <gtest/gtest.h>

namespace st::auth {
namespace {

const std::string kToken(40, 't');

std::optional<http::Response> check(const std::string& target, const http::Request& base) {
  http::Request req = base;
  req.target(target);
  http::RequestContext ctx{req, {}, {}, {}, "rid", "trace", {}, nullptr, {}};
  http::parse_target(ctx);
  return check_service_credential(ctx, kToken);
}

TEST(ServiceCredential, ProbesPassWithoutIt) {
  http::Request req{http::bhttp::verb::get, "/", 11};
  EXPECT_FALSE(check("/health", req));
  EXPECT_FALSE(check("/health/ready", req));
  EXPECT_TRUE(check("/healthz", req));
  EXPECT_TRUE(check("/api/health", req));
}

TEST(ServiceCredential, EverythingElseNeedsTheExactToken) {
  http::Request none{http::bhttp::verb::get, "/", 11};
  const auto refused = check("/api/tickets", none);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result(), http::bhttp::status::unauthorized);
  EXPECT_EQ(refused->body().find(kToken), std::string::npos);

  http::Request right = none;
  right.set(kServiceTokenHeader, kToken);
  EXPECT_FALSE(check("/api/tickets", right));
  EXPECT_FALSE(check("/internal/tickets/departments", right));

  http::Request wrong = none;
  wrong.set(kServiceTokenHeader, kToken + "x");
  EXPECT_TRUE(check("/api/tickets", wrong));
  http::Request shorter = none;
  shorter.set(kServiceTokenHeader, kToken.substr(1));
  EXPECT_TRUE(check("/api/tickets", shorter));
  http::Request twice = right;
  twice.insert(kServiceTokenHeader, kToken);
  EXPECT_TRUE(check("/api/tickets", twice)) << "two credentials are one too many";
}

}  // namespace
}  // namespace st::auth
