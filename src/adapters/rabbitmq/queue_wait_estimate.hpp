#pragma once
// How long the oldest ready message of each queue may have waited, for the queue-age gauge in
// distributed mode. AMQP tells a queue's ready count, never its head's age (the management
// plugin's head_message_timestamp is for classic queues with timestamped messages; ours are
// quorum queues), so this is an upper bound: the time since the queue was last seen with no
// ready message. Exact for the case the alert is for (a consumer down: messages pile up in a
// queue that was draining); it overstates while consumers keep up but stay behind (a backlog
// that is never quite emptied), which is worth a look as well.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace st::adapters::rabbitmq {

class QueueWaitEstimate {
 public:
  using Clock = std::chrono::steady_clock;

  // Records that `queue` had `ready` messages at `now`; returns the bound in seconds (0 when
  // empty). A queue first seen non-empty counts from that first sight: what came before is
  // unknown, and a bound that starts low and grows is safer than one made up.
  double observe(const std::string& queue, std::size_t ready, Clock::time_point now);

 private:
  std::mutex mu_;
  std::map<std::string, Clock::time_point> since_;  // queue -> last seen empty (or first seen)
};

}  // namespace st::adapters::rabbitmq
