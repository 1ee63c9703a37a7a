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
  // PostgreSQL (distributed mode): DATABASE_URL, else the seed's DB_* pieces.
  std::string database_url;  // secret (may hold the password): never logged or printed
  std::string db_host = "localhost";
  std::uint16_t db_port = 5432;
  std::string db_name = "smartticket";
  std::string db_user = "smartticket";
  std::string db_password;    // secret: never logged or printed
  unsigned db_pool_size = 8;  // connections per process
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
