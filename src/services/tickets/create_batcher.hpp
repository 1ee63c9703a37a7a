#pragma once
// Group commit for ticket creation. Each create is one small transaction, and under load the
// commit (WAL page writes), not the insert, is what costs: a writer thread takes every
// create waiting at that moment and stores them in ONE transaction. Request coroutines wait
// for their ticket without holding an HTTP thread, so more requests can gather meanwhile.
// With no concurrency a batch is simply one ticket: no added delay.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/principal.hpp"
#include "domain/ticket.hpp"
#include "http/beast.hpp"

namespace st::services::tickets {

class CreateBatcher {
 public:
  struct Item {
    domain::NewTicket ticket;
    std::string trace_id;
    domain::Actor actor;
    std::string create_key;  // ports::TicketCreate::create_key; empty: none
  };
  // Stores a batch atomically and returns the tickets in order (or throws for all).
  using WriteBatch = std::function<std::vector<domain::Ticket>(const std::vector<Item>&)>;

  explicit CreateBatcher(WriteBatch write, std::size_t max_batch = 256);
  ~CreateBatcher();
  CreateBatcher(const CreateBatcher&) = delete;
  CreateBatcher& operator=(const CreateBatcher&) = delete;

  // Waits (asynchronously) until the ticket is stored. Throws what the write threw, or an
  // ApiError 503 once stopping.
  http::asio::awaitable<domain::Ticket> submit(Item item);
  // Stores what is queued, then ends the writer thread. Idempotent.
  void stop();

 private:
  struct Pending {
    explicit Pending(http::asio::any_io_executor ex) : timer(std::move(ex)) {}
    Item item;
    http::asio::steady_timer timer;
    bool done = false;  // guarded by mutex_
    std::optional<domain::Ticket> result;
    std::exception_ptr error;
  };
  void run();

  WriteBatch write_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace st::services::tickets
