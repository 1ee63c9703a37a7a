#pragma once
// A dependency a process needs in order to serve (its database, its event bus), as /health
// and /health/ready probe it. A probe answers within about a second and never throws: a
// dependency it cannot reach is a failed probe, with the reason.
#include <string>

namespace st::ports {

struct Probe {
  bool ok = true;
  std::string detail;  // why it failed (no secrets: shown in /api/health); empty when ok
};

class HealthCheck {
 public:
  virtual ~HealthCheck() = default;
  // The key under the service's health details: "database", "bus".
  virtual std::string health_name() const = 0;
  virtual Probe probe() noexcept = 0;
};

}  // namespace st::ports
