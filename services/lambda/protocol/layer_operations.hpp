#pragma once
// Lambda layers over REST-JSON: PublishLayerVersion, ListLayers, ListLayerVersions,
// GetLayerVersion, DeleteLayerVersion.
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "services/lambda/model/function.hpp"

namespace localray::lambda::protocol {

// `parts`: the path's segments, "2018-10-31" and "layers" first; nullopt for no layer operation.
std::optional<http::Response> layer_call(const http::Request& r, model::Runner& runner, const std::vector<std::string>& parts);

}  // namespace localray::lambda::protocol
