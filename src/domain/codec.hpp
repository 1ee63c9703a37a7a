#pragma once
// JSON shapes of the domain objects, exactly as the public API contract shows them.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/comment.hpp"
#include "domain/department.hpp"
#include "domain/event.hpp"
#include "domain/ticket.hpp"

namespace st::domain {

// Thrown when a JSON document does not have the expected shape.
struct CodecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A ticket as an event's snapshot carries it: without its SLA clocks, whose breach and pause
// bookkeeping only the tickets store holds (ticket_from_json reads back all there is, and the
// ticket.sla.* events carry what their consumers need).
nlohmann::json to_json(const Ticket& t);
// A ticket as the API shows it: the above and its "sla" object, its state as of `now`.
nlohmann::json to_json(const Ticket& t, Millis now);
Ticket ticket_from_json(const nlohmann::json& j);

nlohmann::json to_json(const Department& d);

// {decided_by, version, candidates: [{department, confidence}], evidence: [...]}, plus actor
// for a manual decision.
nlohmann::json to_json(const Explanation& e);
// Throws CodecError when a field is missing or of the wrong type (actor: lenient, as above).
Explanation explanation_from_json(const nlohmann::json& j);

// {type, id, name, role}: id, name and role are null unless type is "key".
nlohmann::json to_json(const Actor& a);
// Lenient: anything unreadable is the system (old messages carry no actor).
Actor actor_from_json(const nlohmann::json& j);

// {id, ticket_id, body, public, author (an actor, as above), created_at}.
nlohmann::json to_json(const Comment& c);

// The version of the event envelope and payloads this build writes ("schema_version"). A message
// without one was written before versions existed and reads as version 1. A higher version is
// still read: a newer producer that keeps the fields this version requires (adding optional
// ones) stays readable, and one that does not fails on the missing field (dead letter), not on
// its number. So a payload change is rolled out consumers first, while old messages drain.
inline constexpr int kEventSchemaVersion = 1;

// The wire "data" object of a payload (domain/event_payload_codec.cpp).
nlohmann::json to_json(const EventPayload& p);
// Reads `data` as the payload of an event of `type`: unknown keys are ignored, a missing
// required field or a field of the wrong type throws CodecError.
EventPayload payload_from_json(EventType type, const nlohmann::json& data);

nlohmann::json to_json(const Event& e);
Event event_from_json(const nlohmann::json& j);
// Parses a message body; throws CodecError on malformed JSON or shape.
Event parse_event(std::string_view body);
std::string serialize(const Event& e);

}  // namespace st::domain
