// log_format=json on a real server: from the start-up lines to "stopped cleanly", every line
// it writes is one JSON object naming the process, so a log shipper never meets a stray line.
#include <sstream>

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

}  // namespace
}  // namespace st::e2e
