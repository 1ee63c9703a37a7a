#pragma once
// Whether a confidence means what it says: decisions grouped by their confidence score into
// bins of ten points, each bin's mean confidence against how often its decisions were right
// (the reliability table), and the expected calibration error (ECE) over them: the mean,
// weighted by each bin's share of the decisions, of |accuracy - mean confidence|. 0 is a
// confidence that is exactly as often right as it says; 0.3 is thirty points off on average.
//
// One computation for every place that reports it: `smartticket model eval` (each labeled
// ticket a decision) and GET /api/analytics/quality (each reviewed decision, right when the
// reviewer left it where it was).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace st::domain {

// Confidence scores are 0-100; bin k holds 10k to 10k+9, and 100 joins the top bin (as in the
// dashboard's confidence histogram).
inline constexpr std::size_t kCalibrationBins = 10;
constexpr std::size_t calibration_bin(int confidence_score) {
  const int clamped = confidence_score < 0 ? 0 : confidence_score;
  const auto bin = static_cast<std::size_t>(clamped / 10);
  return bin < kCalibrationBins ? bin : kCalibrationBins - 1;
}

// What one bin has counted: summed, so that bins counted apart (a store's GROUP BY) add up.
struct CalibrationTally {
  std::int64_t count = 0;
  std::int64_t correct = 0;
  std::int64_t confidence_sum = 0;  // of the scores, 0-100 each

  CalibrationTally& operator+=(const CalibrationTally& other);
  bool operator==(const CalibrationTally&) const = default;
};

// One row of the reliability table. Confidence and accuracy are fractions (0-1), so the
// two compare directly; both are unset for an empty bin.
struct ReliabilityBin {
  int from = 0;  // lowest score of the bin
  int to = 0;    // highest (9, 19, ..., 100)
  std::int64_t count = 0;
  std::optional<double> mean_confidence;
  std::optional<double> accuracy;
};

class Calibration {
 public:
  // One decision: its confidence score (0-100) and whether it was right.
  void add(int confidence_score, bool correct);
  // Decisions counted elsewhere into bin `bin` (calibration_bin()).
  void add_tally(std::size_t bin, const CalibrationTally& tally);
  Calibration& operator+=(const Calibration& other);

  std::int64_t count() const;
  // Unset when there is no decision to measure.
  std::optional<double> accuracy() const;
  std::optional<double> ece() const;
  // Every bin, lowest confidence first, empty ones included.
  std::vector<ReliabilityBin> table() const;

 private:
  std::array<CalibrationTally, kCalibrationBins> bins_{};
};

}  // namespace st::domain
