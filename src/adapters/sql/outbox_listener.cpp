#include "adapters/sql/outbox_listener.hpp"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

namespace st::adapters::sql {

void OutboxListener::set(std::function<void()> on_append) {
  auto listener = std::make_shared<const std::function<void()>>(std::move(on_append));
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void OutboxListener::notify() const {
  std::shared_ptr<const std::function<void()>> listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (!listener || !*listener) return;
  try {
    (*listener)();
  } catch (const std::exception& e) {
    spdlog::warn("outbox listener threw: {}", e.what());
  } catch (...) {
    spdlog::warn("outbox listener threw a non-standard exception");
  }
}

}  // namespace st::adapters::sql
