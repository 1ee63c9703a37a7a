#pragma once
// How the CLI's admin commands (`dead-letters`, `analytics`) reach a running server: its
// admin routes over HTTP with an admin key. The server is `url` when given, else
// http://<host>:<port> of the settings (0.0.0.0 means this machine); the key is the admin_key
// setting, else the admin.key file the server wrote in its data directory.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "http/beast.hpp"

namespace st::app {

struct AdminAnswer {
  int status = 0;
  nlohmann::json body;  // discarded (is_discarded()) when the answer was not JSON
  std::string raw;
};

// One call; nullopt (with the reason on stderr, prefixed by `command`) when the URL is not a
// server's or the server cannot be reached.
std::optional<AdminAnswer> admin_call(const Config& config, const std::string& url,
                                      http::bhttp::verb method, const std::string& target,
                                      const std::string& command);

// Prints a 2xx answer's JSON on stdout (0), or the status and error on stderr (1).
int print_answer(const AdminAnswer& answer, const std::string& command);

}  // namespace st::app
