#include "services/webhooks/delivery_worker.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "services/webhooks/signature.hpp"
#include "services/webhooks/webhook_url.hpp"
#include "util/thread_name.hpp"

namespace st::services::webhooks {
namespace {

// Deliveries one thread takes at a time, and how long it holds them: past the lease another
// worker may take them (this one died).
constexpr std::size_t kClaimBatch = 4;

bool retryable(int status) {
  return status == 408 || status == 429 || status >= 500;
}

// The host of a URL for log lines: a URL's path or query may hold a token.
std::string host_of(const std::string& url) {
  const auto parsed = parse_webhook_url(url);
  return parsed ? parsed->host : std::string("(bad url)");
}

}  // namespace

DeliveryWorker::DeliveryWorker(WebhooksService& service, Options options)
    : service_(service), options_(options) {
  service_.on_new_deliveries([this] { wake(); });
}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty() || stopping_) return;
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i)
    threads_.emplace_back([this, i] {
      name_this_thread("webhooks-" + std::to_string(i));
      run();
    });
}

void DeliveryWorker::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
}

void DeliveryWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

ports::AttemptResult DeliveryWorker::attempt(const ports::DueDelivery& d) {
  const auto& settings = service_.settings();
  const auto now = service_.clock().now();
  ports::WebhookPost post{d.url, d.body, {}};
  post.headers.emplace_back(std::string(kSignatureHeader),
                            signature_header(d.secret, now / 1000, d.body));
  post.headers.emplace_back("X-SmartTicket-Event-Id", d.event_id);
  post.headers.emplace_back("X-SmartTicket-Delivery-Id", std::to_string(d.id));
  const ports::AddressCheck allowed = [this](const std::string& address) {
    return service_.address_refusal(address);
  };
  const auto reply = service_.transport().post(post, settings.timeout, allowed);

  ports::AttemptResult r;
  r.id = d.id;
  r.attempts = d.attempts + 1;
  r.status = reply.status;
  r.at = service_.clock().now();
  bool retry = true;
  if (reply.status) {
    if (*reply.status >= 200 && *reply.status < 300) {
      r.state = ports::DeliveryState::delivered;
      return r;
    }
    retry = retryable(*reply.status);
    r.error = "the receiver answered " + std::to_string(*reply.status);
  } else {
    r.error = reply.timed_out ? "timed out" : reply.error;
  }
  if (retry && r.attempts < settings.max_attempts) {
    r.state = ports::DeliveryState::pending;
    r.next_attempt_at = r.at + backoff_after(r.attempts, settings).count();
  } else {
    r.state = ports::DeliveryState::failed;
    spdlog::warn(
        "webhooks: delivery {} of event {} to webhook {} ({}) failed after {} attempts: {}", d.id,
        d.event_id, d.webhook_id, host_of(d.url), r.attempts, *r.error);
  }
  return r;
}

void DeliveryWorker::run() {
  const auto& settings = service_.settings();
  const auto lease = settings.timeout * static_cast<long>(kClaimBatch) + std::chrono::seconds(30);
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    std::vector<ports::DueDelivery> due;
    std::optional<domain::Millis> next;
    try {
      // A read first: an idle worker does not take the writer (SQLite has one) to find
      // nothing.
      const auto now = service_.clock().now();
      next = service_.store().next_due();
      if (next && *next <= now) {
        due = service_.store().claim_due(now, now + lease.count(), kClaimBatch);
        if (due.empty()) next = service_.store().next_due();  // another worker took them
      }
    } catch (const std::exception& e) {
      spdlog::warn("webhooks: cannot read the pending deliveries: {}", e.what());
    }
    for (const auto& d : due) {
      try {
        service_.store().record_attempt(attempt(d));
      } catch (const std::exception& e) {
        // The lease runs out and the delivery is tried again.
        spdlog::warn("webhooks: delivery {} not recorded: {}", d.id, e.what());
      }
    }
    if (!due.empty()) continue;
    auto wait = options_.poll;
    if (next) {
      const auto until = std::chrono::milliseconds(*next - service_.clock().now());
      wait = std::clamp(until, std::chrono::milliseconds(1), options_.poll);
    }
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
  }
}

}  // namespace st::services::webhooks
