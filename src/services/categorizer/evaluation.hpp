#pragma once
// Scores a categorizer against labeled tickets: accuracy, macro-F1, per-department precision
// and recall, and the confusion matrix, printed the way `smartticket model eval` shows them.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace st::services::categorizer {

class Evaluation {
 public:
  // Counts one prediction. Department names are compared exactly.
  void add(const std::string& truth, const std::string& predicted);

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

  // "accuracy 0.xxx", "macro_f1 0.xxx", a per-department table and the confusion matrix.
  void print(std::ostream& out) const;

 private:
  std::size_t index(const std::string& name);
  std::size_t find(const std::string& name) const;

  std::vector<std::string> names_;
  std::vector<std::vector<std::size_t>> matrix_;  // [truth][predicted]
  std::size_t total_ = 0;
  std::size_t correct_ = 0;
};

}  // namespace st::services::categorizer
