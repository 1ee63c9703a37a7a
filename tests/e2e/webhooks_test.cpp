// Signed webhooks, one-process mode: a loopback receiver (a raw-socket HTTP server in this
// test, port 0) subscribed to ticket.routed gets one signed delivery per routed ticket, and
// a delivery it answered 500 is retried; the signature is checked here with OpenSSL directly.
// A link-local URL is refused with 400. Own server: it needs webhook_allow_private and a short
// retry wait.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

constexpr const char* kSecret = "whsec_e2e_0123456789abcdef";

struct Received {
  std::string signature;
  std::string body;
  int answered = 0;
};

// Accepts one request per connection, records it and answers with the next scripted status
// (then 200s).
class LoopbackReceiver {
 public:
  explicit LoopbackReceiver(std::vector<int> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0)
      throw std::runtime_error("receiver: cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~LoopbackReceiver() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      serve(c);
      ::close(c);
    }
  }

  // Reads one request (bounded by 5 s) and answers it.
  void serve(int c) {
    timeval tv{5, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string data;
    char buf[4096];
    std::size_t header_end = std::string::npos;
    std::size_t length = 0;
    while (true) {
      const auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        const auto headers = lower(data.substr(0, header_end));
        const auto cl = headers.find("content-length:");
        if (cl != std::string::npos) length = std::stoul(headers.substr(cl + 15));
      }
      if (data.size() >= header_end + 4 + length) break;
    }
    Received r;
    r.body = data.substr(header_end + 4, length);
    r.signature = header_value(data.substr(0, header_end), "x-smartticket-signature");
    {
      std::lock_guard lock(mutex_);
      r.answered = received_.size() < script_.size() ? script_[received_.size()] : 200;
      received_.push_back(r);
    }
    const std::string answer = "HTTP/1.1 " + std::to_string(r.answered) +
                               " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
  }

  static std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }
  static std::string header_value(const std::string& headers, const std::string& name) {
    const auto at = lower(headers).find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    auto start = at + 2 + name.size() + 1;
    const auto end = headers.find("\r\n", start);
    while (start < end && headers[start] == ' ') ++start;
    return headers.substr(start, end - start);
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<int> script_;
  std::vector<Received> received_;
};

// "t=<t>,v1=<hex>" verified the way a receiver does, with OpenSSL.
bool signature_valid(const std::string& header, const std::string& body) {
  const auto comma = header.find(",v1=");
  if (!header.starts_with("t=") || comma == std::string::npos) return false;
  const std::string t = header.substr(2, comma - 2);
  const std::string given = header.substr(comma + 4);
  const std::string message = t + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::string_view(kSecret).size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(two, sizeof two, "%02x", mac[i]);
    hex += two;
  }
  const auto age = std::time(nullptr) - std::stoll(t);
  return hex == given && age >= -5 && age < 300;
}

class Webhooks : public OwnServerTest {
 protected:
  void SetUp() override {
    if (external_mode()) GTEST_SKIP() << "needs its own server with webhook_allow_private";
    OwnServerTest::SetUp();
  }
};

TEST_F(Webhooks, LoopbackReceiverGetsASignedDeliveryPerRoutingIncludingAfterA500) {
  LoopbackReceiver receiver({500});
  ASSERT_NO_FATAL_FAILURE(
      start({"--webhook-allow-private", "true", "--webhook-retry-base-ms", "200"}));
  const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
  const Response created = http().post_json(
      "/api/webhooks", {{"url", url}, {"events", {"ticket.routed"}}, {"secret", kSecret}});
  ASSERT_TRUE(IsSuccess(created, 201)) << created.describe();
  const json webhook = created.json["webhook"];
  EXPECT_EQ(webhook["url"], url);
  EXPECT_EQ(webhook["events"], json::array({"ticket.routed"}));
  EXPECT_TRUE(is_iso8601_utc(webhook["created_at"]));
  EXPECT_EQ(created.body.find(kSecret), std::string::npos) << "the secret came back";
  const auto id = webhook["id"].get<std::int64_t>();

  std::set<std::int64_t> tickets;
  for (const char* title : {"Printer jam on floor 2", "Cannot log in to VPN"}) {
    const json t = create_routed(http(), ticket_body(title, std::string(title) + ", please help"));
    ASSERT_TRUE(t.is_object());
    tickets.insert(t["id"].get<std::int64_t>());
  }

  // Each routed ticket arrives, signed; the first answer was a 500, so that event came twice.
  std::set<std::int64_t> delivered;
  ASSERT_TRUE(eventually(
      [&] {
        delivered.clear();
        for (const auto& r : receiver.received()) {
          const auto body = json::parse(r.body, nullptr, false);
          if (r.answered == 200 && body.is_object() && body["event_type"] == "ticket.routed")
            delivered.insert(body["ticket"]["id"].get<std::int64_t>());
        }
        return delivered == tickets;
      },
      20s))
      << receiver.received().size() << " requests received";
  const auto all = receiver.received();
  for (const auto& r : all) EXPECT_TRUE(signature_valid(r.signature, r.body)) << r.signature;
  ASSERT_GE(all.size(), 3u);
  EXPECT_EQ(all[0].answered, 500);
  const auto first_event = json::parse(all[0].body)["event_id"];
  int first_seen = 0;
  for (const auto& r : all) first_seen += json::parse(r.body)["event_id"] == first_event;
  EXPECT_EQ(first_seen, 2) << "the event answered 500 was sent again";

  // The deliveries say so: delivered, the retried one after two attempts.
  ASSERT_TRUE(eventually([&] {
    const Response d = http().get("/api/webhooks/" + std::to_string(id) + "/deliveries");
    if (d.status != 200 || d.json["count"] != 2) return false;
    for (const auto& item : d.json["deliveries"])
      if (item["state"] != "delivered") return false;
    return true;
  }));
  const Response d = http().get("/api/webhooks/" + std::to_string(id) + "/deliveries");
  int attempts = 0;
  for (const auto& item : d.json["deliveries"]) {
    attempts += item["attempts"].get<int>();
    EXPECT_EQ(item["last_status"], 200);
    EXPECT_EQ(item["event_type"], "ticket.routed");
    EXPECT_TRUE(item["next_attempt_at"].is_null());
  }
  EXPECT_EQ(attempts, 3);

  // None failed for good.
  const Response metrics = http().get("/metrics");
  EXPECT_NE(metrics.body.find("smartticket_webhook_deliveries_failed 0\n"), std::string::npos)
      << metrics.describe();

  // A replay sends it once more.
  const auto delivery = d.json["deliveries"][0]["id"].get<std::int64_t>();
  const Response replay = http().post_json(
      "/api/webhooks/" + std::to_string(id) + "/deliveries/" + std::to_string(delivery) + "/replay",
      json::object());
  EXPECT_TRUE(IsSuccess(replay, 202)) << replay.describe();
  EXPECT_TRUE(eventually([&] { return receiver.received().size() == all.size() + 1; }));
}

TEST_F(Webhooks, LinkLocalAndNonHttpUrlsAreRefused) {
  ASSERT_NO_FATAL_FAILURE(start({"--webhook-allow-private", "true"}));
  for (const char* url : {"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook",
                          "ftp://127.0.0.1/hook"}) {
    const Response r =
        http().post_json("/api/webhooks", {{"url", url}, {"events", {"*"}}, {"secret", kSecret}});
    EXPECT_TRUE(IsError(r, 400, "url")) << url << ": " << r.describe();
    EXPECT_EQ(r.body.find(kSecret), std::string::npos);
  }
  const Response list = http().get("/api/webhooks");
  ASSERT_TRUE(IsSuccess(list, 200)) << list.describe();
  EXPECT_EQ(list.json["webhooks"], json::array());
}

TEST_F(Webhooks, PrivateAddressesAreRefusedByDefaultAndOnlyAdminsManageWebhooks) {
  ASSERT_NO_FATAL_FAILURE(start());
  const Response r = http().post_json(
      "/api/webhooks",
      {{"url", "http://127.0.0.1:9/hook"}, {"events", {"ticket.routed"}}, {"secret", kSecret}});
  EXPECT_TRUE(IsError(r, 400, "url")) << r.describe();
  const ApiKey agent = create_key(http(), {{"name", "Agent"}, {"role", "agent"}});
  HttpClient as_agent("127.0.0.1", server().port());
  as_agent.set_default_headers(bearer(agent.secret));
  EXPECT_TRUE(IsError(as_agent.get("/api/webhooks"), 403));
}

}  // namespace
}  // namespace st::e2e
