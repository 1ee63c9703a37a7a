#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/codec.hpp"

namespace st::domain {
namespace {

using nlohmann::json;

// One event type's payload and its wire "data" exactly as producers have written it since the
// first release (the keys and value types a message still queued in the cluster has).
struct WireCase {
  EventType type;
  EventPayload payload;
  json data;
  std::vector<const char*> required;
};

std::vector<WireCase> wire_cases() {
  return {
      {EventType::created, payload::Created{}, json::object(), {}},
      {EventType::categorized,
       payload::Categorized{"IT Support", 92, CategorizedBy::claude, "VPN keeps dropping", "",
                            Priority::high},
       {{"department", "IT Support"},
        {"confidence_score", 92},
        {"categorized_by", "claude"},
        {"reason", "VPN keeps dropping"},
        {"priority", "high"}},
       {"department", "confidence_score", "categorized_by"}},
      {EventType::categorized,
       payload::Categorized{"HR", 71, CategorizedBy::model, "", "ft-2026-11-30"},
       {{"department", "HR"},
        {"confidence_score", 71},
        {"categorized_by", "model"},
        {"reason", ""},
        {"model_version", "ft-2026-11-30"},
        {"priority", "normal"}},
       {"department", "confidence_score", "categorized_by"}},
      {EventType::categorized,
       payload::Categorized{"IT Support", 80, CategorizedBy::keywords, "matched: vpn",
                            "keyword-rules-2", Priority::normal,
                            Explanation{CategorizedBy::keywords,
                                        "keyword-rules-2",
                                        {{"IT Support", 80}, {"HR", 20}},
                                        {"rule \"vpn\" -> IT Support"},
                                        std::nullopt}},
       {{"department", "IT Support"},
        {"confidence_score", 80},
        {"categorized_by", "keywords"},
        {"reason", "matched: vpn"},
        {"model_version", "keyword-rules-2"},
        {"priority", "normal"},
        {"explanation",
         {{"decided_by", "keywords"},
          {"version", "keyword-rules-2"},
          {"candidates", json::array({{{"department", "IT Support"}, {"confidence", 80}},
                                      {{"department", "HR"}, {"confidence", 20}}})},
          {"evidence", json::array({"rule \"vpn\" -> IT Support"})}}}},
       {"department", "confidence_score", "categorized_by"}},
      {EventType::routed,
       payload::Routed{"Finance", 100, CategorizedBy::manual, 12, true},
       {{"department", "Finance"},
        {"confidence_score", 100},
        {"categorized_by", "manual"},
        {"routing_id", 12},
        {"rerouted", true},
        {"priority", "normal"}},
       {"department", "confidence_score", "categorized_by", "routing_id", "rerouted"}},
      {EventType::routed,
       payload::Routed{"General", 40, CategorizedBy::keywords, 13, false,
                       "department 'Legal' is not active", "rules-3"},
       {{"department", "General"},
        {"confidence_score", 40},
        {"categorized_by", "keywords"},
        {"routing_id", 13},
        {"rerouted", false},
        {"reason", "department 'Legal' is not active"},
        {"model_version", "rules-3"},
        {"priority", "normal"}},
       {"department", "confidence_score", "categorized_by", "routing_id", "rerouted"}},
      {EventType::status_updated,
       payload::StatusUpdated{Status::resolved, Status::in_progress},
       {{"status", "resolved"}, {"previous_status", "in_progress"}},
       {"status"}},
      {EventType::department_updated,
       payload::DepartmentUpdated{"Finance", "HR", 100, CategorizedBy::manual},
       {{"department", "Finance"},
        {"previous_department", "HR"},
        {"confidence_score", 100},
        {"categorized_by", "manual"}},
       {"department", "confidence_score", "categorized_by"}},
      {EventType::priority_updated,
       payload::PriorityUpdated{Priority::urgent, Priority::normal},
       {{"priority", "urgent"}, {"previous_priority", "normal"}},
       {"priority"}},
      {EventType::assigned,
       payload::Assigned{"0123456789abcdef", "Kim Agent", std::nullopt, "routed"},
       {{"assignee_id", "0123456789abcdef"}, {"assignee_name", "Kim Agent"}, {"reason", "routed"}},
       {"assignee_id"}},
      {EventType::commented,
       payload::Commented{12, false},
       {{"comment_id", 12}, {"public", false}},
       {"comment_id", "public"}},
      {EventType::reviewed,
       payload::Reviewed{"Finance", false, "HR", CategorizedBy::keywords, 41, true},
       {{"department", "Finance"},
        {"confirmed", false},
        {"previous_department", "HR"},
        {"decided_by", "keywords"},
        {"confidence_score", 41},
        {"flagged", true}},
       {"department", "confirmed"}},
      {EventType::reviewed,
       payload::Reviewed{"HR", true},
       {{"department", "HR"}, {"confirmed", true}, {"flagged", false}},
       {"department", "confirmed"}},
      {EventType::sla_met,
       payload::SlaMet{SlaClock::first_response, 1795636295000, 1795636200000, Priority::high},
       {{"clock", "first_response"},
        {"due_at", "2026-11-25T19:51:35Z"},
        {"met_at", "2026-11-25T19:50:00Z"},
        {"priority", "high"}},
       {"clock", "due_at", "met_at", "priority"}},
      {EventType::sla_breached,
       payload::SlaBreached{SlaClock::resolution, 1795636295000, Priority::low,
                            Escalation::raise_priority},
       {{"clock", "resolution"},
        {"due_at", "2026-11-25T19:51:35Z"},
        {"priority", "low"},
        {"escalation", "raise_priority"}},
       {"clock", "due_at", "priority", "escalation"}},
      {EventType::categorized,
       payload::Categorized{"HR", 70, CategorizedBy::claude, "payroll", "", Priority::normal,
                            std::nullopt, Candidate{"Finance", 64}},
       {{"department", "HR"},
        {"confidence_score", 70},
        {"categorized_by", "claude"},
        {"reason", "payroll"},
        {"priority", "normal"},
        {"second_opinion", {{"department", "Finance"}, {"confidence", 64}}}},
       {"department", "confidence_score", "categorized_by"}},
  };
}

// A whole message as a version without schema_version wrote it.
json old_message(EventType type, json data) {
  return json{
      {"event_id", "0f8c1a52-3c2e-4f4a-9b1d-2a6c8e0d7f31"},
      {"event_type", routing_key(type)},
      {"occurred_at", "2026-11-25T19:51:35Z"},
      {"occurred_at_ms", 1795636295123},
      {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
      {"actor", {{"type", "system"}, {"id", nullptr}, {"name", nullptr}, {"role", nullptr}}},
      {"ticket",
       {{"id", 7},
        {"title", "VPN"},
        {"description", "drops"},
        {"user_name", "Ann"},
        {"user_email", "ann@example.com"},
        {"department", nullptr},
        {"confidence_score", nullptr},
        {"status", "pending"},
        {"categorized_by", nullptr},
        {"created_at", "2026-11-25T19:51:35Z"},
        {"updated_at", "2026-11-25T19:51:35Z"}}},
      {"data", std::move(data)}};
}

TEST(EventPayloadCodec, WritesTodaysKeysAndTypes) {
  for (const auto& c : wire_cases()) {
    EXPECT_EQ(to_json(c.payload), c.data);
    // Byte for byte: the analytics trail stores this and API clients read it.
    EXPECT_EQ(to_json(c.payload).dump(), c.data.dump());
  }
}

TEST(EventPayloadCodec, RoundTripsEveryType) {
  for (const auto& c : wire_cases()) {
    EXPECT_EQ(payload_from_json(c.type, to_json(c.payload)), c.payload) << c.data;
    Event e;
    e.event_id = "e1";
    e.payload = c.payload;
    EXPECT_EQ(parse_event(serialize(e)).payload, c.payload) << c.data;
  }
}

TEST(EventPayloadCodec, AnOldMessageWithoutSchemaVersionReads) {
  for (const auto& c : wire_cases()) {
    const Event e = parse_event(old_message(c.type, c.data).dump());
    EXPECT_EQ(e.type(), c.type);
    EXPECT_EQ(e.payload, c.payload) << c.data;
  }
}

TEST(EventPayloadCodec, OptionalFieldsMayBeAbsent) {
  const auto status = payload_from_json(EventType::status_updated, {{"status", "pending"}});
  EXPECT_EQ(status, EventPayload(payload::StatusUpdated{Status::pending}));
  const auto reroute = payload_from_json(
      EventType::department_updated,
      {{"department", "HR"}, {"confidence_score", 9}, {"categorized_by", "manual"}});
  EXPECT_EQ(reroute,
            EventPayload(payload::DepartmentUpdated{"HR", std::nullopt, 9, CategorizedBy::manual}));
  const auto suggestion = payload_from_json(
      EventType::categorized,
      {{"department", "HR"}, {"confidence_score", 9}, {"categorized_by", "keywords"}});
  EXPECT_EQ(suggestion, EventPayload(payload::Categorized{"HR", 9, CategorizedBy::keywords}));
}

TEST(EventPayloadCodec, ACategorizationOrRoutingWithoutPriorityReadsAsNormal) {
  // Written by a version before priorities: still read, and the ticket is normal.
  const auto suggestion = payload_from_json(
      EventType::categorized,
      {{"department", "HR"}, {"confidence_score", 9}, {"categorized_by", "keywords"}});
  EXPECT_EQ(std::get<payload::Categorized>(suggestion).priority, Priority::normal);
  const auto routed = payload_from_json(EventType::routed, {{"department", "HR"},
                                                            {"confidence_score", 9},
                                                            {"categorized_by", "keywords"},
                                                            {"routing_id", 3},
                                                            {"rerouted", false}});
  EXPECT_EQ(std::get<payload::Routed>(routed).priority, Priority::normal);
  const auto priority_change =
      payload_from_json(EventType::priority_updated, {{"priority", "low"}});
  EXPECT_EQ(priority_change, EventPayload(payload::PriorityUpdated{Priority::low, std::nullopt}));
}

TEST(EventPayloadCodec, ACategorizationWithoutAnExplanationHasNone) {
  // Written before explanations existed, or with an explicit null.
  json data{{"department", "HR"}, {"confidence_score", 9}, {"categorized_by", "keywords"}};
  EXPECT_EQ(
      std::get<payload::Categorized>(payload_from_json(EventType::categorized, data)).explanation,
      std::nullopt);
  data["explanation"] = nullptr;
  EXPECT_EQ(
      std::get<payload::Categorized>(payload_from_json(EventType::categorized, data)).explanation,
      std::nullopt);
  // One of the wrong shape is a decode error, as any field of the wrong type.
  data["explanation"] = {{"decided_by", "keywords"}, {"candidates", "HR"}};
  EXPECT_THROW(payload_from_json(EventType::categorized, data), CodecError);
}

TEST(EventPayloadCodec, AManualExplanationKeepsItsActor) {
  Actor pat{Actor::Type::key, "k1", "Pat", Role::agent};
  const auto e = manual_explanation("HR", 100, pat, "asked by the requester");
  EXPECT_EQ(e.decided_by, CategorizedBy::manual);
  EXPECT_EQ(e.version, "");
  const auto j = to_json(e);
  EXPECT_EQ(j["actor"]["name"], "Pat");
  EXPECT_EQ(j["evidence"], json::array({"asked by the requester"}));
  EXPECT_EQ(explanation_from_json(j), e);
}

TEST(EventPayloadCodec, UnknownFieldsAndANewerVersionAreTolerated) {
  for (const auto& c : wire_cases()) {
    json data = c.data;
    data["sla_minutes"] = 30;  // a field a later version might add
    json message = old_message(c.type, data);
    message["schema_version"] = 2;
    message["tenant"] = "acme";
    EXPECT_EQ(parse_event(message.dump()).payload, c.payload) << message;
  }
}

TEST(EventPayloadCodec, EachMissingRequiredFieldIsADecodeError) {
  for (const auto& c : wire_cases()) {
    for (const char* field : c.required) {
      json data = c.data;
      data.erase(field);
      EXPECT_THROW(payload_from_json(c.type, data), CodecError) << field << " of " << c.data;
      EXPECT_THROW(parse_event(old_message(c.type, data).dump()), CodecError) << field;
    }
  }
}

TEST(EventPayloadCodec, AFieldOfTheWrongTypeIsADecodeError) {
  const auto routed = [](const char* key, json value) {
    json data = wire_cases()[3].data;
    data[key] = std::move(value);
    return data;
  };
  for (const json& data :
       {routed("department", 42), routed("confidence_score", "92"), routed("confidence_score", 9.5),
        routed("confidence_score", 1LL << 40), routed("categorized_by", "oracle"),
        routed("routing_id", "12"), routed("rerouted", 1), routed("reason", nullptr),
        routed("model_version", 3), routed("priority", "critical"), routed("priority", 2)})
    EXPECT_THROW(payload_from_json(EventType::routed, data), CodecError) << data;
  EXPECT_THROW(payload_from_json(EventType::status_updated, {{"status", "closed"}}), CodecError);
  const json met{{"clock", "first_response"},
                 {"due_at", "2026-11-25T19:51:35Z"},
                 {"met_at", "2026-11-25T19:50:00Z"},
                 {"priority", "high"}};
  for (const auto& [key, value] :
       std::vector<std::pair<const char*, json>>{{"clock", "lunch"},
                                                 {"due_at", 1795636295000},
                                                 {"met_at", "yesterday"},
                                                 {"priority", "critical"}}) {
    json data = met;
    data[key] = value;
    EXPECT_THROW(payload_from_json(EventType::sla_met, data), CodecError) << data;
  }
  EXPECT_THROW(payload_from_json(EventType::sla_breached, {{"clock", "resolution"},
                                                           {"due_at", "2026-11-25T19:51:35Z"},
                                                           {"priority", "low"},
                                                           {"escalation", "page"}}),
               CodecError);
  EXPECT_THROW(payload_from_json(EventType::status_updated,
                                 {{"status", "pending"}, {"previous_status", "closed"}}),
               CodecError);
}

TEST(EventPayloadCodec, TheErrorNamesTheEventTypeAndTheField) {
  try {
    payload_from_json(EventType::routed, json::object());
    FAIL() << "no error";
  } catch (const CodecError& e) {
    EXPECT_STREQ(e.what(), "ticket.routed data: missing field 'department'");
  }
}

}  // namespace
}  // namespace st::domain
