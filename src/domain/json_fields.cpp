#include "domain/json_fields.hpp"

#include <limits>

namespace st::domain::json_fields {

using nlohmann::json;

namespace {

[[noreturn]] void wrong_type(const char* name, const char* expected) {
  throw CodecError(std::string("field '") + name + "' must be " + expected);
}

}  // namespace

const json* find(const json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

const json& required(const json& j, const char* name) {
  if (const auto* v = find(j, name)) return *v;
  throw CodecError(std::string("missing field '") + name + "'");
}

std::string string(const json& v, const char* name) {
  if (!v.is_string()) wrong_type(name, "a string");
  return v.get<std::string>();
}

std::int64_t int64(const json& v, const char* name) {
  if (!v.is_number_integer()) wrong_type(name, "an integer");
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
    wrong_type(name, "a 64-bit integer");
  return v.get<std::int64_t>();
}

int integer(const json& v, const char* name) {
  const auto n = int64(v, name);
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
    wrong_type(name, "a 32-bit integer");
  return static_cast<int>(n);
}

bool boolean(const json& v, const char* name) {
  if (!v.is_boolean()) wrong_type(name, "true or false");
  return v.get<bool>();
}

Status status(const json& v, const char* name) {
  if (auto s = v.is_string() ? parse_status(v.get_ref<const std::string&>()) : std::nullopt)
    return *s;
  wrong_type(name, "a ticket status");
}

CategorizedBy categorized_by(const json& v, const char* name) {
  if (auto c = v.is_string() ? parse_categorized_by(v.get_ref<const std::string&>()) : std::nullopt)
    return *c;
  wrong_type(name, "claude, model, keywords or manual");
}

Priority priority(const json& v, const char* name) {
  if (auto p = v.is_string() ? parse_priority(v.get_ref<const std::string&>()) : std::nullopt)
    return *p;
  wrong_type(name, "low, normal, high or urgent");
}

}  // namespace st::domain::json_fields
