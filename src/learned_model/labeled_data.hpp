#pragma once
// Ticket data sets for the model commands: CSV with a header row (RFC 4180, quoted fields may
// hold commas and line breaks) or JSON Lines (one object per line; .jsonl, .ndjson, .json).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ports/learned_model.hpp"

namespace st::learned_model {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Record {
  std::string title;        // the first text column
  std::string description;  // the other text columns, one per line
  std::string label;        // empty when no label column was read
};

struct Columns {
  // Empty: "title" + "description" when both exist, else "text", else "combined_text".
  std::vector<std::string> text{};
  // Empty: "department" or "label" when present (required only when need_label).
  std::string label{};
  bool need_label = false;
};

// Reads `path` ("-": standard input, CSV). Throws DataError naming the file and line for a
// missing column, a malformed row or an unreadable file.
std::vector<Record> read_records(const std::string& path, const Columns& columns);

// A fixed, seeded split: the same file, fraction and seed always give the same two parts,
// on every platform (our own shuffle over mt19937_64, not std::shuffle).
struct Split {
  std::vector<Record> train;
  std::vector<Record> test;
};
Split holdout_split(std::vector<Record> records, double test_fraction, std::uint64_t seed);

std::vector<ports::LabeledText> labeled_texts(const std::vector<Record>& records);

}  // namespace st::learned_model
