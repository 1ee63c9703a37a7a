// What a RabbitMQ delivery carries besides its body (the content header's properties, as
// the broker and any other publisher wrote them) is read by decode() in
// src/adapters/rabbitmq/message_codec.hpp after rabbitmq-c has parsed it. Any properties must
// give a delivery with the body and routing key unchanged and a plausible delivery count;
// what the bus publishes (PublishProperties) must read back the same.
//
// Input: [1 byte K][K bytes routing key][2 bytes big-endian L][L bytes of encoded basic
// properties: flags, then each present field, as in an AMQP content header][body].
#include <array>
#include <string>

#include "adapters/rabbitmq/message_codec.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace st::adapters::rabbitmq;

// Reads n bytes from the front of `in`; nullopt when fewer are left.
std::optional<std::string_view> take(std::string_view& in, std::size_t n) {
  if (in.size() < n) return std::nullopt;
  const auto out = in.substr(0, n);
  in.remove_prefix(n);
  return out;
}

amqp_bytes_t bytes_of_view(std::string_view s) {
  return {s.size(), const_cast<char*>(s.data())};
}

// The properties as rabbitmq-c decodes them off the wire; nullopt when it refuses them.
std::optional<amqp_basic_properties_t> decode_properties(amqp_pool_t& pool,
                                                         std::string_view encoded) {
  void* decoded = nullptr;
  if (amqp_decode_properties(AMQP_BASIC_CLASS, &pool, bytes_of_view(encoded), &decoded) < 0)
    return std::nullopt;
  return *static_cast<amqp_basic_properties_t*>(decoded);
}

Received receive(const amqp_basic_properties_t& properties, std::string_view key,
                 std::string_view body) {
  amqp_message_t message{};
  message.properties = properties;
  message.body = bytes_of_view(body);
  return decode(message, bytes_of_view(key), 7, true, "queue");
}

// Publishes the delivery again, as the bus would, and reads it back.
void check_round_trip(const Received& r) {
  if (r.delivery.event_id.size() > 255) return;  // a short string: real ids are UUIDs
  const st::ports::OutgoingMessage out{r.delivery.routing_key, r.delivery.event_id, r.delivery.body,
                                       r.delivery.traceparent};
  const PublishProperties published(out);
  std::array<char, 1 << 17> buffer;
  const int n = amqp_encode_properties(AMQP_BASIC_CLASS,
                                       const_cast<amqp_basic_properties_t*>(published.get()),
                                       {buffer.size(), buffer.data()});
  FUZZ_CHECK(n > 0);
  amqp_pool_t pool;
  init_amqp_pool(&pool, 4096);
  const auto properties = decode_properties(pool, {buffer.data(), static_cast<std::size_t>(n)});
  FUZZ_CHECK(properties.has_value());
  const auto again = receive(*properties, out.routing_key, out.body);
  FUZZ_CHECK(again.delivery.event_id == out.event_id);
  FUZZ_CHECK(again.delivery.traceparent == out.traceparent);
  FUZZ_CHECK(!again.returns.has_value());
  empty_amqp_pool(&pool);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = st::fuzz::text_of(data, size);
  const auto key_size = take(in, 1);
  if (!key_size) return 0;
  const auto key = take(in, static_cast<unsigned char>((*key_size)[0]));
  const auto length = take(in, 2);
  if (!key || !length) return 0;
  const auto encoded = take(in, static_cast<unsigned char>((*length)[0]) * 256u +
                                    static_cast<unsigned char>((*length)[1]));
  if (!encoded) return 0;
  const std::string_view body = in;

  amqp_pool_t pool;
  init_amqp_pool(&pool, 4096);
  if (const auto properties = decode_properties(pool, *encoded)) {
    const Received r = receive(*properties, *key, body);
    FUZZ_CHECK(r.delivery.body == body);
    FUZZ_CHECK(r.delivery.routing_key == *key);
    FUZZ_CHECK(r.delivery.queue == "queue" && r.tag == 7 && r.redelivered);
    FUZZ_CHECK(!r.returns || (*r.returns >= 0 && *r.returns < 1'000'000));
    check_round_trip(r);
  }
  empty_amqp_pool(&pool);
  return 0;
}
