#include "app/config.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace st::app {
namespace {

// The key file's content without surrounding whitespace (editors add a final newline).
// The error names the file, never its content.
std::string read_key_file(const std::string& path, const std::string& setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + setting + " " + path);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto first = key.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw std::invalid_argument(setting + " " + path + " is empty");
  key = key.substr(first, key.find_last_not_of(" \t\r\n") - first + 1);
  if (key.find_first_of(" \t\r\n") != std::string::npos)
    throw std::invalid_argument(setting + " " + path + " must hold the key alone on one line");
  return key;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  return std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 &&
         b < 256 && c < 256 && d < 256;
}

std::uint16_t Config::listen_port() const {
  if (port) return *port;
  if (target == "tickets") return 5001;
  if (target == "categorizer") return 5002;
  if (target == "routing") return 5003;
  if (target == "analytics") return 5004;
  return 5000;
}

Config load_config(const std::string& config_file, const FlagValues& flags) {
  Config c;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) throw std::invalid_argument("cannot read config file " + config_file);
    auto j = nlohmann::json::parse(in, nullptr, false, /*ignore_comments=*/true);
    if (j.is_discarded() || !j.is_object())
      throw std::invalid_argument("config file " + config_file + " is not a JSON object");
    for (const auto& s : settings())
      if (auto it = j.find(s.key); it != j.end() && !it->is_null()) apply(s, c, scalar_text(*it));
    for (const auto& [key, value] : j.items()) {
      bool known = key.starts_with("_");  // "_comment" keys document the file
      for (const auto& s : settings()) known = known || s.key == key;
      if (!known)
        throw std::invalid_argument("config file " + config_file + ": unknown setting '" + key +
                                    "'");
    }
    c.config_file = config_file;
  }
  for (const auto& s : settings())
    for (const auto& name : s.env)
      if (const char* v = std::getenv(name.c_str()); v && *v) apply(s, c, v);
  for (const auto& [key, value] : flags)
    for (const auto& s : settings())
      if (s.key == key) apply(s, c, value);
  if (c.anthropic_api_key.empty() && !c.anthropic_api_key_file.empty())
    c.anthropic_api_key = read_key_file(c.anthropic_api_key_file, "anthropic_api_key_file");
  if (c.admin_key.empty() && !c.admin_key_file.empty())
    c.admin_key = read_key_file(c.admin_key_file, "admin_key_file");
  if (c.service_token.empty() && !c.service_token_file.empty())
    c.service_token = read_key_file(c.service_token_file, "service_token_file");
  if (!c.service_token.empty() && c.service_token.size() < 32)
    throw std::invalid_argument("service_token must be at least 32 characters long");
  if (c.metrics_token.empty() && !c.metrics_token_file.empty())
    c.metrics_token = read_key_file(c.metrics_token_file, "metrics_token_file");
  if (!c.metrics_token.empty() && c.metrics_token.size() < 32)
    throw std::invalid_argument("metrics_token must be at least 32 characters long");
  // A service answers whoever reaches its port unless calls between processes carry the
  // service credential: required wherever other machines can connect.
  if (c.auth && c.target != "all" && c.service_token.empty() && !is_loopback_host(c.host))
    throw std::invalid_argument(
        "distributed mode with access control needs the service credential "
        "(SMARTTICKET_SERVICE_TOKEN or SMARTTICKET_SERVICE_TOKEN_FILE) when listening on " +
        c.host + "; every process of the installation must share it");
  // The open API lets anyone read every requester's tickets and change any of them: never on
  // an address other machines can reach.
  if (!c.auth && (c.target == "all" || c.target == "gateway") && !is_loopback_host(c.host))
    throw std::invalid_argument(
        "auth is off, so the API would be open to anyone who reaches " + c.host +
        "; refusing to start. Listen on loopback (--host 127.0.0.1) or turn auth on "
        "(SMARTTICKET_AUTH=on)");
  if (c.claude_backoff_max_ms < c.claude_backoff_ms)
    throw std::invalid_argument(
        "claude_backoff_max_ms (" + std::to_string(c.claude_backoff_max_ms) +
        ") must not be below claude_backoff_ms (" + std::to_string(c.claude_backoff_ms) + ")");
  return c;
}

std::string describe(const Config& c) {
  std::string out = "config_file: " + (c.config_file.empty() ? "(none)" : c.config_file) + "\n";
  for (const auto& s : settings()) out += s.key + ": " + shown_value(s, c) + "\n";
  return out;
}

}  // namespace st::app
