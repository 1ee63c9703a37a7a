#include "services/webhooks/webhooks_api.hpp"

#include "domain/time.hpp"
#include "http/json_response.hpp"
#include "services/common/page_params.hpp"

namespace st::services::webhooks {

using http::ApiError;
using http::RequestContext;
using nlohmann::json;
namespace bhttp = http::bhttp;

namespace {

// Never the secret.
json webhook_json(const ports::Webhook& w) {
  return {{"id", w.id},
          {"url", w.url},
          {"events", w.events},
          {"created_at", domain::format_iso8601(w.created_at)},
          {"updated_at", domain::format_iso8601(w.updated_at)}};
}

json delivery_json(const ports::WebhookDelivery& d) {
  return {{"id", d.id},
          {"webhook_id", d.webhook_id},
          {"event_id", d.event_id},
          {"event_type", d.event_type},
          {"state", ports::to_string(d.state)},
          {"attempts", d.attempts},
          {"last_status", d.last_status ? json(*d.last_status) : json(nullptr)},
          {"last_error", d.last_error ? json(*d.last_error) : json(nullptr)},
          {"next_attempt_at",
           d.next_attempt_at ? json(domain::format_iso8601(*d.next_attempt_at)) : json(nullptr)},
          {"created_at", domain::format_iso8601(d.created_at)},
          {"updated_at", domain::format_iso8601(d.updated_at)}};
}

std::string string_field(const json& body, const char* name) {
  const auto& v = body.at(name);
  if (!v.is_string()) throw ApiError::bad_request(std::string(name) + " must be a string", name);
  return v.get<std::string>();
}

WebhookInput input_of(const json& body) {
  WebhookInput in;
  if (body.contains("url") && !body["url"].is_null()) in.url = string_field(body, "url");
  if (body.contains("secret") && !body["secret"].is_null())
    in.secret = string_field(body, "secret");
  if (body.contains("events") && !body["events"].is_null()) {
    const auto& e = body["events"];
    if (!e.is_array()) throw ApiError::bad_request("events must be an array of strings", "events");
    std::vector<std::string> events;
    for (const auto& v : e) {
      if (!v.is_string())
        throw ApiError::bad_request("events must be an array of strings", "events");
      events.push_back(v.get<std::string>());
    }
    in.events = std::move(events);
  }
  return in;
}

}  // namespace

void register_routes(http::Router& router, WebhooksService& service, http::BlockingPool& pool) {
  router.route(bhttp::verb::get, "/api/webhooks", [&](RequestContext&) {
    json list = json::array();
    for (const auto& w : service.list()) list.push_back(webhook_json(w));
    return http::ok({{"success", true}, {"count", list.size()}, {"webhooks", list}});
  });

  router.route_blocking(bhttp::verb::post, "/api/webhooks", pool, [&](RequestContext& ctx) {
    const auto input = input_of(ctx.json_object_body());
    const auto created = service.create(input);
    auto res = http::json_response(bhttp::status::created,
                                   {{"success", true}, {"webhook", webhook_json(created)}});
    res.set(bhttp::field::location, "/api/webhooks/" + std::to_string(created.id));
    return res;
  });

  router.route(bhttp::verb::get, "/api/webhooks/{id}", [&](RequestContext& ctx) {
    const auto w = service.get(ctx.id_param("id", "Webhook"));
    return http::ok({{"success", true}, {"webhook", webhook_json(w)}});
  });

  router.route_blocking(bhttp::verb::put, "/api/webhooks/{id}", pool, [&](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Webhook");
    const auto input = input_of(ctx.json_object_body());
    const auto w = service.update(id, input);
    return http::ok({{"success", true}, {"webhook", webhook_json(w)}});
  });

  router.route(bhttp::verb::delete_, "/api/webhooks/{id}", [&](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Webhook");
    service.remove(id);
    return http::ok({{"success", true}, {"deleted", id}});
  });

  router.route(bhttp::verb::get, "/api/webhooks/{id}/deliveries", [&](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Webhook");
    const auto page = service.deliveries(id, history_page_from(ctx));
    json list = json::array();
    for (const auto& d : page.items) list.push_back(delivery_json(d));
    return http::ok({{"success", true},
                     {"webhook_id", id},
                     {"count", list.size()},
                     {"deliveries", list},
                     {"next_cursor", next_cursor_json(page.next_after)}});
  });

  router.route(bhttp::verb::post, "/api/webhooks/{id}/deliveries/{delivery_id}/replay",
               [&](RequestContext& ctx) {
                 const auto id = ctx.id_param("id", "Webhook");
                 const auto delivery = ctx.id_param("delivery_id", "Delivery");
                 service.replay(id, delivery);
                 return http::json_response(bhttp::status::accepted, {{"success", true},
                                                                      {"webhook_id", id},
                                                                      {"delivery_id", delivery},
                                                                      {"state", "pending"}});
               });
}

}  // namespace st::services::webhooks
