#pragma once
// The webhooks service's tables in the embedded database: webhooks, webhook_deliveries and
// webhook_consumed_events (the ids of the events already turned into deliveries).
#include "adapters/sqlite/database.hpp"
#include "ports/webhook_store.hpp"

namespace st::adapters::sqlite {

class SqliteWebhookStore final : public ports::WebhookStore {
 public:
  // Migrates the webhook tables (idempotent). `db` must outlive the store.
  explicit SqliteWebhookStore(Database& db);

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

}  // namespace st::adapters::sqlite
