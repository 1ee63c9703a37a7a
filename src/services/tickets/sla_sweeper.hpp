#pragma once
// The SLA breach timer: a thread of the tickets service that, every interval, marks the
// running clocks past their due breached (TicketsService::check_sla). Nothing is kept in
// memory: the due times and breaches are the store's, so a restart loses no timer, and
// several instances on one PostgreSQL mark each breach once (decided on the locked row).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "services/tickets/tickets_service.hpp"

namespace st::services::tickets {

class SlaSweeper {
 public:
  SlaSweeper(TicketsService& service, std::chrono::milliseconds interval);
  ~SlaSweeper();
  SlaSweeper(const SlaSweeper&) = delete;
  SlaSweeper& operator=(const SlaSweeper&) = delete;

  void start();
  // Lets a sweep in flight finish and joins the thread. Idempotent.
  void stop();

 private:
  void run();

  TicketsService& service_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace st::services::tickets
