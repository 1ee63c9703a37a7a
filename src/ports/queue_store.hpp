#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ports/dead_letter_admin.hpp"
#include "ports/event_bus.hpp"

namespace st::ports {

struct StoredMessage {
  std::int64_t seq = 0;
  std::string queue;
  OutgoingMessage message;
  int delivery_count = 0;  // deliveries attempted so far
};

// Durable storage behind the in-process bus, so that its queues survive a crash the way
// RabbitMQ's durable queues do.
class QueueStore {
 public:
  virtual ~QueueStore() = default;
  // Stores `message` once per queue in `queues`, atomically. Returns the stored copies.
  virtual std::vector<StoredMessage> enqueue(const std::vector<std::string>& queues,
                                             const std::vector<OutgoingMessage>& messages) = 0;
  // Everything still queued (not acked, not dead-lettered) for `queue`, oldest first.
  virtual std::vector<StoredMessage> pending(const std::string& queue) = 0;
  virtual void ack(const std::string& queue, const std::vector<std::int64_t>& seqs) = 0;
  // Persists one more delivery attempt (so a poison message is still counted after a restart).
  virtual void count_delivery(const std::string& queue, std::int64_t seq) = 0;
  virtual void dead_letter(const std::string& queue, std::int64_t seq,
                           const std::string& reason) = 0;
  // Keeps a dead letter of a queue whose messages are not stored (a transient queue): its
  // messages live in memory, its dead letters are kept like everyone's, never dropped.
  virtual void keep_dead_letter(const std::string& queue, const OutgoingMessage& message,
                                int delivery_count, const std::string& reason) = 0;
  virtual std::vector<StoredMessage> dead_letters(const std::string& queue) = 0;
  virtual std::size_t dead_letter_count(const std::string& queue) = 0;
  // The count, the oldest dead_lettered_at and the oldest `sample` dead letters of `queue`.
  virtual DeadLetterReport dead_letter_report(const std::string& queue, std::size_t sample) = 0;
  // Moves the dead letters of `queue` (all, or those with `event_id`) back among its pending
  // messages, delivery_count 0, in one transaction; returns them oldest first.
  virtual std::vector<StoredMessage> requeue_dead_letters(
      const std::string& queue, const std::optional<std::string>& event_id) = 0;
  // Deletes every dead letter of `queue`; returns how many.
  virtual std::size_t purge_dead_letters(const std::string& queue) = 0;
};

}  // namespace st::ports
