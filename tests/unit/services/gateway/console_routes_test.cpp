// The gateway's /ui/ routes, through a real router, with a console of test files.
#include <gtest/gtest.h>

#include <optional>

#include "http/api_error.hpp"
#include "http/json_response.hpp"
#include "http/router.hpp"
#include "services/gateway/gateway.hpp"
#include "unit/support/dispatch.hpp"

namespace st::services::gateway {
namespace {

using http::bhttp::status;

constexpr http::EmbeddedFile kConsole[] = {
    {"index.html", "<!doctype html><title>console</title>"},
    {"app.js", "console.log(1)"},
    {"js/pages/list.js", "export {}"},
};

class ConsoleRoutes : public ::testing::Test {
 protected:
  ConsoleRoutes() { gateway.register_routes(router); }

  http::Response get(std::string target) {
    const http::Request req{http::bhttp::verb::get, target, 11};
    return testing_support::dispatch(router, req);
  }

  // No service is called by these routes: empty routers stand in for the upstreams.
  http::Router none;
  LocalUpstream tickets{"tickets", none}, categorizer{"categorizer", none},
      routing{"routing", none}, analytics{"analytics", none};
  Gateway gateway{{.console = kConsole, .access = {.enabled = false}},
                  {tickets, categorizer, routing, analytics},
                  {}};
  http::Router router;
};

TEST_F(ConsoleRoutes, TheFolderServesItsIndex) {
  const auto r = get("/ui/");
  EXPECT_EQ(r.result(), status::ok);
  EXPECT_EQ(r[http::bhttp::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(r.body(), "<!doctype html><title>console</title>");
}

TEST_F(ConsoleRoutes, WithoutTheSlashItRedirects) {
  const auto r = get("/ui");
  EXPECT_EQ(r.result(), status::moved_permanently);
  EXPECT_EQ(r[http::bhttp::field::location], "/ui/");
}

TEST_F(ConsoleRoutes, FilesInFolders) {
  EXPECT_EQ(get("/ui/app.js").body(), "console.log(1)");
  EXPECT_EQ(get("/ui/js/pages/list.js").body(), "export {}");
  EXPECT_EQ(get("/ui/js/pages/list.js?v=2").body(), "export {}");
}

TEST_F(ConsoleRoutes, UnknownAndTraversingPathsAre404sNeverFiles) {
  for (const char* target : {"/ui/missing.js", "/ui/js/app.js", "/ui/../../../../etc/passwd",
                             "/ui/%2e%2e/%2e%2e/etc/passwd", "/ui/..%2f..%2f..%2fetc%2fpasswd",
                             "/ui/js%2fpages%2flist.js/..", "/ui//app.js", "/ui/a/b/c/d/e"}) {
    SCOPED_TRACE(target);
    const auto r = get(target);
    EXPECT_EQ(r.result(), status::not_found) << r.body();
    EXPECT_EQ(r.body().find("root:"), std::string::npos);
  }
}

TEST_F(ConsoleRoutes, OnlyGet) {
  const http::Request req{http::bhttp::verb::post, "/ui/app.js", 11};
  EXPECT_EQ(testing_support::dispatch(router, req).result(), status::method_not_allowed);
}

TEST(ConsoleFiles, TheEmbeddedConsoleHasAnIndexAndNoHiddenFiles) {
  http::StaticFiles files(console_files());
  EXPECT_TRUE(files.contains("index.html"));
  for (const auto& f : console_files()) {
    EXPECT_FALSE(f.path.starts_with('.')) << f.path;
    EXPECT_EQ(f.path.find("/."), std::string_view::npos) << f.path;
    EXPECT_NE(http::content_type_for(f.path), "application/octet-stream") << f.path;
  }
}

}  // namespace
}  // namespace st::services::gateway
