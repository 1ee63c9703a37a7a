#pragma once
// Drains one transactional outbox into the event bus on a background thread.
//
// Woken by the outbox's listener right after a writer commits, with a slow poll as a safety
// net (a missed wake-up, rows left by a previous run). A failing publish (bus down) keeps the
// rows in the outbox and is retried with capped exponential backoff. stop() makes one last,
// time-bounded attempt to drain, so a clean shutdown leaves nothing behind when the bus is up.
//
// Wiring: construct after the outbox and the bus, start() after bus.start() (publishing to a
// stopped InProcBus still stores durably, but nothing would consume), stop() before
// bus.stop(). One relay per outbox.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ports/event_bus.hpp"
#include "ports/outbox.hpp"

namespace st::messaging {

class OutboxRelay {
 public:
  struct Options {
    std::string name = "outbox";  // for logs: which service's outbox
    std::size_t batch_size = 256;
    std::chrono::milliseconds poll_interval{200};
    std::chrono::milliseconds retry_backoff_initial{50};
    std::chrono::milliseconds retry_backoff_max{5000};
    std::chrono::milliseconds drain_timeout{5000};  // the final drain in stop()
  };

  OutboxRelay(ports::Outbox& outbox, ports::EventBus& bus);
  OutboxRelay(ports::Outbox& outbox, ports::EventBus& bus, Options options);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Registers the outbox listener and starts the thread. Idempotent; not after stop().
  void start();
  // Drains what is pending (at most drain_timeout), then joins. Idempotent.
  void stop();
  // Asks for a relay pass now (what the outbox listener does).
  void wake();

  std::uint64_t relayed() const { return relayed_.load(); }
  std::uint64_t failures() const { return failures_.load(); }

 private:
  // Shared with the outbox's listener, which may outlive this object: the outbox keeps the
  // callback after we are gone, and it must then touch nothing that was freed.
  struct Signal {
    std::mutex mu;
    std::condition_variable cv;
    bool pending = false;
    bool stopping = false;
  };

  void run();
  // One relay() call: the rows it relayed, or nullopt (failure counted, `error` set).
  std::optional<std::size_t> relay_once(std::string& error);
  // Relays batches until the outbox is empty (true) or publishing fails (false). Gives up
  // early, returning true, once stop was requested: the final drain takes over then.
  bool drain_pass();
  void final_drain();
  void publish(const std::vector<ports::OutboxMessage>& batch);
  std::chrono::milliseconds next_backoff(std::chrono::milliseconds current) const;

  ports::Outbox& outbox_;
  ports::EventBus& bus_;
  const Options options_;
  std::shared_ptr<Signal> signal_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> relayed_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::uint64_t failure_streak_ = 0;  // relay thread only

  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace st::messaging
