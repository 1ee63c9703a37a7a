#include "app/config.hpp"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace st::app {
namespace {

using Setter = std::function<void(Config&, const std::string&)>;

struct Setting {
  SettingInfo info;
  Setter set;
};

long long to_int(const std::string& v, long long min, long long max, const std::string& key) {
  long long out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || out < min || out > max)
    throw std::invalid_argument(key + " must be an integer from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got '" + v + "'");
  return out;
}

bool to_bool(const std::string& v, const std::string& key) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) return false;
  throw std::invalid_argument(key + " must be true or false, got '" + v + "'");
}

const std::vector<Setting>& table() {
  static const std::vector<Setting> kSettings{
      {{"target",
        {"SMARTTICKET_TARGET"},
        "--target",
        "which services to run: all (default), gateway, tickets, categorizer, routing, analytics"},
       [](Config& c, const std::string& v) {
         static const std::vector<std::string> kTargets{"all",         "gateway", "tickets",
                                                        "categorizer", "routing", "analytics"};
         if (std::find(kTargets.begin(), kTargets.end(), v) == kTargets.end())
           throw std::invalid_argument(
               "target must be one of all, gateway, tickets, categorizer, routing, analytics; got "
               "'" +
               v + "'");
         c.target = v;
       }},
      {{"host", {"SMARTTICKET_HOST"}, "--host", "address to listen on (default 127.0.0.1)"},
       [](Config& c, const std::string& v) { c.host = v; }},
      {{"port",
        {"SMARTTICKET_PORT"},
        "--port",
        "port to listen on; 0 picks a free one (default 5000)"},
       [](Config& c, const std::string& v) {
         c.port = static_cast<std::uint16_t>(to_int(v, 0, 65535, "port"));
       }},
      {{"data_dir",
        {"SMARTTICKET_DATA_DIR"},
        "--data-dir",
        "directory of the embedded data file (default ./data)"},
       [](Config& c, const std::string& v) { c.data_dir = v; }},
      {{"threads", {"SMARTTICKET_THREADS"}, "--threads", "HTTP worker threads; 0 = one per core"},
       [](Config& c, const std::string& v) {
         c.threads = static_cast<unsigned>(to_int(v, 0, 256, "threads"));
       }},
      {{"create_timeout_ms",
        {"SMARTTICKET_CREATE_TIMEOUT_MS"},
        "--create-timeout-ms",
        "how long POST /api/tickets waits for routing (default 5000)"},
       [](Config& c, const std::string& v) {
         c.create_timeout_ms = static_cast<int>(to_int(v, 0, 60'000, "create_timeout_ms"));
       }},
      {{"pause_pipeline",
        {"SMARTTICKET_PAUSE_PIPELINE"},
        "--pause-pipeline",
        "accept tickets and queue their events, but process none (maintenance)"},
       [](Config& c, const std::string& v) { c.pause_pipeline = to_bool(v, "pause_pipeline"); }},
      {{"log_level", {"SMARTTICKET_LOG_LEVEL"}, "--log-level", "trace, debug, info, warn, error"},
       [](Config& c, const std::string& v) { c.log_level = v; }},
      {{"anthropic_api_key",
        {"ANTHROPIC_API_KEY"},
        "",
        "Claude API key (secret; env or file only)"},
       [](Config& c, const std::string& v) { c.anthropic_api_key = v; }},
      {{"model_enabled",
        {"SMARTTICKET_MODEL_ENABLED"},
        "--model-enabled",
        "use the learned model between Claude and the keywords (default true)"},
       [](Config& c, const std::string& v) { c.model_enabled = to_bool(v, "model_enabled"); }},
      {{"model_file",
        {"SMARTTICKET_MODEL_FILE"},
        "--model-file",
        "the learned model's file (default <data_dir>/categorizer.model)"},
       [](Config& c, const std::string& v) { c.model_file = v; }},
      {{"model_min_confidence",
        {"SMARTTICKET_MODEL_MIN_CONFIDENCE"},
        "--model-min-confidence",
        "0-100: below this the model leaves the decision to the keywords (default 50)"},
       [](Config& c, const std::string& v) {
         c.model_min_confidence = static_cast<int>(to_int(v, 0, 100, "model_min_confidence"));
       }},
      {{"model_retrain_after",
        {"SMARTTICKET_MODEL_RETRAIN_AFTER"},
        "--model-retrain-after",
        "retrain the model after this many new labels; 0 = never (default 50)"},
       [](Config& c, const std::string& v) {
         c.model_retrain_after = static_cast<int>(to_int(v, 0, 1'000'000, "model_retrain_after"));
       }},
      {{"model_retrain_interval_s",
        {"SMARTTICKET_MODEL_RETRAIN_INTERVAL_S"},
        "--model-retrain-interval-s",
        "retrain the model this often (seconds) when labels changed; 0 = never (default 3600)"},
       [](Config& c, const std::string& v) {
         c.model_retrain_interval_s =
             static_cast<int>(to_int(v, 0, 30 * 24 * 3600, "model_retrain_interval_s"));
       }},
      {{"model_claude_min_confidence",
        {"SMARTTICKET_MODEL_CLAUDE_MIN_CONFIDENCE"},
        "--model-claude-min-confidence",
        "Claude decisions at or above this confidence become training labels (default 80)"},
       [](Config& c, const std::string& v) {
         c.model_claude_min_confidence =
             static_cast<int>(to_int(v, 0, 100, "model_claude_min_confidence"));
       }},
      {{"model_cold_start_file",
        {"SMARTTICKET_MODEL_COLD_START_FILE"},
        "--model-cold-start-file",
        "labeled tickets the first model is trained on (default: the shipped set)"},
       [](Config& c, const std::string& v) { c.model_cold_start_file = v; }},
  };
  return kSettings;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

}  // namespace

const std::vector<SettingInfo>& settings() {
  static const std::vector<SettingInfo> kInfo = [] {
    std::vector<SettingInfo> out;
    for (const auto& s : table()) out.push_back(s.info);
    return out;
  }();
  return kInfo;
}

Config load_config(const std::string& config_file, const FlagValues& flags) {
  Config c;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) throw std::invalid_argument("cannot read config file " + config_file);
    auto j = nlohmann::json::parse(in, nullptr, false, /*ignore_comments=*/true);
    if (j.is_discarded() || !j.is_object())
      throw std::invalid_argument("config file " + config_file + " is not a JSON object");
    for (const auto& s : table())
      if (auto it = j.find(s.info.key); it != j.end() && !it->is_null()) s.set(c, scalar_text(*it));
    for (const auto& [key, value] : j.items()) {
      bool known = key.starts_with("_");  // "_comment" keys document the file
      for (const auto& s : table()) known = known || s.info.key == key;
      if (!known)
        throw std::invalid_argument("config file " + config_file + ": unknown setting '" + key +
                                    "'");
    }
    c.config_file = config_file;
  }
  for (const auto& s : table())
    for (const auto& name : s.info.env)
      if (const char* v = std::getenv(name.c_str()); v && *v) s.set(c, v);
  for (const auto& [key, value] : flags)
    for (const auto& s : table())
      if (s.info.key == key) s.set(c, value);
  return c;
}

}  // namespace st::app
