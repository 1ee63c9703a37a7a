#pragma once
// Webhook deliveries over libcurl (http and https). Every POST resolves the URL's host
// itself, lets the caller refuse any of the addresses, and pins libcurl to the first one
// (CURLOPT_RESOLVE), so the address checked is the address connected to: a name that
// resolves to a public address at the check and to an internal one a moment later (DNS
// rebinding) is never followed there. No redirects, no proxy from the environment.
#include <chrono>

#include "ports/webhook_transport.hpp"

namespace st::adapters::curl {

class CurlWebhookTransport final : public ports::WebhookTransport {
 public:
  CurlWebhookTransport();

  std::vector<std::string> resolve(const std::string& host) override;
  ports::WebhookReply post(const ports::WebhookPost& post, std::chrono::milliseconds timeout,
                           const ports::AddressCheck& allowed) override;
};

}  // namespace st::adapters::curl
