#include "messaging/consume_batch.hpp"

#include <exception>
#include <stdexcept>

namespace st::messaging {

std::string BatchOutcome::reason(std::size_t i) const {
  if (failure.empty() && dispositions.at(i) == ports::Disposition::retry)
    return "consumer asked for a retry";
  return failure;
}

BatchOutcome consume_batch(const ports::BatchConsumer& consumer,
                           const std::vector<ports::Delivery>& deliveries) {
  BatchOutcome out;
  try {
    out.dispositions = consumer(deliveries);
    if (out.dispositions.size() != deliveries.size())
      throw std::logic_error("batch consumer returned " + std::to_string(out.dispositions.size()) +
                             " dispositions for " + std::to_string(deliveries.size()) +
                             " deliveries");
  } catch (const std::exception& ex) {
    out.failure = std::string("batch handler threw: ") + ex.what();
    out.dispositions.assign(deliveries.size(), ports::Disposition::retry);
  } catch (...) {
    out.failure = "batch handler threw a non-standard exception";
    out.dispositions.assign(deliveries.size(), ports::Disposition::retry);
  }
  return out;
}

}  // namespace st::messaging
