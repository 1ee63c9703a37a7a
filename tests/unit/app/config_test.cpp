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
  EXPECT_EQ(c.port, 5000);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.create_timeout_ms, 5000);
  EXPECT_FALSE(c.pause_pipeline);
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults) {
  const auto file = write_config(R"({"port": 7000, "data_dir": "/from/file", "threads": 3})");
  {
    const Config c = load_config(file, {});
    EXPECT_EQ(c.port, 7000);
    EXPECT_EQ(c.data_dir, "/from/file");
  }
  ScopedEnv port("SMARTTICKET_PORT", "7100");
  ScopedEnv dir("SMARTTICKET_DATA_DIR", "/from/env");
  {
    const Config c = load_config(file, {});
    EXPECT_EQ(c.port, 7100);
    EXPECT_EQ(c.data_dir, "/from/env");
    EXPECT_EQ(c.threads, 3u);  // only in the file
  }
  const Config c = load_config(file, {{"port", "7200"}});
  EXPECT_EQ(c.port, 7200);
  EXPECT_EQ(c.data_dir, "/from/env");
  std::filesystem::remove(file);
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
