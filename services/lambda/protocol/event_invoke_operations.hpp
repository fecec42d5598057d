#pragma once
// Asynchronous invocation settings over REST-JSON: Put/Update/Get/DeleteFunctionEventInvokeConfig
// and ListFunctionEventInvokeConfigs (2019-09-25/functions/{name}/event-invoke-config[/list]).
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "services/lambda/model/function.hpp"

namespace localray::lambda::protocol {

// `parts`: the path's segments, "2019-09-25" first; nullopt for no such operation.
std::optional<http::Response> event_invoke_call(const http::Request& r, model::Runner& runner, const std::vector<std::string>& parts);

}  // namespace localray::lambda::protocol
