// Raw bytes from a client, through the path the HTTP server (src/http/server.cpp) takes: the
// Beast request parser with the server's limits, parse_target, the router's match and
// execute, here on the tickets service's real routes and service over an in-memory store
// (the database is not what is tested). Whatever arrives, the answer is never a 500 (a 500
// is a bug: an exception nothing expected), its body is JSON, and it serializes.
#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "adapters/sql/row_decoders.hpp"
#include "domain/codec.hpp"
#include "fuzz_check.hpp"
#include "http/api_error.hpp"
#include "http/json_response.hpp"
#include "http/router.hpp"
#include "services/tickets/tickets_api.hpp"
#include "services/tickets/tickets_service.hpp"

namespace {

using namespace st;
namespace bhttp = http::bhttp;

// The tickets the routes see: a few stored up front (so that ids 1-3 exist), forgotten past
// kMaxTickets (the fuzzer creates tickets all day). Events are encoded and decoded as the
// outbox and the bus would.
class MemoryTicketStore final : public ports::TicketStore {
 public:
  static constexpr std::size_t kMaxTickets = 1000;
  MemoryTicketStore() { reset(); }

  // (No create keys: the fuzzed requests never come through a gateway.)
  std::vector<domain::Ticket> create_batch(const std::vector<ports::TicketCreate>& batch,
                                           domain::Millis now) override {
    std::lock_guard lock(mutex_);
    if (tickets_.size() + batch.size() > kMaxTickets) reset();
    std::vector<domain::Ticket> out;
    for (const auto& create : batch) {
      domain::Ticket t = adapters::sql::pending_ticket(create.ticket, now);
      t.id = next_id_++;
      publish(create.events(t));
      tickets_[t.id] = t;
      out.push_back(std::move(t));
    }
    return out;
  }

  std::optional<domain::Ticket> get(domain::TicketId id) override {
    std::lock_guard lock(mutex_);
    const auto it = tickets_.find(id);
    if (it == tickets_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<domain::Ticket> list(const ports::TicketQuery& q) override {
    std::lock_guard lock(mutex_);
    std::vector<domain::Ticket> out;
    for (auto it = tickets_.rbegin(); it != tickets_.rend(); ++it) {
      const auto& t = it->second;
      if (static_cast<int>(out.size()) >= q.limit) break;
      if (q.before_id && t.id >= *q.before_id) continue;
      if (q.status && t.status != *q.status) continue;
      if (q.department && t.department != *q.department) continue;
      if (q.user_email && t.user_email != *q.user_email) continue;
      if (q.needs_review && !t.needs_review) continue;
      if (q.text && t.title.find(*q.text) == std::string::npos &&
          t.description.find(*q.text) == std::string::npos)
        continue;
      out.push_back(t);
    }
    return out;
  }

  std::vector<std::optional<domain::Ticket>> update_batch(
      const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) override {
    std::lock_guard lock(mutex_);
    std::vector<std::optional<domain::Ticket>> out;
    for (const auto& [id, change] : changes) {
      const auto it = tickets_.find(id);
      if (it == tickets_.end()) {
        out.emplace_back();
        continue;
      }
      domain::Ticket changed = it->second;
      publish(change(changed));
      it->second = changed;
      out.emplace_back(std::move(changed));
    }
    return out;
  }
  // No agents here: every department is manual, so an assigning change is a plain one.
  std::vector<std::optional<domain::Ticket>> update_batch_assigning(
      const std::vector<std::pair<domain::TicketId, ports::AssigningChange>>& changes) override {
    struct NobodyAvailable final : ports::AssignmentScope {
      std::optional<domain::Assignee> next_assignee(const std::string&,
                                                    const std::optional<std::string>&,
                                                    domain::Millis) override {
        return std::nullopt;
      }
    } scope;
    std::vector<std::pair<domain::TicketId, ports::TicketChange>> plain;
    for (const auto& c : changes)  // (clang 14 cannot capture a structured binding)
      plain.emplace_back(
          c.first, [&scope, change = c.second](domain::Ticket& t) { return change(t, scope); });
    return update_batch(plain);
  }
  std::optional<domain::Comment> add_comment(domain::TicketId id, const domain::NewComment& comment,
                                             const domain::Actor& author, domain::Millis now,
                                             const ports::CommentEvents& events) override {
    std::lock_guard lock(mutex_);
    const auto it = tickets_.find(id);
    if (it == tickets_.end()) return std::nullopt;
    domain::Comment c{next_comment_id_++, id, comment.body, comment.is_public, author, now};
    publish(events(it->second, c));  // (it may change the ticket: its SLA clock)
    comments_.push_back(c);
    if (comments_.size() > kMaxTickets) comments_.erase(comments_.begin());
    return c;
  }
  ports::Page<domain::Comment> comments(domain::TicketId id, bool public_only,
                                        const ports::PageRequest& page) override {
    std::lock_guard lock(mutex_);
    ports::Page<domain::Comment> out;
    for (const auto& c : comments_) {
      if (c.ticket_id != id || (public_only && !c.is_public)) continue;
      if (page.after_id && c.id <= *page.after_id) continue;
      if (out.items.size() == page.limit) {
        out.next_after = out.items.back().id;
        break;
      }
      out.items.push_back(c);
    }
    return out;
  }
  void put_agent(const ports::AgentRecord&) override {}
  std::optional<domain::Assignee> find_agent(std::string_view) override { return std::nullopt; }
  void set_assignment_mode(const std::string&, domain::AssignmentMode) override {}
  std::map<std::string, domain::AssignmentMode> assignment_modes() override { return {}; }
  std::vector<domain::TicketId> open_tickets_of(std::string_view) override { return {}; }
  std::map<domain::Priority, domain::SlaPolicy> sla_policies() override {
    std::lock_guard lock(mutex_);
    return sla_policies_;
  }
  void put_sla_policies(const std::map<domain::Priority, domain::SlaPolicy>& policies) override {
    std::lock_guard lock(mutex_);
    for (const auto& [priority, p] : policies) sla_policies_[priority] = p;
  }
  // The fuzzed requests never run the sweeper.
  std::vector<domain::TicketId> overdue_sla(domain::Millis, int) override { return {}; }

 private:
  void reset() {
    tickets_.clear();
    next_id_ = 1;
    for (int i = 0; i < 3; ++i) {
      domain::Ticket t = adapters::sql::pending_ticket(
          {"Printer on floor 2", "It prints blank pages since Monday.", "Ann Lee",
           "ann@example.com"},
          1'763'596'800'000);
      t.id = next_id_++;
      tickets_[t.id] = t;
    }
  }

  // What a consumer would receive must decode to what was written.
  static void publish(const std::vector<domain::Event>& events) {
    for (const auto& e : events) {
      const std::string body = domain::serialize(e);
      FUZZ_CHECK(domain::serialize(domain::parse_event(body)) == body);
    }
  }

  std::mutex mutex_;
  std::map<domain::TicketId, domain::Ticket> tickets_;
  domain::TicketId next_id_ = 1;
  std::vector<domain::Comment> comments_;  // oldest first, the last kMaxTickets
  domain::CommentId next_comment_id_ = 1;
  std::map<domain::Priority, domain::SlaPolicy> sla_policies_;
};

class FixedClock final : public ports::Clock {
 public:
  domain::Millis now() const override { return 1'763'596'800'000; }
};

struct TicketsApp {
  TicketsApp() {
    spdlog::set_level(spdlog::level::err);  // the router logs a 500's cause at error
    services::tickets::register_routes(router, service);
  }
  MemoryTicketStore store;
  FixedClock clock;
  services::tickets::TicketsService service{store, clock};
  http::Router router;
  http::asio::io_context io;
};

TicketsApp& app() {
  static TicketsApp instance;
  return instance;
}

// Feeds the whole input to the parser as the server does (eagerly, then the end of the
// stream); false when the bytes are not one complete request.
bool parse(std::string_view in, bhttp::request_parser<bhttp::string_body>& parser) {
  parser.body_limit(64 * 1024);  // the server's limits (ServerOptions, server.cpp)
  parser.header_limit(16 * 1024);
  parser.eager(true);
  http::beast::error_code ec;
  while (!in.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(http::asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec || used == 0) break;
  }
  if (!ec && parser.is_header_done() && !parser.is_done()) parser.put_eof(ec);
  return !ec && parser.is_done();
}

http::Response answer(http::RequestContext& ctx) {
  auto& a = app();
  http::Router::Match match;
  try {
    http::parse_target(ctx);
    match = a.router.match(ctx.request.method(), ctx);
  } catch (const http::ApiError& e) {
    return http::error_response(e);
  }
  std::optional<http::Response> response;
  std::exception_ptr failure;
  http::asio::co_spawn(a.io, a.router.execute(match, ctx),
                       [&](std::exception_ptr e, http::Response r) {
                         failure = e;
                         response = std::move(r);
                       });
  a.io.restart();
  a.io.run();
  if (failure) std::rethrow_exception(failure);  // execute() promises never to throw
  FUZZ_CHECK(response.has_value());
  return std::move(*response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  if (!parse(st::fuzz::text_of(data, size), parser)) return 0;
  const http::Request& request = parser.get();
  http::RequestContext ctx{request,     {},      {}, {}, "fuzz", std::string(32, 'a'),
                           "127.0.0.1", nullptr, {}};
  http::Response response = answer(ctx);
  FUZZ_CHECK(response.result() != bhttp::status::internal_server_error);
  FUZZ_CHECK(!nlohmann::json::parse(response.body(), nullptr, false).is_discarded());
  response.prepare_payload();
  std::ostringstream wire;
  wire << response;
  FUZZ_CHECK(!wire.str().empty());
  return 0;
}
