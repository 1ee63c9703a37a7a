#pragma once
// `smartticket analytics rebuild`: rebuilds a running server's analytics projection from its
// event log (POST /api/admin/analytics/rebuild) and waits for the outcome, polling
// GET /api/admin/analytics/rebuild. Exit 0 when done, 1 when it failed or could not start.
// Server and key as for the other admin commands (app/admin_client.hpp).
#include <functional>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "app/config.hpp"

namespace st::app {

struct AnalyticsCommandArgs;

class AnalyticsCommands {
 public:
  AnalyticsCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_settings);
  ~AnalyticsCommands();
  // Runs the command the command line chose; nullopt when it chose none of these.
  std::optional<int> run(const Config& config) const;

 private:
  std::unique_ptr<AnalyticsCommandArgs> args_;
  CLI::App* rebuild_ = nullptr;
};

}  // namespace st::app
