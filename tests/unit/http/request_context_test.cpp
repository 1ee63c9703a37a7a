#include <gtest/gtest.h>

#include "http/api_error.hpp"
#include "http/request_context.hpp"

namespace st::http {
namespace {

struct Fixture {
  explicit Fixture(std::string target, std::string body = {}, std::string content_type = {})
      : req(bhttp::verb::post, target, 11) {
    req.body() = std::move(body);
    if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
    parse_target(ctx);
  }
  Request req;
  RequestContext ctx{req, {}, {}, {}, "rid", "trace", {}, nullptr, {}};
};

bhttp::status status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.status();
  }
  return bhttp::status::ok;
}

TEST(RequestContext, ParsesAndDecodesTheQuery) {
  Fixture f("/api/tickets?q=printer+jam&department=IT%20Support&empty=&flag");
  EXPECT_EQ(f.ctx.path, "/api/tickets");
  EXPECT_EQ(f.ctx.query_param("q"), "printer jam");
  EXPECT_EQ(f.ctx.query_param("department"), "IT Support");
  EXPECT_EQ(f.ctx.query_param("empty"), "");
  EXPECT_EQ(f.ctx.query_param("flag"), "");
  EXPECT_EQ(f.ctx.query_param("missing"), std::nullopt);
}

TEST(RequestContext, BadEscapesAreRejected) {
  Request req{bhttp::verb::get, "/api/tickets?q=%zz", 11};
  RequestContext ctx{req, {}, {}, {}, "", "", {}, nullptr, {}};
  EXPECT_EQ(status_of([&] { parse_target(ctx); }), bhttp::status::bad_request);
  EXPECT_EQ(percent_decode("%4", false), std::nullopt);
  EXPECT_EQ(percent_decode("%C3%A9", false), "\xC3\xA9");
  EXPECT_EQ(percent_decode("%C3", false), std::nullopt);  // not UTF-8 on its own
}

TEST(RequestContext, IntQueryEnforcesRange) {
  Fixture f("/x?limit=200&zero=0&text=abc&big=99999999999999999999");
  EXPECT_EQ(f.ctx.int_query("limit", 1, 200), 200);
  EXPECT_EQ(f.ctx.int_query("absent", 1, 200), std::nullopt);
  EXPECT_EQ(status_of([&] { f.ctx.int_query("zero", 1, 200); }), bhttp::status::bad_request);
  EXPECT_EQ(status_of([&] { f.ctx.int_query("text", 1, 200); }), bhttp::status::bad_request);
  EXPECT_EQ(status_of([&] { f.ctx.int_query("big", 1, 200); }), bhttp::status::bad_request);
}

TEST(RequestContext, IdParamDistinguishesMalformedFromImpossible) {
  Fixture f("/x");
  f.ctx.params = {{"ok", "17"},
                  {"word", "abc"},
                  {"neg", "-3"},
                  {"huge", "99999999999999999999"},
                  {"zero", "0"}};
  EXPECT_EQ(f.ctx.id_param("ok", "Ticket"), 17);
  EXPECT_EQ(status_of([&] { f.ctx.id_param("word", "Ticket"); }), bhttp::status::bad_request);
  EXPECT_EQ(status_of([&] { f.ctx.id_param("neg", "Ticket"); }), bhttp::status::bad_request);
  EXPECT_EQ(status_of([&] { f.ctx.id_param("huge", "Ticket"); }), bhttp::status::not_found);
  EXPECT_EQ(status_of([&] { f.ctx.id_param("zero", "Ticket"); }), bhttp::status::not_found);
}

TEST(RequestContext, JsonBodyChecksContentTypeEncodingAndSyntax) {
  EXPECT_EQ(status_of([] { Fixture("/x", "{}", "text/plain").ctx.json_body(); }),
            bhttp::status::unsupported_media_type);
  EXPECT_EQ(status_of([] { Fixture("/x", "{}", "").ctx.json_body(); }),
            bhttp::status::unsupported_media_type);
  EXPECT_EQ(status_of([] { Fixture("/x", "", "application/json").ctx.json_body(); }),
            bhttp::status::bad_request);
  EXPECT_EQ(status_of([] { Fixture("/x", "{\"a\":", "application/json").ctx.json_body(); }),
            bhttp::status::bad_request);
  EXPECT_EQ(
      status_of([] { Fixture("/x", "{\"a\":\"\xff\"}", "application/json").ctx.json_body(); }),
      bhttp::status::bad_request);
  EXPECT_EQ(status_of([] { Fixture("/x", "[1]", "application/json").ctx.json_object_body(); }),
            bhttp::status::bad_request);
  Fixture ok("/x", R"({"a":1})", "application/json; charset=utf-8");
  EXPECT_EQ(ok.ctx.json_object_body()["a"], 1);
}

}  // namespace
}  // namespace st::http
