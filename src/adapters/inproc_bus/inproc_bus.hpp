#pragma once
// The embedded event bus: RabbitMQ's topic-exchange semantics inside one process.
//
// - Every subscribed queue is bound to topic patterns; a published message goes to every
//   queue with a matching binding and is dropped when none matches.
// - Durable queues are backed by a ports::QueueStore: publish() returns only after the store
//   holds the message (the publisher confirm), and start() redelivers what a previous run
//   left unacked. Transient queues live in memory only.
// - One worker thread per queue delivers in order, up to `prefetch` messages per batch, and
//   writes the batch's acks with one store call (at-least-once: a crash before that call
//   means redelivery, which consumers absorb by event_id).
// - A failed delivery (retry or a throwing handler) is redelivered after a backoff while the
//   rest of the queue goes on; at max_deliveries it is dead-lettered: kept in the store, a
//   transient queue's dead letters too.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ports/dead_letter_admin.hpp"
#include "ports/event_bus.hpp"
#include "ports/queue_store.hpp"

namespace st::adapters::inproc {

// Also the dead-letter admin of one-process mode: replay has to reach the running queue, not
// only the store (whose pending rows are read at start() only).
class InProcBus : public ports::EventBus, public ports::DeadLetterAdmin {
 public:
  struct Options {
    // Start with consumption paused: queues are declared and messages stored, but nothing is
    // delivered until resume(). Lets an operator accept work while processing waits.
    bool paused = false;
    // Redelivery delay after a failed delivery: initial, doubled per attempt, capped.
    std::chrono::milliseconds retry_backoff_initial{10};
    std::chrono::milliseconds retry_backoff_max{1000};
  };

  struct QueueStats {
    std::size_t ready = 0;    // waiting for delivery, including retries waiting out a backoff
    std::size_t unacked = 0;  // taken by the worker, ack (or retry/dead-letter) not yet written
    std::uint64_t acked = 0;
    std::uint64_t retried = 0;
    std::uint64_t dead_lettered = 0;
  };

  explicit InProcBus(ports::QueueStore& store);
  InProcBus(ports::QueueStore& store, Options options);
  ~InProcBus() override;
  InProcBus(const InProcBus&) = delete;
  InProcBus& operator=(const InProcBus&) = delete;

  void publish(const std::vector<ports::OutgoingMessage>& batch) override;
  void subscribe(const ports::QueueSpec& spec, ports::BatchConsumer consumer) override;
  void start() override;
  // Waits for the handlers in flight and their acks, not for the queues to drain (unhandled
  // messages stay queued, and stored if durable). Must not be called from a handler.
  void stop() override;

  // Pausing lets the handler in flight finish but starts no other; it does not wait.
  void pause();
  void resume();
  bool paused() const;

  // ready + unacked of `queue`; throws std::invalid_argument for an unknown queue.
  std::size_t depth(const std::string& queue) const;
  QueueStats stats(const std::string& queue) const;
  // The queue's dead letters, from the store: a transient queue's too (its messages live in
  // memory, but what it gives up on is kept, never dropped).
  std::vector<ports::StoredMessage> dead_letters(const std::string& queue) const;
  std::size_t dead_letter_count(const std::string& queue) override;
  // From the store, like dead_letters().
  ports::DeadLetterReport report(const std::string& queue, std::size_t sample) override;
  // Moves them back in the store and, once started, to the end of the queue's ready
  // messages. std::invalid_argument for an unknown or a transient queue (a transient
  // queue's dead letters are only listed and purged: its consumers are live requests).
  std::size_t replay(const std::string& queue, const std::optional<std::string>& event_id) override;
  std::size_t purge(const std::string& queue) override;
  // depth(), and the age of the oldest message waiting (ready or delayed; not one in a
  // handler). nullopt for an unknown queue.
  std::optional<QueueDepth> queue_depth(const std::string& queue) override;
  // Messages that matched no queue since construction.
  std::uint64_t unroutable() const;

 private:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    std::int64_t seq = 0;  // store seq for a durable queue, a local counter for a transient one
    ports::OutgoingMessage message;
    int delivery_count = 0;  // attempts so far
    // When it joined this queue (or this process, for a stored message loaded at start).
    Clock::time_point enqueued = Clock::now();
  };

  struct Queue {
    ports::QueueSpec spec;
    ports::BatchConsumer consumer;
    std::size_t index = 0;

    mutable std::mutex mu;
    std::condition_variable cv;
    std::deque<Entry> ready;
    std::multimap<Clock::time_point, Entry> delayed;  // retries, keyed by when they are due
    std::size_t unacked = 0;
    std::int64_t next_local_seq = 1;
    bool paused = false;
    bool stopping = false;
    QueueStats counters;  // acked / retried / dead_lettered only
    std::thread worker;
  };

  std::vector<Queue*> route(const std::string& routing_key);

  // publish()'s steps. Messages with the same set of durable queues are stored with one
  // enqueue() call (a relay batch usually carries one or two routing keys, hence one or two
  // store commits); every copy is then appended to its queue, in batch order.
  struct DurableGroup {
    std::vector<Queue*> queues;
    std::vector<std::size_t> indices;  // into the published batch
  };
  // Per queue index: (index into the batch, entry) to append once everything is stored.
  using Appends = std::vector<std::vector<std::pair<std::size_t, Entry>>>;
  // Counts the unroutable, adds transient copies to `appends`, groups the durable ones.
  std::vector<DurableGroup> route_batch(const std::vector<ports::OutgoingMessage>& batch,
                                        Appends& appends);
  // Stores one group; adds its stored copies to `appends` unless that is null.
  void store_group(const std::vector<ports::OutgoingMessage>& batch, const DurableGroup& g,
                   Appends* appends);
  void collect_stored(const DurableGroup& g, const std::vector<std::string>& names,
                      std::vector<ports::StoredMessage>& stored, Appends& appends);
  // Appends to every target queue under all their locks, so a publish shows everywhere at once.
  void append_at_once(Appends& appends);
  Queue& find(const std::string& name) const;
  // Sets a queue state (paused, stopping) on every queue under its lock and wakes its worker
  // to see it. The caller keeps queues_ from changing (state_mu_ or lifecycle_mu_).
  void set_on_every_queue(bool Queue::*flag, bool value);
  void run(Queue& q);
  void process(Queue& q, std::vector<Entry>& batch);
  // Applies one delivery's outcome (ack collected into `acks`, retry, dead letter).
  void settle(Queue& q, Entry& e, ports::Disposition disposition, const std::string& why,
              std::vector<std::int64_t>& acks);
  void flush_acks(Queue& q, std::vector<std::int64_t>& seqs);
  void schedule_retry(Queue& q, Entry entry, const std::string& why);
  void send_to_dead_letter(Queue& q, Entry entry, const std::string& reason);
  std::chrono::milliseconds backoff(int attempts) const;

  ports::QueueStore& store_;
  const Options options_;

  // Serializes subscribe(), start() and stop() (never taken by publish() or a worker).
  std::mutex lifecycle_mu_;
  // Shared by publish(), exclusive for subscribe() and start()'s load of pending messages, so
  // a message is either loaded from the store or appended by its publisher, never both.
  mutable std::shared_mutex state_mu_;
  std::vector<std::unique_ptr<Queue>> queues_;
  std::unordered_map<std::string, Queue*> by_name_;
  bool started_ = false;
  bool stopped_ = false;
  std::atomic<bool> paused_;

  // routing key -> matching queues; keys are event types, so this stays small.
  std::shared_mutex routes_mu_;
  std::unordered_map<std::string, std::vector<Queue*>> routes_;

  std::atomic<std::uint64_t> unroutable_{0};
};

}  // namespace st::adapters::inproc
