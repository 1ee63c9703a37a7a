// The gateway's part of the process's metrics (Gateway::attach_metrics): refusals, event
// streams, the upstream breakers and every queue's depth and dead letters, read at scrape time.
#include <string>
#include <utility>
#include <vector>

#include "services/gateway/gateway.hpp"

namespace st::services::gateway {

void Gateway::attach_metrics(metrics::Registry& registry) {
  metrics_ = &registry;
  access_.count_refusals(registry);
  auto& open = registry.gauge("smartticket_event_stream_subscribers",
                              "Event streams (GET /api/events/stream) open now");
  auto& refused = registry.counter("smartticket_event_streams_refused_total",
                                   "Event streams refused: too many open (429)");
  auto& dropped = registry.counter(
      "smartticket_event_streams_dropped_total",
      "Event streams closed because the client read too slowly (byte budget or write timeout)");
  struct QueueGauges {
    std::string queue;
    metrics::Gauge* dead_letters;
    metrics::Gauge* messages;
    metrics::Gauge* oldest_age;  // registered once the bus tells an age
  };
  std::vector<QueueGauges> queues;
  for (const auto& q : dead_letters_.queues)
    if (dead_letters_.bus)
      queues.push_back(
          {q,
           &registry.gauge("smartticket_dead_letters",
                           "Messages in the queue's dead-letter queue now", {{"queue", q}}),
           &registry.gauge("smartticket_queue_messages",
                           "Messages waiting in the queue now (in-process: also those in a "
                           "handler; RabbitMQ: ready ones)",
                           {{"queue", q}}),
           nullptr});
  std::vector<std::pair<Upstream*, metrics::Gauge*>> breakers;
  for (Upstream* up :
       {&upstreams_.tickets, &upstreams_.categorizer, &upstreams_.routing, &upstreams_.analytics})
    if (up->breaker_state())
      breakers.emplace_back(
          up, &registry.gauge("smartticket_upstream_breaker_state",
                              "The gateway's circuit breaker in front of a service: 0 closed, "
                              "1 half-open, 2 open",
                              {{"upstream", up->name()}}));
  registry.add_collector([this, &registry, &open, &refused, &dropped, queues, breakers]() mutable {
    for (const auto& [up, gauge] : breakers) {
      const auto state = up->breaker_state();
      gauge->set(state == resilience::BreakerState::open        ? 2
                 : state == resilience::BreakerState::half_open ? 1
                                                                : 0);
    }
    const auto s = hub_.stats();
    open.set(static_cast<double>(s.open));
    // The hub keeps totals; the counters catch up with them.
    refused.advance_to(s.refused);
    const auto gone = s.disconnected_slow + s.write_timeouts;
    dropped.advance_to(gone);
    for (auto& q : queues) {
      try {
        q.dead_letters->set(static_cast<double>(dead_letters_.bus->dead_letter_count(q.queue)));
        if (const auto depth = dead_letters_.bus->queue_depth(q.queue)) {
          q.messages->set(static_cast<double>(depth->messages));
          if (depth->oldest_age_seconds && !q.oldest_age)
            q.oldest_age =
                &registry.gauge("smartticket_queue_oldest_age_seconds",
                                "How long the queue's oldest waiting message has waited (0: empty)",
                                {{"queue", q.queue}});
          if (depth->oldest_age_seconds) q.oldest_age->set(*depth->oldest_age_seconds);
        }
      } catch (const std::exception&) {
        // The broker cannot be asked now: the gauges keep their last values.
      }
    }
  });
}

}  // namespace st::services::gateway
