#pragma once
// The HTTP server's options from the settings: one place for both modes (the one-process
// server and each distributed service).
#include "app/config.hpp"
#include "http/server.hpp"

namespace st::app {

http::ServerOptions server_options(const Config& config);

}  // namespace st::app
