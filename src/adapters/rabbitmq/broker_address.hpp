#pragma once
// Where the broker is, parsed from an AMQP URL (amqp://user:pass@host:port/vhost).
#include <string>

namespace st::adapters::rabbitmq {

struct BrokerAddress {
  std::string host;
  int port = 5672;
  std::string user;
  std::string password;  // never logged: use redacted()
  std::string vhost;

  // Throws std::invalid_argument, without repeating the URL (it may hold a password).
  static BrokerAddress parse(const std::string& url);
  // The URL with the password masked, for logs and error messages.
  std::string redacted() const;
};

}  // namespace st::adapters::rabbitmq
