#include "util/csv.hpp"

#include <sstream>

namespace st::util {

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  int c = in_.get();
  // Blank lines carry no row; skipping them also absorbs a final line break.
  while (c == '\n' || c == '\r') {
    if (c == '\n') ++line_;
    c = in_.get();
  }
  if (c == EOF) return false;
  row_line_ = line_;
  std::string field;
  bool quoted = false;       // inside "..."
  bool after_quote = false;  // a quoted field just closed: only , or a line break may follow
  for (;; c = in_.get()) {
    if (quoted) {
      if (c == EOF)
        throw CsvError("unterminated quoted field starting on line " + std::to_string(row_line_));
      if (c == '"') {
        if (in_.peek() == '"') {
          field.push_back('"');
          in_.get();
        } else {
          quoted = false;
          after_quote = true;
        }
        continue;
      }
      if (c == '\n') ++line_;
      field.push_back(static_cast<char>(c));
      continue;
    }
    if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
      continue;
    }
    if (c == EOF || c == '\n' || c == '\r') {
      if (c == '\r' && in_.peek() == '\n') in_.get();
      if (c != EOF) ++line_;
      fields.push_back(std::move(field));
      return true;
    }
    if (after_quote) throw CsvError("text after a closing quote on line " + std::to_string(line_));
    if (c == '"' && field.empty()) {
      quoted = true;
      continue;
    }
    field.push_back(static_cast<char>(c));
  }
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  while (reader.next(row)) rows.push_back(row);
  return rows;
}

std::string csv_field(const std::string& value) {
  const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace st::util
