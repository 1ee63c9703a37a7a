#include "resilience/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string_view>

namespace st::resilience {

namespace {

double thread_uniform() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

RetryPolicy::RetryPolicy(RetryOptions options, Uniform uniform)
    : options_(options), uniform_(uniform ? std::move(uniform) : Uniform(&thread_uniform)) {
  if (options_.max_attempts < 1 || options_.multiplier < 1.0 ||
      options_.initial_backoff.count() < 0 || options_.max_backoff < options_.initial_backoff)
    throw std::invalid_argument(
        "retry policy: at least one attempt, a multiplier of at least 1 and "
        "0 <= initial backoff <= max backoff");
}

std::chrono::milliseconds RetryPolicy::delay(
    int attempts_made, std::optional<std::chrono::milliseconds> retry_after) const {
  const int exponent = std::max(0, attempts_made - 1);
  const double grown = static_cast<double>(options_.initial_backoff.count()) *
                       std::pow(options_.multiplier, std::min(exponent, 60));
  const double cap = std::min(grown, static_cast<double>(options_.max_backoff.count()));
  const double u = std::clamp(uniform_(), 0.0, 1.0);
  auto jittered = std::chrono::milliseconds(static_cast<long long>(cap / 2 + u * cap / 2));
  if (retry_after && *retry_after > jittered) return *retry_after;
  return jittered;
}

std::optional<std::chrono::milliseconds> parse_retry_after_seconds(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || !(seconds >= 0) ||
      seconds > 86'400)
    return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

}  // namespace st::resilience
