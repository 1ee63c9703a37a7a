#pragma once
// fastText itself, behind the few calls the learned model makes: train on examples,
// reload compactly, and read log-probabilities in our label order. The only code that
// includes libfasttext; used by text_model.cpp and stack.cpp, never outside learned_model/.
#include <fasttext/fasttext.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "learned_model/text_model.hpp"

namespace st::learned_model::detail {

// Exposes the signature check fastText keeps protected, so a model can be read from a
// stream (our file carries its own header before fastText's bytes).
class Engine : public ::fasttext::FastText {
 public:
  bool read_signature(std::istream& in) { return checkModel(in); }

  // log_probabilities() of `text` without each of `terms` (every space-separated word equal
  // to the term left out, as text_without() does), in the order of `terms`, from one pass over
  // the text (leave_one_out.cpp). Equal to predicting each variant up to rounding (this sums
  // in double, fastText in float). nullopt when the model or the text is outside what it
  // reproduces (not a softmax classifier, quantized, a text with separators other than
  // spaces): then the caller predicts each variant.
  std::optional<std::vector<std::vector<double>>> log_probabilities_without(
      const std::vector<std::size_t>& label_of_output, std::size_t labels, std::string_view text,
      const std::vector<std::string_view>& terms) const;
};

// A file in the temp directory, removed when the object goes.
class TempFile {
 public:
  explicit TempFile(const std::string& stem);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Trains fastText on `examples` (throws ModelError when fastText cannot), then reloads it
// through a file: a freshly trained dictionary keeps a 30-million-slot hash table (120 MB),
// a loaded one is sized to its vocabulary.
std::unique_ptr<Engine> train_engine(const std::vector<const Example*>& examples,
                                     const TrainingOptions& options);
std::unique_ptr<Engine> compacted(std::unique_ptr<Engine> trained);

// fastText label id -> our label index, from its "__label__N" names.
std::vector<std::size_t> output_labels(const ::fasttext::FastText& engine, std::size_t labels);

// Log-probabilities of every label in our order; labels fastText never saw get -inf.
std::vector<double> log_probabilities(const ::fasttext::FastText& engine,
                                      const std::vector<std::size_t>& label_of_output,
                                      std::size_t labels, std::string_view text);

}  // namespace st::learned_model::detail
