#pragma once
// Lambda's function management over REST-JSON: CreateFunction, UpdateFunctionCode,
// UpdateFunctionConfiguration, DeleteFunction, the reserved concurrency and the resource policy.
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "services/lambda/model/function.hpp"

namespace localray::lambda::protocol {

http::Response create_function(const http::Request& r, model::Runner& runner);
http::Response update_function_code(const http::Request& r, model::Runner& runner, const std::string& function);
http::Response update_function_configuration(const http::Request& r, model::Runner& runner, const std::string& function);
http::Response delete_function(model::Runner& runner, const std::string& function);
// Put/Get/DeleteFunctionConcurrency; nullopt for another method.
std::optional<http::Response> concurrency_call(const http::Request& r, model::Runner& runner, const std::string& function);
// AddPermission, GetPolicy, RemovePermission: `parts` = version, "functions", name, "policy"[, sid].
std::optional<http::Response> policy_call(const http::Request& r, model::Runner& runner, const std::vector<std::string>& parts);

}  // namespace localray::lambda::protocol
