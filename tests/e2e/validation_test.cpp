// Bad input for POST /api/tickets: each case is a JSON 4xx that names the problem and creates
// nothing. Also what must be accepted: boundaries, unknown fields, and hostile-looking text
// (quotes, SQL, HTML, emoji) stored and returned byte for byte.
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

const char* const kFields[] = {"title", "description", "user_name", "user_email"};

json valid_body() {
  const auto& s = sample_for("IT Support");
  return ticket_body(s.title, s.description);
}

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// An address of exactly `length` characters whose domain is made of valid DNS labels (at most
// 63 characters each), so only the total length can make it invalid.
std::string email_of_length(std::size_t length) {
  const std::string head = "ann@";
  const std::string tld = ".com";
  std::size_t room = length - head.size() - tld.size();
  std::string domain;
  while (room > 0) {
    if (!domain.empty()) {
      domain += '.';
      --room;
    }
    std::size_t label = std::min<std::size_t>(60, room);
    if (room - label == 1) --label;  // never leave room for a dot followed by an empty label
    domain += std::string(label, 'a');
    room -= label;
  }
  return head + domain + tld;
}

class Validation : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure()) return;
    before_ = census(http());
  }
  // Every test here sends only invalid requests: the ticket set must be exactly as before.
  void expect_nothing_created() {
    EXPECT_EQ(census(http()), before_) << "a rejected request created a ticket";
  }
  Response post_raw(std::string body, const std::string& content_type = "application/json") {
    Headers h;
    if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
    return http().request("POST", "/api/tickets", std::move(body), h);
  }
  Census before_;
};

TEST_F(Validation, EachMissingFieldIsNamed) {
  for (const char* field : kFields) {
    SCOPED_TRACE(field);
    json body = valid_body();
    body.erase(field);
    EXPECT_TRUE(IsError(create_ticket(http(), body), 400, field));
  }
  expect_nothing_created();
}

TEST_F(Validation, EachWrongJsonTypeIsNamed) {
  const std::vector<json> wrong{42,
                                3.5,
                                true,
                                nullptr,
                                json::array(),
                                json::array({"text"}),
                                json::object(),
                                json{{"text", "x"}}};
  for (const char* field : kFields) {
    for (const auto& value : wrong) {
      SCOPED_TRACE(std::string(field) + " = " + value.dump());
      json body = valid_body();
      body[field] = value;
      EXPECT_TRUE(IsError(create_ticket(http(), body), 400, field));
    }
  }
  expect_nothing_created();
}

TEST_F(Validation, LengthBoundsAreEnforcedAfterTrimming) {
  struct Case {
    const char* field;
    std::string value;
    const char* what;
  };
  const std::vector<Case> cases{
      {"title", "ab", "title of 2"},
      {"title", "   ab   ", "title of 2 after trimming"},
      {"title", std::string(201, 't'), "title of 201"},
      {"title", repeat("\xC3\xA9", 201), "title of 201 two-byte characters"},
      {"description", "123456789", "description of 9"},
      {"description", "  123456789  ", "description of 9 after trimming"},
      {"description", std::string(10'001, 'd'), "description of 10,001"},
      {"user_name", "", "empty user_name"},
      {"user_name", std::string(101, 'u'), "user_name of 101"},
      {"user_email", email_of_length(255), "email of 255"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json body = valid_body();
    body[c.field] = c.value;
    EXPECT_TRUE(IsError(create_ticket(http(), body), 400, c.field));
  }
  expect_nothing_created();
}

TEST_F(Validation, WhitespaceOnlyFieldsAreRejected) {
  for (const char* field : kFields) {
    SCOPED_TRACE(field);
    json body = valid_body();
    body[field] = " \t\n\r   ";
    EXPECT_TRUE(IsError(create_ticket(http(), body), 400, field));
  }
  expect_nothing_created();
}

TEST_F(Validation, InvalidEmailsAreRejected) {
  for (const char* email : {"not-an-email", "ann@", "@example.com", "ann lee@example.com",
                            "ann@@example.com", "ann@exa mple.com", "ann.example.com"}) {
    SCOPED_TRACE(email);
    json body = valid_body();
    body["user_email"] = email;
    EXPECT_TRUE(IsError(create_ticket(http(), body), 400, "user_email"));
  }
  expect_nothing_created();
}

TEST_F(Validation, MalformedJsonIs400) {
  for (const char* text : {"{\"title\": \"abc\",", "{title: 'Laptop'}", "", "   ",
                           "{\"title\":\"a\"} trailing", "{\"title\" \"a\"}", "\xEF\xBB\xBF{"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(IsError(post_raw(text), 400));
  }
  expect_nothing_created();
}

TEST_F(Validation, JsonThatIsNotAnObjectIs400) {
  for (const char* text : {"[]", "[1,2]", "\"a ticket\"", "42", "null", "true"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(IsError(post_raw(text), 400));
  }
  expect_nothing_created();
}

TEST_F(Validation, InvalidUtf8Is400) {
  const json ok = valid_body();
  // Raw bytes that are not UTF-8 inside JSON strings, and a lone surrogate escape.
  const std::vector<std::pair<const char*, std::string>> cases{
      {"0xFF 0xFE", "Laptop \xFF\xFE broken"},
      {"overlong slash", "Laptop \xC0\xAF broken"},
      {"encoded surrogate", "Laptop \xED\xA0\x80 broken"},
      {"truncated sequence", "Laptop broken \xE2\x82"},
  };
  for (const auto& [what, bad] : cases) {
    SCOPED_TRACE(what);
    const std::string body = "{\"title\":\"" + bad +
                             "\",\"description\":" + ok["description"].dump() +
                             ",\"user_name\":\"Ann\"," + "\"user_email\":\"ann@example.com\"}";
    EXPECT_TRUE(IsError(post_raw(body), 400));
    const std::string in_name =
        "{\"title\":\"Laptop broken\",\"description\":" + ok["description"].dump() +
        ",\"user_name\":\"" + bad + "\",\"user_email\":\"ann@example.com\"}";
    EXPECT_TRUE(IsError(post_raw(in_name), 400));
  }
  const std::string lone_escape =
      "{\"title\":\"Laptop \\ud800 broken\",\"description\":" + ok["description"].dump() +
      ",\"user_name\":\"Ann\",\"user_email\":\"ann@example.com\"}";
  EXPECT_TRUE(IsError(post_raw(lone_escape), 400));
  expect_nothing_created();
}

TEST_F(Validation, BodyOver64KiBIs413) {
  json body = valid_body();
  body["description"] = std::string(70'000, 'x');
  const std::string payload = body.dump();
  const Target t = target();
  // Declared length: the server can refuse before reading the body.
  const std::string with_length =
      "POST /api/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(payload.size()) + "\r\n\r\n" + payload;
  const RawResult a = raw_exchange(t.host, t.port, with_length);
  EXPECT_EQ(a.status, 413) << a.data.substr(0, 400);
  // Chunked: the size is only known while reading, and must still be capped.
  std::string chunked =
      "POST /api/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t pos = 0; pos < payload.size(); pos += 8192) {
    const std::string piece = payload.substr(pos, 8192);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunked += size + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  const RawResult b = raw_exchange(t.host, t.port, chunked);
  EXPECT_EQ(b.status, 413) << b.data.substr(0, 400);
  // The Beast client too (it sends Content-Length); the answer must be JSON.
  EXPECT_TRUE(IsError(post_raw(payload), 413));
  // Just under the cap is an ordinary validation error, not 413.
  body["description"] = std::string(60'000, 'x');
  EXPECT_TRUE(IsError(create_ticket(http(), body), 400, "description"));
  expect_nothing_created();
}

TEST_F(Validation, NonJsonContentTypeIs415) {
  const std::string body = valid_body().dump();
  EXPECT_TRUE(IsError(post_raw(body, "text/plain"), 415));
  EXPECT_TRUE(IsError(post_raw(body, "application/x-www-form-urlencoded"), 415));
  EXPECT_TRUE(IsError(post_raw(body, "multipart/form-data; boundary=x"), 415));
  EXPECT_TRUE(IsError(post_raw(body, ""), 415)) << "a body without Content-Type";
  expect_nothing_created();
}

class Accepted : public SharedServerTest {};

TEST_F(Accepted, JsonContentTypeWithParametersOrOtherCase) {
  const std::string body = valid_body().dump();
  for (const char* ct : {"application/json; charset=utf-8", "Application/JSON"}) {
    SCOPED_TRACE(ct);
    const Response r =
        http().request("POST", "/api/tickets", body, {{"Content-Type", std::string(ct)}});
    EXPECT_TRUE(IsSuccess(r, 201));
  }
}

TEST_F(Accepted, BoundaryLengthsAreAccepted) {
  struct Case {
    const char* field;
    std::string value;
    const char* what;
  };
  const std::vector<Case> cases{
      {"title", "abc", "title of 3"},
      {"title", std::string(200, 't'), "title of 200"},
      {"title", repeat("\xC3\xA9", 200), "title of 200 two-byte characters"},
      {"title", "\xF0\x9F\x8E\xAB\xF0\x9F\x94\xA5\xF0\x9F\x98\x80", "title of 3 emoji"},
      {"description", "0123456789", "description of 10"},
      {"description", std::string(10'000, 'd'), "description of 10,000"},
      {"user_name", "A", "user_name of 1"},
      {"user_name", std::string(100, 'u'), "user_name of 100"},
      {"user_email", email_of_length(254), "email of 254"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json body = valid_body();
    body[c.field] = c.value;
    const Response r = create_ticket(http(), body);
    ASSERT_TRUE(IsSuccess(r, 201));
    EXPECT_EQ(r.json["ticket"].value(c.field, ""), c.value);
  }
}

TEST_F(Accepted, UnknownFieldsAreIgnored) {
  json body = valid_body();
  // Fields a client must not be able to set are ignored too.
  body["priority"] = "urgent";  // the pipeline decides it (an agent may change it later)
  body["id"] = 999999999;
  body["department"] = "Finance";
  body["status"] = "resolved";
  body["categorized_by"] = "manual";
  body["nested"] = {{"a", json::array({1, 2, 3})}};
  const Response r = create_ticket(http(), body);
  ASSERT_TRUE(IsSuccess(r, 201));
  const json& t = r.json["ticket"];
  EXPECT_TRUE(IsTicketObject(t));
  EXPECT_NE(t.value("id", std::int64_t{0}), 999999999);
  EXPECT_EQ(t.value("status", ""), "pending");
  EXPECT_EQ(t.value("department", json()).dump(), "\"IT Support\"");
  EXPECT_TRUE(is_offline_categorizer(t.value("categorized_by", json()))) << t.dump();
  // One person blocked (cannot log in): the estimate says high, not the client's "urgent".
  EXPECT_EQ(t.value("priority", ""), "high") << t.dump();
}

TEST_F(Accepted, HostileTextIsStoredAndReturnedVerbatim) {
  const std::string tag = unique_tag();
  const std::string title = "Can't print \"quotes\" '); DROP TABLE tickets;-- " + tag;
  const std::string description =
      "<script>alert(1)</script> printer offline & network down \xF0\x9F\x8E\xAB\xF0\x9F\x94\xA5 "
      "\xC3\xBC\xC3\xB1 \xE4\xB8\xAD\xE6\x96\x87 back\\slash 100% _under_ \"; --";
  const std::string name = "O'Brien \"Bobby\" <b>Tables</b>";
  const std::string email = "bobby+e2e@example.com";
  const Response r = create_ticket(http(), ticket_body(title, description, name, email));
  ASSERT_TRUE(IsSuccess(r, 201));
  const auto id = r.json["ticket_id"].get<std::int64_t>();
  for (const json& t :
       {r.json["ticket"], http().get("/api/tickets/" + std::to_string(id)).json["ticket"]}) {
    EXPECT_EQ(t.value("title", ""), title);
    EXPECT_EQ(t.value("description", ""), description);
    EXPECT_EQ(t.value("user_name", ""), name);
    EXPECT_EQ(t.value("user_email", ""), email);
  }
  const Response found = http().get("/api/tickets?q=" + tag);
  ASSERT_TRUE(IsSuccess(found, 200));
  ASSERT_EQ(found.json.value("count", -1), 1) << found.describe();
  EXPECT_EQ(found.json["tickets"][0].value("title", ""), title);
  // Search text with SQL and LIKE metacharacters is just text.
  for (const char* q : {"%27%29%3B%20DROP%20TABLE%20tickets%3B--", "%25", "_", "%22", "%5C"}) {
    SCOPED_TRACE(q);
    EXPECT_TRUE(IsSuccess(http().get(std::string("/api/tickets?q=") + q), 200));
  }
  const Response pct = http().get("/api/tickets?q=" + url_encode("100% _under_"));
  ASSERT_TRUE(IsSuccess(pct, 200));
  bool ours = false;
  for (const auto& t : pct.json["tickets"]) ours |= t.value("id", std::int64_t{0}) == id;
  EXPECT_TRUE(ours) << "a search for literal '%' and '_' finds the ticket containing them";
  EXPECT_TRUE(IsSuccess(http().get("/api/tickets?limit=1"), 200)) << "the table is still there";
}

}  // namespace
}  // namespace st::e2e
