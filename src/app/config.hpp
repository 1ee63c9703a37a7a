#pragma once
// Settings, in increasing precedence: built-in defaults < config file (JSON) < environment
// (SMARTTICKET_*, and the seed's names such as ANTHROPIC_API_KEY) < command-line flags.
#include <cstdint>
#include <string>
#include <vector>

namespace st::app {

struct Config {
  std::string config_file;  // the file the values came from, if any
  std::string target = "all";
  std::string host = "127.0.0.1";
  std::uint16_t port = 5000;
  std::string data_dir = "./data";
  unsigned threads = 0;  // 0: one per core
  int create_timeout_ms = 5000;
  bool pause_pipeline = false;
  std::string log_level = "info";
  std::string anthropic_api_key;  // secret: never logged or printed

  // The learned categorizer (fastText), between Claude and the keywords.
  bool model_enabled = true;
  std::string model_file;                // empty: <data_dir>/categorizer.model
  int model_min_confidence = 50;         // below it the keywords decide
  int model_retrain_after = 50;          // label changes that trigger a retraining; 0: never
  int model_retrain_interval_s = 3600;   // scheduled retraining; 0: never
  int model_claude_min_confidence = 80;  // Claude decisions at or above it become labels
  std::string model_cold_start_file;     // empty: the shipped models/cold_start/train.csv
};

// One setting: its config-file key, its environment names and its flag.
struct SettingInfo {
  std::string key;
  std::vector<std::string> env;
  std::string flag;
  std::string help;
};
const std::vector<SettingInfo>& settings();

// Raw values given on the command line, by setting key.
using FlagValues = std::vector<std::pair<std::string, std::string>>;

// Builds the configuration. Throws std::invalid_argument with a sentence naming the
// setting and its source when a value is invalid.
Config load_config(const std::string& config_file, const FlagValues& flags);

}  // namespace st::app
