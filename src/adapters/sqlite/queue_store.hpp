#pragma once
// Durable queues of the in-process bus in the embedded database: bus_messages (one row per
// queue and message, seq growing in publish order) and bus_dead_letters.
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "ports/queue_store.hpp"

namespace st::adapters::sqlite {

class SqliteQueueStore final : public ports::QueueStore {
 public:
  // Migrates the bus tables (idempotent). `db` must outlive the store.
  explicit SqliteQueueStore(Database& db);

  // One transaction for every (message, queue) row; message-major, so within each queue
  // seqs follow the order of `messages`. Returned in the same order.
  std::vector<ports::StoredMessage> enqueue(
      const std::vector<std::string>& queues,
      const std::vector<ports::OutgoingMessage>& messages) override;
  std::vector<ports::StoredMessage> pending(const std::string& queue) override;
  // One transaction for the batch; unknown seqs (a repeated ack) are ignored.
  void ack(const std::string& queue, const std::vector<std::int64_t>& seqs) override;
  void count_delivery(const std::string& queue, std::int64_t seq) override;
  void dead_letter(const std::string& queue, std::int64_t seq, const std::string& reason) override;
  // Through bus_messages in one transaction, so the dead letter's seq comes from the same
  // sequence as every other's and never collides with one.
  void keep_dead_letter(const std::string& queue, const ports::OutgoingMessage& message,
                        int delivery_count, const std::string& reason) override;
  std::vector<ports::StoredMessage> dead_letters(const std::string& queue) override;
  std::size_t dead_letter_count(const std::string& queue) override;
  ports::DeadLetterReport dead_letter_report(const std::string& queue, std::size_t sample) override;
  // Back into bus_messages under their own seq (unique across both tables), so they keep
  // their place among the pending messages.
  std::vector<ports::StoredMessage> requeue_dead_letters(
      const std::string& queue, const std::optional<std::string>& event_id) override;
  std::size_t purge_dead_letters(const std::string& queue) override;

 private:
  Database& db_;
};

}  // namespace st::adapters::sqlite
