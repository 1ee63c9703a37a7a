#include "learned_model/model_training.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"
#include "util/thread_name.hpp"

namespace st::learned_model {

ModelTrainingService::ModelTrainingService(ports::TrainingExampleStore& store,
                                           ports::LearnedModel& model,
                                           std::vector<ports::LabeledText> cold_start,
                                           TrainingPolicy policy)
    : store_(store), model_(model), cold_start_(std::move(cold_start)), policy_(policy) {}

ModelTrainingService::~ModelTrainingService() {
  stop();
}

std::vector<ports::Disposition> ModelTrainingService::on_routed(
    const std::vector<ports::Delivery>& batch) {
  std::vector<ports::Disposition> out(batch.size(), ports::Disposition::ack);
  std::vector<ports::TicketText> texts;
  std::vector<ports::TicketLabel> labels;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    domain::Event e;
    try {
      e = domain::parse_event(batch[i].body);
    } catch (const domain::CodecError& err) {
      spdlog::error("model training: dead-lettering malformed event {}: {}", batch[i].event_id,
                    err.what());
      out[i] = ports::Disposition::dead_letter;
      continue;
    }
    const auto* routed = e.payload_as<domain::payload::Routed>();
    if (!routed) continue;
    const auto& department = routed->department;
    const auto by = routed->categorized_by;
    const bool manual = routed->rerouted || by == domain::CategorizedBy::manual;
    // Only an agent's or an admin's routing teaches the model: a requester cannot reroute, and
    // an anonymous one (the open mode) could be anybody poisoning the labels.
    const bool human = manual && e.actor.is_staff();
    const bool confident_claude = by == domain::CategorizedBy::claude &&
                                  routed->confidence_score >= policy_.min_claude_confidence;
    // The model's and the keywords' own decisions are not labels: learning from them would
    // only teach the model its own mistakes.
    if (department.empty() || (!human && !confident_claude)) continue;
    // routed carries the ticket as it is, so the text comes with the label and tickets that
    // never get one cost no write.
    texts.push_back({e.ticket.id, e.ticket.title, e.ticket.description});
    labels.push_back({e.ticket.id, department,
                      human ? ports::LabelSource::human : ports::LabelSource::machine,
                      e.occurred_at});
  }
  if (labels.empty()) return out;
  // A failing write throws: the bus redelivers the batch, and recording is idempotent.
  if (store_.record(texts, labels) > 0) {
    std::lock_guard lock(mutex_);
    labels_changed_ = true;
    wake_.notify_all();
  }
  return out;
}

std::vector<ports::LabeledText> training_set(const std::vector<ports::LabeledText>& cold_start,
                                             ports::TrainingExampleStore& store,
                                             const TrainingPolicy& policy) {
  std::vector<ports::LabeledText> out = cold_start;
  for (auto& e : store.examples(policy.max_examples)) {
    const int weight = e.source == ports::LabelSource::human ? policy.human_weight : 1;
    out.push_back({std::move(e.title), std::move(e.description), std::move(e.department), weight});
  }
  return out;
}

std::vector<ports::LabeledText> ModelTrainingService::training_set() {
  return learned_model::training_set(cold_start_, store_, policy_);
}

std::string ModelTrainingService::retrain_now() {
  // Read the watermark first: labels that arrive while we read the examples are then
  // counted again next time rather than never.
  const auto watermark = store_.label_watermark();
  const auto examples = training_set();
  const auto started = std::chrono::steady_clock::now();
  const auto version = model_.retrain(examples, watermark);
  spdlog::info("learned model {} trained on {} examples in {} ms", version, examples.size(),
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
  return version;
}

void ModelTrainingService::ensure_model() {
  if (!model_.ready()) retrain_now();
}

bool ModelTrainingService::retrain_due() {
  return policy_.retrain_after_labels > 0 &&
         store_.label_watermark() - model_.label_watermark() >= policy_.retrain_after_labels;
}

ports::TrainingStatus ModelTrainingService::status() {
  return {store_.label_watermark(), model_.label_watermark()};
}

void ModelTrainingService::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  labels_changed_ = true;  // labels may have come in while no server ran: check at once
  thread_ = std::thread([this] { run(); });
}

void ModelTrainingService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void ModelTrainingService::run() {
  name_this_thread("model-training");
  using Clock = std::chrono::steady_clock;
  const bool scheduled = policy_.retrain_interval.count() > 0;
  const bool polling = policy_.watermark_poll.count() > 0;
  auto next_scheduled = Clock::now() + policy_.retrain_interval;
  auto next_poll = Clock::now() + policy_.watermark_poll;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto woken = [&] { return stopping_ || labels_changed_; };
    if (scheduled || polling) {
      auto until = Clock::time_point::max();
      if (scheduled) until = std::min(until, next_scheduled);
      if (polling) until = std::min(until, next_poll);
      wake_.wait_until(lock, until, woken);
    } else {
      wake_.wait(lock, woken);
    }
    if (stopping_) break;
    labels_changed_ = false;
    const auto now = Clock::now();
    const bool schedule_reached = scheduled && now >= next_scheduled;
    if (schedule_reached) next_scheduled = now + policy_.retrain_interval;
    // A poll only looks: it retrains when enough labels changed, as a label of our own would.
    if (polling && now >= next_poll) next_poll = now + policy_.watermark_poll;
    lock.unlock();
    try {
      const bool changed = store_.label_watermark() != model_.label_watermark();
      if (retrain_due() || (schedule_reached && changed)) retrain_now();
    } catch (const std::exception& e) {
      // The model in use stays; the next label or tick tries again.
      spdlog::error("learned model: retraining failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace st::learned_model
