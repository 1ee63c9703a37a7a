#include "services/gateway/keys_api.hpp"

#include <algorithm>

#include "auth/api_key.hpp"
#include "domain/time.hpp"
#include "domain/validation.hpp"
#include "http/json_response.hpp"

namespace st::services::gateway {

namespace bhttp = http::bhttp;
using http::ApiError;
using nlohmann::json;

namespace {
constexpr domain::TextLimits kKeyNameLimits{1, 100};
}  // namespace

json key_json(const ports::ApiKeyRecord& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"role", domain::to_string(key.role)},
          {"email", key.email.empty() ? json(nullptr) : json(key.email)},
          {"departments", key.departments},
          {"availability", domain::to_string(key.availability)},
          {"created_at", domain::format_iso8601(key.created_at)}};
}

std::vector<std::string> departments_from(const json& value) {
  constexpr std::size_t kMaxDepartments = 50;
  if (!value.is_array() || value.size() > kMaxDepartments)
    throw ApiError::bad_request("departments must be an array of at most 50 department names",
                                "departments");
  std::vector<std::string> out;
  for (const auto& d : value) {
    const std::string name = d.is_string() ? domain::trim(d.get<std::string>()) : std::string();
    if (name.empty() || domain::utf8_length(name) > domain::kDepartmentNameLimits.max)
      throw ApiError::bad_request("every department must be a name of 1 to 100 characters",
                                  "departments");
    out.push_back(name);
  }
  return out;
}

domain::Availability availability_from(const json& body) {
  const auto it = body.find("availability");
  const auto a = it != body.end() && it->is_string()
                     ? domain::parse_availability(it->get_ref<const std::string&>())
                     : std::nullopt;
  if (!a) throw ApiError::bad_request("availability must be available or away", "availability");
  return *a;
}

auth::NewKey validate_new_key(const json& body) {
  auth::NewKey k;
  auto name = domain::required_text(body, "name", kKeyNameLimits);
  if (auto* err = std::get_if<domain::ValidationError>(&name))
    throw ApiError::bad_request(err->message, err->field);
  k.name = std::get<std::string>(name);
  const auto role = body.find("role");
  if (role == body.end() || !role->is_string() ||
      !domain::parse_role(role->get_ref<const std::string&>()))
    throw ApiError::bad_request("role must be one of: requester, agent, admin", "role");
  k.role = *domain::parse_role(role->get_ref<const std::string&>());
  const auto email = body.find("email");
  if (email != body.end() && !email->is_null()) {
    if (!email->is_string() || !domain::is_valid_email(domain::trim(email->get<std::string>())))
      throw ApiError::bad_request("email must be an e-mail address", "email");
    k.email = domain::trim(email->get<std::string>());
  }
  if (k.role == domain::Role::requester && k.email.empty())
    throw ApiError::bad_request("email is required for a requester key: it is their identity",
                                "email");
  if (const auto d = body.find("departments"); d != body.end() && !d->is_null()) {
    k.departments = departments_from(*d);
    if (k.role == domain::Role::requester && !k.departments.empty())
      throw ApiError::bad_request("a requester key belongs to no department", "departments");
  }
  return k;
}

auth::IssuedKey KeysApi::create(const auth::NewKey& key) {
  auto issued = auth::issue_key(auth_.store(), key, clock_.now());
  auth_.forget(issued.record.id);
  return issued;
}

http::Response created_key_response(const auth::IssuedKey& issued) {
  return http::json_response(bhttp::status::created, {{"success", true},
                                                      {"key", key_json(issued.record)},
                                                      {"secret", issued.text},
                                                      {"message",
                                                       "Keep the secret now: it is not shown "
                                                       "again. Send it as Authorization: "
                                                       "Bearer <secret>"}});
}

http::Response KeysApi::list(http::RequestContext&) {
  json keys = json::array();
  for (const auto& k : auth_.store().list_active()) keys.push_back(key_json(k));
  const auto count = keys.size();
  return http::ok({{"success", true}, {"count", count}, {"keys", std::move(keys)}});
}

ports::ApiKeyRecord KeysApi::find_active(const std::string& id) {
  auto key = auth_.store().find(id);
  if (!key || key->revoked_at) throw ApiError::not_found("API key not found");
  return *key;
}

ports::ApiKeyRecord KeysApi::update_agent(const std::string& id,
                                          const ports::KeyStore::AgentChange& c) {
  auto key = auth_.store().update_agent(id, c);
  if (!key) throw ApiError::not_found("API key not found");
  auth_.forget(id);
  return *key;
}

ports::ApiKeyRecord KeysApi::revoke(http::RequestContext& ctx) {
  const std::string& id = ctx.param("id");
  auto& store = auth_.store();
  const auto key = store.find(id);
  if (!key || key->revoked_at) throw ApiError::not_found("API key not found");
  // Revoking the last admin key would lock every admin out until someone edits the database.
  if (key->role == domain::Role::admin) {
    const auto active = store.list_active();
    const auto admins = std::count_if(active.begin(), active.end(),
                                      [](const auto& k) { return k.role == domain::Role::admin; });
    if (admins <= 1)
      throw ApiError::conflict("This is the last admin key; create another admin key first");
  }
  if (!store.revoke(id, clock_.now())) throw ApiError::not_found("API key not found");
  auth_.forget(id);
  return *key;
}

http::Response KeysApi::me(http::RequestContext& ctx) {
  const auto* p = ctx.principal;
  if (!p || !p->is_key())  // the open mode: nobody in particular
    return http::ok({{"success", true}, {"key", nullptr}, {"auth", "off"}});
  json key{{"id", p->key_id},
           {"name", p->name},
           {"role", domain::to_string(p->role)},
           {"email", p->email.empty() ? json(nullptr) : json(p->email)}};
  // Departments and availability change while the key is in use: read them, not the cache.
  const auto stored = auth_.store().find(p->key_id);
  key["departments"] = stored ? stored->departments : std::vector<std::string>{};
  key["availability"] =
      domain::to_string(stored ? stored->availability : domain::Availability::available);
  return http::ok({{"success", true}, {"key", std::move(key)}});
}

}  // namespace st::services::gateway
