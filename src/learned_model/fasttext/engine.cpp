#include "learned_model/fasttext/engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace st::learned_model::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLabelPrefix = "__label__";

// fastText reads its training set from a file, one "__label__N text" line per example.
// Examples are written in a seeded random order (fastText makes its passes in file order,
// and a file sorted by department would teach it one department at a time); a weight w
// writes the line w times.
void write_training_file(const std::string& path, const std::vector<const Example*>& examples,
                         int seed) {
  std::vector<const Example*> lines;
  for (const Example* e : examples)
    for (int i = 0; i < std::max(1, e->weight); ++i) lines.push_back(e);
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  for (std::size_t i = lines.size(); i > 1; --i) std::swap(lines[i - 1], lines[rng() % i]);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const Example* e : lines) out << kLabelPrefix << e->label << ' ' << e->text << '\n';
  if (!out.flush()) throw ModelError("cannot write training file " + path);
}

}  // namespace

TempFile::TempFile(const std::string& stem) {
  std::string pattern = (fs::temp_directory_path() / (stem + "-XXXXXX")).string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) throw ModelError("cannot create a temporary file in " + pattern);
  ::close(fd);
  path_ = pattern;
}

TempFile::~TempFile() {
  std::error_code ec;
  fs::remove(path_, ec);
}

std::unique_ptr<Engine> train_engine(const std::vector<const Example*>& examples,
                                     const TrainingOptions& o) {
  std::unique_ptr<Engine> engine;
  {
    TempFile file("smartticket-train");
    write_training_file(file.path(), examples, o.seed);
    ::fasttext::Args args;
    args.input = file.path();
    args.model = ::fasttext::model_name::sup;
    args.loss = ::fasttext::loss_name::softmax;
    args.epoch = o.epoch;
    args.lr = o.lr;
    args.dim = o.dim;
    args.wordNgrams = o.word_ngrams;
    args.minn = o.minn;
    args.maxn = o.maxn;
    args.minCount = o.min_count;
    args.minCountLabel = 0;
    // As fastText's own command line does: no hash table when nothing would be hashed.
    args.bucket = (o.word_ngrams <= 1 && o.maxn == 0) ? 0 : o.bucket;
    args.thread = std::max(1, o.threads);
    args.seed = o.seed;
    args.verbose = 0;
    engine = std::make_unique<Engine>();
    try {
      engine->train(args);
    } catch (const std::exception& e) {
      throw ModelError(std::string("fastText training failed: ") + e.what());
    }
  }
  return compacted(std::move(engine));
}

std::unique_ptr<Engine> compacted(std::unique_ptr<Engine> trained) {
  TempFile file("smartticket-compact");
  auto loaded = std::make_unique<Engine>();
  try {
    trained->saveModel(file.path());
    trained.reset();
    loaded->loadModel(file.path());
  } catch (const std::exception& e) {
    throw ModelError(std::string("cannot reload the trained model: ") + e.what());
  }
  return loaded;
}

std::vector<std::size_t> output_labels(const ::fasttext::FastText& engine, std::size_t labels) {
  const auto dict = engine.getDictionary();
  std::vector<std::size_t> out(static_cast<std::size_t>(dict->nlabels()));
  for (std::int32_t id = 0; id < dict->nlabels(); ++id) {
    const std::string name = dict->getLabel(id);
    std::size_t index = labels;
    if (name.starts_with(kLabelPrefix)) {
      try {
        index = std::stoul(name.substr(kLabelPrefix.size()));
      } catch (const std::exception&) {
      }
    }
    if (index >= labels) throw ModelError("model has an unknown label " + name);
    out[static_cast<std::size_t>(id)] = index;
  }
  return out;
}

std::vector<double> log_probabilities(const ::fasttext::FastText& engine,
                                      const std::vector<std::size_t>& label_of_output,
                                      std::size_t labels, std::string_view text) {
  std::string line;
  line.reserve(text.size() + 1);
  line.append(text);
  line.push_back('\n');  // training lines end in a line break, which fastText counts as a word
  std::istringstream in(std::move(line));
  std::vector<std::int32_t> words, ignored_labels;
  engine.getDictionary()->getLine(in, words, ignored_labels);
  std::vector<double> out(labels, -INFINITY);
  ::fasttext::Predictions predictions;
  engine.predict(static_cast<std::int32_t>(label_of_output.size()), words, predictions, 0.0);
  for (const auto& [log_p, id] : predictions)
    out[label_of_output[static_cast<std::size_t>(id)]] = log_p;
  return out;
}

}  // namespace st::learned_model::detail
