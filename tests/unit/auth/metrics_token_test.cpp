#include "auth/metrics_token.hpp"

#include <gtest/gtest.h>

namespace st::auth {
namespace {

const std::string kToken = "metrics-token-0123456789abcdef-0123456789";

struct Call {
  Call(http::bhttp::verb method, std::string path, std::string authorization) {
    request.method(method);
    request.target(path);
    if (!authorization.empty()) request.set(http::bhttp::field::authorization, authorization);
    ctx.path = std::move(path);
  }
  http::Request request;
  http::RequestContext ctx{request, {}, {}, {}, "", "", "", nullptr, {}};
};

TEST(MetricsTokenTest, AdmitsTheTokenOnGetMetrics) {
  const MetricsToken token(kToken);
  Call c(http::bhttp::verb::get, "/metrics", "Bearer " + kToken);
  EXPECT_TRUE(token.admits(c.ctx));
}

TEST(MetricsTokenTest, RefusesTheTokenOnAnyOtherPathOrMethod) {
  const MetricsToken token(kToken);
  Call other(http::bhttp::verb::get, "/api/tickets", "Bearer " + kToken);
  Call post(http::bhttp::verb::post, "/metrics", "Bearer " + kToken);
  EXPECT_FALSE(token.admits(other.ctx));
  EXPECT_FALSE(token.admits(post.ctx));
}

TEST(MetricsTokenTest, RefusesAnotherTokenOrNone) {
  const MetricsToken token(kToken);
  Call wrong(http::bhttp::verb::get, "/metrics", "Bearer " + kToken + "x");
  Call none(http::bhttp::verb::get, "/metrics", "");
  EXPECT_FALSE(token.admits(wrong.ctx));
  EXPECT_FALSE(token.admits(none.ctx));
  EXPECT_FALSE(token.matches(""));
}

TEST(MetricsTokenTest, WithoutATokenConfiguredNothingMatches) {
  const MetricsToken token;
  Call c(http::bhttp::verb::get, "/metrics", "Bearer " + kToken);
  EXPECT_FALSE(token.configured());
  EXPECT_FALSE(token.admits(c.ctx));
}

}  // namespace
}  // namespace st::auth
