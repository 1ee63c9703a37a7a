#pragma once
#include <chrono>

#include "domain/time.hpp"

namespace st::ports {

// Time source; tests substitute a manual clock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual domain::Millis now() const = 0;
};

class SystemClock final : public Clock {
 public:
  domain::Millis now() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace st::ports
