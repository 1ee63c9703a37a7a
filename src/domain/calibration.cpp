#include "domain/calibration.hpp"

#include <cmath>
#include <stdexcept>

namespace st::domain {

CalibrationTally& CalibrationTally::operator+=(const CalibrationTally& other) {
  count += other.count;
  correct += other.correct;
  confidence_sum += other.confidence_sum;
  return *this;
}

void Calibration::add(int confidence_score, bool correct) {
  add_tally(calibration_bin(confidence_score), {1, correct ? 1 : 0, confidence_score});
}

void Calibration::add_tally(std::size_t bin, const CalibrationTally& tally) {
  if (bin >= kCalibrationBins) throw std::out_of_range("calibration bin out of range");
  bins_[bin] += tally;
}

Calibration& Calibration::operator+=(const Calibration& other) {
  for (std::size_t b = 0; b < kCalibrationBins; ++b) bins_[b] += other.bins_[b];
  return *this;
}

std::int64_t Calibration::count() const {
  std::int64_t n = 0;
  for (const auto& b : bins_) n += b.count;
  return n;
}

std::optional<double> Calibration::accuracy() const {
  std::int64_t n = 0, correct = 0;
  for (const auto& b : bins_) {
    n += b.count;
    correct += b.correct;
  }
  if (n == 0) return std::nullopt;
  return static_cast<double>(correct) / static_cast<double>(n);
}

std::optional<double> Calibration::ece() const {
  const auto n = count();
  if (n == 0) return std::nullopt;
  double sum = 0;
  // sum over bins of (count/n) * |correct/count - confidence_sum/(100 count)|
  //   = sum over bins of |correct - confidence_sum/100| / n
  for (const auto& b : bins_)
    sum += std::abs(static_cast<double>(b.correct) - static_cast<double>(b.confidence_sum) / 100.0);
  return sum / static_cast<double>(n);
}

std::vector<ReliabilityBin> Calibration::table() const {
  std::vector<ReliabilityBin> out;
  for (std::size_t k = 0; k < kCalibrationBins; ++k) {
    const auto& b = bins_[k];
    ReliabilityBin row;
    row.from = static_cast<int>(k) * 10;
    row.to = k + 1 == kCalibrationBins ? 100 : row.from + 9;
    row.count = b.count;
    if (b.count > 0) {
      const auto n = static_cast<double>(b.count);
      row.mean_confidence = static_cast<double>(b.confidence_sum) / 100.0 / n;
      row.accuracy = static_cast<double>(b.correct) / n;
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace st::domain
