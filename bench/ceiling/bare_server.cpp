// The ceiling of the request path: a bare Beast coroutine HTTP/1.1 server that answers each
// request with bytes recorded beforehand (the project's own answer to the same request), with
// no routing, no store, no logging, no access control. bench/run measures every workload
// against it and prints the project's figure as a share of this one.
//
//   bare_server --port=0 --threads=N METHOD PATH=FILE [METHOD PATH=FILE ...]
//
// Each FILE holds a response body; the server answers `METHOD PATH` (the path without its
// query) with it, status 200 (201 for POST), Content-Type application/json, keep-alive.
// Anything else is a 404. It prints "listening on http://127.0.0.1:PORT" once bound.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http/beast.hpp"

namespace {

namespace asio = st::http::asio;
namespace beast = st::http::beast;
namespace bhttp = st::http::bhttp;
using st::http::tcp;

struct Answer {
  bhttp::status status = bhttp::status::ok;
  std::string body;
};
using Answers = std::map<std::pair<bhttp::verb, std::string>, Answer>;

asio::awaitable<void> serve(tcp::socket socket, const Answers& answers) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    beast::error_code ec;
    co_await bhttp::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const auto target = std::string(req.target());
    const auto path = target.substr(0, target.find('?'));
    bhttp::response<bhttp::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(bhttp::field::content_type, "application/json");
    if (auto it = answers.find({req.method(), path}); it != answers.end()) {
      res.result(it->second.status);
      res.body() = it->second.body;
    } else {
      res.result(bhttp::status::not_found);
      res.body() = R"({"success":false,"error":"not_found"})";
    }
    res.prepare_payload();
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !res.keep_alive()) co_return;
  }
}

asio::awaitable<void> accept(tcp::acceptor& acceptor, const Answers& answers) {
  for (;;) {
    beast::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(socket.get_executor(), serve(std::move(socket), answers), asio::detached);
  }
}

bool read_file(const std::string& name, std::string& out) {
  std::ifstream in(name, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  Answers answers;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--port=")) {
      port = static_cast<unsigned short>(std::stoi(arg.substr(7)));
    } else if (arg.starts_with("--threads=")) {
      threads = static_cast<unsigned>(std::max(1, std::stoi(arg.substr(10))));
    } else if (i + 1 < argc) {
      const auto method = bhttp::string_to_verb(arg);
      const std::string route = argv[++i];
      const auto eq = route.find('=');
      Answer answer;
      if (method == bhttp::verb::unknown || eq == std::string::npos ||
          !read_file(route.substr(eq + 1), answer.body)) {
        std::cerr << "bare_server: bad route " << arg << " " << route << "\n";
        return 2;
      }
      if (method == bhttp::verb::post) answer.status = bhttp::status::created;
      answers[{method, route.substr(0, eq)}] = std::move(answer);
    } else {
      std::cerr << "usage: bare_server [--port=N] [--threads=N] METHOD PATH=FILE ...\n";
      return 2;
    }
  }
  asio::io_context io(static_cast<int>(threads));
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  asio::co_spawn(io, accept(acceptor, answers), asio::detached);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}
