#pragma once
// Sends the webhooks' pending deliveries on threads of its own, never on the pipeline's:
// a slow or dead receiver delays only its own deliveries. Each attempt is signed afresh
// (X-SmartTicket-Signature, signature.hpp) and bounded by the timeout; a failed one (a
// transport error, a timeout, 408, 429 or a 5xx) is retried after backoff_after(attempts),
// and the delivery is kept as failed after max_attempts. Any other status (a 3xx, a 4xx)
// fails it at once: the receiver refused it.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "services/webhooks/webhooks_service.hpp"

namespace st::services::webhooks {

class DeliveryWorker {
 public:
  struct Options {
    std::size_t threads = 2;
    // How often an idle worker looks for due deliveries anyway (another process's, or a
    // lease that ran out).
    std::chrono::milliseconds poll{1000};
  };

  DeliveryWorker(WebhooksService& service, Options options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  // Lets attempts in flight finish (each is bounded by the timeout) and joins the threads.
  // Idempotent.
  void stop();
  // Deliveries may be due now: an idle thread looks at once.
  void wake();

  // One attempt of `d` (public for tests): what it came to.
  ports::AttemptResult attempt(const ports::DueDelivery& d);

 private:
  void run();

  WebhooksService& service_;
  const Options options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace st::services::webhooks
