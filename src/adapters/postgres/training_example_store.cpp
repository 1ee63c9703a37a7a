#include "adapters/postgres/training_example_store.hpp"

#include <string>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/text_param.hpp"

namespace st::adapters::postgres {
namespace {

// Taken first by every recording transaction and held to its commit: recorders take turns,
// which keeps the counter exact and rules out deadlocks between batches that share tickets.
// Labels are rare (agents' reroutes, confident Claude decisions), so the turns cost little.
constexpr const char* kLockWatermark = "SELECT value FROM categorizer_label_watermark FOR UPDATE";
constexpr const char* kSetWatermark = "UPDATE categorizer_label_watermark SET value = $1";
constexpr const char* kWatermark = "SELECT value FROM categorizer_label_watermark";

// The label may have come first (its row has no text yet); a text never changes after.
constexpr const char* kRecordText =
    "INSERT INTO categorizer_examples AS e (ticket_id, title, description) VALUES ($1, $2, $3) "
    "ON CONFLICT (ticket_id) DO UPDATE SET title = excluded.title, "
    "description = excluded.description WHERE e.title IS NULL";

// The WHERE keeps a stored label that outranks the new one (a human's over a machine's) or
// is newer, and skips a repeat of the same department, so redeliveries count nothing.
// RETURNING says whether the label went in (inserted or replaced).
constexpr const char* kRecordLabel =
    "INSERT INTO categorizer_examples AS e (ticket_id, department, label_rank, labeled_at, "
    "label_seq) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (ticket_id) DO UPDATE SET department = excluded.department, "
    "label_rank = excluded.label_rank, labeled_at = excluded.labeled_at, "
    "label_seq = excluded.label_seq "
    "WHERE e.label_rank IS NULL OR excluded.label_rank > e.label_rank OR "
    "(excluded.label_rank = e.label_rank AND excluded.labeled_at >= e.labeled_at AND "
    "excluded.department IS DISTINCT FROM e.department) "
    "RETURNING ticket_id";

constexpr const char* kExamples =
    "SELECT ticket_id, title, description, department, label_rank FROM categorizer_examples "
    "WHERE label_seq IS NOT NULL AND title IS NOT NULL ORDER BY label_seq DESC LIMIT $1";

}  // namespace

PgTrainingExampleStore::PgTrainingExampleStore(Database& db) : db_(db) {
  migrate_categorizer(db_);
}

std::size_t PgTrainingExampleStore::record(const std::vector<ports::TicketText>& texts,
                                           const std::vector<ports::TicketLabel>& labels) {
  if (texts.empty() && labels.empty()) return 0;
  return db_.write([&](Tx& tx) {
    const auto watermark = tx.exec(kLockWatermark)[0][0].as<std::int64_t>();
    // Text PostgreSQL cannot hold (validation lets none into a ticket) is skipped rather than
    // failing the batch: one such event must not keep the others' labels out forever.
    for (const auto& t : texts) {
      if (!storable_text(t.title) || !storable_text(t.description)) continue;
      tx.exec(kRecordText, t.ticket_id, t.title, t.description);
    }
    std::size_t changed = 0;
    for (const auto& l : labels) {
      if (!storable_text(l.department)) continue;
      // In input order, as the embedded store numbers them: the last label is the newest.
      const std::int64_t seq = watermark + static_cast<std::int64_t>(changed) + 1;
      if (!tx.exec(kRecordLabel, l.ticket_id, l.department, static_cast<int>(l.source),
                   l.labeled_at, seq)
               .empty())
        ++changed;
    }
    if (changed > 0) tx.exec(kSetWatermark, watermark + static_cast<std::int64_t>(changed));
    return changed;
  });
}

std::vector<ports::TrainingExample> PgTrainingExampleStore::examples(std::size_t limit) {
  return db_.read([&](Tx& tx) {
    std::vector<ports::TrainingExample> out;
    for (const auto& row : tx.exec(kExamples, static_cast<std::int64_t>(limit))) {
      out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>(),
                     row[4].as<int>() >= static_cast<int>(ports::LabelSource::human)
                         ? ports::LabelSource::human
                         : ports::LabelSource::machine});
    }
    return out;
  });
}

std::int64_t PgTrainingExampleStore::label_watermark() {
  return db_.read([&](Tx& tx) { return tx.exec(kWatermark)[0][0].as<std::int64_t>(); });
}

}  // namespace st::adapters::postgres
