#pragma once
// Blocking raw-socket clients for the server's bound tests: what a well-behaved client, an
// idle keep-alive client and a slowloris client do on the wire.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "http/beast.hpp"
#include "http/json_response.hpp"
#include "http/router.hpp"

namespace st::http::testing {

inline tcp::socket connect_loopback(asio::io_context& ioc, std::uint16_t port) {
  tcp::socket s(ioc);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  return s;
}

inline constexpr std::string_view kGetHealth = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";

// Sends `text`; false when the server already closed the connection.
inline bool send_text(tcp::socket& s, std::string_view text) {
  beast::error_code ec;
  asio::write(s, asio::buffer(text.data(), text.size()), ec);
  return !ec;
}

inline Response read_response(tcp::socket& s) {
  beast::flat_buffer buffer;
  Response res;
  bhttp::read(s, buffer, res);
  return res;
}

inline Response get_health(tcp::socket& s) {
  send_text(s, kGetHealth);
  return read_response(s);
}

// Whether the server has closed (or reset) the connection, waiting up to `wait` for it.
inline bool closed_by_server(tcp::socket& s, std::chrono::milliseconds wait) {
  pollfd p{s.native_handle(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char c;
  const auto n = ::recv(s.native_handle(), &c, 1, MSG_DONTWAIT | MSG_PEEK);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

inline void add_health_route(Router& router) {
  router.route(bhttp::verb::get, "/health", [](RequestContext&) {
    return ok({{"status", "healthy"}});
  });
}

}  // namespace st::http::testing
