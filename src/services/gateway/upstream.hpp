#pragma once
// How the gateway reaches a service. In one process: the service's router, called directly
// (no network hop). In distributed mode: a pooled HTTP client with timeouts and a breaker.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "http/beast.hpp"
#include "http/request_context.hpp"
#include "http/router.hpp"
#include "resilience/circuit_breaker.hpp"

namespace st::services::gateway {

class Upstream {
 public:
  virtual ~Upstream() = default;
  // Sends `req` (target, method, headers, body) to the service and returns its answer.
  // Failures to reach the service come back as 503/504 JSON responses, not exceptions.
  virtual http::asio::awaitable<http::Response> send(const http::Request& req,
                                                     const http::RequestContext& origin) = 0;
  virtual const std::string& name() const = 0;
  // The breaker in front of a remote service (metrics); none in-process.
  virtual std::optional<resilience::BreakerState> breaker_state() { return std::nullopt; }
};

// The service runs in this process: dispatch straight into its router.
class LocalUpstream final : public Upstream {
 public:
  LocalUpstream(std::string name, const http::Router& router)
      : name_(std::move(name)), router_(router) {}
  http::asio::awaitable<http::Response> send(const http::Request& req,
                                             const http::RequestContext& origin) override;
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  const http::Router& router_;
};

// The JSON body of a service's answer; nullopt when it is not JSON (an upstream's own error
// page, a truncated body).
std::optional<nlohmann::json> json_of(const http::Response& r);

// A GET request for an internal call made on behalf of `origin`.
http::Request make_get(std::string target, const http::RequestContext& origin);
// The same with a method and a JSON body.
http::Request make_json_request(http::bhttp::verb method, std::string target,
                                const nlohmann::json& body, const http::RequestContext& origin);

}  // namespace st::services::gateway
