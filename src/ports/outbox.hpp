#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace st::ports {

// An event waiting in a service's outbox table, already serialized for the wire.
struct OutboxMessage {
  std::int64_t seq = 0;
  std::string event_id;
  std::string routing_key;
  std::string body;
};

using PublishBatch = std::function<void(const std::vector<OutboxMessage>&)>;

// The read side of a transactional outbox. Stores append to it inside their own
// transactions; a relay drains it to the bus.
class Outbox {
 public:
  virtual ~Outbox() = default;
  // Claims up to `max` unpublished messages, oldest first, calls `publish` with them and
  // deletes them once it returns. If `publish` throws, they stay for the next attempt and
  // the exception propagates. Several relays may run at once: a message is claimed by one.
  // Returns how many were published.
  virtual std::size_t relay(std::size_t max, const PublishBatch& publish) = 0;
  // Called (from the writing thread, after commit) whenever new messages were appended.
  virtual void set_listener(std::function<void()> on_append) = 0;

  // What waits to be relayed (claimed or not): a scrape's outbox backlog and relay lag.
  struct Backlog {
    std::size_t messages = 0;
    std::optional<std::int64_t> oldest_created_at;  // epoch ms; none when empty
  };
  // An outbox that cannot tell answers an empty backlog.
  virtual Backlog backlog() { return {}; }
};

}  // namespace st::ports
