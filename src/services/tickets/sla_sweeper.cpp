#include "services/tickets/sla_sweeper.hpp"

#include <spdlog/spdlog.h>

#include "ports/unavailable.hpp"
#include "util/thread_name.hpp"

namespace st::services::tickets {

namespace {
// Tickets per transaction; a sweep that fills it goes again at once.
constexpr int kBatch = 100;
}  // namespace

SlaSweeper::SlaSweeper(TicketsService& service, std::chrono::milliseconds interval)
    : service_(service), interval_(interval) {}

SlaSweeper::~SlaSweeper() {
  stop();
}

void SlaSweeper::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    name_this_thread("sla-sweeper");
    run();
  });
}

void SlaSweeper::stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    thread.swap(thread_);
  }
  cv_.notify_all();
  if (thread.joinable()) thread.join();
}

void SlaSweeper::run() {
  for (;;) {
    std::size_t marked = 0;
    try {
      marked = service_.check_sla(kBatch);
    } catch (const ports::Unavailable& e) {
      spdlog::warn("tickets: SLA sweep: {}", e.what());
    } catch (const std::exception& e) {
      spdlog::error("tickets: SLA sweep failed: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    // A full batch: more may be overdue; sweep again at once.
    if (marked >= static_cast<std::size_t>(kBatch)) continue;
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace st::services::tickets
