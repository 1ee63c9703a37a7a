#pragma once
// The webhooks service's own tables: the subscriptions (url, events, secret), the deliveries
// it owes each of them, and the ids of the events it has consumed (a redelivered event adds
// no second delivery).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.hpp"
#include "ports/paging.hpp"

namespace st::ports {

struct Webhook {
  std::int64_t id = 0;
  std::string url;
  std::vector<std::string> events;  // routing keys ("ticket.routed"), or "*" for all
  // Kept as given: the HMAC of every delivery needs the secret itself (a hash would not do).
  // It never leaves the service again: no response, log line or error body carries it.
  std::string secret;
  domain::Millis created_at = 0;
  domain::Millis updated_at = 0;
};

// Whether a webhook subscribed to `events` wants an event of `event_type`.
inline bool subscribes_to(const std::vector<std::string>& events, const std::string& event_type) {
  for (const auto& e : events)
    if (e == "*" || e == event_type) return true;
  return false;
}

enum class DeliveryState { pending, delivered, failed };

// The state's name, as the API shows it and the stores keep it.
inline std::string_view to_string(DeliveryState s) {
  switch (s) {
    case DeliveryState::pending:
      return "pending";
    case DeliveryState::delivered:
      return "delivered";
    case DeliveryState::failed:
      return "failed";
  }
  return "pending";
}

struct WebhookDelivery {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::string event_id;
  std::string event_type;
  DeliveryState state = DeliveryState::pending;
  int attempts = 0;
  std::optional<int> last_status;                 // the receiver's last HTTP status, if it answered
  std::optional<std::string> last_error;          // why the last attempt failed, if it did
  std::optional<domain::Millis> next_attempt_at;  // pending only
  domain::Millis created_at = 0;
  domain::Millis updated_at = 0;
};

// A delivery a worker took to attempt now, with what it needs to send it.
struct DueDelivery {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::string url;
  std::string secret;
  std::string event_id;
  std::string body;  // the event's JSON
  int attempts = 0;  // made before this one
};

// What one attempt came to: the delivery's new state (pending again with the time of its
// next attempt, delivered, or failed for good).
struct AttemptResult {
  std::int64_t id = 0;
  int attempts = 0;
  DeliveryState state = DeliveryState::pending;
  std::optional<int> status;
  std::optional<std::string> error;
  domain::Millis next_attempt_at = 0;  // pending only
  domain::Millis at = 0;
};

// One consumed event, as the webhooks see it.
struct WebhookEvent {
  std::string event_id;
  std::string event_type;  // its routing key
  std::string body;        // its JSON, sent as is
};

// Whether any of `webhooks` wants any of `events`. The stores record only batches someone
// listens to: an event nobody subscribes to has nothing to deliver and nothing a redelivery
// could duplicate, and every event of the pipeline passes the webhooks consumer.
inline bool anyone_subscribes(const std::vector<Webhook>& webhooks,
                              const std::vector<WebhookEvent>& events) {
  for (const auto& w : webhooks)
    for (const auto& e : events)
      if (subscribes_to(w.events, e.event_type)) return true;
  return false;
}

enum class ReplayOutcome { replayed, not_found, already_pending };

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // Stores a new webhook; returns it with its id and times.
  virtual Webhook create(const Webhook& webhook, domain::Millis now) = 0;
  virtual std::vector<Webhook> list() = 0;
  virtual std::optional<Webhook> find(std::int64_t id) = 0;
  // Replaces url, events and secret; false when there is no such webhook.
  virtual bool update(const Webhook& webhook, domain::Millis now) = 0;
  // Deletes the webhook and its deliveries; false when there is none.
  virtual bool remove(std::int64_t id) = 0;

  // In one transaction: records each event as consumed and adds a pending delivery (due
  // `now`) for every webhook subscribed to its type. One result per event: false when the
  // event was consumed before (a redelivery), which adds nothing. A batch no webhook
  // subscribes to (anyone_subscribes) is not written at all: a read, no turn at the writer.
  virtual std::vector<bool> record_events(const std::vector<WebhookEvent>& events,
                                          domain::Millis now) = 0;
  // Takes up to `limit` pending deliveries due by `now`, oldest due first, and leases them
  // until `lease_until` (their next_attempt_at): a worker that dies mid-attempt leaves them
  // to be taken again then. Several workers (processes) never take one delivery at once.
  virtual std::vector<DueDelivery> claim_due(domain::Millis now, domain::Millis lease_until,
                                             std::size_t limit) = 0;
  virtual void record_attempt(const AttemptResult& result) = 0;
  // The earliest next_attempt_at of the pending deliveries, if any (the worker's next wake).
  virtual std::optional<domain::Millis> next_due() = 0;

  // A webhook's deliveries, newest first; a page starts after (below) `page.after_id`.
  virtual Page<WebhookDelivery> deliveries(std::int64_t webhook_id, const PageRequest& page) = 0;
  // Makes a delivered or failed delivery pending again, due `now`, with a fresh allowance of
  // attempts.
  virtual ReplayOutcome replay(std::int64_t webhook_id, std::int64_t delivery_id,
                               domain::Millis now) = 0;
  // Deliveries given up on (state failed), in all.
  virtual std::size_t failed_count() = 0;
};

}  // namespace st::ports
