#include "app/analytics_commands.hpp"

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "app/admin_client.hpp"

namespace st::app {

struct AnalyticsCommandArgs {
  std::string url;
  int timeout_seconds = 3600;
};

AnalyticsCommands::AnalyticsCommands(CLI::App& app,
                                     const std::function<void(CLI::App*)>& add_settings)
    : args_(std::make_unique<AnalyticsCommandArgs>()) {
  auto* cmd = app.add_subcommand("analytics", "analytics of a running server (admin key)");
  cmd->require_subcommand(1);
  rebuild_ = cmd->add_subcommand(
      "rebuild", "rebuild the analytics projection from the event log and wait for it");
  add_settings(rebuild_);
  rebuild_->add_option("--url", args_->url,
                       "the server (default http://<host>:<port> of the settings)");
  rebuild_->add_option("--timeout", args_->timeout_seconds, "seconds to wait for the outcome")
      ->check(CLI::Range(1, 86400));
}

AnalyticsCommands::~AnalyticsCommands() = default;

std::optional<int> AnalyticsCommands::run(const Config& config) const {
  if (!rebuild_->parsed()) return std::nullopt;
  using V = http::bhttp::verb;
  const std::string command = "analytics rebuild";
  const std::string target = "/api/admin/analytics/rebuild";
  const auto started = admin_call(config, args_->url, V::post, target, command);
  if (!started) return 1;
  if (started->status != 202) {
    print_answer(*started, command);  // a 409 (one is running) or another refusal
    return 1;
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(args_->timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const auto status = admin_call(config, args_->url, V::get, target, command);
    if (!status) return 1;
    if (status->status != 200) {
      print_answer(*status, command);
      return 1;
    }
    const auto state = status->body["rebuild"].value("state", "");
    if (state == "running") continue;
    print_answer(*status, command);
    return state == "done" ? 0 : 1;
  }
  std::cerr << command << ": still running after " << args_->timeout_seconds << " s\n";
  return 1;
}

}  // namespace st::app
