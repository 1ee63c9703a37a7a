#include "auth/service_credential.hpp"

#include "auth/api_key.hpp"
#include "http/json_response.hpp"

namespace st::auth {

bool is_probe_path(std::string_view path) {
  return path == "/health" || path.starts_with("/health/");
}

std::optional<http::Response> check_service_credential(const http::RequestContext& ctx,
                                                       std::string_view token) {
  if (is_probe_path(ctx.path)) return std::nullopt;
  const auto& req = ctx.request;
  // Exactly one header, equal to the token (compared in constant time).
  if (req.count(kServiceTokenHeader) == 1 && same_hash(ctx.header(kServiceTokenHeader), token))
    return std::nullopt;
  auto res = http::error_response(http::bhttp::status::unauthorized, "unauthorized",
                                  "This service answers only the gateway and the other services; "
                                  "call the gateway's public API");
  res.set(http::bhttp::field::www_authenticate, R"(SmartTicket-Service realm="smartticket")");
  return res;
}

}  // namespace st::auth
