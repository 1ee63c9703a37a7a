#pragma once
// Wall-clock milliseconds for bookkeeping columns the ports give no time for (outbox claims,
// enqueue and dead-letter times, migration dates). Domain times come from the callers.
#include <chrono>
#include <cstdint>

namespace st::adapters::sqlite {

inline std::int64_t wall_clock_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace st::adapters::sqlite
