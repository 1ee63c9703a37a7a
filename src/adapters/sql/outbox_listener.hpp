#pragma once
// Who to wake when a store has committed outbox rows (the relay, so it need not wait for its
// next poll). Shared by both relational adapters' OutboxTable.
#include <functional>
#include <memory>
#include <mutex>

namespace st::adapters::sql {

class OutboxListener {
 public:
  void set(std::function<void()> on_append);
  // Calls the listener if one is set. A throwing listener is logged and ignored (the rows
  // are committed; the relay's own polling will find them).
  void notify() const;

 private:
  mutable std::mutex mutex_;
  // Copied out under the lock and called without it, so set() may run during a call.
  std::shared_ptr<const std::function<void()>> listener_;
};

}  // namespace st::adapters::sql
