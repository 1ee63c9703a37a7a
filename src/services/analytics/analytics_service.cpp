#include "services/analytics/analytics_service.hpp"

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"

namespace st::services::analytics {

ports::Disposition AnalyticsService::on_event(const ports::Delivery& d) {
  domain::Event e;
  try {
    e = domain::parse_event(d.body);
  } catch (const domain::CodecError& err) {
    spdlog::error("analytics: dead-lettering malformed event {}: {}", d.event_id, err.what());
    return ports::Disposition::dead_letter;
  }
  store_.record(e);  // false = a redelivery already recorded: still acked
  return ports::Disposition::ack;
}

}  // namespace st::services::analytics
