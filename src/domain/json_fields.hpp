#pragma once
// Readers of one field of a JSON object for the domain codecs: a required field that is
// missing, or any field of the wrong type, throws CodecError naming the field.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/codec.hpp"
#include "domain/status.hpp"

namespace st::domain::json_fields {

// The field, or null when absent (or when `j` is not an object).
const nlohmann::json* find(const nlohmann::json& j, const char* name);
const nlohmann::json& required(const nlohmann::json& j, const char* name);

std::string string(const nlohmann::json& v, const char* name);
int integer(const nlohmann::json& v, const char* name);
std::int64_t int64(const nlohmann::json& v, const char* name);
bool boolean(const nlohmann::json& v, const char* name);
Status status(const nlohmann::json& v, const char* name);
CategorizedBy categorized_by(const nlohmann::json& v, const char* name);
Priority priority(const nlohmann::json& v, const char* name);

// A required field read as T by one of the readers above, e.g. get(j, "id", int64).
template <class Read>
auto get(const nlohmann::json& j, const char* name, Read read) {
  return read(required(j, name), name);
}

// An optional field: nullopt when absent; present with the wrong type still throws.
template <class Read>
auto get_optional(const nlohmann::json& j, const char* name, Read read)
    -> std::optional<decltype(read(j, name))> {
  if (const auto* v = find(j, name)) return read(*v, name);
  return std::nullopt;
}

}  // namespace st::domain::json_fields
