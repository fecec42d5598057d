#pragma once
// What Lambda's REST-JSON operations share: its error shape, a function's configuration as
// GetFunctionConfiguration answers it, and reading a request's JSON body.
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "services/lambda/model/function.hpp"

namespace localray::lambda::protocol {

// {"Type": "User", "message": ...} with x-amzn-ErrorType, as Lambda answers an error.
http::Response error(const model::Error& e);
http::Response error(model::Code code, std::string message);
nlohmann::json configuration(const model::Function& f);
// The request's JSON object, or the error AWS gives for a body that is not one.
std::variant<nlohmann::json, http::Response> json_body(const http::Request& r);
http::Response no_content();

}  // namespace localray::lambda::protocol
