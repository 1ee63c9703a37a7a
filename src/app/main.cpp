// smartticket: one binary, many targets (the Loki/Mimir model).
//   smartticket serve [--target=all|gateway|tickets|categorizer|routing|analytics] ...
//   smartticket config   (prints the effective settings, secrets masked)
#include <csignal>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/config.hpp"
#include "app/embedded_system.hpp"
#include "app/learned_model.hpp"
#include "app/model_commands.hpp"

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

int serve(const Config& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (config.target != "all") {
    std::cerr << "target '" << config.target
              << "' (one service per process) needs the distributed adapters, which are not "
                 "built yet; use --target=all\n";
    return 2;
  }
  const sigset_t signals = block_shutdown_signals();
  st::app::EmbeddedSystem system(config);
  system.start();
  std::cout << "Smart Ticket " << SMARTTICKET_VERSION
            << " (all services, embedded) listening on http://" << config.host << ":"
            << system.port() << "\n"
            << "data file: " << system.data_file() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  system.stop();
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
      std::string help = s.help + (s.env.empty() ? "" : " [env " + s.env.front() + "]");
      if (s.key == "pause_pipeline") {
        cmd->add_flag_callback(
            s.flag, [&flags, key = s.key] { flags.emplace_back(key, "true"); }, help);
      } else {
        cmd->add_option_function<std::string>(
            s.flag, [&flags, key = s.key](const std::string& v) { flags.emplace_back(key, v); },
            help);
      }
    }
  };
  auto* serve_cmd = app.add_subcommand("serve", "run services (default: all of them, one process)");
  add_flags(serve_cmd);
  auto* config_cmd = app.add_subcommand("config", "print the effective configuration");
  add_flags(config_cmd);
  const st::app::ModelCommands model_commands(app, add_flags);
  CLI11_PARSE(app, argc, argv);

  Config config;
  try {
    config = st::app::load_config(config_file, flags);
  } catch (const std::exception& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  }
  if (config_cmd->parsed()) {
    std::cout << "config_file: " << (config.config_file.empty() ? "(none)" : config.config_file)
              << "\n"
              << "target: " << config.target << "\nhost: " << config.host
              << "\nport: " << config.port << "\ndata_dir: " << config.data_dir
              << "\nthreads: " << config.threads
              << "\ncreate_timeout_ms: " << config.create_timeout_ms
              << "\npause_pipeline: " << (config.pause_pipeline ? "true" : "false")
              << "\nlog_level: " << config.log_level << "\nanthropic_api_key: "
              << (config.anthropic_api_key.empty() ? "(not set)" : "(set)") << "\n"
              << "model_enabled: " << (config.model_enabled ? "true" : "false")
              << "\nmodel_file: " << st::app::model_file_of(config)
              << "\nmodel_min_confidence: " << config.model_min_confidence
              << "\nmodel_retrain_after: " << config.model_retrain_after
              << "\nmodel_retrain_interval_s: " << config.model_retrain_interval_s
              << "\nmodel_claude_min_confidence: " << config.model_claude_min_confidence
              << "\nmodel_cold_start_file: " << st::app::cold_start_file_of(config) << "\n";
    return 0;
  }
  if (auto rc = model_commands.run(config)) return *rc;
  try {
    return serve(config);
  } catch (const std::exception& e) {
    std::cerr << "smartticket: " << e.what() << "\n";
    return 1;
  }
}
