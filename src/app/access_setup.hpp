#pragma once
// Access control settings and the first admin key, the same in both modes.
#include "app/config.hpp"
#include "ports/key_store.hpp"
#include "services/gateway/access_control.hpp"

namespace st::app {

services::gateway::AccessOptions access_options(const Config& config);

// With access control on and no key yet: stores the first admin key (the configured
// admin_key, else a new one written to <data_dir>/admin.key, mode 0600) and logs where it
// is, never the secret itself.
void bootstrap_admin_key(ports::KeyStore& keys, const Config& config);

}  // namespace st::app
