#pragma once
// The webhooks service: admins subscribe URLs to ticket events; every consumed event becomes
// one pending delivery per subscribed webhook (recorded with the event's id, so a redelivered
// event adds nothing), which the DeliveryWorker sends later, off the pipeline's path.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "ports/webhook_store.hpp"
#include "ports/webhook_transport.hpp"

namespace st::services::webhooks {

struct WebhookSettings {
  // Loopback and private receivers (webhook_allow_private); link-local and metadata
  // addresses are refused whatever this says.
  bool allow_private = false;
  std::chrono::milliseconds timeout{5000};  // one attempt, connect included
  int max_attempts = 5;                     // then the delivery is kept as failed
  // The wait after the first failed attempt, doubled after each further one (1 s, 2 s, 4 s…),
  // at most retry_max.
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_max{std::chrono::hours(1)};
};

// How long to wait after `attempts` failed attempts: retry_base · 2^(attempts−1), capped.
std::chrono::milliseconds backoff_after(int attempts, const WebhookSettings& settings);

// What a create or an update names; unset fields keep their value (an update) or are
// missing (a create: 400).
struct WebhookInput {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<std::string> secret;
};

class WebhooksService {
 public:
  WebhooksService(ports::WebhookStore& store, ports::WebhookTransport& transport,
                  const ports::Clock& clock, WebhookSettings settings);

  // Validates (http::ApiError 400 naming the field) and stores. Resolves the URL's host name,
  // so these block for as long as DNS takes.
  ports::Webhook create(const WebhookInput& input);
  ports::Webhook update(std::int64_t id, const WebhookInput& input);
  std::vector<ports::Webhook> list() { return store_.list(); }
  ports::Webhook get(std::int64_t id);  // ApiError 404 when there is none
  void remove(std::int64_t id);
  ports::Page<ports::WebhookDelivery> deliveries(std::int64_t id, const ports::PageRequest& page);
  // 404 for an unknown webhook or delivery, 409 for one still pending.
  void replay(std::int64_t id, std::int64_t delivery_id);

  // Consumer of ticket.# (its own queue): one transaction per batch. A batch no webhook
  // subscribes to (by the deliveries' routing keys) is acked whole, unparsed, after one
  // read of the subscriptions; otherwise each event is decoded (a malformed one is
  // dead-lettered) and recorded.
  std::vector<ports::Disposition> on_events(const std::vector<ports::Delivery>& batch);

  // nullopt when a delivery may connect to `address` now (the transport asks, per address
  // the URL's host resolves to at delivery time).
  std::optional<std::string> address_refusal(const std::string& address) const;

  // Called (from any thread) when deliveries may have become due: the worker wakes.
  void on_new_deliveries(std::function<void()> wake) { wake_ = std::move(wake); }

  ports::WebhookStore& store() { return store_; }
  ports::WebhookTransport& transport() { return transport_; }
  const ports::Clock& clock() const { return clock_; }
  const WebhookSettings& settings() const { return settings_; }

 private:
  // The validated webhook: `base` with the input applied.
  ports::Webhook validated(ports::Webhook base, const WebhookInput& input);
  void check_url(const std::string& url);
  // Whether any webhook, as stored now, wants any delivery of `batch`.
  bool anyone_subscribes_to(const std::vector<ports::Delivery>& batch);
  void wake() {
    if (wake_) wake_();
  }

  ports::WebhookStore& store_;
  ports::WebhookTransport& transport_;
  const ports::Clock& clock_;
  const WebhookSettings settings_;
  std::function<void()> wake_;
};

}  // namespace st::services::webhooks
