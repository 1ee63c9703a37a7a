#include "adapters/rabbitmq/message_codec.hpp"

#include <cstring>

#include "adapters/rabbitmq/amqp_connection.hpp"

namespace st::adapters::rabbitmq {
namespace {

constexpr char kTraceparent[] = "traceparent";
constexpr char kDeliveryCount[] = "x-delivery-count";
constexpr char kRoutingKey[] = "st-routing-key";

bool key_is(const amqp_table_entry_t& e, const char* key) {
  return e.key.len == std::strlen(key) && std::memcmp(e.key.bytes, key, e.key.len) == 0;
}

std::optional<std::int64_t> integer(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_I8:
      return v.value.i8;
    case AMQP_FIELD_KIND_U8:
      return v.value.u8;
    case AMQP_FIELD_KIND_I16:
      return v.value.i16;
    case AMQP_FIELD_KIND_U16:
      return v.value.u16;
    case AMQP_FIELD_KIND_I32:
      return v.value.i32;
    case AMQP_FIELD_KIND_U32:
      return v.value.u32;
    case AMQP_FIELD_KIND_I64:
      return v.value.i64;
    case AMQP_FIELD_KIND_U64:
      return static_cast<std::int64_t>(v.value.u64);
    default:
      return std::nullopt;
  }
}

}  // namespace

PublishProperties::PublishProperties(const ports::OutgoingMessage& message) {
  props_._flags =
      AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
  props_.content_type = amqp_cstring_bytes("application/json");
  props_.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  props_.message_id = bytes_of(message.event_id);
  if (!message.traceparent.empty()) {
    headers_[0].key = amqp_cstring_bytes(kTraceparent);
    headers_[0].value.kind = AMQP_FIELD_KIND_UTF8;
    headers_[0].value.value.bytes = bytes_of(message.traceparent);
    props_.headers = {1, headers_};
    props_._flags |= AMQP_BASIC_HEADERS_FLAG;
  }
}

PublishProperties::PublishProperties(const ports::OutgoingMessage& message,
                                     const std::string& original_routing_key)
    : PublishProperties(message) {
  auto& h = headers_[props_.headers.num_entries];
  h.key = amqp_cstring_bytes(kRoutingKey);
  h.value.kind = AMQP_FIELD_KIND_UTF8;
  h.value.value.bytes = bytes_of(original_routing_key);
  props_.headers = {props_.headers.num_entries + 1, headers_};
  props_._flags |= AMQP_BASIC_HEADERS_FLAG;
}

Received decode(const amqp_message_t& message, amqp_bytes_t routing_key, std::uint64_t tag,
                bool redelivered, const std::string& queue) {
  Received r;
  r.tag = tag;
  r.redelivered = redelivered;
  auto& d = r.delivery;
  d.queue = queue;
  d.routing_key = string_of(routing_key);
  d.body = string_of(message.body);
  const auto& p = message.properties;
  if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) d.event_id = string_of(p.message_id);
  if (p._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int i = 0; i < p.headers.num_entries; ++i) {
      const auto& e = p.headers.entries[i];
      if (key_is(e, kTraceparent) &&
          (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES))
        d.traceparent = string_of(e.value.value.bytes);
      else if (key_is(e, kRoutingKey) &&
               (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES))
        d.routing_key = string_of(e.value.value.bytes);
      else if (key_is(e, kDeliveryCount))
        if (auto n = integer(e.value); n && *n >= 0 && *n < 1'000'000)
          r.returns = static_cast<int>(*n);
    }
  }
  return r;
}

namespace {

std::optional<std::string> text_of(const amqp_field_value_t& v) {
  if (v.kind == AMQP_FIELD_KIND_UTF8 || v.kind == AMQP_FIELD_KIND_BYTES)
    return string_of(v.value.bytes);
  return std::nullopt;
}

void read_death_entry(const amqp_table_t& t, DeathRecord& r) {
  for (int i = 0; i < t.num_entries; ++i) {
    const auto& e = t.entries[i];
    if (key_is(e, "reason")) {
      r.reason = text_of(e.value);
    } else if (key_is(e, "time") && e.value.kind == AMQP_FIELD_KIND_TIMESTAMP) {
      r.time_ms = static_cast<std::int64_t>(e.value.value.u64) * 1000;
    } else if (key_is(e, "routing-keys") && e.value.kind == AMQP_FIELD_KIND_ARRAY &&
               e.value.value.array.num_entries > 0) {
      r.routing_key = text_of(e.value.value.array.entries[0]);
    }
  }
}

}  // namespace

DeathRecord death_record(const amqp_basic_properties_t& p) {
  DeathRecord r;
  if (!(p._flags & AMQP_BASIC_HEADERS_FLAG)) return r;
  for (int i = 0; i < p.headers.num_entries; ++i) {
    const auto& e = p.headers.entries[i];
    if (key_is(e, "x-death") && e.value.kind == AMQP_FIELD_KIND_ARRAY &&
        e.value.value.array.num_entries > 0 &&
        e.value.value.array.entries[0].kind == AMQP_FIELD_KIND_TABLE) {
      read_death_entry(e.value.value.array.entries[0].value.table, r);  // the newest first
    } else if (key_is(e, kDeliveryCount)) {
      if (auto n = integer(e.value); n && *n >= 0 && *n < 1'000'000)
        r.returns = static_cast<int>(*n);
    }
  }
  return r;
}

}  // namespace st::adapters::rabbitmq
