#pragma once
// Routing → tickets over HTTP (distributed mode): the DepartmentSetter port backed by the
// tickets service's internal endpoint. Failures surface as ports::Unavailable, so the
// routing consumer leaves the event queued and retries it later.
#include "http/client.hpp"
#include "ports/service_clients.hpp"

namespace st::adapters::remote {

class DepartmentSetterClient final : public ports::DepartmentSetter {
 public:
  explicit DepartmentSetterClient(http::HttpClient& tickets) : tickets_(tickets) {}

  // One call for the whole batch (POST /internal/tickets/departments, safe to repeat).
  std::vector<std::optional<domain::Ticket>> set_departments(
      const std::vector<Decision>& batch) override;

 private:
  http::HttpClient& tickets_;
};

}  // namespace st::adapters::remote
