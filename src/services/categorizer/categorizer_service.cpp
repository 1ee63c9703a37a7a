#include "services/categorizer/categorizer_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "domain/codec.hpp"
#include "domain/department.hpp"
#include "services/categorizer/priority_estimator.hpp"

namespace st::services::categorizer {

namespace {
constexpr auto kDepartmentCacheTtl = std::chrono::seconds(2);

// Every decision leaves with an explanation: a strategy's own, or one made of the decision.
void explain(ports::Categorization& c) {
  if (!c.explanation)
    c.explanation = domain::plain_explanation(c.categorized_by, c.model_version, c.department,
                                              c.confidence, c.reason);
  domain::normalize(*c.explanation);
}

// The store may be out of reach (a database restart): that is said, not fatal. Categorizing
// goes on, and labels wait in their queue, so the service is not degraded on that account.
nlohmann::json training_health(ports::ModelTrainer& training) {
  try {
    const auto s = training.status();
    return {{"label_watermark", s.label_watermark},
            {"model_label_watermark", s.model_label_watermark}};
  } catch (const std::exception& e) {
    return {{"error", std::string("training store unreadable: ") + e.what()}};
  }
}
}  // namespace

struct CategorizerService::Counters {
  Counters(metrics::Registry& r, const std::vector<ports::Categorizer*>& chain) {
    for (auto* s : chain) {
      const std::string name(s->name());
      decisions.push_back(&r.counter("smartticket_categorizer_decisions_total",
                                     "Tickets categorized, by the strategy that decided",
                                     {{"by", name}}));
      fallbacks.push_back(&r.counter("smartticket_categorizer_fallbacks_total",
                                     "Times a strategy could not decide and the next one was asked",
                                     {{"from", name}}));
    }
  }
  std::vector<metrics::Counter*> decisions;  // per chain position
  std::vector<metrics::Counter*> fallbacks;
};

CategorizerService::CategorizerService(std::vector<ports::Categorizer*> chain,
                                       ports::DepartmentDirectory& departments,
                                       ports::EventBus& bus, const ports::Clock& clock,
                                       CategorizerOptions options)
    : chain_(std::move(chain)),
      departments_(departments),
      bus_(bus),
      clock_(clock),
      options_(options) {
  options_.parallelism = std::max<std::size_t>(1, options_.parallelism);
  if (options_.metrics) counters_ = std::make_shared<Counters>(*options_.metrics, chain_);
}

std::vector<std::string> CategorizerService::active_departments() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(cache_mutex_);
    if (!cached_departments_.empty() && now - cached_at_ < kDepartmentCacheTtl)
      return cached_departments_;
  }
  std::vector<std::string> fresh;
  try {
    fresh = departments_.active_department_names();
  } catch (const std::exception& e) {
    // Routing unreachable (distributed mode): a slightly stale list beats stopping the
    // pipeline; with no list at all the delivery is retried later.
    std::lock_guard lock(cache_mutex_);
    if (cached_departments_.empty()) throw;
    spdlog::warn("categorizer: using cached departments, routing unavailable: {}", e.what());
    return cached_departments_;
  }
  std::lock_guard lock(cache_mutex_);
  cached_departments_ = fresh;
  cached_at_ = now;
  return fresh;
}

std::chrono::milliseconds CategorizerService::decision_budget(
    std::chrono::milliseconds create_timeout) {
  if (create_timeout.count() <= 0) return std::chrono::milliseconds(0);
  return create_timeout - std::min(std::chrono::milliseconds(1000), create_timeout / 4);
}

CategorizerService::Deadline CategorizerService::deadline_for(domain::Millis created_at) const {
  if (options_.create_timeout.count() <= 0) return std::nullopt;
  const auto now = clock_.now();
  // created_at lost its milliseconds on the wire: allow the second it may be early by.
  if (now >= created_at + options_.create_timeout.count() + 1000) return std::nullopt;
  const auto left = std::max<domain::Millis>(
      0, created_at + decision_budget(options_.create_timeout).count() - now);
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(left);
}

std::optional<domain::Candidate> CategorizerService::model_opinion(
    const ports::CategorizationRequest& req, std::size_t after) {
  for (std::size_t j = after + 1; j < chain_.size(); ++j) {
    if (chain_[j]->name() != "model") continue;
    try {
      if (auto c = chain_[j]->categorize(req))
        return domain::Candidate{c->department, c->confidence};
    } catch (const std::exception& e) {
      spdlog::warn("categorizer: no second opinion from '{}': {}", chain_[j]->name(), e.what());
    }
    return std::nullopt;
  }
  return std::nullopt;
}

ports::CategorizationRequest CategorizerService::request_for(const std::string& title,
                                                             const std::string& description,
                                                             Deadline deadline) {
  ports::CategorizationRequest req{title, description, active_departments()};
  if (req.departments.empty()) req.departments.push_back(domain::kGeneralDepartment);
  req.deadline = deadline;
  if (!req.deadline && options_.create_timeout.count() > 0)
    req.deadline = std::chrono::steady_clock::now() + decision_budget(options_.create_timeout);
  return req;
}

CategorizerService::DryRun CategorizerService::dry_run(const std::string& title,
                                                       const std::string& description) {
  const auto req = request_for(title, description, std::nullopt);
  DryRun out;
  std::optional<std::size_t> first;  // the strategy whose answer the chain takes
  for (std::size_t i = 0; i < chain_.size(); ++i) {
    StrategyAnswer a{std::string(chain_[i]->name()), std::nullopt, false};
    try {
      a.answer = chain_[i]->categorize(req);
    } catch (const std::exception& e) {
      spdlog::warn("categorizer dry run: '{}' failed: {}", chain_[i]->name(), e.what());
      a.failed = true;
    }
    if (a.answer) {
      if (!a.answer->priority) a.answer->priority = estimate_priority(title, description).priority;
      explain(*a.answer);
      if (!first) first = i;
    }
    out.strategies.push_back(std::move(a));
  }
  if (!first) {
    out.decision.categorization = {
        domain::kGeneralDepartment, 0,  domain::CategorizedBy::keywords,
        "no strategy decided",      "", estimate_priority(title, description).priority};
    explain(out.decision.categorization);
    return out;
  }
  const auto& decided = *out.strategies[*first].answer;
  out.decision.categorization = decided;
  if (decided.categorized_by == domain::CategorizedBy::claude &&
      decided.confidence < kSecondOpinionBelow)
    for (std::size_t j = *first + 1; j < out.strategies.size(); ++j)
      if (out.strategies[j].strategy == "model" && out.strategies[j].answer)
        out.decision.second_opinion = domain::Candidate{out.strategies[j].answer->department,
                                                        out.strategies[j].answer->confidence};
  return out;
}

CategorizerService::Decision CategorizerService::decide(const std::string& title,
                                                        const std::string& description,
                                                        Deadline deadline) {
  const auto req = request_for(title, description, deadline);
  for (std::size_t i = 0; i < chain_.size(); ++i) {
    auto* strategy = chain_[i];
    try {
      if (auto c = strategy->categorize(req)) {
        if (counters_) counters_->decisions[i]->inc();
        // Keywords and the learned model name no priority, nor does a Claude answer
        // without one: the local estimate stands in.
        if (!c->priority) c->priority = estimate_priority(title, description).priority;
        explain(*c);
        Decision out{*c, std::nullopt};
        // An unsure Claude is checked by the learned model (only then: a sure one costs
        // nothing more); a disagreement is noted in the evidence, and routing flags it.
        if (c->categorized_by == domain::CategorizedBy::claude &&
            c->confidence < kSecondOpinionBelow)
          out.second_opinion = model_opinion(req, i);
        if (out.second_opinion && out.second_opinion->department != c->department) {
          c->explanation->evidence.push_back(
              "the learned model would choose " + out.second_opinion->department + " (" +
              std::to_string(out.second_opinion->confidence) + "%): left for review");
          domain::normalize(*c->explanation);
          out.categorization = *c;
        }
        return out;
      }
    } catch (const std::exception& e) {
      // A strategy failing is exactly what the chain is for: note it and ask the next.
      spdlog::warn("categorizer '{}' failed: {}", strategy->name(), e.what());
    }
    if (counters_) counters_->fallbacks[i]->inc();
  }
  ports::Categorization none{
      domain::kGeneralDepartment, 0,  domain::CategorizedBy::keywords,
      "no strategy decided",      "", estimate_priority(title, description).priority};
  explain(none);
  return {none, std::nullopt};
}

nlohmann::json CategorizerService::health() {
  nlohmann::json details = nlohmann::json::object();
  using State = ports::CategorizerHealth::State;
  bool degraded = false;
  for (auto* strategy : chain_) {
    ports::CategorizerHealth h;
    try {
      h = strategy->health();
    } catch (const std::exception& e) {
      h = {State::degraded, std::string("health check failed: ") + e.what(), {}};
    }
    nlohmann::json entry{{"status", h.state == State::healthy    ? "healthy"
                                    : h.state == State::degraded ? "degraded"
                                                                 : "off"}};
    if (!h.summary.empty()) entry["reason"] = h.summary;
    for (const auto& [k, v] : h.details) entry[k] = v;
    details[std::string(strategy->name())] = std::move(entry);
    // A strategy the operator switched off is a mode, not a fault: the next one decides.
    degraded = degraded || h.state == State::degraded;
  }
  // This instance's share of the queue (several categorizers may consume it).
  details["categorized"] = categorized_count();
  if (options_.training) details["training"] = training_health(*options_.training);
  return {{"status", degraded ? "degraded" : "healthy"},
          {"service", "categorizer"},
          {"details", std::move(details)}};
}

std::vector<CategorizerService::Deadline> CategorizerService::batch_deadlines(
    const std::vector<std::optional<domain::Event>>& created) const {
  // The batch is published at once: no ticket may take longer than the most urgent one that
  // a create request still waits for.
  std::vector<Deadline> deadlines(created.size());
  Deadline most_urgent;
  for (std::size_t i = 0; i < created.size(); ++i) {
    if (!created[i]) continue;
    deadlines[i] = deadline_for(created[i]->ticket.created_at);
    if (deadlines[i] && (!most_urgent || *deadlines[i] < *most_urgent)) most_urgent = deadlines[i];
  }
  for (auto& d : deadlines)
    if (!d) d = most_urgent;
  return deadlines;
}

std::vector<CategorizerService::Decision> CategorizerService::categorize_all(
    const std::vector<std::optional<domain::Event>>& created) {
  const auto deadlines = batch_deadlines(created);
  // `parallelism` tickets at a time. An exception (say, the department list cannot be
  // read) fails the whole batch, as before, once every worker has stopped.
  std::vector<Decision> decided(created.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    for (std::size_t i = next++; i < created.size(); i = next++) {
      if (!created[i]) continue;
      try {
        const auto& t = created[i]->ticket;
        decided[i] = decide(t.title, t.description, deadlines[i]);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  const std::size_t workers = std::min(options_.parallelism, created.size());
  {
    std::vector<std::jthread> helpers;
    for (std::size_t k = 1; k < workers; ++k) helpers.emplace_back(work);
    work();
  }
  if (error) std::rethrow_exception(error);
  return decided;
}

std::vector<ports::Disposition> CategorizerService::on_created(
    const std::vector<ports::Delivery>& batch) {
  std::vector<ports::Disposition> out(batch.size(), ports::Disposition::ack);
  std::vector<std::optional<domain::Event>> created(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      created[i] = domain::parse_event(batch[i].body);
    } catch (const domain::CodecError& err) {
      spdlog::error("categorizer: dead-lettering malformed event {}: {}", batch[i].event_id,
                    err.what());
      out[i] = ports::Disposition::dead_letter;
    }
  }

  const auto decided = categorize_all(created);

  std::vector<ports::OutgoingMessage> messages;
  messages.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!created[i]) continue;
    const auto& c = decided[i].categorization;
    const auto& ticket_created = *created[i];
    domain::payload::Categorized suggestion{
        c.department,     c.confidence,
        c.categorized_by, c.reason,
        c.model_version,  c.priority.value_or(domain::Priority::normal),
        c.explanation,    decided[i].second_opinion};
    auto event = domain::make_event(std::move(suggestion), ticket_created.ticket, clock_.now(),
                                    ticket_created.trace_id);
    event.event_id = domain::derived_event_id(ticket_created.event_id, "categorized");
    messages.push_back({std::string(domain::routing_key(event.type())), event.event_id,
                        domain::serialize(event), batch[i].traceparent});
  }
  // If publishing throws, the bus retries the whole batch; the derived ids make the
  // repeats harmless downstream.
  if (!messages.empty()) bus_.publish(messages);
  categorized_.fetch_add(messages.size(), std::memory_order_relaxed);
  return out;
}

}  // namespace st::services::categorizer
