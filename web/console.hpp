#pragma once
// Serves the console's embedded bundle under /_localray/: content types, ETags, long-lived
// caching for content-hashed assets, gzip when the client accepts it.
#include <optional>

#include "http/message.hpp"

namespace localray::web {

// nullopt when the path is not part of the console (the caller answers 404 its own way).
std::optional<http::Response> serve_console(const http::Request& request);

}  // namespace localray::web
