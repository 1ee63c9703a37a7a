#pragma once
// The service runs in another process (distributed mode): forward over the pooled HTTP
// client, behind a circuit breaker. While the breaker is open the gateway answers 503 at
// once instead of making every caller wait out a timeout; after the cool-down a probe call
// finds out whether the service is back. A service that cannot be reached becomes a 503
// JSON answer here, one that does not answer in time a 504 (`service_timeout`), so the
// gateway's handlers see one shape of failure whatever the transport.
#include "http/client.hpp"
#include "resilience/circuit_breaker.hpp"
#include "services/gateway/upstream.hpp"

namespace st::services::gateway {

class HttpUpstream final : public Upstream {
 public:
  HttpUpstream(http::HttpClient& client, resilience::CircuitBreakerOptions breaker);
  http::asio::awaitable<http::Response> send(const http::Request& req,
                                             const http::RequestContext& origin) override;
  const std::string& name() const override { return client_.name(); }
  std::optional<resilience::BreakerState> breaker_state() override { return breaker_.state(); }

 private:
  http::Response unavailable(std::chrono::milliseconds retry_in) const;
  http::Response timeout() const;

  http::HttpClient& client_;
  resilience::CircuitBreaker breaker_;
};

}  // namespace st::services::gateway
