#include "adapters/sqlite/training_example_store.hpp"

#include "adapters/sqlite/migrations.hpp"

namespace st::adapters::sqlite {

SqliteTrainingExampleStore::SqliteTrainingExampleStore(Database& db) : db_(db) {
  migrate_categorizer(db_);
}

std::size_t SqliteTrainingExampleStore::record(const std::vector<ports::TicketText>& texts,
                                               const std::vector<ports::TicketLabel>& labels) {
  if (texts.empty() && labels.empty()) return 0;
  return db_.write([&](Connection& c) {
    for (const auto& t : texts) {
      // The label may have come first (its row has no text yet); a text never changes after.
      c.query(
           "INSERT INTO categorizer_examples (ticket_id, title, description) VALUES (?, ?, ?) "
           "ON CONFLICT(ticket_id) DO UPDATE SET title = excluded.title, "
           "description = excluded.description WHERE title IS NULL")
          .bind_all(t.ticket_id, t.title, t.description)
          .run();
    }
    std::size_t changed = 0;
    for (const auto& l : labels) {
      const int rank = static_cast<int>(l.source);
      // The WHERE keeps a stored label that outranks the new one (a human's over a machine's)
      // or is newer, and skips a repeat of the same department, so redeliveries count nothing.
      c.query(
           "INSERT INTO categorizer_examples (ticket_id, department, label_rank, labeled_at, "
           "label_seq) VALUES (?1, ?2, ?3, ?4, "
           "(SELECT coalesce(max(label_seq), 0) + 1 FROM categorizer_examples)) "
           "ON CONFLICT(ticket_id) DO UPDATE SET department = excluded.department, "
           "label_rank = excluded.label_rank, labeled_at = excluded.labeled_at, "
           "label_seq = excluded.label_seq "
           "WHERE label_rank IS NULL OR (excluded.label_rank > label_rank) OR "
           "(excluded.label_rank = label_rank AND excluded.labeled_at >= labeled_at AND "
           "excluded.department IS NOT department)")
          .bind_all(l.ticket_id, l.department, rank, l.labeled_at)
          .run();
      changed += static_cast<std::size_t>(c.changes());
    }
    return changed;
  });
}

std::vector<ports::TrainingExample> SqliteTrainingExampleStore::examples(std::size_t limit) {
  return db_.read([&](Connection& c) {
    auto q = c.query(
        "SELECT ticket_id, title, description, department, label_rank FROM categorizer_examples "
        "WHERE label_seq IS NOT NULL AND title IS NOT NULL ORDER BY label_seq DESC LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<ports::TrainingExample> out;
    while (q.step()) {
      out.push_back({q.int64(0), q.text(1), q.text(2), q.text(3),
                     q.int64(4) >= static_cast<int>(ports::LabelSource::human)
                         ? ports::LabelSource::human
                         : ports::LabelSource::machine});
    }
    return out;
  });
}

std::int64_t SqliteTrainingExampleStore::label_watermark() {
  return db_.read([&](Connection& c) {
    auto q = c.query("SELECT coalesce(max(label_seq), 0) FROM categorizer_examples");
    q.step();
    return q.int64(0);
  });
}

}  // namespace st::adapters::sqlite
