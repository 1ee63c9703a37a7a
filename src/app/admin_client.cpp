#include "app/admin_client.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "http/client.hpp"
#include "http/request_context.hpp"
#include "http/url.hpp"

namespace st::app {
namespace {

std::string server_url(const std::string& url, const Config& c) {
  if (!url.empty()) return url;
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

}  // namespace

std::optional<AdminAnswer> admin_call(const Config& config, const std::string& url_override,
                                      http::bhttp::verb method, const std::string& target,
                                      const std::string& command) {
  const auto url = server_url(url_override, config);
  const auto origin = http::parse_service_url(url);
  if (!origin) {
    std::cerr << command << ": not a server URL: " << url << "\n";
    return std::nullopt;
  }
  const auto key = admin_key(config);
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
    std::cerr << command << ": " << url << " cannot be reached: " << e.what() << "\n";
    return std::nullopt;
  }
  return AdminAnswer{static_cast<int>(res.result_int()),
                     nlohmann::json::parse(res.body(), nullptr, false), res.body()};
}

int print_answer(const AdminAnswer& a, const std::string& command) {
  if (a.status / 100 != 2) {
    std::cerr << command << ": " << a.status << " "
              << (a.body.is_object() ? a.body.value("error", a.raw) : a.raw) << "\n";
    return 1;
  }
  std::cout << (a.body.is_discarded() ? a.raw : a.body.dump(2)) << "\n";
  return 0;
}

}  // namespace st::app
