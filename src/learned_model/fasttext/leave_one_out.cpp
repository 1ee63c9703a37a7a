// Engine::log_probabilities_without: fastText's answer for a text without each of several
// terms, without predicting each variant again. fastText's prediction for a line is
// softmax(output x hidden), where hidden is the mean of the input rows of the ids that
// Dictionary::getLine gives the line: for each word in order, its subword ids (its own id and
// its character n-grams; only the n-grams for a word the model never saw, nothing for an
// unseen end of line), then, with wordNgrams n > 1, one hashed id per run of 2..n consecutive
// words, the line break's "</s>" included. Leaving a term out removes its words' rows and the
// runs that contain them, and creates runs across each gap it leaves; nothing else changes.
// So each distinct word's row sum is taken once, and a variant costs one subtraction, the
// runs around its gaps, and the output layer. Must stay in step with fastText 0.9's
// getLine/addSubwords/addWordNgrams; leave_one_out_test compares it with predictions.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "learned_model/fasttext/engine.hpp"

namespace st::learned_model::detail {
namespace {

using ::fasttext::DenseMatrix;
using ::fasttext::Dictionary;

// fastText also splits words at these (Dictionary::readWord); text_without() splits only at
// spaces, so the variants of a text holding one of them are predicted one by one.
constexpr std::string_view kOtherSeparators("\n\r\t\v\f\0", 6);

// One distinct word of the line.
struct Word {
  std::size_t sum_at = 0;  // its rows' sum is sums[sum_at, sum_at + dim)
  std::int64_t ids = 0;    // how many rows that is
  std::int64_t occurrences = 0;
  std::int32_t hash = 0;  // as getLine keeps it for the word runs
};

// The line as fastText reads it, with each distinct word's rows summed in double.
struct Line {
  std::vector<Word> words;
  std::vector<std::size_t> order;  // index into words for each word of the line, "</s>" last
  std::vector<double> sums;
};

// The input row id of a run of words (their hashes, in order), as addWordNgrams makes it:
// the int32 hashes widened to uint64 with their sign, before pushHash adds nwords (a model
// that is not quantized has no pruned buckets).
class RunId {
 public:
  explicit RunId(std::int32_t first) : h_(static_cast<std::uint64_t>(std::int64_t{first})) {}
  void extend(std::int32_t next) {
    h_ = h_ * 116049371 + static_cast<std::uint64_t>(std::int64_t{next});
  }
  std::int32_t id(std::int32_t nwords, std::int32_t bucket) const {
    return nwords + static_cast<std::int32_t>(h_ % static_cast<std::uint64_t>(bucket));
  }

 private:
  std::uint64_t h_;
};

void add_row(const DenseMatrix& input, std::int32_t id, double sign, double* to) {
  const float* row = &input.at(id, 0);
  for (std::int64_t j = 0; j < input.cols(); ++j) to[j] += sign * row[j];
}

// log(p + 1e-5) of each label from the summed rows of the line's `ids` ids, as fastText's
// softmax loss predicts (all labels, threshold 0), in our label order; no ids: no
// prediction (every label -inf), as FastText::predict answers an empty line.
std::vector<double> predicted(const DenseMatrix& output, const std::vector<double>& sum,
                              std::int64_t ids, const std::vector<std::size_t>& label_of_output,
                              std::size_t labels) {
  std::vector<double> out(labels, -INFINITY);
  if (ids <= 0) return out;
  const auto dim = static_cast<std::size_t>(output.cols());
  std::vector<double> hidden(dim);
  for (std::size_t j = 0; j < dim; ++j) hidden[j] = sum[j] / static_cast<double>(ids);
  std::vector<double> p(static_cast<std::size_t>(output.rows()));
  for (std::size_t k = 0; k < p.size(); ++k) {
    const float* row = &output.at(static_cast<std::int64_t>(k), 0);
    double z = 0.0;
    for (std::size_t j = 0; j < dim; ++j) z += row[j] * hidden[j];
    p[k] = z;
  }
  const double top = *std::max_element(p.begin(), p.end());
  double total = 0.0;
  for (auto& v : p) total += (v = std::exp(v - top));
  for (std::size_t k = 0; k < p.size(); ++k)
    out[label_of_output[k]] = std::log(p[k] / total + 1e-5);
  return out;
}

}  // namespace

std::optional<std::vector<std::vector<double>>> Engine::log_probabilities_without(
    const std::vector<std::size_t>& label_of_output, std::size_t labels, std::string_view text,
    const std::vector<std::string_view>& terms) const {
  const auto* input = dynamic_cast<const DenseMatrix*>(input_.get());
  const auto* output = dynamic_cast<const DenseMatrix*>(output_.get());
  const int n = args_->wordNgrams;
  if (quant_ || !input || !output || args_->model != ::fasttext::model_name::sup ||
      args_->loss != ::fasttext::loss_name::softmax || (n > 1 && args_->bucket <= 0) ||
      static_cast<std::size_t>(output->rows()) != label_of_output.size() ||
      text.find_first_of(kOtherSeparators) != std::string_view::npos)
    return std::nullopt;
  const auto dim = static_cast<std::size_t>(input->cols());

  // The line's words, with the rows of each distinct one summed (labels are left out, as
  // getLine leaves them out of the words).
  Line line;
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<std::int32_t> ids;
  std::string token;
  const auto read = [&](std::string_view word) {
    if (const auto known = index.find(word); known != index.end()) {
      ++line.words[known->second].occurrences;
      line.order.push_back(known->second);
      return;
    }
    token.assign(word);
    const std::uint32_t h = dict_->hash(token);
    const std::int32_t wid = dict_->getId(token, h);
    if ((wid < 0 ? dict_->getType(token) : dict_->getType(wid)) != ::fasttext::entry_type::word)
      return;
    ids.clear();  // Dictionary::addSubwords
    if (wid < 0) {
      if (token != Dictionary::EOS)
        dict_->computeSubwords(Dictionary::BOW + token + Dictionary::EOW, ids);
    } else if (args_->maxn <= 0) {
      ids.push_back(wid);
    } else {
      ids = dict_->getSubwords(wid);
    }
    Word w{line.sums.size(), static_cast<std::int64_t>(ids.size()), 1,
           static_cast<std::int32_t>(h)};
    line.sums.resize(line.sums.size() + dim, 0.0);
    for (const auto id : ids) add_row(*input, id, 1.0, &line.sums[w.sum_at]);
    index.emplace(word, line.words.size());
    line.order.push_back(line.words.size());
    line.words.push_back(w);
  };
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    const auto word = text.substr(at, end - at);
    // A "</s>" in the text ends fastText's line early, and leaving it out would not.
    if (word == Dictionary::EOS) return std::nullopt;
    if (!word.empty()) read(word);
    at = end + 1;
  }
  read(Dictionary::EOS);  // the line break log_probabilities() appends

  const auto nwords = dict_->nwords();
  const auto bucket = args_->bucket;
  const std::size_t length = line.order.size();
  const auto hash_at = [&](std::size_t position) { return line.words[line.order[position]].hash; };
  // The whole line: every word's rows, then every run.
  std::vector<double> whole(dim, 0.0);
  std::int64_t whole_ids = 0;
  for (const auto& w : line.words) {
    for (std::size_t j = 0; j < dim; ++j)
      whole[j] += static_cast<double>(w.occurrences) * line.sums[w.sum_at + j];
    whole_ids += w.occurrences * w.ids;
  }
  if (n > 1) {
    for (std::size_t i = 0; i < length; ++i) {
      RunId run(hash_at(i));
      for (std::size_t j = i + 1; j < length && j < i + static_cast<std::size_t>(n); ++j) {
        run.extend(hash_at(j));
        add_row(*input, run.id(nwords, bucket), 1.0, whole.data());
        ++whole_ids;
      }
    }
  }

  std::vector<std::vector<double>> out;
  out.reserve(terms.size());
  std::vector<double> sum(dim);
  std::vector<std::size_t> kept;  // positions of the words left, in order
  for (const auto term : terms) {
    const auto found = term == Dictionary::EOS ? index.end() : index.find(term);
    if (found == index.end()) {  // not a word of the text (or a label): nothing changes
      out.push_back(predicted(*output, whole, whole_ids, label_of_output, labels));
      continue;
    }
    const std::size_t left_out = found->second;
    const Word& w = line.words[left_out];
    for (std::size_t j = 0; j < dim; ++j)
      sum[j] = whole[j] - static_cast<double>(w.occurrences) * line.sums[w.sum_at + j];
    std::int64_t sum_ids = whole_ids - w.occurrences * w.ids;
    if (n > 1) {
      const auto width = static_cast<std::size_t>(n);
      // Runs that held the term, each counted at its first occurrence of it.
      for (std::size_t p = 0; p < length; ++p) {
        if (line.order[p] != left_out) continue;
        for (std::size_t i = p + 1 > width ? p + 1 - width : 0; i <= p; ++i) {
          bool earlier = false;
          for (std::size_t q = i; q < p && !earlier; ++q) earlier = line.order[q] == left_out;
          if (earlier) continue;
          RunId run(hash_at(i));
          for (std::size_t j = i + 1; j < length && j < i + width; ++j) {
            run.extend(hash_at(j));
            if (j < p) continue;
            add_row(*input, run.id(nwords, bucket), -1.0, sum.data());
            --sum_ids;
          }
        }
      }
      // Runs the gaps create: those spanning a gap, each counted at its first gap.
      kept.clear();
      for (std::size_t p = 0; p < length; ++p)
        if (line.order[p] != left_out) kept.push_back(p);
      for (std::size_t gap = 0; gap + 1 < kept.size(); ++gap) {
        if (kept[gap + 1] == kept[gap] + 1) continue;
        for (std::size_t a = gap + 1 >= width ? gap + 2 - width : 0; a <= gap; ++a) {
          bool earlier = false;
          for (std::size_t g = a; g < gap && !earlier; ++g) earlier = kept[g + 1] != kept[g] + 1;
          if (earlier) continue;
          RunId run(hash_at(kept[a]));
          for (std::size_t b = a + 1; b < kept.size() && b < a + width; ++b) {
            run.extend(hash_at(kept[b]));
            if (b <= gap) continue;
            add_row(*input, run.id(nwords, bucket), 1.0, sum.data());
            ++sum_ids;
          }
        }
      }
    }
    out.push_back(predicted(*output, sum, sum_ids, label_of_output, labels));
  }
  return out;
}

}  // namespace st::learned_model::detail
