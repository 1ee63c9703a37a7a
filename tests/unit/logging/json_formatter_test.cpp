#include "logging/json_formatter.hpp"

#include <algorithm>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <nlohmann/json.hpp>

#include "logging/request_scope.hpp"

namespace st::logging {
namespace {

// A logger writing through JsonFormatter into a string, as the process's logger would.
struct JsonLog {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;

  JsonLog() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
    logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(std::make_unique<JsonFormatter>("routing"));
    logger->set_level(spdlog::level::trace);
  }
  std::vector<nlohmann::json> lines() const {
    std::vector<nlohmann::json> parsed;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) parsed.push_back(nlohmann::json::parse(line));
    return parsed;
  }
};

TEST(JsonFormatter, WritesOneObjectPerLineWithTimeLevelServiceAndMessage) {
  JsonLog log;
  log.logger->info("started on port {}", 5003);
  log.logger->warn("second");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["service"], "routing");
  EXPECT_EQ(lines[0]["message"], "started on port 5003");
  EXPECT_EQ(lines[1]["level"], "warn");
  const std::string time = lines[0]["time"];
  // 2026-12-06T20:41:07.123Z
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_FALSE(lines[0].contains("request_id"));
}

TEST(JsonFormatter, ErrorLevelIsNamedAsLogLevelNamesIt) {
  JsonLog log;
  log.logger->error("bad");
  EXPECT_EQ(log.lines().at(0)["level"], "error");
}

TEST(JsonFormatter, QuotesNewlinesAndInvalidUtf8StayInsideOneValidLine) {
  JsonLog log;
  log.logger->info("a \"quoted\"\nsecond line \xff\xfe end");
  const std::string text = log.out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  const std::string message = lines[0]["message"];
  EXPECT_TRUE(message.starts_with("a \"quoted\"\nsecond line ")) << message;
  EXPECT_TRUE(message.ends_with(" end")) << message;
}

TEST(JsonFormatter, LinesInsideARequestScopeCarryItsIds) {
  JsonLog log;
  {
    const RequestScope outer("req-1", "0af7651916cd43dd8448eb211c80319c");
    log.logger->info("in the request");
    {
      const RequestScope inner("req-2", "trace-2");
      log.logger->info("nested");
    }
    log.logger->info("back in the first");
  }
  log.logger->info("outside");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["request_id"], "req-1");
  EXPECT_EQ(lines[0]["trace_id"], "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(lines[1]["request_id"], "req-2");
  EXPECT_EQ(lines[2]["request_id"], "req-1");
  EXPECT_FALSE(lines[3].contains("request_id"));
  EXPECT_FALSE(lines[3].contains("trace_id"));
}

TEST(JsonFormatter, AScopeOnAnotherThreadDoesNotLeakIntoThisOne) {
  JsonLog log;
  std::thread other([] {
    const RequestScope scope("elsewhere", "t");
    EXPECT_EQ(current_request().request_id, "elsewhere");
  });
  other.join();
  log.logger->info("here");
  EXPECT_FALSE(log.lines().at(0).contains("request_id"));
}

}  // namespace
}  // namespace st::logging
