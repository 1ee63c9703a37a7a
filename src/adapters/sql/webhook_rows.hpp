#pragma once
// Rows of the webhook tables, read the same way by both adapters (`Row` is sqlite::Query or
// postgres::RowReader): the columns of kWebhookColumns and kDeliveryColumns, in order.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ports/webhook_store.hpp"

namespace st::adapters::sql {

#define ST_WEBHOOK_COLUMNS "id, url, events, secret, created_at, updated_at"
#define ST_DELIVERY_COLUMNS                                                          \
  "id, webhook_id, event_id, event_type, state, attempts, last_status, last_error, " \
  "next_attempt_at, created_at, updated_at"

inline std::string_view delivery_state_text(ports::DeliveryState s) {
  return ports::to_string(s);
}

inline ports::DeliveryState delivery_state_of(const std::string& s) {
  if (s == "delivered") return ports::DeliveryState::delivered;
  if (s == "failed") return ports::DeliveryState::failed;
  return ports::DeliveryState::pending;
}

// events are stored as a JSON array of strings.
inline std::string events_text(const std::vector<std::string>& events) {
  return nlohmann::json(events).dump();
}

template <class Row>
ports::Webhook webhook_from_row(const Row& q) {
  ports::Webhook w;
  w.id = q.int64(0);
  w.url = q.text(1);
  const auto events = nlohmann::json::parse(q.text(2), nullptr, false);
  if (events.is_array())
    for (const auto& e : events)
      if (e.is_string()) w.events.push_back(e.template get<std::string>());
  w.secret = q.text(3);
  w.created_at = q.int64(4);
  w.updated_at = q.int64(5);
  return w;
}

template <class Row>
ports::WebhookDelivery delivery_from_row(const Row& q) {
  ports::WebhookDelivery d;
  d.id = q.int64(0);
  d.webhook_id = q.int64(1);
  d.event_id = q.text(2);
  d.event_type = q.text(3);
  d.state = delivery_state_of(q.text(4));
  d.attempts = q.int32(5);
  d.last_status = q.opt_int32(6);
  d.last_error = q.opt_text(7);
  if (d.state == ports::DeliveryState::pending) d.next_attempt_at = q.opt_int64(8);
  d.created_at = q.int64(9);
  d.updated_at = q.int64(10);
  return d;
}

}  // namespace st::adapters::sql
