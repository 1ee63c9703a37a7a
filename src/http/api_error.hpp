#pragma once
// The one error type a handler throws to answer with a JSON error body:
// {"success": false, "error": "<sentence>", "code": "<machine_code>", "field": "<name>"?}
#include <stdexcept>
#include <string>

#include "http/beast.hpp"

namespace st::http {

class ApiError : public std::runtime_error {
 public:
  ApiError(bhttp::status status, std::string code, std::string message, std::string field = {})
      : std::runtime_error(std::move(message)),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)) {}

  bhttp::status status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

  static ApiError bad_request(std::string message, std::string field = {}) {
    return {bhttp::status::bad_request, field.empty() ? "bad_request" : "validation_error",
            std::move(message), std::move(field)};
  }
  static ApiError not_found(std::string message) {
    return {bhttp::status::not_found, "not_found", std::move(message)};
  }
  static ApiError conflict(std::string message) {
    return {bhttp::status::conflict, "conflict", std::move(message)};
  }
  static ApiError unavailable(std::string message) {
    return {bhttp::status::service_unavailable, "service_unavailable", std::move(message)};
  }

 private:
  bhttp::status status_;
  std::string code_;
  std::string field_;
};

}  // namespace st::http
