// The README's Configuration table documents every declared setting (app/config.hpp) with
// its flag, environment names and default, and nothing else.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace st::app {
namespace {

std::vector<std::string> cells_of(const std::string& row) {
  std::vector<std::string> cells;
  std::string inner = row.substr(1, row.size() - (row.ends_with("|") ? 2 : 1));
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = inner.find('|', start);
    std::string cell = inner.substr(start, bar == std::string::npos ? bar : bar - start);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    cells.push_back(cell);
    if (bar == std::string::npos) return cells;
    start = bar + 1;
  }
}

// The table's rows by setting name: {flag, environment, default} cells as written.
std::map<std::string, std::vector<std::string>> readme_settings_table() {
  std::ifstream in(SMARTTICKET_SOURCE_DIR "/README.md");
  std::string line;
  bool in_section = false, in_table = false;
  std::map<std::string, std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) in_section = line == "## Configuration";
    if (!in_section) continue;
    if (line.starts_with("| setting | flag | environment | default |")) {
      in_table = true;
      std::getline(in, line);  // |---|---|...
      continue;
    }
    if (!in_table) continue;
    if (!line.starts_with("|")) break;
    const auto cells = cells_of(line);
    EXPECT_GE(cells.size(), 5u) << line;
    if (cells.size() < 5) continue;
    EXPECT_TRUE(rows.try_emplace(cells[0], std::vector{cells[1], cells[2], cells[3]}).second)
        << cells[0] << " has two rows";
  }
  return rows;
}

std::string code(const std::string& text) {
  return text.empty() ? "—" : "`" + text + "`";
}

TEST(ConfigReadme, TheSettingsTableMatchesTheDeclarations) {
  auto rows = readme_settings_table();
  ASSERT_FALSE(rows.empty()) << "no settings table under README.md's ## Configuration";
  for (const Setting& s : settings()) {
    std::string env;
    for (const auto& name : s.env) env += (env.empty() ? "" : ", ") + code(name);
    const std::string fallback = documented_default(s);
    const std::vector<std::string> expected{code(s.flag), env,
                                            fallback == "—" ? fallback : code(fallback)};
    const auto row = rows.find(s.key);
    if (row == rows.end()) {
      ADD_FAILURE() << "README.md documents no " << s.key << "; add:\n| " << s.key << " | "
                    << expected[0] << " | " << expected[1] << " | " << expected[2] << " | "
                    << s.help << " |";
      continue;
    }
    EXPECT_EQ(row->second, expected) << s.key;
    rows.erase(row);
  }
  for (const auto& [key, cells] : rows)
    ADD_FAILURE() << "README.md documents " << key << ", which is no setting";
}

}  // namespace
}  // namespace st::app
