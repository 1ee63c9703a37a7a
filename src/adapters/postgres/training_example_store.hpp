#pragma once
// ports::TrainingExampleStore on PostgreSQL: the categorizer's categorizer_examples table,
// shared by every categorizer instance, so a label recorded by one counts for all of them
// and survives any of them. Same rules as the embedded store (sqlite/training_example_store).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "ports/training_examples.hpp"

namespace st::adapters::postgres {

class PgTrainingExampleStore final : public ports::TrainingExampleStore {
 public:
  // Migrates the categorizer's tables (idempotent, safe when several instances start at
  // once). `db` must outlive the store. Throws ports::Unavailable if the server cannot be
  // reached.
  explicit PgTrainingExampleStore(Database& db);

  // Safe to call from several threads and processes at once: recorders take turns on the
  // watermark row, so the watermark counts every committed change exactly once.
  std::size_t record(const std::vector<ports::TicketText>& texts,
                     const std::vector<ports::TicketLabel>& labels) override;
  std::vector<ports::TrainingExample> examples(std::size_t limit) override;
  std::int64_t label_watermark() override;

 private:
  Database& db_;
};

}  // namespace st::adapters::postgres
