// Training a LinearClassifier with LIBLINEAR: the one place that sees its API.
#include "learned_model/linear_classifier.hpp"

#include <linear.h>

#include <memory>
#include <stdexcept>
#include <utility>

namespace st::learned_model {
namespace {

// LIBLINEAR prints its progress to stdout unless told otherwise.
void quiet(const char*) {}

struct ModelDeleter {
  void operator()(model* m) const { free_and_destroy_model(&m); }
};

}  // namespace

LinearClassifier LinearClassifier::train(const std::vector<SparseVector>& x,
                                         const std::vector<std::size_t>& y, std::size_t classes,
                                         std::size_t features, LinearOptions options) {
  if (x.size() != y.size() || x.empty())
    throw std::invalid_argument("linear classifier: one class per example, and some examples");
  // LIBLINEAR's rows: 1-based feature indices, a bias feature, then a -1 terminator.
  std::vector<feature_node> nodes;
  std::size_t total = 0;
  for (const auto& row : x) total += row.size() + 2;
  nodes.reserve(total);
  std::vector<std::size_t> starts;
  std::vector<double> labels;
  std::vector<bool> present(classes, false);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (y[i] >= classes) throw std::invalid_argument("linear classifier: class out of range");
    present[y[i]] = true;
    labels.push_back(static_cast<double>(y[i]));
    starts.push_back(nodes.size());
    for (const auto& t : x[i]) {
      if (t.id >= features) throw std::invalid_argument("linear classifier: feature out of range");
      nodes.push_back({static_cast<int>(t.id) + 1, t.weight});
    }
    nodes.push_back({static_cast<int>(features) + 1, 1.0});
    nodes.push_back({-1, 0.0});
  }
  std::vector<feature_node*> rows;
  for (const std::size_t s : starts) rows.push_back(&nodes[s]);
  problem prob{};
  prob.l = static_cast<int>(x.size());
  prob.n = static_cast<int>(features) + 1;
  prob.y = labels.data();
  prob.x = rows.data();
  prob.bias = -1;  // the bias is the explicit last feature above (regularized, as LIBLINEAR does)
  parameter param{};
  param.solver_type = options.kind == LinearKind::svm ? L2R_L2LOSS_SVC_DUAL : L2R_LR;
  param.eps = options.kind == LinearKind::svm ? 0.1 : 0.01;  // LIBLINEAR's own defaults
  param.C = options.c;
  if (const char* error = check_parameter(&prob, &param))
    throw std::invalid_argument(std::string("linear classifier: ") + error);
  set_print_string_function(&quiet);
  std::unique_ptr<model, ModelDeleter> m(::train(&prob, &param));
  if (!m) throw std::runtime_error("linear classifier: training failed");

  std::vector<float> weights((features + 1) * classes, 0.0f);
  const int nr_class = get_nr_class(m.get());
  std::vector<int> liblinear_labels(static_cast<std::size_t>(nr_class));
  get_labels(m.get(), liblinear_labels.data());
  if (nr_class == 1) {
    // One class only: it is always the answer.
    weights[features * classes + static_cast<std::size_t>(liblinear_labels[0])] = 1.0f;
  } else {
    for (int k = 0; k < nr_class; ++k) {
      const auto c = static_cast<std::size_t>(liblinear_labels[static_cast<std::size_t>(k)]);
      for (std::size_t f = 0; f <= features; ++f)
        weights[f * classes + c] =
            static_cast<float>(get_decfun_coef(m.get(), static_cast<int>(f) + 1, k));
    }
  }
  return from_weights(options, classes, features, std::move(weights), std::move(present));
}

}  // namespace st::learned_model
