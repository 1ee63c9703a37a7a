// The server under stress and abuse: a burst of concurrent creates, and garbage on sockets.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Robustness : public SharedServerTest {
 protected:
  void expect_still_healthy() {
    auto client = new_client();
    Response r;
    try {
      r = client->get("/api/health");
    } catch (const std::exception& e) {
      FAIL() << "the server stopped answering: " << e.what();
    }
    EXPECT_EQ(r.status, 200) << r.describe();
  }
};

TEST_F(Robustness, ConcurrentCreatesAllSucceedAndAllGetRouted) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  struct Outcome {
    int status = 0;
    std::int64_t id = -1;
    std::string expected;
    std::string error;
  };
  std::vector<std::vector<Outcome>> outcomes(kThreads);
  const std::string tag = unique_tag();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // gtest assertions stay on the main thread; workers only record what happened.
      HttpClient client(target().host, target().port, 30s);
      client.set_default_headers(bearer(suite_key(shared_process())));
      for (int i = 0; i < kPerThread; ++i) {
        const auto& s = department_samples()[static_cast<std::size_t>(t + i) % 5];
        Outcome o;
        o.expected = s.department;
        try {
          const Response r = create_ticket(client, ticket_body(s.title + " " + tag, s.description));
          o.status = r.status;
          if (r.is_json && r.json.contains("ticket_id") &&
              r.json["ticket_id"].is_number_integer()) {
            o.id = r.json["ticket_id"].get<std::int64_t>();
          } else {
            o.error = r.describe();
          }
        } catch (const std::exception& e) {
          o.error = e.what();
        }
        outcomes[static_cast<std::size_t>(t)].push_back(std::move(o));
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<std::int64_t> ids;
  std::vector<Outcome> all;
  for (const auto& v : outcomes) all.insert(all.end(), v.begin(), v.end());
  for (const auto& o : all) {
    EXPECT_EQ(o.status, 201) << o.error;
    if (o.id > 0) {
      EXPECT_TRUE(ids.insert(o.id).second) << "duplicate ticket id " << o.id;
    }
  }
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  auto routed = wait_all_routed(http(), std::vector<std::int64_t>(ids.begin(), ids.end()), 60s);
  int wrong = 0;
  for (const auto& o : all) {
    const json& t = routed[o.id];
    // Report the first few mismatches only: 200 identical messages help nobody.
    if (t.value("department", json()) != json(o.expected) && ++wrong <= 5) {
      ADD_FAILURE() << "ticket " << o.id << " expected in " << o.expected << ": " << t.dump();
    }
  }
  EXPECT_EQ(wrong, 0) << "tickets not routed (or routed elsewhere) within 60 s";
  EXPECT_EQ(list_all(http(), "q=" + tag).size(), ids.size());
}

TEST_F(Robustness, GarbageOnTheSocketDoesNotHurtTheServer) {
  const Target t = target();
  const std::vector<std::pair<std::string, std::string>> payloads{
      {"not HTTP at all", "GARBAGE\r\n\r\n"},
      {"binary junk", std::string("\x00\x01\x02\xff\xfe\x16\x03\x01\r\n\r\n", 12)},
      {"TLS client hello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)},
      {"unknown HTTP version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"},
      {"negative Content-Length",
       "POST /api/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Content-Length: -5\r\n\r\n"},
      {"bad chunk size",
       "POST /api/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"},
      {"header line of 100 KiB", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                     std::string(100 * 1024, 'a') + "\r\n\r\n"},
      {"10,000 headers",
       [] {
         std::string s = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
         for (int i = 0; i < 10000; ++i) s += "X-H" + std::to_string(i) + ": v\r\n";
         return s + "\r\n";
       }()},
      {"truncated body then close",
       "POST /api/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Content-Length: 500\r\n\r\n{\"title\":"},
      {"request line without version", "GET /api/health\r\n\r\n"},
      {"absurd method", "BREW /api/tickets HTTP/1.1\r\nHost: x\r\n\r\n"},
  };
  for (const auto& [what, bytes] : payloads) {
    SCOPED_TRACE(what);
    RawResult r;
    try {
      r = raw_exchange(t.host, t.port, bytes, 2s);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    // Closing the connection or answering with a client error are both fine; 5xx is not.
    if (r.status != -1) {
      EXPECT_TRUE(r.status >= 400 && r.status < 500) << r.data.substr(0, 300);
    }
    expect_still_healthy();
  }
}

TEST_F(Robustness, IdleAndHalfOpenConnectionsDoNotBlockOthers) {
  const Target t = target();
  std::vector<std::unique_ptr<HttpClient>> idle;
  // Connections that send half a request and then stall.
  std::vector<std::thread> stallers;
  std::atomic<int> done{0};
  for (int i = 0; i < 16; ++i) {
    stallers.emplace_back([&] {
      try {
        raw_exchange(t.host, t.port, "GET /api/health HTTP/1.1\r\nHost: x\r\n", 1500ms);
      } catch (const std::exception&) {
      }
      ++done;
    });
  }
  std::this_thread::sleep_for(200ms);
  const auto start = std::chrono::steady_clock::now();
  expect_still_healthy();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "stalled clients slowed others";
  for (auto& th : stallers) th.join();
  EXPECT_EQ(done.load(), 16);
}

}  // namespace
}  // namespace st::e2e
