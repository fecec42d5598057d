#pragma once
// A successful Result<json>: json converts from and to too much for the plain conversion to be
// chosen, so returns spell it.
#include <nlohmann/json.hpp>

#include "tracing/error.hpp"

namespace localray::config::cloudformation {

inline tracing::Result<nlohmann::json> ok(nlohmann::json v) { return tracing::Result<nlohmann::json>{boost::system::in_place_value, std::move(v)}; }

}  // namespace localray::config::cloudformation
