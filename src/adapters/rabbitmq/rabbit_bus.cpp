#include "adapters/rabbitmq/rabbit_bus.hpp"

#include <amqp_framing.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

#include "adapters/rabbitmq/message_codec.hpp"
#include "adapters/rabbitmq/topology.hpp"
#include "ports/unavailable.hpp"

namespace st::adapters::rabbitmq {
namespace {

// basic.qos carries the prefetch in 16 bits.
constexpr int kMaxPrefetch = 65535;

std::string default_instance_id() {
  char host[64] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, 8, "host");
  std::random_device rd;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", rd());
  return std::string(host) + "-" + std::to_string(getpid()) + "-" + suffix;
}

}  // namespace

void check_queue_spec(const ports::QueueSpec& spec) {
  if (spec.name.empty()) throw std::invalid_argument("queue name must not be empty");
  if (spec.bindings.empty())
    throw std::invalid_argument("queue " + spec.name + ": needs at least one binding");
  if (spec.max_deliveries < 1 || spec.prefetch < 1 || spec.prefetch > kMaxPrefetch)
    throw std::invalid_argument("queue " + spec.name +
                                ": max_deliveries must be >= 1 and prefetch from 1 to 65535");
}

RabbitBus::RabbitBus(Options options)
    : options_(std::move(options)), address_(BrokerAddress::parse(options_.url)) {
  if (options_.instance_id.empty()) options_.instance_id = default_instance_id();
}

RabbitBus::~RabbitBus() {
  stop();
}

void RabbitBus::subscribe(const ports::QueueSpec& spec, ports::BatchConsumer consumer) {
  if (!consumer) throw std::invalid_argument("queue " + spec.name + ": consumer is empty");
  check_queue_spec(spec);
  std::lock_guard life(lifecycle_mu_);
  // As with the in-process bus: the set of queues is fixed once started.
  if (started_ || stopped_)
    throw std::logic_error("queue " + spec.name + ": subscribe() must precede start()");
  for (const auto& c : consumers_)
    if (c->spec().name == spec.name)
      throw std::invalid_argument("queue " + spec.name + " is already subscribed");
  consumers_.push_back(
      std::make_unique<QueueConsumer>(address_, options_, spec, std::move(consumer)));
  if (spec.durable) {
    std::lock_guard lk(specs_mu_);
    durable_specs_.push_back(spec);
  }
}

void RabbitBus::declare(const ports::QueueSpec& spec) {
  check_queue_spec(spec);
  if (!spec.durable)
    throw std::invalid_argument("queue " + spec.name +
                                ": only durable queues can be declared without a consumer");
  {
    std::lock_guard lk(specs_mu_);
    durable_specs_.push_back(spec);
  }
  // A connected publisher declares it when it next connects: make that now.
  std::lock_guard pub(publish_mu_);
  drop_publisher();
}

void RabbitBus::start() {
  std::lock_guard life(lifecycle_mu_);
  if (stopped_) throw std::logic_error("rabbitmq bus: start() after stop()");
  if (started_) return;
  started_ = true;
  if (!probe().ok)
    spdlog::warn("rabbitmq: broker at {} not reachable at start; consumers keep trying",
                 address_.redacted());
  for (auto& c : consumers_) c->start();
  spdlog::info("rabbitmq: bus started on {}, {} queue(s)", address_.redacted(), consumers_.size());
}

void RabbitBus::stop() {
  std::lock_guard life(lifecycle_mu_);
  if (stopped_) return;
  stopped_ = true;
  // All at once, so the bound is that of the slowest consumer, not their sum.
  for (auto& c : consumers_) c->request_stop();
  for (auto& c : consumers_) c->join();
  {
    std::lock_guard pub(publish_mu_);
    drop_publisher();
  }
  if (started_) spdlog::info("rabbitmq: bus stopped");
}

const QueueConsumer& RabbitBus::find(const std::string& queue) const {
  for (const auto& c : consumers_)
    if (c->spec().name == queue) return *c;
  throw std::invalid_argument("rabbitmq bus: no consumer for queue " + queue);
}

bool RabbitBus::consuming(const std::string& queue) const {
  return find(queue).consuming();
}

std::uint64_t RabbitBus::reconnects(const std::string& queue) const {
  return find(queue).reconnects();
}

// --- publishing --------------------------------------------------------------------------

void RabbitBus::drop_publisher() {
  // A broken connection is destroyed without the closing handshake (it cannot answer).
  publisher_.reset();
  published_ = 0;
}

AmqpConnection& RabbitBus::publisher() {
  if (publisher_ && !publisher_->broken()) return *publisher_;
  drop_publisher();
  // No heartbeats: between publishes nobody would answer them, and the broker would then
  // close an idle publisher. A dead broker shows at the next publish instead (socket error
  // or no confirm within confirm_timeout).
  auto c = std::make_unique<AmqpConnection>(
      address_, AmqpConnection::Settings{options_.connect_timeout, 0}, "publisher");
  amqp_confirm_select(c->state(), AmqpConnection::kChannel);
  c->check(amqp_get_rpc_reply(c->state()), "confirm.select");
  declare_exchanges(*c, options_.exchanges);
  std::vector<ports::QueueSpec> specs;
  {
    std::lock_guard lk(specs_mu_);
    specs = durable_specs_;
  }
  for (const auto& spec : specs) declare_durable_queue(*c, options_.exchanges, spec);
  publisher_ = std::move(c);
  return *publisher_;
}

template <class F>
auto RabbitBus::with_publisher(F&& f) -> decltype(f(std::declval<AmqpConnection&>())) {
  std::lock_guard lk(publish_mu_);
  try {
    return f(publisher());
  } catch (const BrokerRefused&) {
    drop_publisher();  // the channel is gone with the refusal
    throw;
  } catch (const ports::Unavailable&) {
    drop_publisher();
    throw;
  }
}

void RabbitBus::publish(const std::vector<ports::OutgoingMessage>& batch) {
  if (batch.empty()) return;
  std::lock_guard lk(publish_mu_);
  // A connection that sat idle may have died unnoticed: one failure on it earns one fresh
  // connection before the caller hears of an outage. (What the first attempt got through is
  // published twice; consumers drop duplicates by event id.)
  const bool reused = publisher_ && !publisher_->broken();
  for (int attempt = 1;; ++attempt) {
    try {
      publish_once(batch);
      return;
    } catch (const ports::Unavailable& ex) {
      drop_publisher();
      if (!reused || attempt == 2) throw;
      spdlog::info("rabbitmq: publisher connection lost ({}); reconnecting", ex.what());
    } catch (const BrokerRefused& ex) {
      drop_publisher();
      // The relay keeps its rows on any failure; to the caller this is the broker not
      // taking messages right now.
      throw ports::Unavailable(ex.what());
    }
  }
}

void RabbitBus::publish_once(const std::vector<ports::OutgoingMessage>& batch) {
  AmqpConnection& c = publisher();
  const std::uint64_t first = published_ + 1;
  for (const auto& m : batch) {
    const PublishProperties props(m);
    c.check_status(
        amqp_basic_publish(c.state(), AmqpConnection::kChannel, bytes_of(options_.exchanges.events),
                           bytes_of(m.routing_key), /*mandatory=*/0, /*immediate=*/0, props.get(),
                           bytes_of(m.body)),
        "basic.publish");
    ++published_;
  }
  await_confirms(c, first, published_);
}

void RabbitBus::await_confirms(AmqpConnection& c, std::uint64_t first, std::uint64_t last) {
  const auto confirms = c.await_confirms(first, last, options_.confirm_timeout);
  if (confirms.unconfirmed > 0)
    throw ports::Unavailable("RabbitMQ publisher at " + address_.redacted() + ": " +
                             std::to_string(confirms.unconfirmed) + " message(s) not confirmed " +
                             "within " + std::to_string(options_.confirm_timeout.count()) + " ms");
  if (confirms.refused > 0)
    throw ports::Unavailable("RabbitMQ publisher at " + address_.redacted() + ": the broker " +
                             "refused " + std::to_string(confirms.refused) + " of " +
                             std::to_string(last - first + 1) + " message(s)");
}

// --- inspection --------------------------------------------------------------------------

ports::Probe RabbitBus::probe() noexcept {
  try {
    with_publisher([](AmqpConnection&) { return 0; });
    return {};
  } catch (const std::exception& ex) {
    spdlog::debug("rabbitmq: broker not reachable: {}", ex.what());
    return {false, ex.what()};
  } catch (...) {
    return {false, "unknown error"};
  }
}

std::size_t RabbitBus::ready_count(const std::string& queue) {
  return with_publisher([&](AmqpConnection& c) { return c.ready_count(queue); });
}

std::optional<ports::EventBus::QueueDepth> RabbitBus::queue_depth(const std::string& queue) {
  const auto ready = ready_count(queue);
  return QueueDepth{
      .messages = ready,
      .oldest_age_seconds = wait_estimate_.observe(queue, ready, QueueWaitEstimate::Clock::now())};
}

std::size_t RabbitBus::dead_letter_count(const std::string& queue) {
  return ready_count(dead_letter_queue(queue));
}

std::vector<ports::Delivery> RabbitBus::take_dead_letters(const std::string& queue,
                                                          std::size_t max) {
  const auto dlq = dead_letter_queue(queue);
  return with_publisher([&](AmqpConnection& c) {
    std::vector<ports::Delivery> out;
    while (out.size() < max) {
      auto reply = amqp_basic_get(c.state(), AmqpConnection::kChannel, bytes_of(dlq), 0);
      c.check(reply, "basic.get " + dlq);
      if (reply.reply.id != AMQP_BASIC_GET_OK_METHOD) break;  // get-empty
      const auto* ok = static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded);
      // `ok` lives in the connection's buffers, which reading the message may reuse.
      const auto tag = ok->delivery_tag;
      const bool redelivered = ok->redelivered != 0;
      const auto routing_key = string_of(ok->routing_key);
      amqp_message_t message{};
      c.check(amqp_read_message(c.state(), AmqpConnection::kChannel, &message, 0),
              "reading a message of " + dlq);
      auto r = decode(message, bytes_of(routing_key), tag, redelivered, queue);
      amqp_destroy_message(&message);
      c.check_status(amqp_basic_ack(c.state(), AmqpConnection::kChannel, tag, 0), "basic.ack");
      if (r.returns) r.delivery.delivery_count = *r.returns + 1;
      out.push_back(std::move(r.delivery));
      amqp_maybe_release_buffers(c.state());
    }
    return out;
  });
}

}  // namespace st::adapters::rabbitmq
