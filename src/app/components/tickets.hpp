#pragma once
// The tickets service: owns the tickets and their lifecycle; every change and its event are
// written in one transaction (the outbox), which the host relays to the bus. Consumes
// nothing; routing assigns departments through its internal endpoint. Its SLA sweeper marks
// overdue clocks breached.
#include <chrono>

#include "adapters/cld2/cld2_language_detector.hpp"
#include "app/components/component.hpp"
#include "ports/clock.hpp"
#include "ports/idempotency_store.hpp"
#include "ports/ticket_store.hpp"
#include "services/common/idempotent_requests.hpp"
#include "services/tickets/sla_sweeper.hpp"
#include "services/tickets/tickets_service.hpp"

namespace st::app::components {

class TicketsComponent final : public Component {
 public:
  // `outbox` is the store's own (the same adapter implements both ports). `requests` keeps
  // the answers to status changes the gateway may retry (one change recorded per request).
  // `search_budget`: how long a text search may run (config search_timeout_ms; 0: no limit).
  // `sla_check_interval`: how often the SLA sweeper runs (config sla_check_interval_ms).
  TicketsComponent(ports::TicketStore& store, ports::Outbox& outbox,
                   ports::IdempotencyStore& requests, const ports::Clock& clock,
                   std::chrono::milliseconds search_budget,
                   std::chrono::milliseconds sla_check_interval);

  std::string name() const override { return "tickets"; }
  void register_routes(http::Router& router) override;
  std::vector<ports::Outbox*> outboxes() override { return {&outbox_}; }
  // The SLA sweeper starts with the service.
  void start() override { sla_sweeper_.start(); }
  // Stores the creates still queued for a group commit; the sweeper's last breaches go out
  // with the relays' drain.
  void drain() override {
    sla_sweeper_.stop();
    service_.stop();
  }

  // What routing assigns departments through when both run in one process.
  services::tickets::TicketsService& service() { return service_; }

 private:
  ports::Outbox& outbox_;
  services::IdempotentRequests requests_;
  adapters::cld2::Cld2LanguageDetector languages_;
  services::tickets::TicketsService service_;
  std::chrono::milliseconds search_budget_;
  services::tickets::SlaSweeper sla_sweeper_;  // after service_, which it uses
};

}  // namespace st::app::components
