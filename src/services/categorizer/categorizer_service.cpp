#include "services/categorizer/categorizer_service.hpp"

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"
#include "domain/department.hpp"

namespace st::services::categorizer {

namespace {
constexpr auto kDepartmentCacheTtl = std::chrono::seconds(2);
}

CategorizerService::CategorizerService(std::vector<ports::Categorizer*> chain,
                                       ports::DepartmentDirectory& departments,
                                       ports::EventBus& bus, const ports::Clock& clock)
    : chain_(std::move(chain)), departments_(departments), bus_(bus), clock_(clock) {}

std::vector<std::string> CategorizerService::active_departments() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(cache_mutex_);
    if (!cached_departments_.empty() && now - cached_at_ < kDepartmentCacheTtl)
      return cached_departments_;
  }
  std::vector<std::string> fresh;
  try {
    fresh = departments_.active_department_names();
  } catch (const std::exception& e) {
    // Routing unreachable (distributed mode): a slightly stale list beats stopping the
    // pipeline; with no list at all the delivery is retried later.
    std::lock_guard lock(cache_mutex_);
    if (cached_departments_.empty()) throw;
    spdlog::warn("categorizer: using cached departments, routing unavailable: {}", e.what());
    return cached_departments_;
  }
  std::lock_guard lock(cache_mutex_);
  cached_departments_ = fresh;
  cached_at_ = now;
  return fresh;
}

ports::Categorization CategorizerService::categorize(const std::string& title,
                                                     const std::string& description) {
  ports::CategorizationRequest req{title, description, active_departments()};
  if (req.departments.empty()) req.departments.push_back(domain::kGeneralDepartment);
  for (auto* strategy : chain_) {
    try {
      if (auto c = strategy->categorize(req)) return *c;
    } catch (const std::exception& e) {
      // A strategy failing is exactly what the chain is for: note it and ask the next.
      spdlog::warn("categorizer '{}' failed: {}", strategy->name(), e.what());
    }
  }
  return {domain::kGeneralDepartment, 0, domain::CategorizedBy::keywords, "no strategy decided",
          ""};
}

std::vector<ports::Disposition> CategorizerService::on_created(
    const std::vector<ports::Delivery>& batch) {
  std::vector<ports::Disposition> out(batch.size(), ports::Disposition::ack);
  std::vector<ports::OutgoingMessage> messages;
  messages.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    domain::Event created;
    try {
      created = domain::parse_event(batch[i].body);
    } catch (const domain::CodecError& err) {
      spdlog::error("categorizer: dead-lettering malformed event {}: {}", batch[i].event_id,
                    err.what());
      out[i] = ports::Disposition::dead_letter;
      continue;
    }
    const auto c = categorize(created.ticket.title, created.ticket.description);
    nlohmann::json data{{"department", c.department},
                        {"confidence_score", c.confidence},
                        {"categorized_by", to_string(c.categorized_by)},
                        {"reason", c.reason}};
    if (!c.model_version.empty()) data["model_version"] = c.model_version;
    auto event = domain::make_event(domain::EventType::categorized, created.ticket, clock_.now(),
                                    created.trace_id, std::move(data));
    event.event_id = domain::derived_event_id(created.event_id, "categorized");
    messages.push_back({std::string(domain::routing_key(event.type)), event.event_id,
                        domain::serialize(event), batch[i].traceparent});
  }
  // If publishing throws, the bus retries the whole batch; the derived ids make the
  // repeats harmless downstream.
  if (!messages.empty()) bus_.publish(messages);
  categorized_.fetch_add(messages.size(), std::memory_order_relaxed);
  return out;
}

}  // namespace st::services::categorizer
