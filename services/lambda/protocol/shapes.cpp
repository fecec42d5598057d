#include "services/lambda/protocol/shapes.hpp"

namespace localray::lambda::protocol {

using nlohmann::json;

namespace {

struct WireError {
  const char* type;
  unsigned status;
};

WireError wire_error(model::Code code) {
  switch (code) {
    case model::Code::ResourceNotFound: return {"ResourceNotFoundException", 404};
    case model::Code::TooManyRequests: return {"TooManyRequestsException", 429};
    case model::Code::InvalidParameterValue: return {"InvalidParameterValueException", 400};
    case model::Code::RequestTooLarge: return {"RequestTooLargeException", 413};
    case model::Code::ServiceUnavailable: return {"ServiceException", 500};
    case model::Code::ResourceConflict: return {"ResourceConflictException", 409};
  }
  return {"ServiceException", 500};
}

}  // namespace

http::Response error(const model::Error& e) {
  auto w = wire_error(e.code);
  auto r = http::Response::json(w.status, json{{"Type", "User"}, {"message", e.message}}.dump());
  r.headers.set("x-amzn-ErrorType", w.type);
  return r;
}

http::Response error(model::Code code, std::string message) { return error(model::Error{code, std::move(message)}); }

json configuration(const model::Function& f) {
  const auto& c = f.config();
  json out{{"FunctionName", c.name},
           {"FunctionArn", f.arn()},
           {"Runtime", c.runtime},
           {"Role", c.role},
           {"Handler", c.handler},
           {"CodeSize", c.code_size},
           {"Description", c.code_location.empty() ? "localray built-in handler '" + c.handler + "'" : c.description},
           {"Timeout", std::chrono::duration_cast<std::chrono::seconds>(c.timeout).count()},
           {"MemorySize", c.memory_mb},
           {"LastModified", c.last_modified},
           {"CodeSha256", c.code_sha256},
           {"Version", "$LATEST"},
           {"TracingConfig", {{"Mode", c.tracing_mode}}},
           {"State", "Active"},
           {"LastUpdateStatus", "Successful"},
           {"PackageType", "Zip"},
           {"Architectures", {"x86_64"}},
           {"EphemeralStorage", {{"Size", 512}}}};
  if (!c.environment.empty()) out["Environment"] = {{"Variables", c.environment}};
  if (!c.dead_letter_target.empty()) out["DeadLetterConfig"] = {{"TargetArn", c.dead_letter_target}};
  if (!c.layers.empty()) {
    out["Layers"] = json::array();
    for (const auto& l : c.layers) out["Layers"].push_back({{"Arn", l.version_arn}, {"CodeSize", l.size}});
  }
  return out;
}

std::variant<json, http::Response> json_body(const http::Request& r) {
  auto body = json::parse(r.body.empty() ? "{}" : r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return error(model::Code::InvalidParameterValue, "Could not parse request body into json: the body is not a JSON object");
  return body;
}

http::Response no_content() {
  http::Response res;
  res.status = 204;
  return res;
}

}  // namespace localray::lambda::protocol
