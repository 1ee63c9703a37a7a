#include "auth/key_issuer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "auth/api_key.hpp"

namespace st::auth {

IssuedKey issue_key(ports::KeyStore& store, const NewKey& key, domain::Millis now) {
  // 64 random id bits make a collision unlikely; a few tries make it irrelevant.
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto generated = generate_key();
    ports::ApiKeyRecord record{generated.id,   key.name, key.role,     key.email,
                               generated.hash, now,      std::nullopt, key.departments};
    if (store.create(record)) return {std::move(record), std::move(generated.text)};
  }
  throw std::runtime_error("could not store a new API key: id collisions");
}

namespace {

// Written before the key is stored: a key that works but whose secret nobody has would
// leave the install locked. O_EXCL is not used: a file left by an earlier, interrupted
// start holds a key that was never stored, and is replaced.
void write_private_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // an existing file keeps its mode through O_CREAT
  const std::string line = text + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || !synced) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

Bootstrap ensure_admin_key(ports::KeyStore& store, domain::Millis now,
                           const std::filesystem::path& key_file,
                           const std::optional<std::string>& given_key) {
  Bootstrap out;
  // A malformed setting is reported at every start, not only the first.
  const auto given_id = given_key ? key_id_of(*given_key) : std::nullopt;
  if (given_key && !given_id)
    throw std::invalid_argument(
        "admin_key must be a Smart Ticket key (stk_<16 hex>_<32 hex>); generate one with "
        "`smartticket keys generate`");
  if (!store.list_active().empty()) return out;
  ports::ApiKeyRecord record{{}, "admin", domain::Role::admin, {}, {}, now, std::nullopt};
  if (given_key) {
    record.id = *given_id;
    record.secret_hash = hash_key(*given_key);
    out.created = store.create_if_none_active(record);
  } else {
    auto generated = generate_key();
    record.id = generated.id;
    record.secret_hash = generated.hash;
    // Only the instance whose key is stored keeps its file: another instance that lost the
    // race must not overwrite the winner's secret.
    const auto pending = key_file.string() + ".pending." + std::to_string(::getpid());
    write_private_file(pending, generated.text);
    out.created = store.create_if_none_active(record);
    if (out.created) {
      std::filesystem::rename(pending, key_file);
      out.written_to = key_file;
    } else {
      std::filesystem::remove(pending);
    }
  }
  if (out.created) out.key_id = record.id;
  return out;
}

}  // namespace st::auth
