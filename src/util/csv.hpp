#pragma once
// An RFC 4180 CSV reader: fields separated by commas, rows by CRLF or LF; a quoted field may
// hold commas, line breaks and doubled quotes (""). Labeled data sets and exported tickets
// are written this way, so splitting lines on commas would cut many rows apart.
#include <cstddef>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace st::util {

class CsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the next row into `fields`; false at the end of input. Blank lines are skipped.
  // Throws CsvError on a quote that is never closed or text glued to a closing quote.
  bool next(std::vector<std::string>& fields);
  // The input line on which the last row returned began (1-based), for error messages.
  std::size_t row_line() const { return row_line_; }

 private:
  std::istream& in_;
  std::size_t line_ = 1;
  std::size_t row_line_ = 0;
};

// Parses a whole CSV text (tests, small inputs).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// Quotes a field when it needs it (comma, quote, line break, leading/trailing space).
std::string csv_field(const std::string& value);

}  // namespace st::util
