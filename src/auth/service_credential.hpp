#pragma once
// Services trust each other explicitly (distributed mode). Every call between processes — the
// gateway to a service, routing to tickets, the categorizer to routing — carries the shared
// service credential in X-SmartTicket-Service-Token; a service answers anything but its
// probes only with it. The caller a service acts for (X-SmartTicket-Actor, set by the gateway)
// is believed only on such calls, so a client that reaches a service's port directly can
// neither read its data nor pose as an agent.
#include <optional>
#include <string>
#include <string_view>

#include "http/beast.hpp"
#include "http/request_context.hpp"

namespace st::auth {

inline constexpr std::string_view kServiceTokenHeader = "X-SmartTicket-Service-Token";
// Shorter tokens are refused at start: the credential must not be guessable.
inline constexpr std::size_t kMinServiceTokenLength = 32;

// The guard of a service process: nullopt lets the request through (a probe, or the right
// credential); otherwise a 401 to send.
std::optional<http::Response> check_service_credential(const http::RequestContext& ctx,
                                                       std::string_view token);

// Probes answer without credentials: /health and anything under /health/.
bool is_probe_path(std::string_view path);

}  // namespace st::auth
