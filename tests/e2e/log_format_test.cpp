// log_format=json on a real server: from the start-up lines to "stopped cleanly", every line
// it writes is one JSON object naming the process, so a log shipper never meets a stray line.
#include <sstream>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class LogFormat : public OwnServerTest {};

TEST_F(LogFormat, JsonWritesEveryLineAsOneObjectFromStartToStop) {
  ASSERT_NO_FATAL_FAILURE(start({"--log-format=json", "--log-level=debug"}));
  ASSERT_NE(create_routed(http(), ticket_body("Cannot log in", "My password is rejected")),
            nullptr);
  const ExitStatus stopped = server().stop();
  EXPECT_TRUE(stopped.clean()) << stopped.describe();

  std::istringstream lines(server().output());
  int objects = 0;
  bool listening = false, stopped_line = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(object.is_object()) << "not one JSON object: " << line;
    EXPECT_EQ(object.value("service", ""), "smartticket") << line;
    EXPECT_TRUE(object.contains("time") && object.contains("level")) << line;
    const std::string message = object.value("message", "");
    listening = listening || message.find("listening on http://127.0.0.1:") != std::string::npos;
    stopped_line = stopped_line || message == "stopped cleanly";
    ++objects;
  }
  EXPECT_TRUE(listening) << server().output();
  EXPECT_TRUE(stopped_line) << server().output();
  EXPECT_GE(objects, 3) << server().output();
}

TEST_F(LogFormat, AnUnknownFormatIsRefusedAtStart) {
  EXPECT_ANY_THROW(server().start({"--log-format=xml"}));
  EXPECT_NE(server().output().find("log_format must be text or json, got 'xml'"), std::string::npos)
      << server().output();
}

// The JSON lines whose message starts with `prefix`.
std::vector<json> lines_starting(const std::string& output, const std::string& prefix) {
  std::vector<json> found;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_object() && object.value("message", "").starts_with(prefix))
      found.push_back(object);
  }
  return found;
}

TEST_F(LogFormat, TheAccessLogNamesRouteTemplateStatusAndCallerNeverTheKey) {
  ASSERT_NO_FATAL_FAILURE(start({"--log-format=json", "--access-log"}));
  const Response me = http().get("/api/me");
  ASSERT_EQ(me.status, 200) << me.describe();
  const std::string key_id = me.json["key"]["id"].get<std::string>();
  const json ticket = create_routed(http(), ticket_body("Printer jam", "Paper stuck in tray 2"));
  ASSERT_NE(ticket, nullptr);
  const std::int64_t id = ticket["id"].get<std::int64_t>();
  const Response read = http().get("/api/tickets/" + std::to_string(id));
  ASSERT_EQ(read.status, 200) << read.describe();
  const Response anonymous = HttpClient("127.0.0.1", server().port()).get("/api/tickets");
  ASSERT_EQ(anonymous.status, 401) << anonymous.describe();

  ASSERT_TRUE(eventually([&] {
    return !lines_starting(server().output(), "access GET /api/tickets 401").empty();
  })) << server().output();
  const std::string out = server().output();
  const auto reads = lines_starting(out, "access GET /api/tickets/{id} 200 ");
  ASSERT_EQ(reads.size(), 1u) << out;
  const std::string line = reads[0]["message"];
  EXPECT_NE(line.find("caller=key:" + key_id), std::string::npos) << line;
  EXPECT_EQ(reads[0].value("request_id", ""), read.header("X-Request-Id")) << reads[0].dump();
  EXPECT_EQ(reads[0].value("trace_id", "").size(), 32u) << reads[0].dump();
  EXPECT_EQ(lines_starting(out, "access POST /api/tickets 201 ").size(), 1u) << out;
  const auto refused = lines_starting(out, "access GET /api/tickets 401 ");
  ASSERT_EQ(refused.size(), 1u) << out;
  EXPECT_NE(refused[0]["message"].get<std::string>().find("caller=-"), std::string::npos)
      << refused[0].dump();
  // The path's id is not in any access line, and the admin key's secret in no line at all.
  EXPECT_TRUE(lines_starting(out, "access GET /api/tickets/" + std::to_string(id)).empty()) << out;
  const std::string secret = suite_key(&server());
  ASSERT_FALSE(secret.empty());
  EXPECT_EQ(out.find(secret), std::string::npos);
}

TEST_F(LogFormat, NoAccessLogUnlessAskedFor) {
  ASSERT_NO_FATAL_FAILURE(start({"--log-format=json"}));
  ASSERT_EQ(http().get("/api/statuses").status, 200);
  EXPECT_TRUE(lines_starting(server().output(), "access ").empty()) << server().output();
}

}  // namespace
}  // namespace st::e2e
