#include <string_view>
#include <vector>

#include "ports/event_bus.hpp"

namespace st::ports {
namespace {

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool match(const std::vector<std::string_view>& p, std::size_t i,
           const std::vector<std::string_view>& k, std::size_t j) {
  if (i == p.size()) return j == k.size();
  if (p[i] == "#") {
    for (std::size_t skip = j; skip <= k.size(); ++skip)
      if (match(p, i + 1, k, skip)) return true;
    return false;
  }
  if (j == k.size()) return false;
  return (p[i] == "*" || p[i] == k[j]) && match(p, i + 1, k, j + 1);
}

}  // namespace

bool topic_matches(std::string_view pattern, std::string_view routing_key) {
  return match(words(pattern), 0, words(routing_key), 0);
}

}  // namespace st::ports
