#pragma once
// The dead-letter admin routes (admins only): GET /api/admin/dead-letters lists each queue's
// count and oldest dead letters, POST /api/admin/dead-letters/{queue}/replay puts them (or
// one event_id) back on their queue, DELETE /api/admin/dead-letters/{queue} purges them.
// The same in both modes: the port is backed by the in-process bus or by RabbitMQ.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/beast.hpp"
#include "http/request_context.hpp"
#include "ports/dead_letter_admin.hpp"

namespace st::services::gateway {

class DeadLettersApi {
 public:
  static constexpr std::size_t kDefaultSample = 5;
  static constexpr std::size_t kMaxSample = 100;

  // `queues`: every queue of the topology, in the order listed; `replayable`: those whose
  // dead letters may go back (the durable ones; a transient queue's only serve live
  // requests, long gone).
  DeadLettersApi(ports::DeadLetterAdmin& admin, std::vector<std::string> queues,
                 std::vector<std::string> replayable)
      : admin_(admin), queues_(std::move(queues)), replayable_(std::move(replayable)) {}

  // ?sample=N (0..100, default 5): 400 otherwise.
  http::Response list(http::RequestContext& ctx);
  // ?event_id=E replays that event only. 404 for an unknown queue, 409 for a transient one.
  http::Response replay(http::RequestContext& ctx);
  http::Response purge(http::RequestContext& ctx);

 private:
  // The {queue} parameter, known to the topology; ApiError 404 otherwise.
  const std::string& known_queue(http::RequestContext& ctx) const;

  ports::DeadLetterAdmin& admin_;
  std::vector<std::string> queues_;
  std::vector<std::string> replayable_;
};

nlohmann::json dead_letter_report_json(const ports::DeadLetterReport& report);

}  // namespace st::services::gateway
