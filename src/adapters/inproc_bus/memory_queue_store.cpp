#include "adapters/inproc_bus/memory_queue_store.hpp"

#include <chrono>

namespace st::adapters::inproc {
namespace {

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<ports::StoredMessage> MemoryQueueStore::enqueue(
    const std::vector<std::string>& queues, const std::vector<ports::OutgoingMessage>& messages) {
  std::vector<ports::StoredMessage> out;
  out.reserve(queues.size() * messages.size());
  std::lock_guard lk(mu_);
  // Message-major, so seqs grow in publish order within every queue (pending() is oldest
  // first by seq, like the SQLite store's autoincrement key).
  for (const auto& m : messages) {
    for (const auto& q : queues) {
      ports::StoredMessage s{next_seq_++, q, m, 0};
      queues_[q].pending.emplace(s.seq, s);
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<ports::StoredMessage> MemoryQueueStore::pending(const std::string& queue) {
  std::lock_guard lk(mu_);
  std::vector<ports::StoredMessage> out;
  auto it = queues_.find(queue);
  if (it == queues_.end()) return out;
  out.reserve(it->second.pending.size());
  for (const auto& [seq, m] : it->second.pending) out.push_back(m);
  return out;
}

void MemoryQueueStore::ack(const std::string& queue, const std::vector<std::int64_t>& seqs) {
  std::lock_guard lk(mu_);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return;
  // Unknown seqs are ignored: an ack may be repeated after a redelivery.
  for (auto seq : seqs) it->second.pending.erase(seq);
}

void MemoryQueueStore::count_delivery(const std::string& queue, std::int64_t seq) {
  std::lock_guard lk(mu_);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return;
  auto m = it->second.pending.find(seq);
  if (m != it->second.pending.end()) ++m->second.delivery_count;
}

void MemoryQueueStore::dead_letter(const std::string& queue, std::int64_t seq,
                                   const std::string& reason) {
  std::lock_guard lk(mu_);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return;
  auto m = it->second.pending.find(seq);
  if (m == it->second.pending.end()) return;
  it->second.dead.push_back({std::move(m->second), reason, now_millis()});
  it->second.pending.erase(m);
}

void MemoryQueueStore::keep_dead_letter(const std::string& queue,
                                        const ports::OutgoingMessage& message, int delivery_count,
                                        const std::string& reason) {
  std::lock_guard lk(mu_);
  queues_[queue].dead.push_back(
      {{next_seq_++, queue, message, delivery_count}, reason, now_millis()});
}

std::size_t MemoryQueueStore::dead_letter_count(const std::string& queue) {
  std::lock_guard lk(mu_);
  auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : it->second.dead.size();
}

std::vector<ports::StoredMessage> MemoryQueueStore::dead_letters(const std::string& queue) {
  std::lock_guard lk(mu_);
  std::vector<ports::StoredMessage> out;
  auto it = queues_.find(queue);
  if (it == queues_.end()) return out;
  for (const auto& d : it->second.dead) out.push_back(d.message);
  return out;
}

std::optional<std::string> MemoryQueueStore::dead_letter_reason(const std::string& queue,
                                                                std::int64_t seq) const {
  std::lock_guard lk(mu_);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return std::nullopt;
  for (const auto& d : it->second.dead)
    if (d.message.seq == seq) return d.reason;
  return std::nullopt;
}

ports::DeadLetterReport MemoryQueueStore::dead_letter_report(const std::string& queue,
                                                             std::size_t sample) {
  std::lock_guard lk(mu_);
  ports::DeadLetterReport r;
  r.queue = queue;
  auto it = queues_.find(queue);
  if (it == queues_.end() || it->second.dead.empty()) return r;
  const auto& dead = it->second.dead;
  r.count = dead.size();
  r.oldest_at = dead.front().dead_lettered_at;
  for (std::size_t i = 0; i < dead.size() && i < sample; ++i) {
    const auto& d = dead[i];
    r.sample.push_back({d.message.message.event_id, d.message.message.routing_key, d.reason,
                        d.message.delivery_count, d.dead_lettered_at});
  }
  return r;
}

std::vector<ports::StoredMessage> MemoryQueueStore::requeue_dead_letters(
    const std::string& queue, const std::optional<std::string>& event_id) {
  std::lock_guard lk(mu_);
  std::vector<ports::StoredMessage> out;
  auto it = queues_.find(queue);
  if (it == queues_.end()) return out;
  auto& dead = it->second.dead;
  std::vector<DeadLetter> kept;
  for (auto& d : dead) {
    if (event_id && d.message.message.event_id != *event_id) {
      kept.push_back(std::move(d));
      continue;
    }
    d.message.delivery_count = 0;
    it->second.pending.emplace(d.message.seq, d.message);
    out.push_back(std::move(d.message));
  }
  dead = std::move(kept);
  return out;
}

std::size_t MemoryQueueStore::purge_dead_letters(const std::string& queue) {
  std::lock_guard lk(mu_);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return 0;
  const auto n = it->second.dead.size();
  it->second.dead.clear();
  return n;
}

}  // namespace st::adapters::inproc
