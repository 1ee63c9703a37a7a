#include "messaging/outbox_relay.hpp"
#include "util/thread_name.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

namespace st::messaging {

OutboxRelay::OutboxRelay(ports::Outbox& outbox, ports::EventBus& bus)
    : OutboxRelay(outbox, bus, Options{}) {}

OutboxRelay::OutboxRelay(ports::Outbox& outbox, ports::EventBus& bus, Options options)
    : outbox_(outbox),
      bus_(bus),
      options_(std::move(options)),
      signal_(std::make_shared<Signal>()) {
  if (options_.batch_size == 0) throw std::invalid_argument("outbox relay: batch_size must be > 0");
}

OutboxRelay::~OutboxRelay() {
  stop();
}

void OutboxRelay::start() {
  std::lock_guard life(lifecycle_mu_);
  if (stopped_) throw std::logic_error("outbox relay: start() after stop()");
  if (started_) return;
  std::weak_ptr<Signal> weak = signal_;
  outbox_.set_listener([weak] {
    if (auto sig = weak.lock()) {
      {
        std::lock_guard lk(sig->mu);
        sig->pending = true;
      }
      sig->cv.notify_one();
    }
  });
  started_ = true;
  // Rows left by a previous run are relayed at once rather than at the first poll.
  {
    std::lock_guard lk(signal_->mu);  // the listener may already be firing
    signal_->pending = true;
  }
  thread_ = std::thread([this] {
    name_this_thread("relay:" + options_.name);
    run();
  });
}

void OutboxRelay::stop() {
  std::lock_guard life(lifecycle_mu_);
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  {
    std::lock_guard lk(signal_->mu);
    signal_->stopping = true;
  }
  signal_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::wake() {
  {
    std::lock_guard lk(signal_->mu);
    signal_->pending = true;
  }
  signal_->cv.notify_one();
}

void OutboxRelay::publish(const std::vector<ports::OutboxMessage>& batch) {
  std::vector<ports::OutgoingMessage> out;
  out.reserve(batch.size());
  // The outbox row carries no traceparent yet, so the bus message has none.
  for (const auto& m : batch) out.push_back({m.routing_key, m.event_id, m.body, {}});
  bus_.publish(out);
}

std::optional<std::size_t> OutboxRelay::relay_once(std::string& error) {
  try {
    const auto n =
        outbox_.relay(options_.batch_size, [this](const auto& batch) { publish(batch); });
    relayed_ += n;
    return n;
  } catch (const std::exception& ex) {
    ++failures_;
    error = ex.what();
    return std::nullopt;
  }
}

bool OutboxRelay::drain_pass() {
  for (;;) {
    std::string error;
    const auto n = relay_once(error);
    if (!n) {
      ++failure_streak_;
      spdlog::warn("outbox relay {}: publish failed (attempt {}), rows kept for retry: {}",
                   options_.name, failure_streak_, error);
      return false;
    }
    if (failure_streak_ > 0) {
      spdlog::info("outbox relay {}: publishing again after {} failed attempt(s)", options_.name,
                   failure_streak_);
      failure_streak_ = 0;
    }
    // A short batch means the outbox was empty when claimed; a full one means there may be
    // more, unless another relay took them.
    if (*n < options_.batch_size || stopping_) return true;
  }
}

std::chrono::milliseconds OutboxRelay::next_backoff(std::chrono::milliseconds current) const {
  return std::min(current * 2, options_.retry_backoff_max);
}

void OutboxRelay::run() {
  auto& sig = *signal_;
  auto backoff = options_.retry_backoff_initial;
  bool retrying = false;
  std::unique_lock lk(sig.mu);
  for (;;) {
    // After a failure the backoff has been waited already: the rows are still there, so go
    // again without waiting for an append or the next poll.
    if (!retrying)
      sig.cv.wait_for(lk, options_.poll_interval, [&] { return sig.stopping || sig.pending; });
    if (sig.stopping) break;
    sig.pending = false;
    lk.unlock();
    const bool ok = drain_pass();
    lk.lock();
    retrying = !ok;
    if (ok) {
      backoff = options_.retry_backoff_initial;
      continue;
    }
    // Appends during the backoff must not cut it short, or a down bus would be hammered
    // at the rate tickets arrive.
    sig.cv.wait_for(lk, backoff, [&] { return sig.stopping; });
    backoff = next_backoff(backoff);
  }
  lk.unlock();
  final_drain();
}

void OutboxRelay::final_drain() {
  const auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  auto backoff = options_.retry_backoff_initial;
  for (;;) {
    std::string error;
    const auto n = relay_once(error);
    if (!n) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) {
        spdlog::warn(
            "outbox relay {}: stopping with rows still in the outbox (publish failing: {}); "
            "they are relayed on the next start",
            options_.name, error);
        return;
      }
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(backoff, left));
      backoff = next_backoff(backoff);
      continue;
    }
    if (*n < options_.batch_size) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      spdlog::warn(
          "outbox relay {}: drain timeout reached with rows still in the outbox; they are "
          "relayed on the next start",
          options_.name);
      return;
    }
  }
}

}  // namespace st::messaging
