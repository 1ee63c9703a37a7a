#pragma once
// Settings, in increasing precedence: built-in defaults < config file (JSON) < environment
// (SMARTTICKET_*, and the seed's names such as ANTHROPIC_API_KEY) < command-line flags.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace st::app {

struct Config {
  std::string config_file;  // the file the values came from, if any
  std::string target = "all";
  std::string host = "127.0.0.1";
  std::optional<std::uint16_t> port;  // unset: the target's default port (see listen_port)
  std::string data_dir = "./data";
  // The embedded data file's commits: "full" syncs the WAL at every commit (an answered write
  // survives a power cut); "normal" syncs only at checkpoints (faster; a power cut may lose
  // the last commits, never corrupts the file).
  std::string durability = "full";
  unsigned threads = 0;  // 0: one per core
  // The HTTP server's bounds (docs/deployment.md, "Connection limits").
  unsigned max_connections = 0;  // 0: half the open-file limit
  int header_timeout_ms = 10'000;
  int create_timeout_ms = 5000;
  // How long a ticket text search (q=) may run before it answers 503 search_timeout.
  int search_timeout_ms = 2000;
  // How often the tickets service's sweeper looks for SLA clocks past their due.
  int sla_check_interval_ms = 1000;
  // GET /api/events/stream (docs/api.md): subscribers in all and per caller, the bytes one
  // may leave unread before it is disconnected, a write's deadline, the idle heartbeat.
  int event_stream_max = 1000;
  int event_stream_max_per_caller = 100;
  int event_stream_buffer_bytes = 1024 * 1024;
  int event_stream_write_timeout_ms = 30'000;
  int event_stream_heartbeat_ms = 15'000;
  bool pause_pipeline = false;
  std::string log_level = "info";
  std::string log_format = "text";  // text, or json: one object per line (src/logging/)
  bool access_log = false;          // one info line per answered request
  std::string anthropic_api_key;    // secret: never logged or printed
  // Distributed mode's broker. Holds a password: log it only through the adapter's
  // BrokerAddress::redacted().
  std::string rabbitmq_url = "amqp://guest:guest@127.0.0.1:5672/";

  // Distributed mode: where the other services are (the seed's variable names).
  std::string tickets_url = "http://127.0.0.1:5001";
  std::string categorizer_url = "http://127.0.0.1:5002";
  std::string routing_url = "http://127.0.0.1:5003";
  std::string analytics_url = "http://127.0.0.1:5004";
  int prefetch = 64;  // distributed mode: unacked messages per consumer (RabbitMQ basic.qos)
  int upstream_timeout_ms = 5000;       // one call to another service, connect included
  int upstream_breaker_failures = 5;    // consecutive failures that open a circuit
  int upstream_breaker_open_ms = 5000;  // how long it stays open before a probe
  // Signed webhooks: loopback and private receivers allowed; one attempt's timeout; attempts
  // in all; the first retry's wait (doubled after each further failure).
  bool webhook_allow_private = false;
  int webhook_timeout_ms = 5000;
  int webhook_max_attempts = 5;
  int webhook_retry_base_ms = 1000;

  // The port to listen on: the configured one, else the target's default (gateway and
  // all 5000, tickets 5001, categorizer 5002, routing 5003, analytics 5004).
  std::uint16_t listen_port() const;

  // PostgreSQL (distributed mode): DATABASE_URL, else the seed's DB_* pieces.
  std::string database_url;  // secret (may hold the password): never logged or printed
  std::string db_host = "localhost";
  std::uint16_t db_port = 5432;
  std::string db_name = "smartticket";
  std::string db_user = "smartticket";
  std::string db_password;    // secret: never logged or printed
  unsigned db_pool_size = 8;  // connections per process
  // Whether DATABASE_URL or any DB_* setting was given (file, environment or flag). The
  // defaults above cannot tell: a service process always uses them, but `model train` reads
  // the embedded data file unless a database was named.
  bool database_configured = false;

  // Claude categorization (off without a key; see README "Claude categorization").
  std::string anthropic_api_key_file;  // read at load time when no key is given directly
  std::string anthropic_model = "claude-haiku-4-5";
  std::string anthropic_base_url = "https://api.anthropic.com";
  int claude_timeout_ms = 4000;  // one HTTP attempt
  int claude_connect_timeout_ms = 1000;
  int claude_max_attempts = 3;
  int claude_backoff_ms = 250;  // first retry's backoff; doubles, jittered
  int claude_backoff_max_ms = 2000;
  int claude_breaker_failures = 5;  // consecutive failed calls that open the breaker
  int claude_breaker_open_ms = 30'000;
  int claude_breaker_probes = 1;  // calls let through at once while half-open
  int claude_concurrency = 4;
  int claude_cache_size = 1000;  // 0 disables the answer cache
  int claude_cache_ttl_s = 3600;
  bool claude_redact_pii = true;  // e-mail, phone, card and IBAN numbers never sent to Claude

  // The learned categorizer (fastText), between Claude and the keywords.
  bool model_enabled = true;
  std::string model_file;         // empty: <data_dir>/categorizer.model
  int model_min_confidence = 50;  // below it the keywords decide
  // A routing decision below it waits for an agent's review (a department may set its own).
  int review_below_confidence = 60;
  // fastText alone by default: stacked on the short cold-start tickets it gains little (0.913
  // against 0.907) and answers vague tickets too readily (docs/categorization.md).
  int model_stack_folds = 0;
  int model_retrain_after = 50;          // label changes that trigger a retraining; 0: never
  int model_retrain_interval_s = 3600;   // scheduled retraining; 0: never
  int model_claude_min_confidence = 80;  // Claude decisions at or above it become labels
  std::string model_cold_start_file;     // empty: the shipped models/cold_start/train.csv

  // Access control at the gateway (docs/api.md, "Access").
  bool auth = true;  // off: the original open API, allowed on loopback only
  // POST /api/tickets without a key (a public web form); answered with a ticket token.
  bool auth_anonymous_create = false;
  // Requests per minute per key of each role, and per client address without a valid key;
  // 0 = unlimited.
  int rate_limit_anonymous = 60;
  int rate_limit_requester = 120;
  int rate_limit_agent = 1200;
  int rate_limit_admin = 1200;
  // The first admin key, given by the deployment (a secret); without it a fresh install
  // generates one into <data_dir>/admin.key.
  std::string admin_key;  // secret: never logged or printed
  std::string admin_key_file;
  // Distributed mode: the credential every call between processes carries (≥ 32 chars).
  std::string service_token;  // secret: never logged or printed
  std::string service_token_file;
  std::string metrics_token;  // secret: never logged or printed; kept hashed once loaded
  std::string metrics_token_file;
};

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

// One setting, declared once (app/config/settings_table.cpp): its names, how a value is
// checked and stored, how `smartticket config` shows it and its documented default. Parsing,
// the printout, `--env-names`, the command-line flags and the README check derive from it.
struct Setting {
  using Member =
      std::variant<std::string Config::*, int Config::*, unsigned Config::*, bool Config::*,
                   std::uint16_t Config::*, std::optional<std::uint16_t> Config::*>;
  enum class Shown {
    value,   // as stored (booleans: true/false)
    secret,  // only whether it is set
    path,    // a file name, "(none)" when empty
    on_off,  // a boolean shown as on/off
  };

  std::string key{};               // config-file key, and the setting's name in messages
  std::string flag{};              // empty: not on the command line (a secret: ps shows argv)
  std::vector<std::string> env{};  // environment names
  Member member{};
  std::string help{};          // one line, for --help
  long long min = 0, max = 0;  // integers: the accepted range
  // A further check of a text value; throws std::invalid_argument naming `key`.
  void (*check)(const std::string& key, const std::string& value) = nullptr;
  Shown shown = Shown::value;
  std::string (*show)(const Config&) = nullptr;  // replaces `shown` where the value is derived
  std::string default_doc{};    // the documented default, when the initial value does not say it
  bool names_database = false;  // a value marks Config::database_configured
  bool is_switch = false;       // a flag without a value (--pause-pipeline)
};
const std::vector<Setting>& settings();

// Checks `value` (as given in a file, the environment or a flag) and stores it in `config`.
// Throws std::invalid_argument with a sentence naming the setting.
void apply(const Setting& setting, Config& config, const std::string& value);
// The value as `smartticket config` prints it; secrets show only whether they are set.
std::string shown_value(const Setting& setting, const Config& config);
// The default as the README documents it: "—" when there is none.
std::string documented_default(const Setting& setting);

// Raw values given on the command line, by setting key.
using FlagValues = std::vector<std::pair<std::string, std::string>>;

// Builds the configuration. Throws std::invalid_argument with a sentence naming the
// setting and its source when a value is invalid.
Config load_config(const std::string& config_file, const FlagValues& flags);

// The effective settings, one "key: value" line each, as `smartticket config` prints them;
// secrets show only whether they are set.
std::string describe(const Config& config);

}  // namespace st::app
