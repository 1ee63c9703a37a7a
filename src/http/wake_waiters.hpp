#pragma once
// Waking coroutines that wait on a timer from another thread (a probe's thread, the bus): the
// cancel is posted to each waiter's own executor (its connection's strand), where the waiting
// coroutine is, so it cannot race with the wait. The posted handler takes the caller's
// reference, so the waiter and its timer end on that executor too — never on the calling
// thread after the io_context behind the timer may be gone.
#include <memory>
#include <vector>

#include "http/beast.hpp"

namespace st::http {

// Waiter: anything with a `timer` member (an asio steady_timer). Leaves `waiters` empty.
template <class Waiter>
void wake_waiters(std::vector<std::shared_ptr<Waiter>>& waiters) {
  for (auto& w : waiters) {
    auto ex = w->timer.get_executor();
    asio::post(ex, [w = std::move(w)] { w->timer.cancel(); });
  }
  waiters.clear();
}

}  // namespace st::http
