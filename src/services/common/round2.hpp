#pragma once
// Percentages and averages in API answers carry two decimals (12.35, not 12.345678).
#include <cmath>

namespace st::services {

inline double round2(double v) {
  return std::round(v * 100.0) / 100.0;
}

}  // namespace st::services
