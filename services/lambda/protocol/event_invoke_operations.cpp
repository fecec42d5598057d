#include "services/lambda/protocol/event_invoke_operations.hpp"

#include <nlohmann/json.hpp>

#include "http/form.hpp"
#include "services/lambda/protocol/shapes.hpp"

namespace localray::lambda::protocol {

using nlohmann::json;

namespace {

json config_json(const model::Function& f, const model::EventInvokeConfig& c) {
  json destinations = json::object();
  if (!c.on_success.empty()) destinations["OnSuccess"] = {{"Destination", c.on_success}};
  if (!c.on_failure.empty()) destinations["OnFailure"] = {{"Destination", c.on_failure}};
  return {{"LastModified", c.last_modified},
          {"FunctionArn", f.arn() + ":$LATEST"},
          {"MaximumRetryAttempts", c.maximum_retry_attempts},
          {"MaximumEventAgeInSeconds", c.maximum_event_age.count()},
          {"DestinationConfig", destinations}};
}

http::Response invalid_parameter(std::string message) { return error(model::Code::InvalidParameterValue, std::move(message)); }

// Reads the request's members over `c`: Put starts from the defaults, Update from what is set.
std::optional<http::Response> read(const json& b, model::EventInvokeConfig& c) {
  if (auto it = b.find("MaximumRetryAttempts"); it != b.end() && !it->is_null()) {
    if (!it->is_number_integer()) return invalid_parameter("MaximumRetryAttempts must be an integer");
    c.maximum_retry_attempts = it->get<int>();
  }
  if (auto it = b.find("MaximumEventAgeInSeconds"); it != b.end() && !it->is_null()) {
    if (!it->is_number_integer()) return invalid_parameter("MaximumEventAgeInSeconds must be an integer");
    c.maximum_event_age = std::chrono::seconds{it->get<long>()};
  }
  if (auto it = b.find("DestinationConfig"); it != b.end() && !it->is_null()) {
    if (!it->is_object()) return invalid_parameter("DestinationConfig must be an object");
    for (auto [key, target] : {std::pair{"OnSuccess", &c.on_success}, std::pair{"OnFailure", &c.on_failure}}) {
      auto d = it->find(key);
      if (d == it->end() || d->is_null()) continue;
      if (!d->is_object()) return invalid_parameter(std::string{"DestinationConfig."} + key + " must be an object");
      auto arn = d->find("Destination");
      *target = arn != d->end() && arn->is_string() ? arn->get<std::string>() : "";
    }
  }
  return std::nullopt;
}

// Only $LATEST is served: other qualifiers name versions localray does not publish.
std::optional<http::Response> qualifier_error(const http::Request& r) {
  for (const auto& [k, v] : http::parse_form(r.query).value_or(http::FormFields{}))
    if (k == "Qualifier" && v != "$LATEST") return error(model::Code::ResourceNotFound, "Function not found: qualifier " + v + " (only $LATEST is served)");
  return std::nullopt;
}

}  // namespace

std::optional<http::Response> event_invoke_call(const http::Request& r, model::Runner& runner, const std::vector<std::string>& parts) {
  if (parts.size() < 4 || parts[1] != "functions" || parts[3] != "event-invoke-config") return std::nullopt;
  if (auto bad = qualifier_error(r)) return bad;
  auto fn = runner.find(parts[2]);
  if (!fn) return error(fn.error());
  const std::string& method = r.method;
  if (parts.size() == 5 && parts[4] == "list" && method == "GET") {
    json list = json::array();
    if (auto c = runner.event_invoke_config((*fn)->config().name)) list.push_back(config_json(**fn, *c));
    return http::Response::json(200, json{{"FunctionEventInvokeConfigs", list}}.dump());
  }
  if (parts.size() != 4) return std::nullopt;
  if (method == "GET") {
    auto c = runner.event_invoke_config((*fn)->config().name);
    if (!c) return error(model::Code::ResourceNotFound, "The function " + (*fn)->arn() + ":$LATEST doesn't have an EventInvokeConfig");
    return http::Response::json(200, config_json(**fn, *c).dump());
  }
  if (method == "DELETE") {
    auto r2 = runner.delete_event_invoke_config((*fn)->config().name);
    return r2 ? no_content() : error(r2.error());
  }
  if (method == "PUT" || method == "POST") {
    auto parsed = json_body(r);
    if (auto* bad = std::get_if<http::Response>(&parsed)) return std::move(*bad);
    model::EventInvokeConfig c;
    if (method == "POST") {
      // Update changes what it names and keeps the rest.
      auto current = runner.event_invoke_config((*fn)->config().name);
      if (!current) return error(model::Code::ResourceNotFound, "The function " + (*fn)->arn() + ":$LATEST doesn't have an EventInvokeConfig");
      c = *current;
    }
    if (auto bad = read(std::get<json>(parsed), c)) return bad;
    auto put = runner.put_event_invoke_config((*fn)->config().name, c);
    if (!put) return error(put.error());
    return http::Response::json(200, config_json(**fn, *put).dump());
  }
  return std::nullopt;
}

}  // namespace localray::lambda::protocol
