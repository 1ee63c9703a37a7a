// The web console's files as the gateway serves them (the browser tests drive the pages).
#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Console : public SharedServerTest {};

TEST_F(Console, IndexIsServedWithTypeCachingAndPolicy) {
  const Response r = http().get("/ui/");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<script type=\"module\" src=\"js/app.js\"></script>"), std::string::npos);
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  const std::string csp = r.header("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  const std::string etag = r.header("ETag");
  ASSERT_FALSE(etag.empty());

  const Response again = http().get("/ui/index.html", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304) << again.describe();
  EXPECT_TRUE(again.body.empty());
}

TEST_F(Console, ModulesAndStylesHaveTheirTypes) {
  for (const auto& [path, type] : std::vector<std::pair<std::string, std::string>>{
           {"/ui/js/app.js", "text/javascript; charset=utf-8"},
           {"/ui/js/pages/dashboard.js", "text/javascript; charset=utf-8"},
           {"/ui/css/app.css", "text/css; charset=utf-8"},
           {"/ui/favicon.svg", "image/svg+xml"}}) {
    SCOPED_TRACE(path);
    const Response r = http().get(path);
    EXPECT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.header("Content-Type"), type);
    EXPECT_FALSE(r.body.empty());
  }
}

TEST_F(Console, WithoutTheSlashItRedirectsAndUnknownFilesAreJson404s) {
  const Response r = http().get("/ui");
  EXPECT_EQ(r.status, 301) << r.describe();
  EXPECT_EQ(r.header("Location"), "/ui/");
  for (const char* path : {"/ui/nope.js", "/ui/js/nope/deeper/file.js", "/ui/.hidden"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsError(http().get(path), 404));
  }
}

}  // namespace
}  // namespace st::e2e
