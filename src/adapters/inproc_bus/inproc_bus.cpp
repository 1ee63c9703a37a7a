#include "adapters/inproc_bus/inproc_bus.hpp"
#include "util/thread_name.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

#include "messaging/consume_batch.hpp"

namespace st::adapters::inproc {
namespace {

// Routing keys are event types; the cap only guards against a caller inventing keys.
constexpr std::size_t kMaxCachedRoutes = 1024;

}  // namespace

InProcBus::InProcBus(ports::QueueStore& store) : InProcBus(store, Options{}) {}

InProcBus::InProcBus(ports::QueueStore& store, Options options)
    : store_(store), options_(options), paused_(options.paused) {}

InProcBus::~InProcBus() {
  stop();
}

void InProcBus::subscribe(const ports::QueueSpec& spec, ports::BatchConsumer consumer) {
  if (spec.name.empty()) throw std::invalid_argument("queue name must not be empty");
  if (!consumer) throw std::invalid_argument("queue " + spec.name + ": consumer is empty");
  if (spec.bindings.empty())
    throw std::invalid_argument("queue " + spec.name + ": needs at least one binding");
  if (spec.max_deliveries < 1 || spec.prefetch < 1)
    throw std::invalid_argument("queue " + spec.name +
                                ": max_deliveries and prefetch must be >= 1");

  std::lock_guard life(lifecycle_mu_);
  std::unique_lock lk(state_mu_);
  // Workers and the route cache are built once at start(); RabbitMQ would allow late
  // declarations, but nothing here needs them and forbidding them keeps routing lock-free.
  if (started_ || stopped_)
    throw std::logic_error("queue " + spec.name + ": subscribe() must precede start()");
  if (by_name_.contains(spec.name))
    throw std::invalid_argument("queue " + spec.name + " is already subscribed");

  auto q = std::make_unique<Queue>();
  q->spec = spec;
  q->consumer = std::move(consumer);
  q->index = queues_.size();
  q->paused = paused_.load();
  by_name_.emplace(spec.name, q.get());
  queues_.push_back(std::move(q));

  std::unique_lock rl(routes_mu_);
  routes_.clear();
}

std::vector<InProcBus::Queue*> InProcBus::route(const std::string& routing_key) {
  {
    std::shared_lock rl(routes_mu_);
    if (auto it = routes_.find(routing_key); it != routes_.end()) return it->second;
  }
  std::vector<Queue*> out;
  for (const auto& q : queues_) {
    for (const auto& binding : q->spec.bindings) {
      if (ports::topic_matches(binding, routing_key)) {
        out.push_back(q.get());
        break;  // one copy per queue even when several of its bindings match
      }
    }
  }
  std::unique_lock rl(routes_mu_);
  if (routes_.size() < kMaxCachedRoutes) routes_.emplace(routing_key, out);
  return out;
}

void InProcBus::publish(const std::vector<ports::OutgoingMessage>& batch) {
  if (batch.empty()) return;
  std::shared_lock lk(state_mu_);
  Appends appends(queues_.size());
  const auto groups = route_batch(batch, appends);
  std::exception_ptr failure;
  try {
    // Before start() durable messages only go to the store: start() loads them from there.
    for (const auto& g : groups) store_group(batch, g, started_ ? &appends : nullptr);
  } catch (...) {
    // What was stored before the failure is still delivered (the caller will publish the
    // batch again, and consumers absorb the duplicates by event_id).
    failure = std::current_exception();
  }
  append_at_once(appends);
  if (failure) std::rethrow_exception(failure);
}

std::vector<InProcBus::DurableGroup> InProcBus::route_batch(
    const std::vector<ports::OutgoingMessage>& batch, Appends& appends) {
  std::vector<DurableGroup> groups;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto targets = route(batch[i].routing_key);
    if (targets.empty()) {
      unroutable_.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("inproc bus: no queue bound to '{}', message {} dropped", batch[i].routing_key,
                    batch[i].event_id);
      continue;
    }
    std::vector<Queue*> durable;
    for (Queue* q : targets) {
      if (q->spec.durable)
        durable.push_back(q);
      else
        appends[q->index].emplace_back(i, Entry{0, batch[i], 0});
    }
    if (durable.empty()) continue;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const DurableGroup& x) { return x.queues == durable; });
    if (g == groups.end()) {
      groups.push_back({std::move(durable), {}});
      g = std::prev(groups.end());
    }
    g->indices.push_back(i);
  }
  return groups;
}

void InProcBus::store_group(const std::vector<ports::OutgoingMessage>& batch, const DurableGroup& g,
                            Appends* appends) {
  std::vector<std::string> names;
  names.reserve(g.queues.size());
  for (Queue* q : g.queues) names.push_back(q->spec.name);
  std::vector<ports::StoredMessage> stored;
  if (g.indices.size() == batch.size()) {
    stored = store_.enqueue(names, batch);
  } else {
    std::vector<ports::OutgoingMessage> subset;
    subset.reserve(g.indices.size());
    for (auto i : g.indices) subset.push_back(batch[i]);
    stored = store_.enqueue(names, subset);
  }
  if (appends) collect_stored(g, names, stored, *appends);
}

void InProcBus::collect_stored(const DurableGroup& g, const std::vector<std::string>& names,
                               std::vector<ports::StoredMessage>& stored, Appends& appends) {
  // The port does not fix the order of the returned copies; within a queue, seq order is
  // publish order (pending() is "oldest first" by the same key).
  std::vector<std::vector<ports::StoredMessage*>> per_queue(g.queues.size());
  for (auto& s : stored) {
    auto it = std::find(names.begin(), names.end(), s.queue);
    if (it == names.end())
      throw std::runtime_error("QueueStore::enqueue returned a copy for queue " + s.queue);
    per_queue[static_cast<std::size_t>(it - names.begin())].push_back(&s);
  }
  for (std::size_t j = 0; j < g.queues.size(); ++j) {
    auto& copies = per_queue[j];
    if (copies.size() != g.indices.size())
      throw std::runtime_error("QueueStore::enqueue returned " + std::to_string(copies.size()) +
                               " copies for queue " + names[j] + ", expected " +
                               std::to_string(g.indices.size()));
    std::sort(copies.begin(), copies.end(),
              [](const auto* a, const auto* b) { return a->seq < b->seq; });
    for (std::size_t k = 0; k < copies.size(); ++k) {
      auto* s = copies[k];
      appends[g.queues[j]->index].emplace_back(
          g.indices[k], Entry{s->seq, std::move(s->message), s->delivery_count});
    }
  }
}

void InProcBus::append_at_once(Appends& appends) {
  // Every target queue is locked (in index order, so concurrent publishers cannot deadlock)
  // before any is appended to: a publish becomes visible in all its queues at once. Without
  // that, a fast consumer of one queue could react and publish an effect that lands in a
  // second queue before the cause does (ticket.routed ahead of ticket.categorized).
  std::vector<std::unique_lock<std::mutex>> locks;
  for (std::size_t qi = 0; qi < appends.size(); ++qi)
    if (!appends[qi].empty()) locks.emplace_back(queues_[qi]->mu);
  for (std::size_t qi = 0; qi < appends.size(); ++qi) {
    auto& items = appends[qi];
    if (items.empty()) continue;
    // Groups were stored one after another; put each queue's messages back in batch order.
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Queue& q = *queues_[qi];
    for (auto& [i, e] : items) {
      if (!q.spec.durable) e.seq = q.next_local_seq++;
      q.ready.push_back(std::move(e));
    }
  }
  locks.clear();
  for (std::size_t qi = 0; qi < appends.size(); ++qi)
    if (!appends[qi].empty()) queues_[qi]->cv.notify_one();
}

void InProcBus::start() {
  std::lock_guard life(lifecycle_mu_);
  if (stopped_) throw std::logic_error("inproc bus: start() after stop()");
  if (started_) return;
  {
    std::unique_lock lk(state_mu_);
    // Load everything before touching any queue, so a failing store leaves the bus unstarted.
    std::vector<std::vector<ports::StoredMessage>> loaded(queues_.size());
    for (const auto& q : queues_)
      if (q->spec.durable) loaded[q->index] = store_.pending(q->spec.name);
    std::size_t recovered = 0;
    for (const auto& q : queues_) {
      std::lock_guard ql(q->mu);
      // Left by a previous run: ahead of anything published from now on. Their stored
      // delivery_count is kept, so a poison message is not given a fresh allowance.
      for (auto& s : loaded[q->index]) {
        q->ready.push_back(Entry{s.seq, std::move(s.message), s.delivery_count});
        ++recovered;
      }
    }
    started_ = true;
    if (recovered > 0)
      spdlog::info("inproc bus: {} unacked message(s) recovered from the queue store", recovered);
  }
  for (const auto& q : queues_) {
    Queue* qp = q.get();
    q->worker = std::thread([this, qp] {
      name_this_thread("bus:" + qp->spec.name);
      run(*qp);
    });
  }
  spdlog::info("inproc bus: started {} queue(s){}", queues_.size(),
               paused_.load() ? " (consumption paused)" : "");
}

void InProcBus::stop() {
  std::lock_guard life(lifecycle_mu_);
  if (stopped_) return;
  stopped_ = true;
  // queues_ only changes in subscribe(), which lifecycle_mu_ excludes.
  set_on_every_queue(&Queue::stopping, true);
  for (const auto& q : queues_)
    if (q->worker.joinable()) q->worker.join();
  if (started_) spdlog::info("inproc bus: stopped");
}

void InProcBus::pause() {
  std::shared_lock lk(state_mu_);
  paused_ = true;
  set_on_every_queue(&Queue::paused, true);
}

void InProcBus::resume() {
  std::shared_lock lk(state_mu_);
  paused_ = false;
  set_on_every_queue(&Queue::paused, false);
}

void InProcBus::set_on_every_queue(bool Queue::*flag, bool value) {
  for (const auto& q : queues_) {
    {
      std::lock_guard ql(q->mu);
      (*q).*flag = value;
    }
    q->cv.notify_all();
  }
}

bool InProcBus::paused() const {
  return paused_.load();
}

InProcBus::Queue& InProcBus::find(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) throw std::invalid_argument("inproc bus: unknown queue " + name);
  return *it->second;
}

std::size_t InProcBus::depth(const std::string& queue) const {
  std::shared_lock lk(state_mu_);
  Queue& q = find(queue);
  std::lock_guard ql(q.mu);
  return q.ready.size() + q.delayed.size() + q.unacked;
}

std::optional<ports::EventBus::QueueDepth> InProcBus::queue_depth(const std::string& queue) {
  std::shared_lock lk(state_mu_);
  const auto it = by_name_.find(queue);
  if (it == by_name_.end()) return std::nullopt;
  Queue& q = *it->second;
  std::lock_guard ql(q.mu);
  QueueDepth d{.messages = q.ready.size() + q.delayed.size() + q.unacked};
  std::optional<Clock::time_point> oldest;
  if (!q.ready.empty()) oldest = q.ready.front().enqueued;
  for (const auto& [due, e] : q.delayed)
    if (!oldest || e.enqueued < *oldest) oldest = e.enqueued;
  d.oldest_age_seconds =
      oldest ? std::chrono::duration<double>(Clock::now() - *oldest).count() : 0.0;
  return d;
}

InProcBus::QueueStats InProcBus::stats(const std::string& queue) const {
  std::shared_lock lk(state_mu_);
  Queue& q = find(queue);
  std::lock_guard ql(q.mu);
  QueueStats s = q.counters;
  s.ready = q.ready.size() + q.delayed.size();
  s.unacked = q.unacked;
  return s;
}

std::vector<ports::StoredMessage> InProcBus::dead_letters(const std::string& queue) const {
  std::shared_lock lk(state_mu_);
  find(queue);  // throws for an unknown queue
  return store_.dead_letters(queue);
}

std::size_t InProcBus::dead_letter_count(const std::string& queue) {
  // Straight from the store: a queue nobody subscribed in this run may still have some.
  return store_.dead_letter_count(queue);
}

ports::DeadLetterReport InProcBus::report(const std::string& queue, std::size_t sample) {
  return store_.dead_letter_report(queue, sample);
}

std::size_t InProcBus::replay(const std::string& queue,
                              const std::optional<std::string>& event_id) {
  // Shared: excludes start()'s load of pending rows, so a replayed message is either loaded
  // by start() or appended here, never both.
  std::shared_lock lk(state_mu_);
  Queue& q = find(queue);
  if (!q.spec.durable)
    throw std::invalid_argument("inproc bus: queue " + queue + " is transient: no replay");
  auto moved = store_.requeue_dead_letters(queue, event_id);
  if (moved.empty() || !started_) return moved.size();
  {
    std::lock_guard ql(q.mu);
    for (auto& s : moved) q.ready.push_back(Entry{s.seq, std::move(s.message), 0});
  }
  q.cv.notify_one();
  spdlog::info("inproc bus: queue {}: {} dead letter(s) replayed", queue, moved.size());
  return moved.size();
}

std::size_t InProcBus::purge(const std::string& queue) {
  const auto n = store_.purge_dead_letters(queue);
  spdlog::info("inproc bus: queue {}: {} dead letter(s) purged", queue, n);
  return n;
}

std::uint64_t InProcBus::unroutable() const {
  return unroutable_.load();
}

void InProcBus::run(Queue& q) {
  const auto prefetch = static_cast<std::size_t>(q.spec.prefetch);
  std::vector<Entry> batch;
  batch.reserve(prefetch);
  for (;;) {
    batch.clear();
    {
      std::unique_lock lk(q.mu);
      for (;;) {
        if (q.stopping) return;
        if (!q.paused) {
          if (!q.ready.empty()) break;
          if (!q.delayed.empty()) {
            auto due = q.delayed.begin()->first;
            if (due <= Clock::now()) break;
            q.cv.wait_until(lk, due);
            continue;
          }
        }
        q.cv.wait(lk);
      }
      // Retries that are due go first: they were published before anything in `ready`.
      const auto now = Clock::now();
      while (batch.size() < prefetch && !q.delayed.empty() && q.delayed.begin()->first <= now) {
        batch.push_back(std::move(q.delayed.begin()->second));
        q.delayed.erase(q.delayed.begin());
      }
      while (batch.size() < prefetch && !q.ready.empty()) {
        batch.push_back(std::move(q.ready.front()));
        q.ready.pop_front();
      }
      q.unacked += batch.size();
    }
    process(q, batch);
  }
}

void InProcBus::settle(Queue& q, Entry& e, ports::Disposition disposition, const std::string& why,
                       std::vector<std::int64_t>& acks) {
  const int delivery_count = e.delivery_count + 1;
  switch (disposition) {
    case ports::Disposition::ack:
      acks.push_back(e.seq);
      break;
    case ports::Disposition::retry:
      if (delivery_count >= q.spec.max_deliveries)
        send_to_dead_letter(
            q, std::move(e),
            "gave up after " + std::to_string(delivery_count) + " deliveries; last: " + why);
      else
        schedule_retry(q, std::move(e), why);
      break;
    case ports::Disposition::dead_letter:
      send_to_dead_letter(q, std::move(e), "rejected by the consumer");
      break;
  }
}

void InProcBus::process(Queue& q, std::vector<Entry>& batch) {
  std::vector<ports::Delivery> deliveries;
  deliveries.reserve(batch.size());
  for (const Entry& e : batch)
    deliveries.push_back({q.spec.name, e.message.routing_key, e.message.event_id, e.message.body,
                          e.message.traceparent, e.delivery_count + 1});
  const auto outcome = messaging::consume_batch(q.consumer, deliveries);
  std::vector<std::int64_t> acks;
  acks.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i)
    settle(q, batch[i], outcome.dispositions[i], outcome.reason(i), acks);
  flush_acks(q, acks);
}

void InProcBus::flush_acks(Queue& q, std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return;
  if (q.spec.durable) {
    try {
      store_.ack(q.spec.name, seqs);
    } catch (const std::exception& ex) {
      // The handlers ran; the messages stay stored and come back after a restart, which
      // idempotent consumers absorb. Holding them here would not make the write succeed.
      spdlog::error("inproc bus: queue {}: writing {} ack(s) failed: {}", q.spec.name, seqs.size(),
                    ex.what());
    }
  }
  {
    std::lock_guard lk(q.mu);
    q.unacked -= seqs.size();
    q.counters.acked += seqs.size();
  }
  seqs.clear();
}

void InProcBus::schedule_retry(Queue& q, Entry entry, const std::string& why) {
  ++entry.delivery_count;
  if (q.spec.durable) {
    try {
      store_.count_delivery(q.spec.name, entry.seq);
    } catch (const std::exception& ex) {
      spdlog::error("inproc bus: queue {}: counting a delivery of seq {} failed: {}", q.spec.name,
                    entry.seq, ex.what());
    }
  }
  const auto delay = backoff(entry.delivery_count);
  spdlog::warn("inproc bus: queue {}: {} ({}) failed delivery {}/{}, retry in {} ms: {}",
               q.spec.name, entry.message.event_id, entry.message.routing_key, entry.delivery_count,
               q.spec.max_deliveries, delay.count(), why);
  std::lock_guard lk(q.mu);
  --q.unacked;
  ++q.counters.retried;
  // No notify: only this queue's worker reads `delayed`, and it is the caller.
  q.delayed.emplace(Clock::now() + delay, std::move(entry));
}

void InProcBus::send_to_dead_letter(Queue& q, Entry entry, const std::string& reason) {
  spdlog::warn("inproc bus: queue {}: {} ({}) dead-lettered: {}", q.spec.name,
               entry.message.event_id, entry.message.routing_key, reason);
  try {
    if (q.spec.durable) {
      // The stored count covers the failed deliveries before; the dead letter shows them all
      // (attempts), this last one included, as a transient queue's does.
      store_.count_delivery(q.spec.name, entry.seq);
      store_.dead_letter(q.spec.name, entry.seq, reason);
    } else {
      store_.keep_dead_letter(q.spec.name, entry.message, entry.delivery_count + 1, reason);
    }
  } catch (const std::exception& ex) {
    // A durable message is still pending in the store: it comes back after a restart with
    // its count nearly spent, so one more failure dead-letters it then. A transient one is
    // lost with this line, which names it.
    spdlog::error("inproc bus: queue {}: dead-lettering {} (seq {}) failed: {}", q.spec.name,
                  entry.message.event_id, entry.seq, ex.what());
  }
  std::lock_guard lk(q.mu);
  --q.unacked;
  ++q.counters.dead_lettered;
}

std::chrono::milliseconds InProcBus::backoff(int attempts) const {
  auto delay = options_.retry_backoff_initial;
  for (int i = 1; i < attempts && delay < options_.retry_backoff_max; ++i) delay *= 2;
  return std::min(delay, options_.retry_backoff_max);
}

}  // namespace st::adapters::inproc
