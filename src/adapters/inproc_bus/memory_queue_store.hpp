#pragma once
// A QueueStore kept in memory: durability for the life of the object only. Used by tests
// (a new InProcBus over the same store simulates a restart) and by a no-durability mode.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ports/queue_store.hpp"

namespace st::adapters::inproc {

class MemoryQueueStore : public ports::QueueStore {
 public:
  std::vector<ports::StoredMessage> enqueue(
      const std::vector<std::string>& queues,
      const std::vector<ports::OutgoingMessage>& messages) override;
  std::vector<ports::StoredMessage> pending(const std::string& queue) override;
  void ack(const std::string& queue, const std::vector<std::int64_t>& seqs) override;
  void count_delivery(const std::string& queue, std::int64_t seq) override;
  void dead_letter(const std::string& queue, std::int64_t seq, const std::string& reason) override;
  void keep_dead_letter(const std::string& queue, const ports::OutgoingMessage& message,
                        int delivery_count, const std::string& reason) override;
  std::vector<ports::StoredMessage> dead_letters(const std::string& queue) override;
  std::size_t dead_letter_count(const std::string& queue) override;
  ports::DeadLetterReport dead_letter_report(const std::string& queue, std::size_t sample) override;
  std::vector<ports::StoredMessage> requeue_dead_letters(
      const std::string& queue, const std::optional<std::string>& event_id) override;
  std::size_t purge_dead_letters(const std::string& queue) override;

  // Not part of the port: the reason given when `seq` was dead-lettered, if it was.
  std::optional<std::string> dead_letter_reason(const std::string& queue, std::int64_t seq) const;

 private:
  struct DeadLetter {
    ports::StoredMessage message;
    std::string reason;
    std::int64_t dead_lettered_at = 0;
  };
  struct Queue {
    std::map<std::int64_t, ports::StoredMessage> pending;  // ordered by seq = oldest first
    std::vector<DeadLetter> dead;
  };

  mutable std::mutex mu_;
  std::int64_t next_seq_ = 1;
  std::unordered_map<std::string, Queue> queues_;
};

}  // namespace st::adapters::inproc
