#include "http/json_response.hpp"

namespace st::http {

Response json_response(bhttp::status status, const nlohmann::json& body) {
  return raw_json_response(status,
                           body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response raw_json_response(bhttp::status status, std::string body) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(const ApiError& e) {
  nlohmann::json body{{"success", false}, {"error", e.what()}, {"code", e.code()}};
  if (!e.field().empty()) body["field"] = e.field();
  return json_response(e.status(), body);
}

Response error_response(bhttp::status status, std::string_view code, std::string_view message) {
  return json_response(status, {{"success", false}, {"error", message}, {"code", code}});
}

}  // namespace st::http
