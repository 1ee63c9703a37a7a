#include "adapters/remote/department_directory_client.hpp"

#include <nlohmann/json.hpp>

#include "ports/unavailable.hpp"

namespace st::adapters::remote {

using nlohmann::json;
namespace bhttp = http::bhttp;

std::vector<std::string> DepartmentDirectoryClient::active_department_names() {
  http::Request req{bhttp::verb::get, "/api/departments", 11};
  const auto res = routing_.send_blocking(std::move(req));
  auto body = json::parse(res.body(), nullptr, false);
  if (res.result() != bhttp::status::ok || body.is_discarded() || !body.contains("departments") ||
      !body["departments"].is_array())
    throw ports::Unavailable("routing service answered " + std::to_string(res.result_int()) +
                             " to the department list");
  std::vector<std::string> names;
  for (const auto& d : body["departments"])
    if (d.is_object() && d.contains("name") && d["name"].is_string() && d.value("is_active", true))
      names.push_back(d["name"].get<std::string>());
  return names;
}

}  // namespace st::adapters::remote
