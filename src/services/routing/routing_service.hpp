#pragma once
// The routing service: owns departments and ticket_routing. It turns a categorization
// (ticket.categorized) or an agent's decision into a routing: records it, has the tickets
// service assign the department, and announces ticket.routed through its outbox.
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/department.hpp"
#include "domain/event.hpp"
#include "metrics/registry.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "ports/routing_store.hpp"
#include "ports/service_clients.hpp"

namespace st::services::routing {

struct RouteRequest {
  domain::TicketId ticket_id = 0;
  std::string department;
  int confidence = 0;
  domain::CategorizedBy categorized_by = domain::CategorizedBy::manual;
  bool manual = false;  // an agent's reroute
  std::string reason;
  std::string model_version;  // from ticket.categorized: which model or rules decided
  std::string trace_id;
  std::optional<std::string> cause_event_id;  // the ticket.categorized event, if any
  domain::Actor actor;                        // the agent of a manual routing; else system
  // The categorizer's priority (ticket.categorized); unset for an agent's reroute.
  std::optional<domain::Priority> priority;
  // Why (ticket.categorized's); unset for an agent's routing, which route() explains itself.
  std::optional<domain::Explanation> explanation;
  // ticket.categorized's second opinion (the learned model's, when Claude was unsure).
  std::optional<domain::Candidate> second_opinion{};
  bool review = false;        // an agent's review: confirms or corrects, and clears the flag
  bool needs_review = false;  // set by resolve(): the pipeline's decision waits for review
};

// The review_below_confidence setting's default.
inline constexpr int kDefaultReviewThreshold = 60;

enum class RouteError { unknown_ticket, unknown_department, inactive_department };

// Every active department's name goes into each Claude prompt: their number is capped.
inline constexpr std::size_t kMaxActiveDepartments = 100;

// Thrown by add_department and update_department when the change would make one department
// more than kMaxActiveDepartments active.
struct DepartmentLimitReached : std::runtime_error {
  DepartmentLimitReached()
      : std::runtime_error("At most " + std::to_string(kMaxActiveDepartments) +
                           " departments may be active; deactivate one first") {}
};

class RoutingService final : public ports::DepartmentDirectory {
 public:
  // A pipeline decision below `review_below_confidence` (or a department's own threshold)
  // is routed and flagged for review.
  RoutingService(ports::RoutingStore& store, ports::DepartmentSetter& tickets,
                 const ports::Clock& clock, int review_below_confidence = kDefaultReviewThreshold);

  // Creates the default departments on first start.
  void initialize();

  std::vector<domain::Department> departments(bool include_inactive);
  std::optional<domain::Department> department(std::string_view name);
  std::optional<domain::Department> add_department(const std::string& name,
                                                   const std::string& description);
  std::optional<domain::Department> update_department(std::string_view name,
                                                      const std::optional<std::string>& description,
                                                      const std::optional<bool>& is_active);
  // A department's own review threshold (nullopt: the setting again); nullopt when there is
  // no such department. The range is the caller's to check.
  std::optional<domain::Department> set_review_threshold(std::string_view name,
                                                         std::optional<int> threshold) {
    return store_.set_review_threshold(name, threshold);
  }
  std::vector<std::string> active_department_names() override;

  // Routes a ticket. Returns the routing, or the reason it could not be done. For a
  // redelivered cause event the record is empty: the routing was already recorded.
  struct Outcome {
    std::optional<ports::RoutingRecord> record;  // empty for an already-applied redelivery
    std::optional<RouteError> error;
    std::optional<domain::Ticket> ticket;
  };
  Outcome route(const RouteRequest& r);
  // An agent's review of a ticket's department: confirms it (the same department) or
  // corrects it (moves the ticket like a reroute); either way the flag clears, the trail
  // gets ticket.reviewed and the answer becomes a human training label (ticket.routed,
  // rerouted). A ticket that is not flagged may be reviewed too: the same, noted as such.
  Outcome review(domain::TicketId id, const std::string& department, const domain::Actor& actor,
                 const std::string& trace_id);

  // Consumer of ticket.categorized, a batch at a time: one transaction for the batch's
  // departments, one for its routings.
  std::vector<ports::Disposition> on_categorized(const std::vector<ports::Delivery>& batch);
  // From now on on_categorized observes smartticket_pipeline_duration_seconds{stage}:
  // created_to_categorized and categorized_to_routed, created_to_routed, from the ticket's
  // created_at, the ticket.categorized event's occurred_at and this clock once routed.
  // Before consuming starts; `registry` outlives the service.
  void observe_pipeline(metrics::Registry& registry);

  ports::Page<ports::RoutingRecord> history(domain::TicketId id, const ports::PageRequest& page) {
    return store_.history(id, page);
  }
  ports::RoutingStatistics statistics() { return store_.statistics(); }

 private:
  // Replaces the requested name by the department's canonical one; an error if it does not
  // exist or is inactive.
  std::optional<RouteError> resolve(RouteRequest& r);
  // A categorization naming a department that is gone still needs a home: General.
  std::optional<RouteError> resolve_or_fall_back(RouteRequest& r);
  ports::RoutingStore::RoutingWrite routing_write(const RouteRequest& r,
                                                  const domain::Ticket& ticket);
  static RouteRequest request_from(const domain::Event& categorized);
  // Whether the pipeline's decision `r` for `department` waits for review.
  bool needs_review(const RouteRequest& r, const domain::Department& department) const;
  struct PipelineTimes {
    domain::Millis created = 0;
    domain::Millis categorized = 0;
  };
  void observe(const PipelineTimes& t, domain::Millis routed);

  ports::RoutingStore& store_;
  ports::DepartmentSetter& tickets_;
  const ports::Clock& clock_;
  const int review_below_confidence_;
  // Serializes the count-then-add of departments (the cap holds within one routing process).
  std::mutex department_changes_;
  metrics::Histogram* created_to_categorized_ = nullptr;  // null: not observed
  metrics::Histogram* categorized_to_routed_ = nullptr;
  metrics::Histogram* created_to_routed_ = nullptr;
};

}  // namespace st::services::routing
