#pragma once
// `smartticket restore FILE [--data-dir DIR]`: puts a backup taken with GET /api/admin/backup
// back as the one-process store of DIR, with the server stopped. The file is checked first
// (integrity, and that it is a Smart Ticket store); the data file it replaces is kept beside
// it (smartticket.db.before-restore-<UTC time>). Exit 0 when restored, 1 when not (the file
// is damaged, or the server still runs), with the reason on stderr.
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "app/config.hpp"

namespace st::app {

class RestoreCommand {
 public:
  RestoreCommand(CLI::App& app, const std::function<void(CLI::App*)>& add_settings);
  // Runs it when the command line chose it; nullopt otherwise.
  std::optional<int> run(const Config& config) const;

 private:
  CLI::App* command_ = nullptr;
  std::string file_;
};

}  // namespace st::app
