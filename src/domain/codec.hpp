#pragma once
// JSON shapes of the domain objects, exactly as the public API contract shows them.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/department.hpp"
#include "domain/event.hpp"
#include "domain/ticket.hpp"

namespace st::domain {

// Thrown when a JSON document does not have the expected shape.
struct CodecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

nlohmann::json to_json(const Ticket& t);
Ticket ticket_from_json(const nlohmann::json& j);

nlohmann::json to_json(const Department& d);

// {type, id, name, role}: id, name and role are null unless type is "key".
nlohmann::json to_json(const Actor& a);
// Lenient: anything unreadable is the system (old messages carry no actor).
Actor actor_from_json(const nlohmann::json& j);

nlohmann::json to_json(const Event& e);
Event event_from_json(const nlohmann::json& j);
// Parses a message body; throws CodecError on malformed JSON or shape.
Event parse_event(std::string_view body);
std::string serialize(const Event& e);

}  // namespace st::domain
