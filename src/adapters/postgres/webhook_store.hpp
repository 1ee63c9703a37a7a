#pragma once
// The webhooks service's tables on PostgreSQL: webhooks, webhook_deliveries and
// webhook_consumed_events. Several processes may run delivery workers on them: a claim takes
// due rows with FOR UPDATE SKIP LOCKED, so no two take the same delivery.
#include "adapters/postgres/database.hpp"
#include "ports/webhook_store.hpp"

namespace st::adapters::postgres {

class PgWebhookStore final : public ports::WebhookStore {
 public:
  // Migrates the webhook tables (idempotent). `db` must outlive the store.
  explicit PgWebhookStore(Database& db);

  ports::Webhook create(const ports::Webhook& webhook, domain::Millis now) override;
  std::vector<ports::Webhook> list() override;
  std::optional<ports::Webhook> find(std::int64_t id) override;
  bool update(const ports::Webhook& webhook, domain::Millis now) override;
  bool remove(std::int64_t id) override;
  std::vector<bool> record_events(const std::vector<ports::WebhookEvent>& events,
                                  domain::Millis now) override;
  std::vector<ports::DueDelivery> claim_due(domain::Millis now, domain::Millis lease_until,
                                            std::size_t limit) override;
  void record_attempt(const ports::AttemptResult& result) override;
  std::optional<domain::Millis> next_due() override;
  ports::Page<ports::WebhookDelivery> deliveries(std::int64_t webhook_id,
                                                 const ports::PageRequest& page) override;
  ports::ReplayOutcome replay(std::int64_t webhook_id, std::int64_t delivery_id,
                              domain::Millis now) override;
  std::size_t failed_count() override;

 private:
  Database& db_;
};

}  // namespace st::adapters::postgres
