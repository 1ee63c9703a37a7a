#include "logging/request_scope.hpp"

namespace st::logging {
namespace {
thread_local RequestIds current;
}

RequestScope::RequestScope(std::string_view request_id, std::string_view trace_id)
    : previous_(current) {
  current = {request_id, trace_id};
}

RequestScope::~RequestScope() {
  current = previous_;
}

RequestIds current_request() {
  return current;
}

}  // namespace st::logging
