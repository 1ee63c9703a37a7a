#include "adapters/rabbitmq/broker_address.hpp"

#include <amqp.h>

#include <stdexcept>
#include <vector>

namespace st::adapters::rabbitmq {

BrokerAddress BrokerAddress::parse(const std::string& url) {
  // amqp_parse_url decodes in place and points into the buffer, which must outlive `info`.
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK)
    throw std::invalid_argument(
        "RabbitMQ URL is not of the form amqp://user:password@host:port/vhost");
  if (info.ssl) throw std::invalid_argument("RabbitMQ URL: amqps:// (TLS) is not supported");
  BrokerAddress a;
  a.host = info.host;
  a.port = info.port;
  a.user = info.user;
  a.password = info.password;
  a.vhost = info.vhost;
  // "amqp://host:5672/" names the empty vhost by the letter of the URI spec; every client
  // (and every operator) means the default one.
  if (a.vhost.empty()) a.vhost = "/";
  return a;
}

std::string BrokerAddress::redacted() const {
  std::string vhost_part = vhost == "/" ? "" : vhost;
  return "amqp://" + user + ":***@" + host + ":" + std::to_string(port) + "/" + vhost_part;
}

}  // namespace st::adapters::rabbitmq
