#include "app/dead_letter_commands.hpp"

#include <string>

#include "app/admin_client.hpp"
#include "http/request_context.hpp"

namespace st::app {

struct DeadLetterCommandArgs {
  std::string url;
  std::string queue;
  std::string event_id;
  int sample = 5;
};

namespace {

std::string encode(const std::string& s) {
  return http::percent_encode_segment(s);
}

int call(const Config& c, const DeadLetterCommandArgs& a, http::bhttp::verb method,
         const std::string& target) {
  const auto answer = admin_call(c, a.url, method, target, "dead-letters");
  return answer ? print_answer(*answer, "dead-letters") : 1;
}

}  // namespace

DeadLetterCommands::DeadLetterCommands(CLI::App& app,
                                       const std::function<void(CLI::App*)>& add_settings)
    : args_(std::make_unique<DeadLetterCommandArgs>()) {
  auto* cmd = app.add_subcommand(
      "dead-letters", "list, replay or purge dead letters of a running server (admin key)");
  cmd->require_subcommand(1);
  auto& a = *args_;
  auto common = [&](CLI::App* sub) {
    add_settings(sub);
    sub->add_option("--url", a.url, "the server (default http://<host>:<port> of the settings)");
  };
  list_ = cmd->add_subcommand("list", "each queue's dead letters: count, oldest, a sample");
  common(list_);
  list_->add_option("--sample", a.sample, "dead letters shown per queue (0-100)")
      ->check(CLI::Range(0, 100));
  replay_ = cmd->add_subcommand("replay", "put a queue's dead letters back on the queue");
  common(replay_);
  replay_->add_option("--queue", a.queue, "the queue (categorizer, routing, ...)")->required();
  replay_->add_option("--event-id", a.event_id, "replay this event only");
  purge_ = cmd->add_subcommand("purge", "drop a queue's dead letters");
  common(purge_);
  purge_->add_option("--queue", a.queue, "the queue")->required();
}

DeadLetterCommands::~DeadLetterCommands() = default;

std::optional<int> DeadLetterCommands::run(const Config& config) const {
  using V = http::bhttp::verb;
  const auto& a = *args_;
  if (list_->parsed())
    return call(config, a, V::get, "/api/admin/dead-letters?sample=" + std::to_string(a.sample));
  if (replay_->parsed()) {
    std::string target = "/api/admin/dead-letters/" + encode(a.queue) + "/replay";
    if (!a.event_id.empty()) target += "?event_id=" + encode(a.event_id);
    return call(config, a, V::post, target);
  }
  if (purge_->parsed())
    return call(config, a, V::delete_, "/api/admin/dead-letters/" + encode(a.queue));
  return std::nullopt;
}

}  // namespace st::app
