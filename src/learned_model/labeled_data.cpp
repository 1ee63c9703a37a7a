#include "learned_model/labeled_data.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "util/csv.hpp"

namespace st::learned_model {
namespace {

bool is_jsonl(const std::string& path) {
  for (const char* ext : {".jsonl", ".ndjson", ".json"})
    if (path.ends_with(ext)) return true;
  return false;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Resolves the default columns against the names the file has.
Columns resolve(const Columns& wanted, const std::vector<std::string>& names,
                const std::string& path) {
  Columns c = wanted;
  if (c.text.empty()) {
    if (has(names, "title") && has(names, "description"))
      c.text = {"title", "description"};
    else if (has(names, "text"))
      c.text = {"text"};
    else if (has(names, "combined_text"))
      c.text = {"combined_text"};
    else
      throw DataError(path +
                      ": no text column (title+description, text or combined_text); "
                      "name one with --text-column");
  }
  for (const auto& t : c.text)
    if (!has(names, t)) throw DataError(path + ": no column '" + t + "'");
  if (c.label.empty()) {
    if (has(names, "department"))
      c.label = "department";
    else if (has(names, "label"))
      c.label = "label";
  }
  if (!c.label.empty() && !has(names, c.label)) {
    if (wanted.need_label || !wanted.label.empty())
      throw DataError(path + ": no column '" + c.label + "'");
    c.label.clear();
  }
  if (c.need_label && c.label.empty())
    throw DataError(path +
                    ": no label column (department or label); name one with "
                    "--label-column");
  return c;
}

Record make_record(const Columns& c, const std::function<std::string(const std::string&)>& get) {
  Record r;
  r.title = get(c.text.front());
  for (std::size_t i = 1; i < c.text.size(); ++i) {
    if (!r.description.empty()) r.description.push_back('\n');
    r.description += get(c.text[i]);
  }
  if (!c.label.empty()) r.label = get(c.label);
  return r;
}

std::vector<Record> read_csv(std::istream& in, const std::string& path, const Columns& wanted) {
  util::CsvReader reader(in);
  std::vector<std::string> header, row;
  try {
    if (!reader.next(header)) throw DataError(path + ": empty file");
    // A UTF-8 byte order mark is not part of the first column's name.
    if (!header.empty() && header[0].starts_with("\xEF\xBB\xBF")) header[0].erase(0, 3);
    const Columns c = resolve(wanted, header, path);
    std::vector<Record> out;
    while (reader.next(row)) {
      if (row.size() != header.size())
        throw DataError(path + ": line " + std::to_string(reader.row_line()) + " has " +
                        std::to_string(row.size()) + " fields, the header " +
                        std::to_string(header.size()));
      out.push_back(make_record(c, [&](const std::string& name) {
        return row[static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                            header.begin())];
      }));
      if (!c.label.empty() && out.back().label.empty())
        throw DataError(path + ": line " + std::to_string(reader.row_line()) +
                        " has an empty label");
    }
    return out;
  } catch (const util::CsvError& e) {
    throw DataError(path + ": " + e.what());
  }
}

std::vector<Record> read_jsonl(std::istream& in, const std::string& path, const Columns& wanted) {
  std::vector<Record> out;
  std::string line;
  std::size_t number = 0;
  std::optional<Columns> c;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object())
      throw DataError(path + ": line " + std::to_string(number) + " is not a JSON object");
    if (!c) {
      std::vector<std::string> names;
      for (const auto& [k, v] : j.items()) names.push_back(k);
      c = resolve(wanted, names, path);
    }
    out.push_back(make_record(*c, [&](const std::string& name) -> std::string {
      const auto it = j.find(name);
      if (it == j.end() || it->is_null())
        throw DataError(path + ": line " + std::to_string(number) + " has no '" + name + "'");
      return it->is_string() ? it->get<std::string>() : it->dump();
    }));
  }
  return out;
}

}  // namespace

std::vector<Record> read_records(const std::string& path, const Columns& columns) {
  if (path == "-") return read_csv(std::cin, "standard input", columns);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read " + path);
  return is_jsonl(path) ? read_jsonl(in, path, columns) : read_csv(in, path, columns);
}

Split holdout_split(std::vector<Record> records, double test_fraction, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = records.size(); i > 1; --i) std::swap(records[i - 1], records[rng() % i]);
  const auto test_size = static_cast<std::size_t>(
      std::llround(std::clamp(test_fraction, 0.0, 1.0) * static_cast<double>(records.size())));
  Split s;
  s.test.assign(std::make_move_iterator(records.begin()),
                std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(test_size)));
  s.train.assign(std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(test_size)),
                 std::make_move_iterator(records.end()));
  return s;
}

std::vector<ports::LabeledText> labeled_texts(const std::vector<Record>& records) {
  std::vector<ports::LabeledText> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back({r.title, r.description, r.label, 1});
  return out;
}

}  // namespace st::learned_model
