#pragma once
// Scores a categorizer against labeled tickets: accuracy, macro-F1, per-department precision
// and recall, the confusion matrix, and (given each decision's confidence) its calibration,
// printed the way `smartticket model eval` shows them.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "domain/calibration.hpp"

namespace st::services::categorizer {

class Evaluation {
 public:
  // Counts one prediction. Department names are compared exactly.
  void add(const std::string& truth, const std::string& predicted);
  // The same, and the decision's confidence (0-100) for the calibration.
  void add(const std::string& truth, const std::string& predicted, int confidence_score);

  std::size_t total() const { return total_; }
  double accuracy() const;
  // The unweighted mean of every department's F1 (departments seen as truth or prediction).
  double macro_f1() const;
  double precision(const std::string& department) const;
  double recall(const std::string& department) const;
  double f1(const std::string& department) const;
  // Departments in order of first appearance.
  const std::vector<std::string>& departments() const { return names_; }
  // count(truth, predicted)
  std::size_t count(const std::string& truth, const std::string& predicted) const;

  // Of the decisions added with a confidence.
  const domain::Calibration& calibration() const { return calibration_; }

  // "accuracy 0.xxx", "macro_f1 0.xxx", a per-department table and the confusion matrix; then
  // print_reliability() when decisions came with a confidence.
  void print(std::ostream& out) const;

 private:
  std::size_t index(const std::string& name);
  std::size_t find(const std::string& name) const;

  std::vector<std::string> names_;
  std::vector<std::vector<std::size_t>> matrix_;  // [truth][predicted]
  std::size_t total_ = 0;
  std::size_t correct_ = 0;
  domain::Calibration calibration_;
};

// "ece 0.xxx" and the reliability table: per confidence bin, the decisions, their mean
// confidence and accuracy, and a diagram of the two on a 0-1 scale of 20 characters (`#` up to
// the accuracy, `|` at the mean confidence: a `|` beyond the bar is over-confidence).
void print_reliability(std::ostream& out, const domain::Calibration& calibration);

}  // namespace st::services::categorizer
