#pragma once
// The X-Ray REST-JSON API (POST + JSON on fixed paths): request -> model call -> response.
#include <optional>
#include <string>

#include "http/message.hpp"
#include "services/xray/model/backend.hpp"

namespace localray::xray::protocol {

// nullopt when the request is not for an X-Ray path.
std::optional<http::Response> handle(const http::Request& request, model::Backend& backend, const std::string& request_id);

}  // namespace localray::xray::protocol
