#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/config.hpp"

namespace st::app {
namespace {

// Sets an environment variable for the duration of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

std::string write_config(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("smartticket-config-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, DefaultsWhenNothingIsGiven) {
  const Config c = load_config("", {});
  EXPECT_EQ(c.target, "all");
  EXPECT_EQ(c.listen_port(), 5000);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.create_timeout_ms, 5000);
  EXPECT_FALSE(c.pause_pipeline);
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults) {
  const auto file = write_config(R"({"port": 7000, "data_dir": "/from/file", "threads": 3})");
  {
    const Config c = load_config(file, {});
    EXPECT_EQ(c.listen_port(), 7000);
    EXPECT_EQ(c.data_dir, "/from/file");
  }
  ScopedEnv port("SMARTTICKET_PORT", "7100");
  ScopedEnv dir("SMARTTICKET_DATA_DIR", "/from/env");
  {
    const Config c = load_config(file, {});
    EXPECT_EQ(c.listen_port(), 7100);
    EXPECT_EQ(c.data_dir, "/from/env");
    EXPECT_EQ(c.threads, 3u);  // only in the file
  }
  const Config c = load_config(file, {{"port", "7200"}});
  EXPECT_EQ(c.listen_port(), 7200);
  EXPECT_EQ(c.data_dir, "/from/env");
  std::filesystem::remove(file);
}

TEST(Config, EachTargetHasItsDefaultPortUnlessOneIsGiven) {
  EXPECT_EQ(load_config("", {{"target", "gateway"}}).listen_port(), 5000);
  EXPECT_EQ(load_config("", {{"target", "tickets"}}).listen_port(), 5001);
  EXPECT_EQ(load_config("", {{"target", "categorizer"}}).listen_port(), 5002);
  EXPECT_EQ(load_config("", {{"target", "routing"}}).listen_port(), 5003);
  EXPECT_EQ(load_config("", {{"target", "analytics"}}).listen_port(), 5004);
  EXPECT_EQ(load_config("", {{"target", "routing"}, {"port", "0"}}).listen_port(), 0);
}

TEST(Config, ServiceUrlsComeFromTheSeedsVariables) {
  ScopedEnv tickets("TICKET_SERVICE_URL", "http://tickets:5001");
  ScopedEnv ai("AI_SERVICE_URL", "http://ai-service:5002/");
  const Config c = load_config("", {});
  EXPECT_EQ(c.tickets_url, "http://tickets:5001");
  EXPECT_EQ(c.categorizer_url, "http://ai-service:5002/");
  EXPECT_EQ(c.routing_url, "http://127.0.0.1:5003");
  EXPECT_THROW(load_config("", {{"routing_url", "routing:5003"}}), std::invalid_argument);
}

TEST(Config, InvalidValuesNameTheSetting) {
  for (const FlagValues& bad :
       {FlagValues{{"port", "70000"}}, FlagValues{{"port", "abc"}},
        FlagValues{{"target", "everything"}}, FlagValues{{"pause_pipeline", "maybe"}},
        FlagValues{{"create_timeout_ms", "-1"}}}) {
    try {
      load_config("", bad);
      ADD_FAILURE() << "accepted " << bad.front().first << "=" << bad.front().second;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(bad.front().first), std::string::npos) << e.what();
    }
  }
}

TEST(Config, UnknownKeysInTheFileAreRejectedButCommentsAllowed) {
  const auto typo = write_config(R"({"prot": 7000})");
  EXPECT_THROW(load_config(typo, {}), std::invalid_argument);
  const auto commented = write_config(R"({"_comment": "docs", "port": 7001})");
  EXPECT_EQ(load_config(commented, {}).port, 7001);
  std::filesystem::remove(commented);
}

TEST(Config, TheApiKeyComesOnlyFromTheEnvironment) {
  for (const auto& s : settings()) {
    if (s.key == "anthropic_api_key") {
      EXPECT_TRUE(s.flag.empty());
    }
  }
  ScopedEnv key("ANTHROPIC_API_KEY", "sk-test-secret");
  EXPECT_EQ(load_config("", {}).anthropic_api_key, "sk-test-secret");
}

TEST(Config, TheRabbitMqUrlComesFromTheEnvironmentOrFileAndIsNeverEchoed) {
  EXPECT_EQ(load_config("", {}).rabbitmq_url, "amqp://guest:guest@127.0.0.1:5672/");
  for (const auto& s : settings()) {
    if (s.key == "rabbitmq_url") {
      EXPECT_TRUE(s.flag.empty()) << "a password on argv is visible";
    }
  }
  {
    ScopedEnv url("RABBITMQ_URL", "amqp://svc:pw@rabbit:5672/helpdesk");
    EXPECT_EQ(load_config("", {}).rabbitmq_url, "amqp://svc:pw@rabbit:5672/helpdesk");
  }
  ScopedEnv bad("RABBITMQ_URL", "http://svc:s3cret@rabbit/");
  try {
    load_config("", {});
    ADD_FAILURE() << "accepted a non-amqp URL";
  } catch (const std::invalid_argument& ex) {
    EXPECT_EQ(std::string(ex.what()).find("s3cret"), std::string::npos) << ex.what();
  }
}

TEST(Config, ClaudeSettingsHaveDefaultsAndAcceptEnvAndFlags) {
  Config c = load_config("", {});
  EXPECT_EQ(c.anthropic_model, "claude-haiku-4-5");
  EXPECT_EQ(c.anthropic_base_url, "https://api.anthropic.com");
  EXPECT_EQ(c.claude_max_attempts, 3);
  EXPECT_EQ(c.claude_concurrency, 4);
  EXPECT_EQ(c.claude_cache_size, 1000);
  ScopedEnv model("ANTHROPIC_MODEL", "claude-sonnet-4-5");
  ScopedEnv url("ANTHROPIC_BASE_URL", "http://127.0.0.1:9999");
  ScopedEnv breaker("SMARTTICKET_CLAUDE_BREAKER_FAILURES", "7");
  c = load_config("", {{"claude_timeout_ms", "1500"}, {"claude_cache_ttl_s", "0"}});
  EXPECT_EQ(c.anthropic_model, "claude-sonnet-4-5");
  EXPECT_EQ(c.anthropic_base_url, "http://127.0.0.1:9999");
  EXPECT_EQ(c.claude_breaker_failures, 7);
  EXPECT_EQ(c.claude_timeout_ms, 1500);
  EXPECT_EQ(c.claude_cache_ttl_s, 0);
}

TEST(Config, RedactingPersonalDataForClaudeIsOnUnlessTurnedOff) {
  EXPECT_TRUE(load_config("", {}).claude_redact_pii);
  ScopedEnv off("SMARTTICKET_CLAUDE_REDACT_PII", "false");
  EXPECT_FALSE(load_config("", {}).claude_redact_pii);
}

TEST(Config, InvalidClaudeSettingsNameTheSetting) {
  for (const FlagValues& bad :
       {FlagValues{{"anthropic_base_url", "ftp://example.com"}},
        FlagValues{{"claude_max_attempts", "0"}}, FlagValues{{"claude_concurrency", "0"}},
        FlagValues{{"claude_breaker_failures", "0"}},
        FlagValues{{"claude_backoff_max_ms", "10"}, {"claude_backoff_ms", "100"}}}) {
    try {
      load_config("", bad);
      ADD_FAILURE() << "accepted " << bad.front().first << "=" << bad.front().second;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(bad.front().first), std::string::npos) << e.what();
    }
  }
}

TEST(Config, TheKeyCanComeFromAFileButTheEnvironmentWins) {
  const auto file = write_config("  sk-from-file-secret\n");
  EXPECT_EQ(load_config("", {{"anthropic_api_key_file", file}}).anthropic_api_key,
            "sk-from-file-secret");
  {
    ScopedEnv key_file("ANTHROPIC_API_KEY_FILE", file.c_str());
    EXPECT_EQ(load_config("", {}).anthropic_api_key, "sk-from-file-secret");
    ScopedEnv key("ANTHROPIC_API_KEY", "sk-from-env");
    EXPECT_EQ(load_config("", {}).anthropic_api_key, "sk-from-env");
  }
  std::filesystem::remove(file);
  try {
    load_config("", {{"anthropic_api_key_file", file}});
    ADD_FAILURE() << "a missing key file was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
}

TEST(Config, AKeyFileErrorNeverShowsItsContent) {
  const auto file = write_config("sk-first-half-SECRET second-line\n");
  try {
    load_config("", {{"anthropic_api_key_file", file}});
    ADD_FAILURE() << "a key with a space was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
  }
  std::filesystem::remove(file);
}

TEST(Config, DescribeShowsEverySettingButNeverTheKey) {
  ScopedEnv key("ANTHROPIC_API_KEY", "sk-ant-api03-VERY-SECRET");
  ScopedEnv db("DATABASE_URL", "postgresql://app:PG-SECRET@db:5432/smartticket");
  ScopedEnv db_password("DB_PASSWORD", "PG-SECRET-TOO");
  ScopedEnv broker("RABBITMQ_URL", "amqp://app:MQ-SECRET@mq:5672/");
  const auto text = describe(load_config("", {}));
  for (const char* secret : {"VERY-SECRET", "PG-SECRET", "MQ-SECRET"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
  EXPECT_NE(text.find("rabbitmq_url: amqp://app:"), std::string::npos) << text;
  EXPECT_NE(text.find("database_url: postgresql://app:"), std::string::npos) << text;
  EXPECT_NE(text.find("anthropic_api_key: (set)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("anthropic_model: claude-haiku-4-5\n"), std::string::npos) << text;
  for (const auto& s : settings())
    EXPECT_NE(text.find(s.key + ": "), std::string::npos) << s.key << " missing from " << text;
  unsetenv("ANTHROPIC_API_KEY");
  EXPECT_NE(describe(load_config("", {})).find("anthropic_api_key: (not set)\n"),
            std::string::npos);
}

TEST(Config, LearnedModelSettingsFromEveryLayer) {
  {
    const Config c = load_config("", {});
    EXPECT_TRUE(c.model_enabled);
    EXPECT_EQ(c.model_file, "");  // the data directory's categorizer.model
    EXPECT_EQ(c.model_min_confidence, 50);
    EXPECT_EQ(c.model_retrain_after, 50);
    EXPECT_EQ(c.model_retrain_interval_s, 3600);
    EXPECT_EQ(c.model_claude_min_confidence, 80);
  }
  const auto file = write_config(R"({"model_retrain_after": 5, "model_enabled": false})");
  ScopedEnv after("SMARTTICKET_MODEL_RETRAIN_AFTER", "7");
  ScopedEnv interval("SMARTTICKET_MODEL_RETRAIN_INTERVAL_S", "60");
  const Config c = load_config(file, {{"model_min_confidence", "65"}});
  EXPECT_FALSE(c.model_enabled);
  EXPECT_EQ(c.model_retrain_after, 7);
  EXPECT_EQ(c.model_retrain_interval_s, 60);
  EXPECT_EQ(c.model_min_confidence, 65);
  std::filesystem::remove(file);
  EXPECT_THROW(load_config("", {{"model_min_confidence", "101"}}), std::invalid_argument);
  EXPECT_THROW(load_config("", {{"model_retrain_after", "-1"}}), std::invalid_argument);
  EXPECT_THROW(load_config("", {{"model_enabled", "maybe"}}), std::invalid_argument);
}

}  // namespace
}  // namespace st::app
