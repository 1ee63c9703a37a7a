#include "services/tickets/create_batcher.hpp"

#include <chrono>

#include "http/api_error.hpp"
#include "util/thread_name.hpp"

namespace st::services::tickets {

namespace asio = http::asio;

CreateBatcher::CreateBatcher(WriteBatch write, std::size_t max_batch)
    : write_(std::move(write)), max_batch_(max_batch), thread_([this] {
        name_this_thread("tickets-writer");
        run();
      }) {}

CreateBatcher::~CreateBatcher() {
  stop();
}

void CreateBatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

asio::awaitable<domain::Ticket> CreateBatcher::submit(Item item) {
  auto executor = co_await asio::this_coro::executor;
  auto p = std::make_shared<Pending>(executor);
  p->item = std::move(item);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw http::ApiError::unavailable("The tickets service is shutting down");
    queue_.push_back(p);
  }
  wake_.notify_one();
  // Woken by the writer's cancel; the short expiry only bounds a wake-up that could slip
  // in before the wait starts when the executor is not a strand. (Locals stay out of the
  // loop body: GCC 12 mishandles destructors of loop-scoped locals across co_await.)
  bool done = false;
  while (!done) {
    p->timer.expires_after(std::chrono::milliseconds(100));
    boost::system::error_code ec;
    co_await p->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    mutex_.lock();
    done = p->done;
    mutex_.unlock();
  }
  // The writer sets the outcome before `done` and never touches it again.
  if (p->error) std::rethrow_exception(p->error);
  co_return std::move(*p->result);
}

void CreateBatcher::run() {
  for (;;) {
    std::vector<std::shared_ptr<Pending>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to store
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Item> items;
    items.reserve(batch.size());
    for (const auto& p : batch) items.push_back(p->item);
    std::vector<domain::Ticket> stored;
    std::exception_ptr error;
    try {
      stored = write_(items);
      if (stored.size() != batch.size()) throw std::logic_error("batch write lost tickets");
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->done = true;
        if (error)
          batch[i]->error = error;
        else
          batch[i]->result = std::move(stored[i]);
      }
    }
    // The waiter's own thread gets the last reference (moved into the handler, nothing kept
    // here): a Pending's timer must die before its io_context does, and that io_context may
    // end as soon as the waiter resumes (a test's private one; a server stopping).
    for (auto& p : batch) {
      auto executor = p->timer.get_executor();
      asio::post(executor, [p = std::move(p)] { p->timer.cancel(); });
    }
  }
}

}  // namespace st::services::tickets
