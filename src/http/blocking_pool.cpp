#include "http/blocking_pool.hpp"

#include <algorithm>

#include "util/thread_name.hpp"

namespace st::http {

BlockingPool::BlockingPool(BlockingPoolOptions options)
    : options_(std::move(options)), thread_count_(std::max<std::size_t>(1, options_.threads)) {
  for (std::size_t i = 0; i < thread_count_; ++i)
    threads_.emplace_back([this, i] {
      name_this_thread(options_.name + "-" + std::to_string(i));
      work();
    });
}

BlockingPool::~BlockingPool() {
  stop();
}

void BlockingPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool BlockingPool::try_submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    const bool full = running_ + queue_.size() >= thread_count_ + options_.queue;
    if (stopping_ || full) {
      ++refused_;
      return false;
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void BlockingPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Queued jobs are finished even when stopping: each one has a request waiting on it.
    if (queue_.empty()) return;
    auto job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    job();
    lock.lock();
    --running_;
  }
}

std::size_t BlockingPool::running_or_queued() const {
  std::lock_guard lock(mutex_);
  return running_ + queue_.size();
}

std::uint64_t BlockingPool::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

ApiError BlockingPool::busy() {
  return {bhttp::status::service_unavailable, "busy",
          "The server is busy with other long requests; retry shortly"};
}

}  // namespace st::http
