#include "services/webhooks/webhooks_service.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"
#include "http/api_error.hpp"
#include "ports/unavailable.hpp"
#include "services/webhooks/webhook_url.hpp"

namespace st::services::webhooks {

using http::ApiError;

namespace {

constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::size_t kMinSecretLength = 16;
constexpr std::size_t kMaxSecretLength = 512;
constexpr std::size_t kMaxEvents = 32;

void check_events(const std::vector<std::string>& events) {
  if (events.empty() || events.size() > kMaxEvents)
    throw ApiError::bad_request("events must list 1 to 32 event types", "events");
  for (const auto& e : events)
    if (e != "*" && !domain::parse_event_type(e))
      throw ApiError::bad_request(
          "events: unknown event type '" + e.substr(0, 100) +
              "' (ticket.created, ticket.categorized, ticket.routed, ticket.status.updated, "
              "ticket.department.updated, ticket.priority.updated, ticket.assigned, "
              "ticket.commented, ticket.reviewed, ticket.sla.met, ticket.sla.breached, or *)",
          "events");
}

void check_secret(const std::string& secret) {
  // The message never repeats the secret.
  if (secret.size() < kMinSecretLength || secret.size() > kMaxSecretLength)
    throw ApiError::bad_request("secret must be 16 to 512 characters", "secret");
}

}  // namespace

std::chrono::milliseconds backoff_after(int attempts, const WebhookSettings& settings) {
  auto wait = settings.retry_base;
  for (int i = 1; i < attempts && wait < settings.retry_max; ++i) wait *= 2;
  return std::min(wait, settings.retry_max);
}

WebhooksService::WebhooksService(ports::WebhookStore& store, ports::WebhookTransport& transport,
                                 const ports::Clock& clock, WebhookSettings settings)
    : store_(store), transport_(transport), clock_(clock), settings_(settings) {}

std::optional<std::string> WebhooksService::address_refusal(const std::string& address) const {
  return webhooks::address_refusal(address, settings_.allow_private);
}

void WebhooksService::check_url(const std::string& url) {
  if (url.size() > kMaxUrlLength)
    throw ApiError::bad_request("url must be at most 2048 characters", "url");
  std::string why;
  const auto parsed = parse_webhook_url(url, &why);
  if (!parsed) throw ApiError::bad_request(why, "url");
  if (classify_address(parsed->host) != AddressKind::not_an_address) {
    if (auto refusal = address_refusal(parsed->host)) throw ApiError::bad_request(*refusal, "url");
    return;
  }
  if (auto refusal = host_name_refusal(parsed->host, settings_.allow_private))
    throw ApiError::bad_request(*refusal, "url");
  // The name as it resolves now; deliveries check it again each time they connect.
  const auto addresses = transport_.resolve(parsed->host);
  if (addresses.empty())
    throw ApiError::bad_request("url: the host " + parsed->host + " does not resolve", "url");
  for (const auto& a : addresses)
    if (auto refusal = address_refusal(a))
      throw ApiError::bad_request("url: " + parsed->host + " resolves to " + *refusal, "url");
}

ports::Webhook WebhooksService::validated(ports::Webhook base, const WebhookInput& input) {
  if (input.url) {
    check_url(*input.url);
    base.url = *input.url;
  }
  if (input.events) {
    check_events(*input.events);
    base.events = *input.events;
  }
  if (input.secret) {
    check_secret(*input.secret);
    base.secret = *input.secret;
  }
  return base;
}

ports::Webhook WebhooksService::create(const WebhookInput& input) {
  if (!input.url) throw ApiError::bad_request("url is required", "url");
  if (!input.events) throw ApiError::bad_request("events is required", "events");
  if (!input.secret) throw ApiError::bad_request("secret is required", "secret");
  const auto webhook = validated({}, input);
  auto created = store_.create(webhook, clock_.now());
  spdlog::info("webhooks: webhook {} created", created.id);
  return created;
}

ports::Webhook WebhooksService::update(std::int64_t id, const WebhookInput& input) {
  const auto webhook = validated(get(id), input);
  if (!store_.update(webhook, clock_.now())) throw ApiError::not_found("Webhook not found");
  spdlog::info("webhooks: webhook {} updated", id);
  return get(id);
}

ports::Webhook WebhooksService::get(std::int64_t id) {
  auto webhook = store_.find(id);
  if (!webhook) throw ApiError::not_found("Webhook not found");
  return *webhook;
}

void WebhooksService::remove(std::int64_t id) {
  if (!store_.remove(id)) throw ApiError::not_found("Webhook not found");
  spdlog::info("webhooks: webhook {} deleted", id);
}

ports::Page<ports::WebhookDelivery> WebhooksService::deliveries(std::int64_t id,
                                                                const ports::PageRequest& page) {
  get(id);  // 404 for an unknown webhook rather than an empty list
  return store_.deliveries(id, page);
}

void WebhooksService::replay(std::int64_t id, std::int64_t delivery_id) {
  switch (store_.replay(id, delivery_id, clock_.now())) {
    case ports::ReplayOutcome::replayed:
      spdlog::info("webhooks: delivery {} of webhook {} replayed", delivery_id, id);
      wake();
      return;
    case ports::ReplayOutcome::not_found:
      throw ApiError::not_found("Delivery not found");
    case ports::ReplayOutcome::already_pending:
      throw ApiError::conflict("The delivery is still pending: it is sent as it is due");
  }
}

bool WebhooksService::anyone_subscribes_to(const std::vector<ports::Delivery>& batch) {
  // Read per batch, not kept: a webhook created through the API (on any instance) gets
  // every event published after its creation answer, since such an event reaches this
  // consumer only after the answer, hence after the read sees the new row.
  const auto webhooks = store_.list();
  for (const auto& w : webhooks)
    for (const auto& d : batch)
      if (ports::subscribes_to(w.events, d.routing_key)) return true;
  return false;
}

std::vector<ports::Disposition> WebhooksService::on_events(
    const std::vector<ports::Delivery>& batch) {
  std::vector<ports::Disposition> out(batch.size(), ports::Disposition::ack);
  // Every event of the pipeline passes here, and most installations subscribe to few or
  // none: decide from the routing keys (each the event's type) before paying to parse.
  if (!anyone_subscribes_to(batch)) return out;
  std::vector<ports::WebhookEvent> events;
  std::vector<std::size_t> index;  // events[i] came from batch[index[i]]
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      const auto event = domain::parse_event(batch[i].body);
      events.push_back({event.event_id, std::string(domain::routing_key(event.type())),
                        domain::serialize(event)});
      index.push_back(i);
    } catch (const domain::CodecError& err) {
      spdlog::error("webhooks: dead-lettering malformed event {}: {}", batch[i].event_id,
                    err.what());
      out[i] = ports::Disposition::dead_letter;
    }
  }
  if (events.empty()) return out;
  const auto now = clock_.now();
  try {
    store_.record_events(events, now);  // a redelivery already recorded adds nothing
  } catch (const ports::Unavailable&) {
    throw;  // an outage: the whole batch waits it out
  } catch (const std::exception& err) {
    // One bad event must not hold back the others.
    spdlog::warn("webhooks: batch of {} failed ({}), recording one by one", events.size(),
                 err.what());
    for (std::size_t k = 0; k < events.size(); ++k) {
      try {
        store_.record_events({events[k]}, now);
      } catch (const ports::Unavailable&) {
        throw;
      } catch (const std::exception& e) {
        spdlog::warn("webhooks: event {} failed: {}", events[k].event_id, e.what());
        out[index[k]] = ports::Disposition::retry;
      }
    }
  }
  wake();
  return out;
}

}  // namespace st::services::webhooks
