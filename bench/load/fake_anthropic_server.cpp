// The tests' fake Anthropic Messages API (tests/fakes/anthropic: the real wire protocol) as a
// process of its own, for bench/scaleout: every answer is a tool_use decision sent after
// --delay-ms, so the categorizer's Claude path costs what a real model's latency costs without
// a key or a network. Runs until SIGTERM or SIGINT.
//
//   fake_anthropic_server [--delay-ms 300] [--api-key sk-ant-test-0000]
//
// Prints "listening on http://127.0.0.1:PORT" once bound (the port is the OS's choice), and
// at exit how many requests it answered and the most it answered at the same time (the
// categorizers' concurrency, as the API saw it).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>

#include "fakes/anthropic/fake_anthropic.hpp"

int main(int argc, char** argv) {
  CLI::App app{"The fake Anthropic API, answering after a fixed delay"};
  int delay_ms = 300;
  st::fakes::FakeAnthropic::Options options;
  app.add_option("--delay-ms", delay_ms, "each answer's delay")->check(CLI::Range(0, 60000));
  app.add_option("--api-key", options.api_key, "the key it accepts (x-api-key)");
  CLI11_PARSE(app, argc, argv);

  // Blocked before the server's threads start, so they inherit the mask and only sigtimedwait
  // below receives the signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  options.slow_delay = std::chrono::milliseconds(delay_ms);
  st::fakes::FakeAnthropic fake(options);
  fake.set_mode(delay_ms > 0 ? st::fakes::AnthropicMode::slow : st::fakes::AnthropicMode::tool_use);
  std::printf("listening on %s\n", fake.base_url().c_str());
  std::fflush(stdout);

  // The fake keeps every request it received (for tests); drop them each second so a long
  // run's memory stays flat, keeping the counts.
  std::size_t answered = 0;
  int peak = 0;
  const timespec second{1, 0};
  while (sigtimedwait(&stop_signals, nullptr, &second) < 0) {
    answered += fake.request_count();
    peak = std::max(peak, fake.peak_concurrency());
    fake.clear_requests();
  }
  answered += fake.request_count();
  peak = std::max(peak, fake.peak_concurrency());
  std::printf("answered %zu requests, at most %d at once\n", answered, peak);
  return 0;
}
