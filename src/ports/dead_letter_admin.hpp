#pragma once
// What an operator does with dead letters: see them (a count and a sample per queue), put
// them back on their queue (replay: consumers absorb a replayed duplicate by event_id, as
// they absorb any redelivery) or drop them (purge). Backed by the in-process bus (its queue
// store) in one-process mode and by the broker's `<queue>.dlq` queues in distributed mode.
//
// Every operation throws ports::Unavailable when the store or broker cannot be reached.
// Queue names are the topology's (app/queues.hpp); the caller checks them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace st::ports {

// One dead letter as a sample shows it. What a backend cannot know is nullopt (RabbitMQ
// does not keep the delivery count of a classic queue, for one).
struct DeadLetterSample {
  std::string event_id;
  std::string event_type;  // the routing key it was published with
  std::optional<std::string> reason;
  std::optional<int> attempts;                   // deliveries before it was given up
  std::optional<std::int64_t> dead_lettered_at;  // ms since the epoch
};

struct DeadLetterReport {
  std::string queue;
  std::size_t count = 0;
  std::optional<std::int64_t> oldest_at;  // dead_lettered_at of the oldest, if known
  std::vector<DeadLetterSample> sample;   // the oldest `sample` ones, oldest first
};

class DeadLetterAdmin {
 public:
  virtual ~DeadLetterAdmin() = default;
  virtual DeadLetterReport report(const std::string& queue, std::size_t sample) = 0;
  // Puts the queue's dead letters (all, or those with `event_id`) back on the queue, oldest
  // first, each with a fresh delivery allowance. Returns how many. Durable queues only.
  virtual std::size_t replay(const std::string& queue,
                             const std::optional<std::string>& event_id) = 0;
  // Drops every dead letter of the queue; returns how many.
  virtual std::size_t purge(const std::string& queue) = 0;
};

}  // namespace st::ports
