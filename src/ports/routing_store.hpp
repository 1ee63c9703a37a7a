#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/department.hpp"
#include "domain/event.hpp"
#include "ports/paging.hpp"

namespace st::ports {

struct RoutingRecord {
  std::int64_t id = 0;
  domain::TicketId ticket_id = 0;
  std::string department;
  int confidence_score = 0;
  domain::CategorizedBy categorized_by = domain::CategorizedBy::keywords;
  bool manual = false;
  domain::Millis routed_at = 0;
  std::string model_version;  // the model or rules that decided; empty for an agent's routing
};

struct DepartmentCount {
  std::string department;
  std::int64_t count = 0;
  double average_confidence = 0;
};

struct RoutingStatistics {
  std::int64_t total = 0;
  std::vector<DepartmentCount> by_department;  // most routed first
  double overall_average_confidence = 0;
};

// The routing service's own tables: departments, ticket_routing and its outbox.
// Department names are unique ignoring case; lookups ignore case too.
class RoutingStore {
 public:
  virtual ~RoutingStore() = default;
  virtual std::vector<domain::Department> list_departments(bool include_inactive) = 0;
  virtual std::optional<domain::Department> find_department(std::string_view name) = 0;
  // nullopt when a department with that name (ignoring case) exists.
  virtual std::optional<domain::Department> add_department(const std::string& name,
                                                           const std::string& description,
                                                           domain::Millis now) = 0;
  virtual std::optional<domain::Department> update_department(
      std::string_view name, const std::optional<std::string>& description,
      const std::optional<bool>& is_active) = 0;
  // Sets a department's own review threshold (nullopt: the setting applies again); nullopt
  // when there is no such department.
  virtual std::optional<domain::Department> set_review_threshold(
      std::string_view name, std::optional<int> review_below_confidence) = 0;
  // Inserts the default departments if the table is empty (first start).
  virtual void ensure_default_departments(domain::Millis now) = 0;

  struct RoutingWrite {
    RoutingRecord record;
    std::optional<std::string> cause_event_id;
    std::function<std::vector<domain::Event>(const RoutingRecord&)> events;
  };
  // Inserts each routing row and the events built from it, all in one transaction (all or
  // nothing); one routing is a batch of one. A write whose `cause_event_id` was already
  // recorded (a redelivery, or an earlier write of the same batch) writes nothing and
  // yields nullopt; the others yield the row as stored.
  virtual std::vector<std::optional<RoutingRecord>> record_routings(
      const std::vector<RoutingWrite>& writes) = 0;
  // A page of the ticket's routings, oldest first.
  virtual Page<RoutingRecord> history(domain::TicketId ticket_id, const PageRequest& page) = 0;
  virtual RoutingStatistics statistics() = 0;
};

}  // namespace st::ports
