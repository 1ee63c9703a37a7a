#pragma once
// Categorizer → routing over HTTP (distributed mode): the active department names, read
// from the routing service's public list. The categorizer service caches the answer.
#include "http/client.hpp"
#include "ports/service_clients.hpp"

namespace st::adapters::remote {

class DepartmentDirectoryClient final : public ports::DepartmentDirectory {
 public:
  explicit DepartmentDirectoryClient(http::HttpClient& routing) : routing_(routing) {}
  // Throws ports::Unavailable when routing cannot be asked.
  std::vector<std::string> active_department_names() override;

 private:
  http::HttpClient& routing_;
};

}  // namespace st::adapters::remote
