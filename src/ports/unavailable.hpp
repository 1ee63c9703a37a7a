#pragma once
// Thrown by an adapter when the server behind a port (database, broker, another service)
// cannot be reached right now. It is not a bug and not bad input: the HTTP layer answers
// 503 at once, consumers retry the delivery later, and nobody crashes.
#include <stdexcept>
#include <string>

namespace st::ports {

class Unavailable : public std::runtime_error {
 public:
  explicit Unavailable(const std::string& what) : std::runtime_error(what) {}
};

// The server was reached (or may have been) but did not answer within the deadline: the
// request may have been carried out. The HTTP layer answers 504 instead of 503; everyone
// else treats it as Unavailable.
class TimedOut : public Unavailable {
 public:
  explicit TimedOut(const std::string& what) : Unavailable(what) {}
};

}  // namespace st::ports
