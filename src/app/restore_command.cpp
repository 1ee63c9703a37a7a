#include "app/restore_command.hpp"

#include <exception>
#include <iostream>

#include "adapters/sqlite/backup.hpp"
#include "app/embedded_system.hpp"

namespace st::app {

RestoreCommand::RestoreCommand(CLI::App& app, const std::function<void(CLI::App*)>& add_settings) {
  command_ = app.add_subcommand(
      "restore", "restore a backup (GET /api/admin/backup) into --data-dir; server stopped");
  command_->add_option("file", file_, "the backup file")->required();
  add_settings(command_);
}

std::optional<int> RestoreCommand::run(const Config& config) const {
  if (!command_->parsed()) return std::nullopt;
  try {
    const std::string data_file = embedded_data_file(config.data_dir);
    const auto result = adapters::sqlite::restore_snapshot(file_, data_file);
    std::cout << "restored " << file_ << " into " << data_file << " (" << result.tickets
              << " tickets); new tickets get ids from " << result.next_ticket_id
              << " on, past every id given before the restore\n";
    if (!result.replaced.empty())
      std::cout << "the previous data file is " << result.replaced << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "restore: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace st::app
