// smartticket: one binary, many targets (the Loki/Mimir model).
//   smartticket serve [--target=all|gateway|tickets|categorizer|routing|analytics] ...
//   smartticket config   (prints the effective settings, secrets masked)
//   smartticket config --env-names   (the environment variables it reads, one per line)
//   smartticket keys generate   (a new API key text, e.g. for a deployment's admin key secret)
//   smartticket dead-letters list|replay|purge   (a running server's dead letters)
//   smartticket restore FILE --data-dir DIR   (a backup back in place, server stopped)
#include <csignal>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/analytics_commands.hpp"
#include "app/config.hpp"
#include "app/dead_letter_commands.hpp"
#include "app/distributed/service_process.hpp"
#include "app/embedded_system.hpp"
#include "app/model_commands.hpp"
#include "app/restore_command.hpp"
#include "auth/api_key.hpp"
#include "logging/setup.hpp"
#include "util/file_limit.hpp"

namespace {

using st::app::Config;

// Blocks SIGINT/SIGTERM in every thread (threads inherit the mask), so the main thread can
// wait for them synchronously and shut down in order.
sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// The start-up lines (scripts and tests read the port from "listening on"): plain lines on
// stdout, or log lines when the log is JSON, so that every line of it stays one object.
void announce(const Config& config, const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (config.log_format == "json")
      spdlog::info("{}", line);
    else
      std::cout << line << "\n";
  }
  std::cout << std::flush;
}

int serve(const Config& config) {
  st::logging::configure(config.log_level, config.log_format,
                         config.target == "all" ? "smartticket" : config.target);
  // Before anything opens a descriptor or sizes itself from the limit (max_connections).
  const auto file_limit = st::util::raise_file_limit();
  spdlog::debug("open-file limit: {}", file_limit);
  const sigset_t signals = block_shutdown_signals();
  std::unique_ptr<st::app::EmbeddedSystem> embedded;
  std::unique_ptr<st::app::distributed::ServiceProcess> service;
  if (config.target == "all") {
    embedded = std::make_unique<st::app::EmbeddedSystem>(config);
    embedded->start();
    const std::string url = "http://" + config.host + ":" + std::to_string(embedded->port());
    announce(config,
             {"Smart Ticket " SMARTTICKET_VERSION " (all services, embedded) listening on " + url,
              "data file: " + embedded->data_file(), "web console: " + url + "/ui/"});
  } else {
    service = st::app::distributed::make_service_process(config);
    service->start();
    announce(config, {"Smart Ticket " SMARTTICKET_VERSION " (" + config.target +
                      ", distributed) listening on http://" + config.host + ":" +
                      std::to_string(service->port())});
  }
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  if (embedded) embedded->stop();
  if (service) service->stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Smart Ticket: a helpdesk that categorizes and routes every ticket"};
  app.require_subcommand(1);
  std::string config_file;
  if (std::filesystem::exists("config/smartticket.json")) config_file = "config/smartticket.json";
  if (const char* env = std::getenv("SMARTTICKET_CONFIG"); env && *env) config_file = env;

  st::app::FlagValues flags;
  auto add_flags = [&](CLI::App* cmd) {
    cmd->add_option("--config", config_file, "JSON config file (env SMARTTICKET_CONFIG)");
    for (const auto& s : st::app::settings()) {
      if (s.flag.empty()) continue;  // secrets are not accepted on the command line
      const std::string fallback = st::app::documented_default(s);
      std::string help = s.help;
      if (fallback != "—" && !s.is_switch && help.find("default") == std::string::npos)
        help += " (default " + fallback + ")";
      if (!s.env.empty()) help += " [env " + s.env.front() + "]";
      if (s.is_switch) {
        cmd->add_flag_callback(
            s.flag, [&flags, key = s.key] { flags.emplace_back(key, "true"); }, help);
      } else {
        // A flag given twice takes its last value, as shells and wrappers expect.
        cmd->add_option_function<std::string>(
               s.flag, [&flags, key = s.key](const std::string& v) { flags.emplace_back(key, v); },
               help)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      }
    }
  };
  auto* serve_cmd = app.add_subcommand("serve", "run services (default: all of them, one process)");
  add_flags(serve_cmd);
  auto* config_cmd = app.add_subcommand("config", "print the effective configuration");
  add_flags(config_cmd);
  bool list_env_names = false;
  config_cmd->add_flag("--env-names", list_env_names,
                       "print the environment variables the binary reads, one per line");
  const st::app::ModelCommands model_commands(app, add_flags);
  const st::app::DeadLetterCommands dead_letter_commands(app, add_flags);
  const st::app::AnalyticsCommands analytics_commands(app, add_flags);
  const st::app::RestoreCommand restore_command(app, add_flags);
  auto* keys_cmd = app.add_subcommand("keys", "API keys");
  keys_cmd->require_subcommand(1);
  auto* keys_generate = keys_cmd->add_subcommand(
      "generate", "print a new API key (stk_...), e.g. for SMARTTICKET_ADMIN_KEY; stores nothing");
  CLI11_PARSE(app, argc, argv);

  if (keys_generate->parsed()) {
    std::cout << st::auth::generate_key().text << "\n";
    return 0;
  }

  // Describes the binary, not this environment, so it comes before loading (an invalid value
  // must not hide it). The deployment checks compare the env the deploy files set against it.
  if (config_cmd->parsed() && list_env_names) {
    std::cout << "SMARTTICKET_CONFIG\n";
    for (const auto& s : st::app::settings())
      for (const auto& name : s.env) std::cout << name << "\n";
    return 0;
  }

  Config config;
  try {
    config = st::app::load_config(config_file, flags);
  } catch (const std::exception& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  }
  if (config_cmd->parsed()) {
    std::cout << st::app::describe(config);
    return 0;
  }
  if (auto rc = model_commands.run(config)) return *rc;
  if (auto rc = dead_letter_commands.run(config)) return *rc;
  if (auto rc = analytics_commands.run(config)) return *rc;
  if (auto rc = restore_command.run(config)) return *rc;
  try {
    return serve(config);
  } catch (const std::exception& e) {
    std::cerr << "smartticket: " << e.what() << "\n";
    return 1;
  }
}
