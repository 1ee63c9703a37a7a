#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "http/static_files.hpp"

namespace st::http {
namespace {

using namespace std::string_view_literals;

constexpr EmbeddedFile kFiles[] = {
    {"index.html", "<!doctype html><title>console</title>"},
    {"js/app.js", "export const x = 1;\n"},
    {"css/app.css", "body{}"},
    {"empty.txt", ""},
};

struct Call {
  explicit Call(std::string target, std::string if_none_match = {})
      : req{bhttp::verb::get, target, 11} {
    if (!if_none_match.empty()) req.set(bhttp::field::if_none_match, if_none_match);
    parse_target(ctx);
  }
  Request req;
  RequestContext ctx{req, {}, {}, {}, "rid", "trace", {}, nullptr, {}};
};

TEST(ContentType, ByExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("css/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a.json"), "application/json");
  EXPECT_EQ(content_type_for("README"), "application/octet-stream");
  EXPECT_EQ(content_type_for("dir.js/README"), "application/octet-stream");
  EXPECT_EQ(content_type_for("archive.tar.gz"), "application/octet-stream");
}

TEST(EtagMatches, ListsWeakTagsAndStar) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));
}

TEST(StaticFiles, ServesAFileWithItsTypeAndSecurityHeaders) {
  StaticFiles files(kFiles);
  EXPECT_EQ(files.size(), 4u);
  Call c("/ui/js/app.js");
  const Response r = files.serve(c.ctx, "js/app.js");
  EXPECT_EQ(r.result(), bhttp::status::ok);
  EXPECT_EQ(r.body(), "export const x = 1;\n");
  EXPECT_EQ(r[bhttp::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(r[bhttp::field::content_length], "20");
  EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(r[bhttp::field::cache_control], "no-cache");
  const auto csp = std::string(r["Content-Security-Policy"]);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_FALSE(r[bhttp::field::etag].empty());
}

TEST(StaticFiles, TheFolderMeansItsIndex) {
  StaticFiles files(kFiles);
  Call c("/ui/");
  const Response r = files.serve(c.ctx, "");
  EXPECT_EQ(r.result(), bhttp::status::ok);
  EXPECT_EQ(r[bhttp::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(r.body(), "<!doctype html><title>console</title>");
}

TEST(StaticFiles, AnEmptyFileIsStillAFile) {
  StaticFiles files(kFiles);
  Call c("/ui/empty.txt");
  const Response r = files.serve(c.ctx, "empty.txt");
  EXPECT_EQ(r.result(), bhttp::status::ok);
  EXPECT_EQ(r[bhttp::field::content_length], "0");
}

TEST(StaticFiles, ConditionalRequestsGetA304WhileTheContentIsUnchanged) {
  StaticFiles files(kFiles);
  Call first("/ui/css/app.css");
  const Response r = files.serve(first.ctx, "css/app.css");
  const std::string etag(r[bhttp::field::etag]);
  ASSERT_EQ(etag.size(), 18u) << etag;  // a quoted 64-bit hash

  Call again("/ui/css/app.css", etag);
  const Response cached = files.serve(again.ctx, "css/app.css");
  EXPECT_EQ(cached.result(), bhttp::status::not_modified);
  EXPECT_TRUE(cached.body().empty());
  EXPECT_EQ(cached[bhttp::field::etag], etag);

  // Another file's tag does not validate this one.
  Call other("/ui/js/app.js", etag);
  EXPECT_EQ(files.serve(other.ctx, "js/app.js").result(), bhttp::status::ok);
}

TEST(StaticFiles, EqualContentHasEqualTagsAndDifferentContentDifferentTags) {
  constexpr EmbeddedFile a[] = {{"x.js", "one"}};
  constexpr EmbeddedFile b[] = {{"x.js", "two"}};
  Call c("/ui/x.js");
  const auto tag_a = std::string(StaticFiles(a).serve(c.ctx, "x.js")[bhttp::field::etag]);
  const auto tag_a2 = std::string(StaticFiles(a).serve(c.ctx, "x.js")[bhttp::field::etag]);
  const auto tag_b = std::string(StaticFiles(b).serve(c.ctx, "x.js")[bhttp::field::etag]);
  EXPECT_EQ(tag_a, tag_a2);
  EXPECT_NE(tag_a, tag_b);
}

TEST(StaticFiles, UnknownOrTraversingNamesAreJson404s) {
  StaticFiles files(kFiles);
  for (auto name : {"missing.js"sv, "js"sv, "js/"sv, "../index.html"sv, "js/../index.html"sv,
                    "/etc/passwd"sv, "../../../../etc/passwd"sv, "INDEX.HTML"sv, "index.html/"sv}) {
    SCOPED_TRACE(name);
    Call c("/ui/x");
    const Response r = files.serve(c.ctx, name);
    EXPECT_EQ(r.result(), bhttp::status::not_found);
    EXPECT_EQ(r[bhttp::field::content_type], "application/json");
    EXPECT_EQ(nlohmann::json::parse(r.body())["code"], "not_found");
  }
}

}  // namespace
}  // namespace st::http
