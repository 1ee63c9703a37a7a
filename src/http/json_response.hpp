#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "http/api_error.hpp"
#include "http/beast.hpp"

namespace st::http {

// A JSON response; invalid UTF-8 (which validated input never has) is replaced, not thrown.
Response json_response(bhttp::status status, const nlohmann::json& body);
inline Response ok(const nlohmann::json& body) {
  return json_response(bhttp::status::ok, body);
}
// A JSON response whose body the caller has written (valid JSON, UTF-8).
Response raw_json_response(bhttp::status status, std::string body);
Response error_response(const ApiError& e);
Response error_response(bhttp::status status, std::string_view code, std::string_view message);

}  // namespace st::http
