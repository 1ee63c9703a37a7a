#pragma once
// The categorizer's own table of training examples: ticket texts and
// the labels it may learn from (from ticket.routed: confident Claude decisions and agents'
// reroutes). Either may arrive first; an example is complete when it has both.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/ticket.hpp"

namespace st::ports {

enum class LabelSource {
  machine = 1,  // a confident automatic categorization (Claude)
  human = 2,    // an agent's routing; always wins over a machine label
};

struct TicketText {
  domain::TicketId ticket_id = 0;
  std::string title;
  std::string description;
};

struct TicketLabel {
  domain::TicketId ticket_id = 0;
  std::string department;
  LabelSource source = LabelSource::machine;
  domain::Millis labeled_at = 0;  // when the decision was made; the later one of a source wins
};

struct TrainingExample {
  domain::TicketId ticket_id = 0;
  std::string title;
  std::string description;
  std::string department;
  LabelSource source = LabelSource::machine;
};

class TrainingExampleStore {
 public:
  virtual ~TrainingExampleStore() = default;
  // Stores texts and labels in one transaction. Idempotent: a repeated text or label changes
  // nothing. A label replaces the stored one when its source ranks higher, or ranks the same
  // and is not older. Returns how many labels changed.
  virtual std::size_t record(const std::vector<TicketText>& texts,
                             const std::vector<TicketLabel>& labels) = 0;
  // Complete examples (text and label), most recently labeled first, at most `limit`.
  virtual std::vector<TrainingExample> examples(std::size_t limit) = 0;
  // Grows by one with every label change: "N new labels since the model was trained" is a
  // difference of two watermarks, and survives restarts.
  virtual std::int64_t label_watermark() = 0;
};

}  // namespace st::ports
