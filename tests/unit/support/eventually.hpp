// Shared unit-test helper: a bounded wait, so that a broken component fails a test instead of
// hanging it.
#pragma once

#include <chrono>
#include <thread>

namespace st::testing_support {

// Polls `pred` every 2 ms until it holds or `timeout` has passed; returns its last answer.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace st::testing_support
