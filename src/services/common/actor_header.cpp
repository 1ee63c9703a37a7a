#include "services/common/actor_header.hpp"

#include <nlohmann/json.hpp>

#include "domain/codec.hpp"

namespace st::services {

domain::Actor actor_of(const http::RequestContext& ctx) {
  if (ctx.principal) return domain::actor_of(*ctx.principal);
  const auto header = ctx.header(kActorHeader);
  if (header.empty()) return domain::Actor::anonymous();
  const auto j = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  // actor_from_json reads anything unusable as the system: a caller that sent a header at all
  // is the gateway, and a garbled one must not pass for the pipeline.
  if (j.is_discarded() || !j.is_object() || !j.contains("type")) return domain::Actor::anonymous();
  return domain::actor_from_json(j);
}

std::string actor_header_value(const domain::Principal& principal) {
  return domain::to_json(domain::actor_of(principal)).dump();
}

}  // namespace st::services
