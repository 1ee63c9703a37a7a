#pragma once
// Which request a log line belongs to. A RequestScope marks the lines logged on this thread
// while it lives with the request's id and trace id (the JSON log writes them as fields).
// Hold one only around synchronous code: a coroutine may resume on another thread after a
// co_await, so a scope must never span one.
#include <string_view>

namespace st::logging {

struct RequestIds {
  std::string_view request_id;
  std::string_view trace_id;
};

class RequestScope {
 public:
  RequestScope(std::string_view request_id, std::string_view trace_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  RequestIds previous_;
};

// The innermost scope's ids on this thread; empty views outside every scope.
RequestIds current_request();

}  // namespace st::logging
