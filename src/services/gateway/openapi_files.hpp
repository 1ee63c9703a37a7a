#pragma once
// docs/openapi.json, the OpenAPI description of the public API, embedded into the binary at
// build time by cmake/embed_files.cmake (smartticket_embed) and served at /api/openapi.json;
// the definition is generated into the build directory. The document served is the one the
// drift test (tests/unit/services/gateway/openapi_test.cpp) held against the routes.
#include <span>

#include "http/embedded_file.hpp"

namespace st::services::gateway {

// Exactly one file: openapi.json.
std::span<const http::EmbeddedFile> openapi_files();

}  // namespace st::services::gateway
