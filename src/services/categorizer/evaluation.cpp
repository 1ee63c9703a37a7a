#include "services/categorizer/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace st::services::categorizer {

std::size_t Evaluation::find(const std::string& name) const {
  return static_cast<std::size_t>(std::find(names_.begin(), names_.end(), name) - names_.begin());
}

std::size_t Evaluation::index(const std::string& name) {
  const std::size_t i = find(name);
  if (i < names_.size()) return i;
  names_.push_back(name);
  for (auto& row : matrix_) row.push_back(0);
  matrix_.emplace_back(names_.size(), 0);
  return i;
}

void Evaluation::add(const std::string& truth, const std::string& predicted) {
  const std::size_t t = index(truth);
  const std::size_t p = index(predicted);
  ++matrix_[t][p];
  ++total_;
  if (t == p) ++correct_;
}

void Evaluation::add(const std::string& truth, const std::string& predicted, int confidence_score) {
  add(truth, predicted);
  calibration_.add(confidence_score, truth == predicted);
}

double Evaluation::accuracy() const {
  return total_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(total_);
}

std::size_t Evaluation::count(const std::string& truth, const std::string& predicted) const {
  const std::size_t t = find(truth), p = find(predicted);
  return (t < names_.size() && p < names_.size()) ? matrix_[t][p] : 0;
}

double Evaluation::precision(const std::string& department) const {
  const std::size_t d = find(department);
  if (d >= names_.size()) return 0.0;
  std::size_t predicted = 0;
  for (const auto& row : matrix_) predicted += row[d];
  return predicted == 0 ? 0.0 : static_cast<double>(matrix_[d][d]) / static_cast<double>(predicted);
}

double Evaluation::recall(const std::string& department) const {
  const std::size_t d = find(department);
  if (d >= names_.size()) return 0.0;
  std::size_t actual = 0;
  for (std::size_t v : matrix_[d]) actual += v;
  return actual == 0 ? 0.0 : static_cast<double>(matrix_[d][d]) / static_cast<double>(actual);
}

double Evaluation::f1(const std::string& department) const {
  const double p = precision(department), r = recall(department);
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

double Evaluation::macro_f1() const {
  if (names_.empty()) return 0.0;
  double sum = 0;
  for (const auto& n : names_) sum += f1(n);
  return sum / static_cast<double>(names_.size());
}

void Evaluation::print(std::ostream& out) const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "accuracy %.3f\nmacro_f1 %.3f\nexamples %zu\n", accuracy(),
                macro_f1(), total_);
  out << buf;
  std::size_t width = 10;
  for (const auto& n : names_) width = std::max(width, n.size());
  std::snprintf(buf, sizeof buf, "\n%-*s %9s %9s %9s %7s\n", static_cast<int>(width), "department",
                "precision", "recall", "f1", "support");
  out << buf;
  for (const auto& n : names_) {
    std::size_t support = 0;
    for (std::size_t v : matrix_[find(n)]) support += v;
    std::snprintf(buf, sizeof buf, "%-*s %9.3f %9.3f %9.3f %7zu\n", static_cast<int>(width),
                  n.c_str(), precision(n), recall(n), f1(n), support);
    out << buf;
  }
  out << "\nconfusion matrix (rows: true department, columns: predicted, in the order above)\n";
  for (std::size_t t = 0; t < names_.size(); ++t) {
    std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(width), names_[t].c_str());
    out << buf;
    for (std::size_t v : matrix_[t]) {
      std::snprintf(buf, sizeof buf, " %5zu", v);
      out << buf;
    }
    out << '\n';
  }
  if (calibration_.count() > 0) {
    out << '\n';
    print_reliability(out, calibration_);
  }
}

namespace {

constexpr int kDiagramWidth = 20;  // characters for 0 to 1

std::string diagram(double accuracy, double confidence) {
  const auto at = [](double v) {
    return std::clamp(static_cast<int>(std::lround(v * kDiagramWidth)), 0, kDiagramWidth);
  };
  std::string line(static_cast<std::size_t>(at(accuracy)), '#');
  line.resize(kDiagramWidth + 1, ' ');
  line[static_cast<std::size_t>(at(confidence))] = '|';
  line.erase(line.find_last_not_of(' ') + 1);
  return line;
}

}  // namespace

void print_reliability(std::ostream& out, const domain::Calibration& calibration) {
  char buf[256];
  const auto ece = calibration.ece();
  std::snprintf(buf, sizeof buf, "ece %.3f\n\n", ece.value_or(0.0));
  out << buf;
  out << "reliability (# accuracy, | mean confidence, on a 0-1 scale)\n";
  std::snprintf(buf, sizeof buf, "%-10s %7s %10s %9s\n", "confidence", "count", "mean conf",
                "accuracy");
  out << buf;
  for (const auto& row : calibration.table()) {
    const auto bin = std::to_string(row.from) + "-" + std::to_string(row.to);
    if (row.count == 0) {
      std::snprintf(buf, sizeof buf, "%-10s %7d %10s %9s\n", bin.c_str(), 0, "-", "-");
    } else {
      std::snprintf(buf, sizeof buf, "%-10s %7lld %10.3f %9.3f  %s\n", bin.c_str(),
                    static_cast<long long>(row.count), *row.mean_confidence, *row.accuracy,
                    diagram(*row.accuracy, *row.mean_confidence).c_str());
    }
    out << buf;
  }
}

}  // namespace st::services::categorizer
