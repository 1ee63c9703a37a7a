#include "services/categorizer/language_gated_categorizer.hpp"

namespace st::services::categorizer {

LanguageGatedCategorizer::LanguageGatedCategorizer(ports::Categorizer& inner,
                                                   const ports::LanguageDetector& detector,
                                                   std::set<std::string> languages,
                                                   metrics::Registry* metrics)
    : inner_(inner), detector_(detector), languages_(std::move(languages)) {
  if (metrics)
    skipped_ = &metrics->counter("smartticket_categorizer_language_skips_total",
                                 "Tickets a strategy was not asked: their language is not one "
                                 "it was trained on",
                                 {{"strategy", std::string(inner_.name())}});
}

std::optional<ports::Categorization> LanguageGatedCategorizer::categorize(
    const ports::CategorizationRequest& request) {
  // The same text the tickets service detects the stored language from.
  const auto language = detector_.detect(request.title + "\n" + request.description);
  if (language && !languages_.contains(*language)) {
    if (skipped_) skipped_->inc();
    return std::nullopt;
  }
  return inner_.categorize(request);
}

}  // namespace st::services::categorizer
