#pragma once
// Keeps a strategy to the languages it knows: a ticket detected in another language is not
// asked (nullopt, so the next strategy decides) rather than answered with a confidence that
// means nothing. The learned model is trained on English tickets; a Spanish ticket's words
// are mostly unknown to it, and what it then scores is noise. A ticket whose language
// cannot be told (short text: "VPN down") is asked as before.
#include <set>
#include <string>

#include "metrics/registry.hpp"
#include "ports/categorizer.hpp"
#include "ports/language_detector.hpp"

namespace st::services::categorizer {

class LanguageGatedCategorizer final : public ports::Categorizer {
 public:
  // `languages`: ISO 639-1 codes `inner` decides. Counts skipped tickets when `metrics` is set.
  LanguageGatedCategorizer(ports::Categorizer& inner, const ports::LanguageDetector& detector,
                           std::set<std::string> languages, metrics::Registry* metrics = nullptr);

  std::optional<ports::Categorization> categorize(
      const ports::CategorizationRequest& request) override;
  std::string_view name() const override { return inner_.name(); }
  ports::CategorizerHealth health() override { return inner_.health(); }

 private:
  ports::Categorizer& inner_;
  const ports::LanguageDetector& detector_;
  const std::set<std::string> languages_;
  metrics::Counter* skipped_ = nullptr;
};

}  // namespace st::services::categorizer
