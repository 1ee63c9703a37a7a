#include "adapters/rabbitmq/queue_consumer.hpp"

#include <amqp_framing.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

#include "adapters/rabbitmq/topology.hpp"
#include "messaging/consume_batch.hpp"
#include "util/thread_name.hpp"

namespace st::adapters::rabbitmq {
namespace {

using std::chrono::milliseconds;

// Guards the transient failure counts against ids that never come back.
constexpr std::size_t kMaxTrackedFailures = 10'000;

}  // namespace

QueueConsumer::QueueConsumer(BrokerAddress address, const RabbitOptions& options,
                             ports::QueueSpec spec, ports::BatchConsumer consumer)
    : address_(std::move(address)),
      options_(options),
      spec_(std::move(spec)),
      consumer_(std::move(consumer)),
      amqp_name_(spec_.durable ? spec_.name : spec_.name + "." + options.instance_id),
      backoff_(options.reconnect_backoff_initial) {}

QueueConsumer::~QueueConsumer() {
  request_stop();
  join();
}

void QueueConsumer::start() {
  thread_ = std::thread([this] {
    name_this_thread("rmq:" + spec_.name);
    run();
  });
}

void QueueConsumer::request_stop() {
  {
    std::lock_guard lk(mu_);
    stop_requested_ = true;
  }
  cv_.notify_all();
}

void QueueConsumer::join() {
  if (thread_.joinable()) thread_.join();
}

bool QueueConsumer::stopping() const {
  std::lock_guard lk(mu_);
  return stop_requested_;
}

void QueueConsumer::sleep_unless_stopped(milliseconds d) {
  std::unique_lock lk(mu_);
  cv_.wait_for(lk, d, [this] { return stop_requested_; });
}

void QueueConsumer::run() {
  while (!stopping()) {
    try {
      open_and_consume();
      return;  // stopped
    } catch (const std::exception& ex) {
      consuming_ = false;
      // Held deliveries went back to the queue with the connection.
      held_.clear();
      ++failures_;
      spdlog::warn("rabbitmq: queue {}: {} (attempt {}); reconnecting in {} ms", spec_.name,
                   ex.what(), failures_, backoff_.count());
      sleep_unless_stopped(backoff_);
      backoff_ = std::min(backoff_ * 2, options_.reconnect_backoff_max);
    }
  }
}

void QueueConsumer::open_and_consume() {
  AmqpConnection c(address_, {options_.connect_timeout, options_.heartbeat_seconds},
                   "consumer of " + spec_.name);
  declare_exchanges(c, options_.exchanges);
  if (spec_.durable)
    declare_durable_queue(c, options_.exchanges, spec_);
  else
    declare_transient_queue(c, options_.exchanges, spec_, amqp_name_);
  amqp_basic_qos(c.state(), AmqpConnection::kChannel, 0, static_cast<std::uint16_t>(spec_.prefetch),
                 0);
  c.check(amqp_get_rpc_reply(c.state()), "basic.qos");
  amqp_basic_consume(c.state(), AmqpConnection::kChannel, bytes_of(amqp_name_), amqp_empty_bytes, 0,
                     /*no_ack=*/0, /*exclusive=*/0, amqp_empty_table);
  c.check(amqp_get_rpc_reply(c.state()), "basic.consume " + amqp_name_);
  consuming_ = true;
  if (failures_ > 0) {
    ++reconnects_;
    spdlog::info("rabbitmq: queue {}: consuming again after {} failed attempt(s)", spec_.name,
                 failures_);
  } else {
    spdlog::debug("rabbitmq: queue {}: consuming", spec_.name);
  }
  failures_ = 0;
  backoff_ = options_.reconnect_backoff_initial;

  consume(c);

  // Stopping: hand the held retries back now rather than when the connection closes, so
  // they count as the failed attempts they were.
  release_held(c, /*all=*/true);
  consuming_ = false;
}

void QueueConsumer::consume(AmqpConnection& c) {
  const auto prefetch = static_cast<std::size_t>(spec_.prefetch);
  std::vector<Received> batch;
  while (!stopping()) {
    release_held(c, /*all=*/false);
    auto timeout = options_.poll_interval;
    if (!held_.empty()) {
      const auto due = std::min_element(held_.begin(), held_.end(), [](auto& a, auto& b) {
                         return a.due < b.due;
                       })->due;
      timeout = std::clamp(std::chrono::duration_cast<milliseconds>(due - Clock::now()),
                           milliseconds(0), timeout);
    }
    auto first = next(c, timeout);
    if (!first) continue;
    batch.clear();
    batch.push_back(std::move(*first));
    // Take what has already arrived (the broker pushes up to `prefetch` unacked), waiting
    // only a moment for more: a batch is an opportunity, not a reason for delay.
    const auto deadline = Clock::now() + options_.batch_linger;
    while (batch.size() < prefetch) {
      const auto left = std::max(milliseconds(0),
                                 std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
      auto more = next(c, left);
      if (!more) break;
      batch.push_back(std::move(*more));
    }
    handle_batch(c, batch);
  }
}

std::optional<Received> QueueConsumer::next(AmqpConnection& c, milliseconds timeout) {
  amqp_maybe_release_buffers(c.state());
  amqp_envelope_t envelope{};
  timeval tv = to_timeval(timeout);
  const auto reply = amqp_consume_message(c.state(), &envelope, &tv, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    auto r = decode(envelope.message, envelope.routing_key, envelope.delivery_tag,
                    envelope.redelivered != 0, spec_.name);
    amqp_destroy_envelope(&envelope);
    r.delivery.delivery_count = delivery_count(r);
    return r;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
      reply.library_error == AMQP_STATUS_TIMEOUT)
    return std::nullopt;
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
      reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // Something other than a delivery arrived; it waits in the library's frame queue.
    auto frame = c.wait_frame(milliseconds(0));
    if (frame) {
      c.check_not_closing(*frame, "consuming " + amqp_name_);
      if (frame->frame_type == AMQP_FRAME_METHOD &&
          frame->payload.method.id == AMQP_BASIC_CANCEL_METHOD)
        throw BrokerRefused("the broker cancelled the consumer of " + amqp_name_ +
                            " (queue deleted?)");
    }
    return std::nullopt;
  }
  c.check(reply, "consuming " + amqp_name_);
  return std::nullopt;  // not reached: check() throws for anything but a normal reply
}

int QueueConsumer::delivery_count(const Received& r) {
  if (spec_.durable) return r.returns ? *r.returns + 1 : 1;
  if (!r.redelivered) return 1;
  auto it = transient_failures_.find(r.delivery.event_id);
  return it == transient_failures_.end() ? 1 : it->second + 1;
}

void QueueConsumer::handle_batch(AmqpConnection& c, std::vector<Received>& batch) {
  std::vector<ports::Delivery> deliveries;
  deliveries.reserve(batch.size());
  for (const auto& r : batch) deliveries.push_back(r.delivery);
  const auto outcome = messaging::consume_batch(consumer_, deliveries);
  for (std::size_t i = 0; i < batch.size(); ++i)
    settle(c, batch[i], outcome.dispositions[i], outcome.reason(i));
}

void QueueConsumer::settle(AmqpConnection& c, const Received& r, ports::Disposition disposition,
                           const std::string& why) {
  const auto& d = r.delivery;
  const auto forget = [&] {
    if (!spec_.durable) transient_failures_.erase(d.event_id);
  };
  switch (disposition) {
    case ports::Disposition::ack:
      c.check_status(amqp_basic_ack(c.state(), AmqpConnection::kChannel, r.tag, 0), "basic.ack");
      forget();
      return;
    case ports::Disposition::dead_letter:
      spdlog::warn("rabbitmq: queue {}: {} ({}) dead-lettered: rejected by the consumer",
                   spec_.name, d.event_id, d.routing_key);
      c.check_status(amqp_basic_reject(c.state(), AmqpConnection::kChannel, r.tag, 0),
                     "basic.reject");
      forget();
      return;
    case ports::Disposition::retry:
      break;
  }
  if (d.delivery_count >= spec_.max_deliveries) {
    // Rejected rather than returned, so it does not depend on the broker's own count.
    spdlog::warn("rabbitmq: queue {}: {} ({}) dead-lettered: gave up after {} deliveries; last: {}",
                 spec_.name, d.event_id, d.routing_key, d.delivery_count, why);
    c.check_status(amqp_basic_reject(c.state(), AmqpConnection::kChannel, r.tag, 0),
                   "basic.reject");
    forget();
    return;
  }
  if (!spec_.durable) {
    if (transient_failures_.size() >= kMaxTrackedFailures) transient_failures_.clear();
    transient_failures_[d.event_id] = d.delivery_count;
  }
  const auto delay = retry_backoff(d.delivery_count);
  spdlog::warn("rabbitmq: queue {}: {} ({}) failed delivery {}/{}, retry in {} ms: {}", spec_.name,
               d.event_id, d.routing_key, d.delivery_count, spec_.max_deliveries, delay.count(),
               why);
  held_.push_back({Clock::now() + delay, r.tag});
}

void QueueConsumer::release_held(AmqpConnection& c, bool all) {
  if (held_.empty()) return;
  const auto now = Clock::now();
  auto due = std::stable_partition(held_.begin(), held_.end(),
                                   [&](const Held& h) { return !all && h.due > now; });
  for (auto it = due; it != held_.end(); ++it)
    c.check_status(amqp_basic_nack(c.state(), AmqpConnection::kChannel, it->tag, 0, /*requeue=*/1),
                   "basic.nack");
  held_.erase(due, held_.end());
}

milliseconds QueueConsumer::retry_backoff(int delivery_count) const {
  auto delay = options_.retry_backoff_initial;
  for (int i = 1; i < delivery_count && delay < options_.retry_backoff_max; ++i) delay *= 2;
  return std::min(delay, options_.retry_backoff_max);
}

}  // namespace st::adapters::rabbitmq
