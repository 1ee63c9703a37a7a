#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/validation.hpp"

namespace st::domain {
namespace {

using nlohmann::json;

json valid_body() {
  return json{{"title", "Laptop will not boot"},
              {"description", "It shows a blue screen since this morning."},
              {"user_name", "Ann Lee"},
              {"user_email", "ann.lee@example.com"}};
}

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// The error for a body, or a test failure if it was accepted.
ValidationError error_of(const json& body) {
  auto result = validate_new_ticket(body);
  if (auto* e = std::get_if<ValidationError>(&result)) return *e;
  ADD_FAILURE() << "accepted: " << body.dump();
  return {};
}

NewTicket accepted(const json& body) {
  auto result = validate_new_ticket(body);
  if (auto* t = std::get_if<NewTicket>(&result)) return *t;
  const auto& e = std::get<ValidationError>(result);
  ADD_FAILURE() << "rejected (" << e.field << "): " << e.message << "\n" << body.dump();
  return {};
}

json with(const char* field, json value) {
  json body = valid_body();
  body[field] = std::move(value);
  return body;
}

const char* const kFields[] = {"title", "description", "user_name", "user_email"};

// ---- validate_new_ticket: accepted input ------------------------------------------------------

TEST(ValidateNewTicket, AcceptsAValidBodyAndTrimsEveryField) {
  json body{{"title", "  Printer offline \t"},
            {"description", "\n  The 3rd floor printer shows an error.  \r\n"},
            {"user_name", " Ann Lee "},
            {"user_email", "  ann@example.com "}};
  const NewTicket t = accepted(body);
  EXPECT_EQ(t.title, "Printer offline");
  EXPECT_EQ(t.description, "The 3rd floor printer shows an error.");
  EXPECT_EQ(t.user_name, "Ann Lee");
  EXPECT_EQ(t.user_email, "ann@example.com");
}

TEST(ValidateNewTicket, IgnoresUnknownFields) {
  json body = valid_body();
  body["priority"] = "urgent";
  body["department"] = 42;
  body["nested"] = {{"a", json::array({1, 2})}};
  const NewTicket t = accepted(body);
  EXPECT_EQ(t.title, "Laptop will not boot");
}

TEST(ValidateNewTicket, KeepsQuotesSqlAndHtmlVerbatim) {
  const std::string title = "Can't print \"quotes\" '); DROP TABLE tickets;--";
  const std::string description = "<script>alert(1)</script> & 100% _under_ back\\slash \"; --";
  const std::string name = "O'Brien \"Bobby\" <b>Tables</b>";
  const NewTicket t = accepted(json{{"title", title},
                                    {"description", description},
                                    {"user_name", name},
                                    {"user_email", "bobby+tables@example.com"}});
  EXPECT_EQ(t.title, title);
  EXPECT_EQ(t.description, description);
  EXPECT_EQ(t.user_name, name);
  EXPECT_EQ(t.user_email, "bobby+tables@example.com");
}

TEST(ValidateNewTicket, DescriptionMayContainNewlinesAndTabs) {
  const std::string description = "Steps:\n\t1. open the app\r\n\t2. it crashes";
  EXPECT_EQ(accepted(with("description", description)).description, description);
}

TEST(ValidateNewTicket, KeepsNonAsciiTextAndEmoji) {
  const std::string title =
      "Caf\xC3\xA9 k\xC3\xBC"
      "che \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x94\xA5";
  EXPECT_EQ(accepted(with("title", title)).title, title);
}

// ---- lengths --------------------------------------------------------------------------------

TEST(ValidateNewTicket, TitleLengthBoundaries) {
  EXPECT_EQ(accepted(with("title", "abc")).title, "abc");
  EXPECT_EQ(accepted(with("title", std::string(200, 't'))).title.size(), 200u);
  for (const std::string& bad : {std::string("ab"), std::string(201, 't')}) {
    const ValidationError e = error_of(with("title", bad));
    EXPECT_EQ(e.field, "title");
    EXPECT_EQ(e.message, "title must be between 3 and 200 characters");
  }
}

TEST(ValidateNewTicket, LengthIsCountedAfterTrimming) {
  EXPECT_EQ(error_of(with("title", "   ab   ")).field, "title");
  EXPECT_EQ(error_of(with("description", "  123456789  ")).field, "description");
  EXPECT_EQ(accepted(with("title", "   abc   ")).title, "abc");
}

TEST(ValidateNewTicket, MultiByteCharactersCountAsOne) {
  const std::string e_acute = "\xC3\xA9";         // 2 bytes
  const std::string euro = "\xE2\x82\xAC";        // 3 bytes
  const std::string ticket = "\xF0\x9F\x8E\xAB";  // 4 bytes
  EXPECT_EQ(accepted(with("title", repeat(e_acute, 200))).title, repeat(e_acute, 200));
  EXPECT_EQ(accepted(with("title", repeat(ticket, 3))).title, repeat(ticket, 3));
  EXPECT_EQ(accepted(with("title", e_acute + euro + ticket)).title.size(), 9u);
  EXPECT_EQ(error_of(with("title", repeat(e_acute, 201))).field, "title");
  EXPECT_EQ(error_of(with("title", repeat(ticket, 2))).field, "title");
}

TEST(ValidateNewTicket, DescriptionLengthBoundaries) {
  EXPECT_EQ(accepted(with("description", "0123456789")).description, "0123456789");
  EXPECT_EQ(accepted(with("description", std::string(10'000, 'd'))).description.size(), 10'000u);
  for (const std::string& bad : {std::string("123456789"), std::string(10'001, 'd')}) {
    const ValidationError e = error_of(with("description", bad));
    EXPECT_EQ(e.field, "description");
    EXPECT_EQ(e.message, "description must be between 10 and 10000 characters");
  }
}

TEST(ValidateNewTicket, UserNameLengthBoundaries) {
  EXPECT_EQ(accepted(with("user_name", "A")).user_name, "A");
  EXPECT_EQ(accepted(with("user_name", std::string(100, 'u'))).user_name.size(), 100u);
  const ValidationError e = error_of(with("user_name", std::string(101, 'u')));
  EXPECT_EQ(e.field, "user_name");
  EXPECT_EQ(e.message, "user_name must be between 1 and 100 characters");
}

TEST(ValidateNewTicket, BlankFieldsAreRejected) {
  for (const char* field : kFields) {
    for (const char* blank : {"", "   ", " \t\n\r ", "\xC2\xA0\xE2\x80\x83\xE3\x80\x80"}) {
      SCOPED_TRACE(std::string(field) + " = '" + blank + "'");
      const ValidationError e = error_of(with(field, blank));
      EXPECT_EQ(e.field, field);
      EXPECT_EQ(e.message, std::string(field) + " must not be blank");
    }
  }
}

// ---- presence and types -----------------------------------------------------------------------

TEST(ValidateNewTicket, MissingFieldsAreNamed) {
  for (const char* field : kFields) {
    json body = valid_body();
    body.erase(field);
    const ValidationError e = error_of(body);
    EXPECT_EQ(e.field, field);
    EXPECT_EQ(e.message, std::string(field) + " is required");
  }
}

TEST(ValidateNewTicket, NonStringValuesAreRejectedByName) {
  const std::vector<json> wrong{42,
                                3.5,
                                true,
                                nullptr,
                                json::array(),
                                json::array({"text"}),
                                json::object(),
                                json{{"text", "x"}}};
  for (const char* field : kFields) {
    for (const json& value : wrong) {
      SCOPED_TRACE(std::string(field) + " = " + value.dump());
      const ValidationError e = error_of(with(field, value));
      EXPECT_EQ(e.field, field);
      EXPECT_EQ(e.message, std::string(field) + " must be a string");
    }
  }
}

TEST(ValidateNewTicket, BodyMustBeAnObject) {
  for (const json& body : {json::array(), json::array({1, 2}), json("a ticket"), json(42),
                           json(nullptr), json(true)}) {
    SCOPED_TRACE(body.dump());
    const ValidationError e = error_of(body);
    EXPECT_EQ(e.field, "body");
    EXPECT_EQ(e.message, "body must be a JSON object");
  }
}

TEST(ValidateNewTicket, ReportsTheFirstBadFieldInAFixedOrder) {
  json body{{"user_email", "nope"}, {"user_name", ""}, {"description", "short"}, {"title", 1}};
  EXPECT_EQ(error_of(body).field, "title");
  body["title"] = "A fine title";
  EXPECT_EQ(error_of(body).field, "description");
  body["description"] = "A long enough description";
  EXPECT_EQ(error_of(body).field, "user_name");
  body["user_name"] = "Ann";
  EXPECT_EQ(error_of(body).field, "user_email");
  EXPECT_EQ(error_of(json::object()).field, "title");
}

// ---- control characters and encoding -----------------------------------------------------

TEST(ValidateNewTicket, ControlCharactersAreRejected) {
  for (const char* field : {"title", "description", "user_name"}) {
    for (const std::string& bad :
         {std::string("Bell\x07 ringing here"), std::string("Nul\0 inside text", 16),
          std::string("Esc\x1B[31m red"), std::string("Del\x7F character here"),
          std::string("C1 \xC2\x85 next line")}) {
      SCOPED_TRACE(std::string(field) + ": " + json(bad).dump());
      const ValidationError e = error_of(with(field, bad));
      EXPECT_EQ(e.field, field);
      EXPECT_EQ(e.message, std::string(field) + " must not contain control characters");
    }
  }
}

TEST(ValidateNewTicket, InvalidUtf8IsRejectedByName) {
  // nlohmann::json stores whatever bytes it is given; only parsing checks UTF-8.
  const ValidationError e = error_of(with("title", std::string("Laptop \xC0\xAF broken")));
  EXPECT_EQ(e.field, "title");
  EXPECT_EQ(e.message, "title must be valid UTF-8 text");
  EXPECT_EQ(error_of(with("user_email", std::string("ann\xFF@example.com"))).field, "user_email");
}

// ---- e-mail ---------------------------------------------------------------------------------

// An address of exactly `length` characters made of valid DNS labels.
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
    if (room - label == 1) --label;
    domain += std::string(label, 'a');
    room -= label;
  }
  return head + domain + tld;
}

TEST(ValidateNewTicket, EmailLengthBoundary) {
  ASSERT_EQ(email_of_length(254).size(), 254u);
  EXPECT_EQ(accepted(with("user_email", email_of_length(254))).user_email.size(), 254u);
  const ValidationError e = error_of(with("user_email", email_of_length(255)));
  EXPECT_EQ(e.field, "user_email");
  EXPECT_EQ(e.message, "user_email must be at most 254 characters");
}

TEST(ValidateNewTicket, InvalidEmailIsNamed) {
  const ValidationError e = error_of(with("user_email", "ann.example.com"));
  EXPECT_EQ(e.field, "user_email");
  EXPECT_EQ(e.message, "user_email must be a valid email address");
}

TEST(IsValidEmail, AcceptsOrdinaryAddresses) {
  for (const char* ok :
       {"ann@example.com", "ann.lee@example.co.uk", "bobby+tables@example.com",
        "o'brien@example.ie", "x@a.io", "first_last-99@sub-domain.example.org", "UPPER@EXAMPLE.COM",
        "a!#$%&'*+/=?^_`{|}~-@example.com", "ann@123.example.com", "ann@xn--bcher-kva.example"}) {
    EXPECT_TRUE(is_valid_email(ok)) << ok;
  }
}

TEST(IsValidEmail, RejectsMalformedAddresses) {
  for (const char* bad : {"",
                          "not-an-email",
                          "ann@",
                          "@example.com",
                          "ann lee@example.com",
                          "ann@@example.com",
                          "ann@b@example.com",
                          "ann@exa mple.com",
                          "ann.example.com",
                          "ann@localhost",
                          "ann@example",
                          "ann@.example.com",
                          "ann@example.com.",
                          "ann@example..com",
                          "ann@-example.com",
                          "ann@example-.com",
                          "ann@exa_mple.com",
                          ".ann@example.com",
                          "ann.@example.com",
                          "an..n@example.com",
                          "ann@10.0.0.1",
                          "ann@[10.0.0.1]",
                          "ann\t@example.com",
                          "ann@example.com\n",
                          "\"ann\"@example.com",
                          "ann(comment)@example.com",
                          "ann@exam\xC3\xA9ple.com",
                          "\xC3\xA9ric@example.com"}) {
    EXPECT_FALSE(is_valid_email(bad)) << json(std::string(bad)).dump();
  }
  EXPECT_FALSE(is_valid_email(std::string("ann\0@example.com", 16)));
}

TEST(IsValidEmail, LocalPartAndLabelLimits) {
  EXPECT_TRUE(is_valid_email(std::string(64, 'a') + "@example.com"));
  EXPECT_FALSE(is_valid_email(std::string(65, 'a') + "@example.com"));
  EXPECT_TRUE(is_valid_email("ann@" + std::string(63, 'b') + ".com"));
  EXPECT_FALSE(is_valid_email("ann@" + std::string(64, 'b') + ".com"));
  EXPECT_TRUE(is_valid_email(email_of_length(254)));
  EXPECT_FALSE(is_valid_email(email_of_length(255)));
}

// ---- helpers ------------------------------------------------------------------------------

TEST(Trim, RemovesAsciiAndUnicodeSpaceOnBothEnds) {
  EXPECT_EQ(trim("  a b  "), "a b");
  EXPECT_EQ(trim("\t\n\r\v\fx\f\v\r\n\t"), "x");
  EXPECT_EQ(trim("\xC2\xA0\xE2\x80\x83hello\xE3\x80\x80\xEF\xBB\xBF"), "hello");
  EXPECT_EQ(trim("\xE2\x80\xAF"
                 "a\xC2\xA0"
                 "b\xE2\x80\xA8"),
            "a\xC2\xA0"
            "b");  // inner kept
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim("\xC3\xA9"), "\xC3\xA9");  // a letter that shares the lead byte of NBSP
}

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\xAB"), 3u);
  EXPECT_EQ(utf8_length("na\xC3\xAFve"), 5u);
}

TEST(IsValidUtf8, AcceptsWellFormedText) {
  for (const std::string ok : {"", "plain ascii", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x8E\xAB",
                               "\xC2\x80",          // U+0080, the smallest 2-byte value
                               "\xDF\xBF",          // U+07FF
                               "\xE0\xA0\x80",      // U+0800, the smallest 3-byte value
                               "\xED\x9F\xBF",      // U+D7FF, just below the surrogates
                               "\xEE\x80\x80",      // U+E000, just above them
                               "\xEF\xBF\xBF",      // U+FFFF
                               "\xF0\x90\x80\x80",  // U+10000
                               "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(is_valid_utf8(ok)) << json(ok).dump();
  }
  EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10)));  // NUL is valid UTF-8
}

TEST(IsValidUtf8, RejectsMalformedSequences) {
  struct Case {
    std::string bytes;
    const char* what;
  };
  const std::vector<Case> cases{
      {"\x80", "lone continuation byte"},
      {"\xBF", "lone continuation byte (last)"},
      {"\xFF\xFE", "bytes never used in UTF-8"},
      {"\xC0\xAF", "overlong 2-byte '/'"},
      {"\xC1\xBF", "overlong 2-byte"},
      {"\xE0\x80\xAF", "overlong 3-byte"},
      {"\xE0\x9F\xBF", "overlong 3-byte, largest"},
      {"\xF0\x80\x80\xAF", "overlong 4-byte"},
      {"\xF0\x8F\xBF\xBF", "overlong 4-byte, largest"},
      {"\xED\xA0\x80", "high surrogate U+D800"},
      {"\xED\xBF\xBF", "low surrogate U+DFFF"},
      {"\xF4\x90\x80\x80", "U+110000, beyond Unicode"},
      {"\xF5\x80\x80\x80", "lead byte F5"},
      {"\xF8\x88\x80\x80\x80", "5-byte form"},
      {"\xC3", "truncated 2-byte at end"},
      {"\xE2\x82", "truncated 3-byte at end"},
      {"\xF0\x9F\x8E", "truncated 4-byte at end"},
      {"\xE2\x82 x", "truncated 3-byte before ASCII"},
      {"\xC3\xC3\xA9", "lead byte where continuation expected"},
      {"ok \xE2\x28\xA1 ok", "invalid second byte"},
  };
  for (const Case& c : cases) EXPECT_FALSE(is_valid_utf8(c.bytes)) << c.what;
}

TEST(RequiredText, ChecksTheGivenLimits) {
  const json body{{"name", "  Legal  "}, {"empty", ""}, {"num", 7}};
  auto ok = required_text(body, "name", kDepartmentNameLimits);
  ASSERT_TRUE(std::holds_alternative<std::string>(ok));
  EXPECT_EQ(std::get<std::string>(ok), "Legal");

  auto too_long = required_text(body, "name", TextLimits{1, 4});
  ASSERT_TRUE(std::holds_alternative<ValidationError>(too_long));
  EXPECT_EQ(std::get<ValidationError>(too_long).message, "name must be between 1 and 4 characters");

  auto missing = required_text(body, "other", kDepartmentNameLimits);
  ASSERT_TRUE(std::holds_alternative<ValidationError>(missing));
  EXPECT_EQ(std::get<ValidationError>(missing).field, "other");
  EXPECT_EQ(std::get<ValidationError>(missing).message, "other is required");

  auto num = required_text(body, "num", kDepartmentNameLimits);
  ASSERT_TRUE(std::holds_alternative<ValidationError>(num));
  EXPECT_EQ(std::get<ValidationError>(num).message, "num must be a string");

  auto not_object = required_text(json::array(), "name", kDepartmentNameLimits);
  ASSERT_TRUE(std::holds_alternative<ValidationError>(not_object));
  EXPECT_EQ(std::get<ValidationError>(not_object).field, "body");
}

// The field a comment body is refused for, or "" when it is accepted.
std::string comment_refusal(const json& body) {
  const auto checked = validate_new_comment(body);
  if (const auto* e = std::get_if<ValidationError>(&checked)) return e->field;
  return "";
}

TEST(ValidateNewComment, AReplyIsPublicUnlessItSaysOtherwise) {
  const auto reply = validate_new_comment({{"body", "  Try another charger.\n"}});
  ASSERT_TRUE(std::holds_alternative<NewComment>(reply));
  EXPECT_EQ(std::get<NewComment>(reply).body, "Try another charger.");
  EXPECT_TRUE(std::get<NewComment>(reply).is_public);
  EXPECT_TRUE(
      std::get<NewComment>(validate_new_comment({{"body", "Hi"}, {"public", nullptr}})).is_public);
  const auto note = validate_new_comment({{"body", "Disk, probably"}, {"public", false}});
  ASSERT_TRUE(std::holds_alternative<NewComment>(note));
  EXPECT_FALSE(std::get<NewComment>(note).is_public);
}

TEST(ValidateNewComment, TheBodyIsOneToTenThousandCharactersOfText) {
  EXPECT_EQ(comment_refusal({{"body", "k"}}), "");
  EXPECT_EQ(comment_refusal({{"body", std::string(10'000, 'x')}}), "");
  EXPECT_EQ(comment_refusal({{"body", std::string(10'001, 'x')}}), "body");
  EXPECT_EQ(comment_refusal({{"body", " \t\n "}}), "body");
  EXPECT_EQ(comment_refusal({{"body", ""}}), "body");
  EXPECT_EQ(comment_refusal({{"public", true}}), "body");
  EXPECT_EQ(comment_refusal({{"body", 42}}), "body");
  EXPECT_EQ(comment_refusal({{"body", std::string("a\0b", 3)}}), "body");
}

TEST(ValidateNewComment, PublicIsABoolean) {
  EXPECT_EQ(comment_refusal({{"body", "Hi"}, {"public", "false"}}), "public");
  EXPECT_EQ(comment_refusal({{"body", "Hi"}, {"public", 0}}), "public");
  EXPECT_EQ(comment_refusal(json::array({"Hi"})), "body");
}

}  // namespace
}  // namespace st::domain
