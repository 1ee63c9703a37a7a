#pragma once
// The API gateway: the one public entry point (port 5000). It owns no data. It forwards
// each public route to the service that owns it, composes the few answers that need two
// services, waits for the pipeline on ticket creation, aggregates health and streams
// events to browsers.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/access.hpp"
#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "services/common/service_health.hpp"
#include "services/gateway/access_control.hpp"
#include "services/gateway/backup_api.hpp"
#include "services/gateway/console_files.hpp"
#include "services/gateway/dead_letters_api.hpp"
#include "services/gateway/event_stream.hpp"
#include "services/gateway/idempotent_create.hpp"
#include "services/gateway/keys_api.hpp"
#include "services/gateway/openapi_files.hpp"
#include "services/gateway/route_waiter.hpp"
#include "services/gateway/upstream.hpp"

namespace st::services::gateway {

struct GatewayOptions {
  std::chrono::milliseconds create_timeout{5000};  // how long POST /api/tickets waits
  std::string mode = "embedded";                   // shown by GET / and /api/health
  EventStreamLimits event_streams{};
  // The web console served at /ui/: the files embedded at build time, unless a test
  // brings its own.
  std::span<const http::EmbeddedFile> console = console_files();
  // docs/openapi.json, served at /api/openapi.json: the embedded file, unless a test brings
  // its own.
  std::span<const http::EmbeddedFile> api_description = openapi_files();
  AccessOptions access;
};

// The gateway's own state: API keys (behind the authenticator) and Idempotency-Key records.
// Either may be null only when access control is off (then the keys endpoints answer 503
// and Idempotency-Key is ignored).
struct GatewayStores {
  auth::Authenticator* authenticator = nullptr;
  ports::IdempotencyStore* idempotency = nullptr;
  // Backs GET /api/admin/backup; null (the distributed mode) answers 501.
  ports::StoreBackup* backup = nullptr;
};

// The queues whose dead letters /api/health counts, and the bus that counts them (from the
// embedded store, or the broker's dead-letter queues). No bus: not reported. `admin` backs
// /api/admin/dead-letters (no admin: those routes answer 503); only the `replayable`
// queues' dead letters may be replayed.
struct DeadLetterQueues {
  ports::EventBus* bus = nullptr;
  std::vector<std::string> queues = {};
  ports::DeadLetterAdmin* admin = nullptr;
  std::vector<std::string> replayable = {};
};

struct Upstreams {
  Upstream& tickets;
  Upstream& categorizer;
  Upstream& routing;
  Upstream& analytics;
};

class Gateway {
 public:
  Gateway(GatewayOptions options, Upstreams upstreams, GatewayStores stores,
          DeadLetterQueues dead_letters = {});

  void register_routes(http::Router& router);
  // /health, /health/live and /health/ready of this process, open and unlimited; /api/health
  // shows `health` as the gateway's entry. `health` outlives the routes.
  void register_health(http::Router& router, const ServiceHealth& health);
  // The gateway's own part of its /health: {"status": "healthy", "details": {"event_streams":
  // open, refused, disconnected_slow, write_timeouts}}.
  nlohmann::json own_health() const;
  // The process's metrics: GET /metrics renders `registry` (without one it answers 404), and
  // the gateway adds its refusals (401, 403, 429), its event-stream subscribers and every
  // queue's dead letters (read at scrape time). Before the server starts; `registry`
  // outlives the gateway.
  void attach_metrics(metrics::Registry& registry);
  // Consumer of ticket.# on the gateway's own transient queue: feeds SSE and the waiter.
  ports::Disposition on_event(const ports::Delivery& d);
  // Ends event streams and wakes waiting creates (shutdown).
  void close();

 private:
  using Handler = http::AsyncHandler;
  // Every public route is registered here, with who may call it and a summary (GET / lists
  // it; docs/openapi.json gives the same summary): access is checked (and the caller's rate
  // limit spent) before `handler` runs.
  void add(http::Router& router, http::bhttp::verb method, const std::string& pattern,
           auth::Access access, const std::string& description, Handler handler);
  void add_stream(http::Router& router, const std::string& pattern, auth::Access access,
                  const std::string& description, http::StreamHandler handler);
  Handler forward_to(Upstream& upstream);
  // agent_routes.cpp: API keys, the caller's own key and availability, and the assignment
  // of tickets to agents.
  void register_agent_routes(http::Router& router);
  http::asio::awaitable<http::Response> create_key(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> update_key(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> revoke_key(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> set_availability(http::RequestContext& ctx);
  // Tells the tickets side (which assigns) an agent's departments and availability; `active`
  // false once revoked. Answers how many open tickets were handed on; throws ApiError 503
  // when the tickets service did not take it.
  http::asio::awaitable<std::int64_t> publish_agent(http::RequestContext& ctx,
                                                    const ports::ApiKeyRecord& key, bool active);
  http::asio::awaitable<http::Response> update_department(http::RequestContext& ctx);
  // Routing's answer about departments (GET, POST, PUT) with each one's assignment mode, which
  // the tickets service keeps: `assignment`, null when that service cannot be reached.
  http::asio::awaitable<http::Response> with_assignment_modes(http::Response res,
                                                              http::RequestContext& ctx);
  http::asio::awaitable<http::Response> forward_department(http::RequestContext& ctx);
  // The canonical names of `names` (routing's word); ApiError 400 for one that does not exist.
  http::asio::awaitable<std::vector<std::string>> canonical_departments(
      http::RequestContext& ctx, std::vector<std::string> names);
  KeysApi& keys();
  DeadLettersApi& dead_letters_api();
  // Whether the caller may read every ticket (staff, or everyone in the open mode); a
  // requester reads only their own, a ticket token only its ticket.
  bool sees_all_tickets(const domain::Principal& p) const;
  bool may_read(const domain::Principal& p, const nlohmann::json& ticket) const;
  http::asio::awaitable<http::Response> list_tickets(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> read_ticket(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> create_ticket(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> create_ticket_once(http::RequestContext& ctx,
                                                           std::string create_key);
  http::asio::awaitable<http::Response> department_tickets(http::RequestContext& ctx);
  // The department's canonical name (lookups ignore case), or nullopt if there is none.
  http::asio::awaitable<std::optional<std::string>> department_name(http::RequestContext& ctx,
                                                                    const std::string& name);
  // Forwards to `upstream` if the ticket named by `id_param` exists and the caller may read it.
  http::asio::awaitable<http::Response> forward_if_ticket_exists(http::RequestContext& ctx,
                                                                 std::string_view id_param,
                                                                 Upstream& upstream);
  // comment_routes.cpp: a ticket's trail and its conversation (comments).
  void register_history_routes(http::Router& router);
  // nullopt if the ticket named by `id_param` exists and the caller may read it; else the
  // tickets service's answer (404, 503...). Another person's ticket throws ApiError 404.
  http::asio::awaitable<std::optional<http::Response>> unless_readable(http::RequestContext& ctx,
                                                                       std::string_view id_param);
  http::asio::awaitable<http::Response> read_trail(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> read_comments(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> add_comment(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> health(http::RequestContext& ctx);
  // {total, queues: {name: count, or null when it could not be asked}}.
  nlohmann::json dead_letter_counts() const;
  http::Response root(http::RequestContext& ctx) const;
  http::Response console(http::RequestContext& ctx) const;

  GatewayOptions options_;
  Upstreams upstreams_;
  DeadLetterQueues dead_letters_;
  ports::SystemClock clock_;
  AccessControl access_;
  std::optional<KeysApi> keys_;
  std::optional<DeadLettersApi> dead_letters_api_;
  BackupApi backup_api_;
  std::optional<IdempotentCreate> idempotent_create_;
  RouteWaiter waiter_;
  EventStreamHub hub_;
  http::StaticFiles console_;
  http::StaticFiles api_description_;
  nlohmann::json endpoints_ = nlohmann::json::object();
  const ServiceHealth* own_health_ = nullptr;
  metrics::Registry* metrics_ = nullptr;

 public:
  // "METHOD pattern" -> who may call it, for every route this gateway registered (tests
  // compare it with the router's own list: a route without a rule cannot exist).
  const std::map<std::string, auth::Access>& access_rules() const { return access_rules_; }

 private:
  std::map<std::string, auth::Access> access_rules_;
};

}  // namespace st::services::gateway
