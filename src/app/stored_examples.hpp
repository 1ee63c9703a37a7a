#pragma once
// What `model train` learns from without --data: the cold-start set plus the labels the
// helpdesk recorded (agents' routings, confident Claude decisions), as a server trains. With
// a database configured (DATABASE_URL or DB_*, as the categorizer process reads them) the
// labels are the PostgreSQL table every categorizer instance shares; otherwise they are in
// the embedded data file, <data_dir>/smartticket.db, which the server must not hold open.
#include <string>
#include <vector>

#include "app/config.hpp"
#include "ports/learned_model.hpp"

namespace st::app {

struct StoredExamples {
  std::vector<ports::LabeledText> examples;  // the cold-start set first
  std::string source;                        // where the labels came from; no password
};

// Throws DataError when the data file or the cold-start set cannot be read, and
// std::runtime_error when the database cannot be reached.
StoredExamples stored_examples(const Config& config);

}  // namespace st::app
