#pragma once
// How the webhooks service reaches receivers: resolves their host names and POSTs a
// delivery. The service decides which addresses may be reached (`allowed`); the transport
// checks every address a name resolves to at the moment it connects, and connects only to
// a checked one, so a name that resolves elsewhere later (DNS rebinding) gains nothing.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace st::ports {

struct WebhookPost {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

struct WebhookReply {
  std::optional<int> status;  // set when the receiver answered
  std::string error;          // otherwise why not (no secret, no body)
  bool timed_out = false;
};

// Whether an address (textual IPv4 or IPv6) may be connected to; nullopt when it may, else why
// not.
using AddressCheck = std::function<std::optional<std::string>(const std::string& address)>;

class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  // The host's addresses (a literal address gives itself); empty when it does not resolve.
  virtual std::vector<std::string> resolve(const std::string& host) = 0;
  // One POST with Content-Type: application/json, bounded by `timeout` in all. Refuses (an
  // error reply, nothing sent) when `allowed` refuses any address the host resolves to.
  virtual WebhookReply post(const WebhookPost& post, std::chrono::milliseconds timeout,
                            const AddressCheck& allowed) = 0;
};

}  // namespace st::ports
