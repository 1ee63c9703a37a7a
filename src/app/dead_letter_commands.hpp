#pragma once
// `smartticket dead-letters list|replay|purge`: the dead-letter admin routes of a running
// server (either mode), over HTTP with an admin key.
//   smartticket dead-letters list [--sample N]
//   smartticket dead-letters replay --queue Q [--event-id E]
//   smartticket dead-letters purge --queue Q
// The server is --url, else http://<host>:<port> of the usual settings (0.0.0.0 means this
// machine). The key is the admin_key setting (SMARTTICKET_ADMIN_KEY, --admin-key-file), else
// the admin.key file the server wrote in --data-dir.
#include <functional>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "app/config.hpp"

namespace st::app {

struct DeadLetterCommandArgs;

class DeadLetterCommands {
 public:
  DeadLetterCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_settings);
  ~DeadLetterCommands();
  // Runs the command the command line chose; nullopt when it chose none of these.
  std::optional<int> run(const Config& config) const;

 private:
  std::unique_ptr<DeadLetterCommandArgs> args_;
  CLI::App* list_ = nullptr;
  CLI::App* replay_ = nullptr;
  CLI::App* purge_ = nullptr;
};

}  // namespace st::app
