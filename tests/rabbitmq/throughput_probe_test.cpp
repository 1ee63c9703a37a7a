// Not a test: prints rough publish/consume rates against the test broker, for
// docs/benchmarks.md. Run with --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>

#include "rabbitmq/rabbit_test_support.hpp"

namespace st::adapters::rabbitmq::test {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(RabbitBusThroughput, DISABLED_PublishAndConsumeRates) {
  const auto name = unique_queue("q");
  auto spec = queue(name, {key("#")});
  RabbitBus publisher(shared_broker_options());
  publisher.declare(spec);
  publisher.start();

  constexpr int kBatched = 10'000, kBatch = 100, kSingles = 1'000;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kBatched / kBatch; ++i)
    publisher.publish(msgs(key("k"), "b" + std::to_string(i) + "-", kBatch));
  const double batched_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kSingles; ++i) publisher.publish({msg(key("k"), "s" + std::to_string(i))});
  const double singles_s = seconds_since(t0);

  RabbitBus consumer(shared_broker_options());
  std::atomic<int> n{0};
  consumer.subscribe(spec, [&](const std::vector<Delivery>& batch) {
    n += static_cast<int>(batch.size());
    return std::vector<Disposition>(batch.size(), Disposition::ack);
  });
  t0 = std::chrono::steady_clock::now();
  consumer.start();
  ASSERT_TRUE(eventually([&] { return n == kBatched + kSingles; }, 120s));
  const double consume_s = seconds_since(t0);
  std::printf("publish, confirmed batches of %d: %.0f msg/s\n", kBatch, kBatched / batched_s);
  std::printf("publish, one message per confirm: %.0f msg/s\n", kSingles / singles_s);
  std::printf("consume + ack, prefetch %d: %.0f msg/s\n", spec.prefetch,
              (kBatched + kSingles) / consume_s);
}

}  // namespace
}  // namespace st::adapters::rabbitmq::test
