// Helpers shared by the in-process bus unit tests.
#pragma once

#include <string>
#include <utility>

#include "ports/event_bus.hpp"
#include "unit/support/eventually.hpp"

namespace st::adapters::inproc::test_support {

using testing_support::eventually;

// A message whose body names its id, as the bus tests publish them.
inline ports::OutgoingMessage msg(std::string key, std::string id) {
  std::string body = R"({"id":")" + id + R"("})";
  return {std::move(key), std::move(id), std::move(body), "00-trace-01"};
}

}  // namespace st::adapters::inproc::test_support
