// The command line beyond `serve`: `smartticket config --env-names`, which the deployment
// checks (tests/deploy) read to know which environment variables the binary understands.
#include <sys/wait.h>

#include <cstdio>
#include <set>
#include <sstream>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs `env_prefix BINARY args` through the shell and collects its stdout (and its stderr
// too with `with_errors`).
CommandResult run_binary(const std::string& env_prefix, const std::string& args,
                         bool with_errors = false) {
  const std::string command = env_prefix + " '" + ServerProcess::binary_path() + "' " + args +
                              (with_errors ? " 2>&1" : " 2>/dev/null");
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (external_mode()) GTEST_SKIP() << "runs the local binary";
  }
};

TEST_F(Cli, EnvNamesListsEveryVariableOncePerLine) {
  const CommandResult r = run_binary("", "config --env-names");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> names = lines_of(r.output);
  const std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size()) << "duplicates in:\n" << r.output;
  for (const auto& name : names) {
    ASSERT_FALSE(name.empty()) << r.output;
    for (char c : name)
      EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
          << "not an environment variable name: '" << name << "'";
  }
  for (const char* expected : {"SMARTTICKET_CONFIG", "SMARTTICKET_TARGET", "SMARTTICKET_HOST",
                               "SMARTTICKET_PORT", "SMARTTICKET_LOG_LEVEL", "ANTHROPIC_API_KEY"})
    EXPECT_TRUE(unique.count(expected)) << expected << " missing from:\n" << r.output;
}

TEST_F(Cli, EnvNamesPrintsNoValuesAndIgnoresInvalidOnes) {
  // An invalid port would stop `config`; the listing describes the binary and still answers.
  const CommandResult r = run_binary(
      "ANTHROPIC_API_KEY=sk-must-not-appear SMARTTICKET_PORT=not-a-port", "config --env-names");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("sk-must-not-appear"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("not-a-port"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("SMARTTICKET_PORT\n"), std::string::npos) << r.output;
}

TEST_F(Cli, AnUnknownDurabilityStopsTheServerAtStartWithTheAcceptedValues) {
  // The value is checked before anything is opened or bound: the server never starts.
  const CommandResult r =
      run_binary("SMARTTICKET_DURABILITY=fast", "serve --port 0 --data-dir /nonexistent", true);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("durability must be full or normal, got 'fast'"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace st::e2e
