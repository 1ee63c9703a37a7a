#pragma once
// Command-line tools around the learned categorizer:
//   smartticket model train [--data FILE --text-column C --label-column L] --output MODEL
//     (without --data: the helpdesk's labels, see stored_examples.hpp)
//   smartticket model eval --model MODEL --data FILE [--text-column C --label-column L]
//   smartticket categorize [--data FILE] [--model MODEL]
// Data files are CSV with a header row or JSON Lines (see labeled_data.hpp).
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "app/config.hpp"

namespace st::app {

struct ModelCommandArgs;

class ModelCommands {
 public:
  // Adds the commands to `app`; `add_settings` adds the usual setting flags (--data-dir...).
  ModelCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_settings);
  ~ModelCommands();
  // Runs the command the command line chose; nullopt when it chose none of these.
  std::optional<int> run(const Config& config) const;

 private:
  std::unique_ptr<ModelCommandArgs> args_;
  CLI::App* train_ = nullptr;
  CLI::App* eval_ = nullptr;
  CLI::App* categorize_ = nullptr;
};

}  // namespace st::app
