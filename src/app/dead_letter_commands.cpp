#include "app/dead_letter_commands.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "http/client.hpp"
#include "http/request_context.hpp"
#include "http/url.hpp"

namespace st::app {

struct DeadLetterCommandArgs {
  std::string url;
  std::string queue;
  std::string event_id;
  int sample = 5;
};

namespace {

std::string server_url(const DeadLetterCommandArgs& a, const Config& c) {
  if (!a.url.empty()) return a.url;
  const std::string host = c.host == "0.0.0.0" || c.host.empty() ? "127.0.0.1"
                           : c.host == "::"                      ? "[::1]"
                                                                 : c.host;
  return "http://" + host + ":" + std::to_string(c.listen_port());
}

// The configured admin key, else the one the server generated in its data directory.
std::string admin_key(const Config& c) {
  if (!c.admin_key.empty()) return c.admin_key;
  const auto file = std::filesystem::path(c.data_dir) / "admin.key";
  std::ifstream in(file);
  std::string key;
  if (in) std::getline(in, key);
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
  return key;
}

std::string encode(const std::string& s) {
  return http::percent_encode_segment(s);
}

int call(const Config& c, const DeadLetterCommandArgs& a, http::bhttp::verb method,
         const std::string& target) {
  const auto url = server_url(a, c);
  const auto origin = http::parse_service_url(url);
  if (!origin) {
    std::cerr << "dead-letters: not a server URL: " << url << "\n";
    return 2;
  }
  const auto key = admin_key(c);
  http::HttpClient client(*origin,
                          {.name = "smartticket", .request_timeout = std::chrono::seconds(30)});
  http::Request req{method, target, 11};
  req.set(http::bhttp::field::host, origin->authority());
  if (!key.empty()) req.set(http::bhttp::field::authorization, "Bearer " + key);
  req.prepare_payload();
  http::Response res;
  try {
    res = client.send_blocking(req);
  } catch (const std::exception& e) {
    std::cerr << "dead-letters: " << url << " cannot be reached: " << e.what() << "\n";
    return 1;
  }
  const auto body = nlohmann::json::parse(res.body(), nullptr, false);
  if (res.result_int() / 100 != 2) {
    std::cerr << "dead-letters: " << res.result_int() << " "
              << (body.is_object() ? body.value("error", res.body()) : res.body()) << "\n";
    return 1;
  }
  std::cout << (body.is_discarded() ? res.body() : body.dump(2)) << "\n";
  return 0;
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
