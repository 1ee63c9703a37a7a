#include "app/config.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/postgres/connection_settings.hpp"
#include "adapters/rabbitmq/broker_address.hpp"
#include "app/learned_model.hpp"
#include "http/url.hpp"

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

std::string service_url(const std::string& v, const std::string& key) {
  if (!http::parse_service_url(v))
    throw std::invalid_argument(key + " must be a URL like http://host:port, got '" + v + "'");
  return v;
}

bool to_bool(const std::string& v, const std::string& key) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) return false;
  throw std::invalid_argument(key + " must be true or false, got '" + v + "'");
}

// A setter of where PostgreSQL is, which also records that a database was named. An empty
// value names none (the environment skips empty variables; a file's "" does the same).
Setter database(Setter set) {
  return [set = std::move(set)](Config& c, const std::string& v) {
    set(c, v);
    if (!v.empty()) c.database_configured = true;
  };
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
        "port to listen on; 0 picks a free one (default 5000, or the target's: 5001-5004)"},
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
      {{"tickets_url",
        {"TICKET_SERVICE_URL"},
        "--tickets-url",
        "distributed mode: the tickets service (default http://127.0.0.1:5001)"},
       [](Config& c, const std::string& v) { c.tickets_url = service_url(v, "tickets_url"); }},
      {{"categorizer_url",
        {"AI_SERVICE_URL"},
        "--categorizer-url",
        "distributed mode: the categorizer service (default http://127.0.0.1:5002)"},
       [](Config& c, const std::string& v) {
         c.categorizer_url = service_url(v, "categorizer_url");
       }},
      {{"routing_url",
        {"ROUTING_SERVICE_URL"},
        "--routing-url",
        "distributed mode: the routing service (default http://127.0.0.1:5003)"},
       [](Config& c, const std::string& v) { c.routing_url = service_url(v, "routing_url"); }},
      {{"analytics_url",
        {"ANALYTICS_SERVICE_URL"},
        "--analytics-url",
        "distributed mode: the analytics service (default http://127.0.0.1:5004)"},
       [](Config& c, const std::string& v) { c.analytics_url = service_url(v, "analytics_url"); }},
      {{"upstream_timeout_ms",
        {"SMARTTICKET_UPSTREAM_TIMEOUT_MS"},
        "--upstream-timeout-ms",
        "distributed mode: deadline of one call to another service (default 5000)"},
       [](Config& c, const std::string& v) {
         c.upstream_timeout_ms = static_cast<int>(to_int(v, 50, 120'000, "upstream_timeout_ms"));
       }},
      {{"prefetch",
        {"SMARTTICKET_PREFETCH"},
        "--prefetch",
        "distributed mode: messages a consumer may hold unacked, its batch size (default 64)"},
       [](Config& c, const std::string& v) {
         c.prefetch = static_cast<int>(to_int(v, 1, 10'000, "prefetch"));
       }},
      {{"upstream_breaker_failures",
        {"SMARTTICKET_UPSTREAM_BREAKER_FAILURES"},
        "--upstream-breaker-failures",
        "distributed mode: consecutive failed calls that open a service's circuit (default 5)"},
       [](Config& c, const std::string& v) {
         c.upstream_breaker_failures =
             static_cast<int>(to_int(v, 1, 1000, "upstream_breaker_failures"));
       }},
      {{"upstream_breaker_open_ms",
        {"SMARTTICKET_UPSTREAM_BREAKER_OPEN_MS"},
        "--upstream-breaker-open-ms",
        "distributed mode: how long an open circuit fails fast before a probe (default 5000)"},
       [](Config& c, const std::string& v) {
         c.upstream_breaker_open_ms =
             static_cast<int>(to_int(v, 10, 600'000, "upstream_breaker_open_ms"));
       }},
      {{"anthropic_api_key",
        {"ANTHROPIC_API_KEY"},
        "",
        "Claude API key (secret; env or file only)"},
       [](Config& c, const std::string& v) { c.anthropic_api_key = v; }},
      {{"rabbitmq_url",
        {"RABBITMQ_URL"},
        "",
        "RabbitMQ broker of the distributed mode, amqp://user:password@host:port/vhost "
        "(holds a password; env or file only)"},
       [](Config& c, const std::string& v) {
         if (!v.starts_with("amqp://"))
           throw std::invalid_argument("rabbitmq_url must start with amqp://");
         c.rabbitmq_url = v;
       }},
      // PostgreSQL. The URL and the password are secrets: env or file only, like the API key.
      {{"database_url",
        {"DATABASE_URL"},
        "",
        "PostgreSQL URL, e.g. postgresql://user:pass@host:5432/db; overrides db_* (secret)"},
       database([](Config& c, const std::string& v) { c.database_url = v; })},
      {{"db_host", {"DB_HOST"}, "--db-host", "PostgreSQL host (default localhost)"},
       database([](Config& c, const std::string& v) { c.db_host = v; })},
      {{"db_port", {"DB_PORT"}, "--db-port", "PostgreSQL port (default 5432)"},
       database([](Config& c, const std::string& v) {
         c.db_port = static_cast<std::uint16_t>(to_int(v, 1, 65535, "db_port"));
       })},
      {{"db_name", {"DB_NAME"}, "--db-name", "PostgreSQL database (default smartticket)"},
       database([](Config& c, const std::string& v) { c.db_name = v; })},
      {{"db_user", {"DB_USER"}, "--db-user", "PostgreSQL user (default smartticket)"},
       database([](Config& c, const std::string& v) { c.db_user = v; })},
      {{"db_password", {"DB_PASSWORD"}, "", "PostgreSQL password (secret; env or file only)"},
       database([](Config& c, const std::string& v) { c.db_password = v; })},
      {{"db_pool_size",
        {"SMARTTICKET_DB_POOL_SIZE"},
        "--db-pool-size",
        "PostgreSQL connections per process (default 8)"},
       [](Config& c, const std::string& v) {
         c.db_pool_size = static_cast<unsigned>(to_int(v, 1, 256, "db_pool_size"));
       }},
      {{"anthropic_api_key_file",
        {"ANTHROPIC_API_KEY_FILE"},
        "--anthropic-api-key-file",
        "file holding the Claude API key (used when ANTHROPIC_API_KEY is not set)"},
       [](Config& c, const std::string& v) { c.anthropic_api_key_file = v; }},
      {{"anthropic_model",
        {"ANTHROPIC_MODEL"},
        "--anthropic-model",
        "Claude model that categorizes tickets (default claude-haiku-4-5)"},
       [](Config& c, const std::string& v) {
         if (v.empty()) throw std::invalid_argument("anthropic_model must not be empty");
         c.anthropic_model = v;
       }},
      {{"anthropic_base_url",
        {"ANTHROPIC_BASE_URL"},
        "--anthropic-base-url",
        "Anthropic API base URL (default https://api.anthropic.com)"},
       [](Config& c, const std::string& v) {
         if (!v.starts_with("https://") && !v.starts_with("http://"))
           throw std::invalid_argument(
               "anthropic_base_url must start with https:// or http://, got '" + v + "'");
         c.anthropic_base_url = v;
       }},
      {{"claude_timeout_ms",
        {"SMARTTICKET_CLAUDE_TIMEOUT_MS"},
        "--claude-timeout-ms",
        "one Claude call's total timeout (default 4000)"},
       [](Config& c, const std::string& v) {
         c.claude_timeout_ms = static_cast<int>(to_int(v, 100, 120000, "claude_timeout_ms"));
       }},
      {{"claude_connect_timeout_ms",
        {"SMARTTICKET_CLAUDE_CONNECT_TIMEOUT_MS"},
        "--claude-connect-timeout-ms",
        "Claude connect timeout (default 1000)"},
       [](Config& c, const std::string& v) {
         c.claude_connect_timeout_ms =
             static_cast<int>(to_int(v, 10, 60000, "claude_connect_timeout_ms"));
       }},
      {{"claude_max_attempts",
        {"SMARTTICKET_CLAUDE_MAX_ATTEMPTS"},
        "--claude-max-attempts",
        "Claude calls per ticket, first included (default 3)"},
       [](Config& c, const std::string& v) {
         c.claude_max_attempts = static_cast<int>(to_int(v, 1, 10, "claude_max_attempts"));
       }},
      {{"claude_backoff_ms",
        {"SMARTTICKET_CLAUDE_BACKOFF_MS"},
        "--claude-backoff-ms",
        "backoff before the first retry, doubled each time, jittered (default 250)"},
       [](Config& c, const std::string& v) {
         c.claude_backoff_ms = static_cast<int>(to_int(v, 0, 60000, "claude_backoff_ms"));
       }},
      {{"claude_backoff_max_ms",
        {"SMARTTICKET_CLAUDE_BACKOFF_MAX_MS"},
        "--claude-backoff-max-ms",
        "longest backoff between Claude retries (default 2000)"},
       [](Config& c, const std::string& v) {
         c.claude_backoff_max_ms = static_cast<int>(to_int(v, 0, 300000, "claude_backoff_max_ms"));
       }},
      {{"claude_breaker_failures",
        {"SMARTTICKET_CLAUDE_BREAKER_FAILURES"},
        "--claude-breaker-failures",
        "consecutive failed Claude calls that open the circuit breaker (default 5)"},
       [](Config& c, const std::string& v) {
         c.claude_breaker_failures =
             static_cast<int>(to_int(v, 1, 1000, "claude_breaker_failures"));
       }},
      {{"claude_breaker_open_ms",
        {"SMARTTICKET_CLAUDE_BREAKER_OPEN_MS"},
        "--claude-breaker-open-ms",
        "how long the open breaker skips Claude before probing (default 30000)"},
       [](Config& c, const std::string& v) {
         c.claude_breaker_open_ms =
             static_cast<int>(to_int(v, 0, 3600000, "claude_breaker_open_ms"));
       }},
      {{"claude_breaker_probes",
        {"SMARTTICKET_CLAUDE_BREAKER_PROBES"},
        "--claude-breaker-probes",
        "probe calls at once while half-open (default 1)"},
       [](Config& c, const std::string& v) {
         c.claude_breaker_probes = static_cast<int>(to_int(v, 1, 100, "claude_breaker_probes"));
       }},
      {{"claude_concurrency",
        {"SMARTTICKET_CLAUDE_CONCURRENCY"},
        "--claude-concurrency",
        "Claude calls in flight at most (default 4)"},
       [](Config& c, const std::string& v) {
         c.claude_concurrency = static_cast<int>(to_int(v, 1, 256, "claude_concurrency"));
       }},
      {{"claude_cache_size",
        {"SMARTTICKET_CLAUDE_CACHE_SIZE"},
        "--claude-cache-size",
        "answers cached by normalized text; 0 disables (default 1000)"},
       [](Config& c, const std::string& v) {
         c.claude_cache_size = static_cast<int>(to_int(v, 0, 1000000, "claude_cache_size"));
       }},
      {{"claude_cache_ttl_s",
        {"SMARTTICKET_CLAUDE_CACHE_TTL_S"},
        "--claude-cache-ttl-s",
        "how long a cached answer is reused, seconds (default 3600)"},
       [](Config& c, const std::string& v) {
         c.claude_cache_ttl_s = static_cast<int>(to_int(v, 0, 2592000, "claude_cache_ttl_s"));
       }},
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
      {{"model_stack_folds",
        {"SMARTTICKET_MODEL_STACK_FOLDS"},
        "--model-stack-folds",
        "2-20: stack fastText with the memory of labeled tickets and the n-gram SVM, the combiner "
        "learning from this many folds; 0 = fastText alone (default 0)"},
       [](Config& c, const std::string& v) {
         c.model_stack_folds = static_cast<int>(to_int(v, 0, 20, "model_stack_folds"));
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
      {{"auth",
        {"SMARTTICKET_AUTH"},
        "--auth",
        "on (default): every API call needs a key; off: the original open API, loopback only"},
       [](Config& c, const std::string& v) { c.auth = to_bool(v, "auth"); }},
      {{"auth_anonymous_create",
        {"SMARTTICKET_AUTH_ANONYMOUS_CREATE"},
        "--auth-anonymous-create",
        "let callers without a key create tickets (a public form); each gets a token that reads "
        "only its ticket (default false)"},
       [](Config& c, const std::string& v) {
         c.auth_anonymous_create = to_bool(v, "auth_anonymous_create");
       }},
      {{"rate_limit_anonymous",
        {"SMARTTICKET_RATE_LIMIT_ANONYMOUS"},
        "--rate-limit-anonymous",
        "requests per minute per client address without a valid key; 0 = unlimited (default 60)"},
       [](Config& c, const std::string& v) {
         c.rate_limit_anonymous =
             static_cast<int>(to_int(v, 0, 10'000'000, "rate_limit_anonymous"));
       }},
      {{"rate_limit_requester",
        {"SMARTTICKET_RATE_LIMIT_REQUESTER"},
        "--rate-limit-requester",
        "requests per minute per requester key; 0 = unlimited (default 120)"},
       [](Config& c, const std::string& v) {
         c.rate_limit_requester =
             static_cast<int>(to_int(v, 0, 10'000'000, "rate_limit_requester"));
       }},
      {{"rate_limit_agent",
        {"SMARTTICKET_RATE_LIMIT_AGENT"},
        "--rate-limit-agent",
        "requests per minute per agent key; 0 = unlimited (default 1200)"},
       [](Config& c, const std::string& v) {
         c.rate_limit_agent = static_cast<int>(to_int(v, 0, 10'000'000, "rate_limit_agent"));
       }},
      {{"rate_limit_admin",
        {"SMARTTICKET_RATE_LIMIT_ADMIN"},
        "--rate-limit-admin",
        "requests per minute per admin key; 0 = unlimited (default 1200)"},
       [](Config& c, const std::string& v) {
         c.rate_limit_admin = static_cast<int>(to_int(v, 0, 10'000'000, "rate_limit_admin"));
       }},
      {{"admin_key",
        {"SMARTTICKET_ADMIN_KEY"},
        "",  // a secret: never on the command line (ps shows it)
        "the first admin key (from `smartticket keys generate`), stored at first start"},
       [](Config& c, const std::string& v) { c.admin_key = v; }},
      {{"admin_key_file",
        {"SMARTTICKET_ADMIN_KEY_FILE"},
        "--admin-key-file",
        "a file holding the first admin key (a Compose or Kubernetes secret)"},
       [](Config& c, const std::string& v) { c.admin_key_file = v; }},
      {{"service_token",
        {"SMARTTICKET_SERVICE_TOKEN"},
        "",  // a secret: never on the command line (ps shows it)
        "distributed mode: the credential calls between processes carry (at least 32 characters)"},
       [](Config& c, const std::string& v) { c.service_token = v; }},
      {{"service_token_file",
        {"SMARTTICKET_SERVICE_TOKEN_FILE"},
        "--service-token-file",
        "a file holding the service credential (a Compose or Kubernetes secret)"},
       [](Config& c, const std::string& v) { c.service_token_file = v; }},
  };
  return kSettings;
}

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
  if (c.anthropic_api_key.empty() && !c.anthropic_api_key_file.empty())
    c.anthropic_api_key = read_key_file(c.anthropic_api_key_file, "anthropic_api_key_file");
  if (c.admin_key.empty() && !c.admin_key_file.empty())
    c.admin_key = read_key_file(c.admin_key_file, "admin_key_file");
  if (c.service_token.empty() && !c.service_token_file.empty())
    c.service_token = read_key_file(c.service_token_file, "service_token_file");
  if (!c.service_token.empty() && c.service_token.size() < 32)
    throw std::invalid_argument("service_token must be at least 32 characters long");
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
  std::string out;
  auto line = [&out](const std::string& key, const std::string& value) {
    out += key + ": " + value + "\n";
  };
  line("config_file", c.config_file.empty() ? "(none)" : c.config_file);
  line("target", c.target);
  line("host", c.host);
  line("port", std::to_string(c.listen_port()));
  line("data_dir", c.data_dir);
  line("threads", std::to_string(c.threads));
  line("create_timeout_ms", std::to_string(c.create_timeout_ms));
  line("pause_pipeline", c.pause_pipeline ? "true" : "false");
  line("log_level", c.log_level);
  // The key itself never: only whether one is set (and the file's name, which is no secret).
  line("anthropic_api_key", c.anthropic_api_key.empty() ? "(not set)" : "(set)");
  line("anthropic_api_key_file",
       c.anthropic_api_key_file.empty() ? "(none)" : c.anthropic_api_key_file);
  line("anthropic_model", c.anthropic_model);
  line("anthropic_base_url", c.anthropic_base_url);
  line("claude_timeout_ms", std::to_string(c.claude_timeout_ms));
  line("claude_connect_timeout_ms", std::to_string(c.claude_connect_timeout_ms));
  line("claude_max_attempts", std::to_string(c.claude_max_attempts));
  line("claude_backoff_ms", std::to_string(c.claude_backoff_ms));
  line("claude_backoff_max_ms", std::to_string(c.claude_backoff_max_ms));
  line("claude_breaker_failures", std::to_string(c.claude_breaker_failures));
  line("claude_breaker_open_ms", std::to_string(c.claude_breaker_open_ms));
  line("claude_breaker_probes", std::to_string(c.claude_breaker_probes));
  line("claude_concurrency", std::to_string(c.claude_concurrency));
  line("claude_cache_size", std::to_string(c.claude_cache_size));
  line("claude_cache_ttl_s", std::to_string(c.claude_cache_ttl_s));
  line("model_enabled", c.model_enabled ? "true" : "false");
  line("model_file", model_file_of(c));
  line("model_min_confidence", std::to_string(c.model_min_confidence));
  line("model_stack_folds", std::to_string(c.model_stack_folds));
  line("model_retrain_after", std::to_string(c.model_retrain_after));
  line("model_retrain_interval_s", std::to_string(c.model_retrain_interval_s));
  line("model_claude_min_confidence", std::to_string(c.model_claude_min_confidence));
  line("model_cold_start_file", cold_start_file_of(c));
  // Distributed mode. URLs that may hold a password are shown with it masked.
  line("database_url",
       c.database_url.empty() ? "(not set)" : adapters::postgres::redact(c.database_url));
  line("db_host", c.db_host);
  line("db_port", std::to_string(c.db_port));
  line("db_name", c.db_name);
  line("db_user", c.db_user);
  line("db_password", c.db_password.empty() ? "(not set)" : "(set)");
  line("db_pool_size", std::to_string(c.db_pool_size));
  std::string broker = "(invalid)";
  try {
    broker = adapters::rabbitmq::BrokerAddress::parse(c.rabbitmq_url).redacted();
  } catch (const std::exception&) {
  }
  line("rabbitmq_url", broker);
  line("prefetch", std::to_string(c.prefetch));
  line("tickets_url", c.tickets_url);
  line("categorizer_url", c.categorizer_url);
  line("routing_url", c.routing_url);
  line("analytics_url", c.analytics_url);
  line("upstream_timeout_ms", std::to_string(c.upstream_timeout_ms));
  line("upstream_breaker_failures", std::to_string(c.upstream_breaker_failures));
  line("upstream_breaker_open_ms", std::to_string(c.upstream_breaker_open_ms));
  line("auth", c.auth ? "on" : "off");
  line("auth_anonymous_create", c.auth_anonymous_create ? "true" : "false");
  line("rate_limit_anonymous", std::to_string(c.rate_limit_anonymous));
  line("rate_limit_requester", std::to_string(c.rate_limit_requester));
  line("rate_limit_agent", std::to_string(c.rate_limit_agent));
  line("rate_limit_admin", std::to_string(c.rate_limit_admin));
  line("admin_key", c.admin_key.empty() ? "(not set)" : "(set)");
  line("admin_key_file", c.admin_key_file.empty() ? "(none)" : c.admin_key_file);
  line("service_token", c.service_token.empty() ? "(not set)" : "(set)");
  line("service_token_file", c.service_token_file.empty() ? "(none)" : c.service_token_file);
  return out;
}

}  // namespace st::app
