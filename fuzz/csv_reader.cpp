// Labeled data sets (`smartticket model train/evaluate --data FILE.csv`) are read with the
// CSV reader: any bytes must give rows or a CsvError, and rows written back with csv_field
// must read back the same.
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "util/csv.hpp"

namespace {

std::string write_rows(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += st::util::csv_field(row[i]);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in{std::string(st::fuzz::text_of(data, size))};
  st::util::CsvReader reader(in);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::size_t last_line = 0;
  try {
    while (reader.next(row)) {
      FUZZ_CHECK(!row.empty());
      FUZZ_CHECK(reader.row_line() >= last_line);  // (a lone CR ends a row, not a line)
      last_line = reader.row_line();
      // A row of one empty field is written as a blank line, which reads as no row: the
      // files this reader takes always have several columns.
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(row);
    }
  } catch (const st::util::CsvError&) {
    return 0;
  }
  FUZZ_CHECK(st::util::parse_csv(write_rows(rows)) == rows);
  return 0;
}
