#pragma once
// ports::TrainingExampleStore on the embedded database: the categorizer_examples table.
#include "adapters/sqlite/database.hpp"
#include "ports/training_examples.hpp"

namespace st::adapters::sqlite {

class SqliteTrainingExampleStore final : public ports::TrainingExampleStore {
 public:
  // Migrates the categorizer's schema.
  explicit SqliteTrainingExampleStore(Database& db);

  std::size_t record(const std::vector<ports::TicketText>& texts,
                     const std::vector<ports::TicketLabel>& labels) override;
  std::vector<ports::TrainingExample> examples(std::size_t limit) override;
  std::int64_t label_watermark() override;

 private:
  Database& db_;
};

}  // namespace st::adapters::sqlite
