#include "services/lambda/protocol/function_operations.hpp"

#include "http/base64.hpp"
#include "services/lambda/protocol/shapes.hpp"

namespace localray::lambda::protocol {

using nlohmann::json;

namespace {

model::Result<void> constraint(bool ok, const std::string& what) {
  if (ok) return {};
  return model::Error{model::Code::InvalidParameterValue, "1 validation error detected: " + what};
}

// The settings CreateFunction and UpdateFunctionConfiguration share, applied onto `c`.
model::Result<void> apply_settings(const json& b, model::FunctionConfig& c) {
  if (auto it = b.find("Runtime"); it != b.end()) {
    if (!it->is_string()) return model::Error{model::Code::InvalidParameterValue, "Runtime must be a string"};
    c.runtime = it->get<std::string>();
  }
  if (auto it = b.find("Handler"); it != b.end()) {
    if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 128)
      return model::Error{model::Code::InvalidParameterValue, "1 validation error detected: Value at 'handler' failed to satisfy constraint: Member must have length between 1 and 128"};
    c.handler = it->get<std::string>();
  }
  if (auto it = b.find("Timeout"); it != b.end()) {
    bool ok = it->is_number_integer() && it->get<long>() >= 1 && it->get<long>() <= 900;
    if (auto r = constraint(ok, "Value '" + it->dump() + "' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900"); !r) return r;
    c.timeout = std::chrono::seconds{it->get<long>()};
  }
  if (auto it = b.find("MemorySize"); it != b.end()) {
    bool ok = it->is_number_integer() && it->get<long>() >= 128 && it->get<long>() <= 10240;
    if (auto r = constraint(ok, "Value '" + it->dump() + "' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240"); !r) return r;
    c.memory_mb = it->get<int>();
  }
  if (auto it = b.find("Role"); it != b.end() && it->is_string()) c.role = it->get<std::string>();
  if (auto it = b.find("Description"); it != b.end() && it->is_string()) c.description = it->get<std::string>();
  if (auto it = b.find("TracingConfig"); it != b.end() && it->is_object()) {
    auto mode = it->value("Mode", "PassThrough");
    if (mode != "Active" && mode != "PassThrough")
      return model::Error{model::Code::InvalidParameterValue, "1 validation error detected: Value '" + mode +
                                                                  "' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]"};
    c.tracing_mode = mode;
  }
  if (auto it = b.find("DeadLetterConfig"); it != b.end() && it->is_object()) {
    auto target = it->value("TargetArn", std::string{});
    if (!target.empty() && target.rfind("arn:aws:sqs:", 0) != 0 && target.rfind("arn:aws:sns:", 0) != 0)
      return model::Error{model::Code::InvalidParameterValue, "The DeadLetterConfig TargetArn must be an SQS queue or SNS topic ARN: " + target};
    c.dead_letter_target = target;
  }
  if (auto it = b.find("Environment"); it != b.end() && it->is_object()) {
    c.environment.clear();
    if (auto vars = it->find("Variables"); vars != it->end() && vars->is_object())
      for (const auto& [k, v] : vars->items()) {
        if (!v.is_string()) return model::Error{model::Code::InvalidParameterValue, "Environment variable " + k + " must be a string"};
        c.environment[k] = v.get<std::string>();
      }
  }
  return {};
}

// Code.ZipFile (base64 in JSON), or LocalStack's convention for code run in place: S3Bucket
// "hot-reload" with S3Key naming a folder on this machine.
model::Result<model::CodeSource> code_source(const json& code) {
  if (!code.is_object()) return model::Error{model::Code::InvalidParameterValue, "Code is required"};
  model::CodeSource src;
  if (auto zip = code.find("ZipFile"); zip != code.end() && zip->is_string()) {
    auto bytes = http::base64_decode(zip->get<std::string>());
    if (!bytes) return model::Error{model::Code::InvalidParameterValue, "Code.ZipFile is not valid base64"};
    src.zip = std::move(*bytes);
    return src;
  }
  if (code.value("S3Bucket", "") == "hot-reload" && code.contains("S3Key") && code["S3Key"].is_string()) {
    src.folder = code["S3Key"].get<std::string>();
    return src;
  }
  if (code.contains("ImageUri"))
    return model::Error{model::Code::InvalidParameterValue, "localray runs Zip packages; container images (ImageUri) are not supported"};
  return model::Error{model::Code::InvalidParameterValue,
                      "Code needs ZipFile, or S3Bucket 'hot-reload' with S3Key naming a folder on this machine (localray has no S3)"};
}

// Layers named by version ARN, resolved into `c` (at most five, each published here).
model::Result<void> apply_layers(const json& b, const model::Runner& runner, model::FunctionConfig& c) {
  auto it = b.find("Layers");
  if (it == b.end()) return {};
  if (!it->is_array()) return model::Error{model::Code::InvalidParameterValue, "Layers must be a list of layer version ARNs"};
  std::vector<std::string> arns;
  for (const auto& a : *it) {
    if (!a.is_string()) return model::Error{model::Code::InvalidParameterValue, "Layers must be a list of layer version ARNs"};
    arns.push_back(a.get<std::string>());
  }
  auto layers = runner.resolve_layers(arns);
  if (!layers) return layers.error();
  c.layers = std::move(*layers);
  return {};
}

http::Response created_or_error(const model::Result<std::shared_ptr<model::Function>>& f, unsigned status) {
  if (!f) return error(f.error());
  return http::Response::json(status, configuration(**f).dump());
}

http::Response put_concurrency(const http::Request& r, model::Runner& runner, const std::string& function) {
  auto parsed = json_body(r);
  if (auto* res = std::get_if<http::Response>(&parsed)) return std::move(*res);
  const json& b = std::get<json>(parsed);
  auto n = b.value("ReservedConcurrentExecutions", json{});
  if (!n.is_number_integer() || n.get<long>() < 0 || n.get<long>() > 1000)
    return error(model::Code::InvalidParameterValue, "1 validation error detected: Value at 'reservedConcurrentExecutions' failed to satisfy "
                                                     "constraint: Member must have value between 0 and 1000");
  int value = n.get<int>();
  auto f = runner.update_configuration(function, [value](model::FunctionConfig& c) -> model::Result<void> {
    c.reserved_concurrency = value;
    c.concurrency = value;
    return {};
  });
  if (!f) return error(f.error());
  return http::Response::json(200, json{{"ReservedConcurrentExecutions", value}}.dump());
}

std::string policy_document(const model::FunctionConfig& c) {
  json statements = json::array();
  for (const auto& [sid, text] : c.policy_statements) statements.push_back(json::parse(text));
  return json{{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", statements}}.dump();
}

http::Response add_permission(const http::Request& r, model::Runner& runner, const std::string& function) {
  auto parsed = json_body(r);
  if (auto* res = std::get_if<http::Response>(&parsed)) return std::move(*res);
  const json& b = std::get<json>(parsed);
  auto sid = b.value("StatementId", json{});
  auto action = b.value("Action", json{});
  auto principal = b.value("Principal", json{});
  if (!sid.is_string() || !action.is_string() || !principal.is_string())
    return error(model::Code::InvalidParameterValue, "StatementId, Action and Principal are required");
  std::string statement_text;
  auto f = runner.update_configuration(function, [&](model::FunctionConfig& c) -> model::Result<void> {
    if (c.policy_statements.contains(sid.get<std::string>()))
      return model::Error{model::Code::ResourceConflict, "The statement id (" + sid.get<std::string>() +
                                                             ") provided already exists. Please provide a new statement id, or remove the existing statement."};
    std::string p = principal.get<std::string>();
    json statement{{"Sid", sid},
                   {"Effect", "Allow"},
                   {"Principal", p.find('.') != std::string::npos ? json{{"Service", p}} : json{{"AWS", p}}},
                   {"Action", action},
                   {"Resource", runner.function_arn(c.name)}};
    if (b.contains("SourceArn")) statement["Condition"]["ArnLike"]["AWS:SourceArn"] = b["SourceArn"];
    if (b.contains("SourceAccount")) statement["Condition"]["StringEquals"]["AWS:SourceAccount"] = b["SourceAccount"];
    statement_text = statement.dump();
    c.policy_statements[sid.get<std::string>()] = statement_text;
    return {};
  });
  if (!f) return error(f.error());
  return http::Response::json(201, json{{"Statement", statement_text}}.dump());
}

}  // namespace

http::Response create_function(const http::Request& r, model::Runner& runner) {
  auto parsed = json_body(r);
  if (auto* res = std::get_if<http::Response>(&parsed)) return std::move(*res);
  const json& b = std::get<json>(parsed);
  auto name = b.value("FunctionName", json{});
  if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().size() > 64 ||
      name.get<std::string>().find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != std::string::npos)
    return error(model::Code::InvalidParameterValue, "1 validation error detected: Value at 'functionName' failed to satisfy constraint: "
                                                     "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length between 1 and 64");
  if (b.value("PackageType", "Zip") != "Zip")
    return error(model::Code::InvalidParameterValue, "localray runs Zip packages; PackageType Image is not supported");
  if (!b.contains("Runtime")) return error(model::Code::InvalidParameterValue, "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
  if (!b.contains("Handler")) return error(model::Code::InvalidParameterValue, "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
  model::FunctionConfig c;
  c.name = name.get<std::string>();
  c.tracing_mode = "PassThrough";
  if (auto applied = apply_settings(b, c); !applied) return error(applied.error());
  if (auto applied = apply_layers(b, runner, c); !applied) return error(applied.error());
  auto code = code_source(b.value("Code", json{}));
  if (!code) return error(code.error());
  return created_or_error(runner.create_function(std::move(c), *code), 201);
}

http::Response update_function_code(const http::Request& r, model::Runner& runner, const std::string& function) {
  auto parsed = json_body(r);
  if (auto* res = std::get_if<http::Response>(&parsed)) return std::move(*res);
  auto code = code_source(std::get<json>(parsed));
  return code ? created_or_error(runner.update_code(function, *code), 200) : error(code.error());
}

http::Response update_function_configuration(const http::Request& r, model::Runner& runner, const std::string& function) {
  auto parsed = json_body(r);
  if (auto* res = std::get_if<http::Response>(&parsed)) return std::move(*res);
  const json b = std::get<json>(parsed);
  return created_or_error(runner.update_configuration(function,
                                                      [&b, &runner](model::FunctionConfig& c) -> model::Result<void> {
                                                        if (auto applied = apply_settings(b, c); !applied) return applied;
                                                        return apply_layers(b, runner, c);
                                                      }),
                          200);
}

http::Response delete_function(model::Runner& runner, const std::string& function) {
  auto d = runner.delete_function(function);
  return d ? no_content() : error(d.error());
}

std::optional<http::Response> concurrency_call(const http::Request& r, model::Runner& runner, const std::string& function) {
  if (r.method == "PUT") return put_concurrency(r, runner, function);
  if (r.method == "DELETE") {
    auto f = runner.update_configuration(function, [](model::FunctionConfig& c) -> model::Result<void> {
      c.reserved_concurrency.reset();
      c.concurrency = 10;
      return {};
    });
    return f ? no_content() : error(f.error());
  }
  if (r.method == "GET") {
    auto f = runner.find(function);
    if (!f) return error(f.error());
    if (auto n = (*f)->config().reserved_concurrency) return http::Response::json(200, json{{"ReservedConcurrentExecutions", *n}}.dump());
    return http::Response::json(200, "{}");
  }
  return std::nullopt;
}

std::optional<http::Response> policy_call(const http::Request& r, model::Runner& runner, const std::vector<std::string>& parts) {
  const std::string& function = parts[2];
  if (parts.size() == 4 && r.method == "POST") return add_permission(r, runner, function);
  if (parts.size() == 4 && r.method == "GET") {
    auto f = runner.find(function);
    if (!f) return error(f.error());
    if ((*f)->config().policy_statements.empty()) return error(model::Code::ResourceNotFound, "The resource you requested does not exist.");
    return http::Response::json(200, json{{"Policy", policy_document((*f)->config())}, {"RevisionId", (*f)->config().last_modified}}.dump());
  }
  if (parts.size() == 5 && r.method == "DELETE") {
    const std::string sid = parts[4];
    auto f = runner.update_configuration(function, [&sid](model::FunctionConfig& c) -> model::Result<void> {
      if (!c.policy_statements.erase(sid))
        return model::Error{model::Code::ResourceNotFound, "Statement " + sid + " is not found in resource policy."};
      return {};
    });
    return f ? no_content() : error(f.error());
  }
  return std::nullopt;
}

}  // namespace localray::lambda::protocol
