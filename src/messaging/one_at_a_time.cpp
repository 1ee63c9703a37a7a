#include "messaging/one_at_a_time.hpp"

#include <exception>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

namespace st::messaging {
namespace {

ports::Disposition handle(const DeliveryHandler& handler, const ports::Delivery& d) {
  try {
    return handler(d);
  } catch (const std::exception& e) {
    // The bus only learns "retry"; the reason is logged here, where it is known.
    spdlog::warn("queue {}: {} ({}): handler threw: {}", d.queue, d.event_id, d.routing_key,
                 e.what());
  } catch (...) {
    spdlog::warn("queue {}: {} ({}): handler threw a non-standard exception", d.queue, d.event_id,
                 d.routing_key);
  }
  return ports::Disposition::retry;
}

}  // namespace

ports::BatchConsumer one_at_a_time(DeliveryHandler handler) {
  if (!handler) throw std::invalid_argument("one_at_a_time: handler is empty");
  return [handler = std::move(handler)](const std::vector<ports::Delivery>& batch) {
    std::vector<ports::Disposition> dispositions;
    dispositions.reserve(batch.size());
    for (const auto& d : batch) dispositions.push_back(handle(handler, d));
    return dispositions;
  };
}

}  // namespace st::messaging
