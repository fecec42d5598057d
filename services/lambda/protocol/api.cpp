#include "services/lambda/protocol/api.hpp"

#include <variant>

#include <nlohmann/json.hpp>

#include "http/base64.hpp"

#include "http/form.hpp"

namespace localray::lambda::protocol {

using nlohmann::json;
namespace asio = boost::asio;

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
  if (!c.layers.empty()) {
    out["Layers"] = json::array();
    for (const auto& l : c.layers) out["Layers"].push_back({{"Arn", l.version_arn}, {"CodeSize", l.size}});
  }
  return out;
}

json layer_version_json(const model::LayerVersion& v) {
  json out{{"LayerArn", v.layer_arn},
           {"LayerVersionArn", v.version_arn},
           {"Version", v.version},
           {"Description", v.description},
           {"CreatedDate", v.created},
           {"Content", {{"CodeSha256", v.sha256}, {"CodeSize", v.size}, {"Location", "file://" + v.location}}},
           {"CompatibleRuntimes", v.compatible_runtimes}};
  if (!v.license.empty()) out["LicenseInfo"] = v.license;
  return out;
}

// The request's JSON object, or the error AWS gives for a body that is not one.
std::variant<json, http::Response> json_body(const http::Request& r) {
  auto body = json::parse(r.body.empty() ? "{}" : r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return error(model::Code::InvalidParameterValue, "Could not parse request body into json: the body is not a JSON object");
  return body;
}

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

http::Response no_content() {
  http::Response res;
  res.status = 204;
  return res;
}

// /2018-10-31/layers[/NAME/versions[/N]]: PublishLayerVersion, ListLayerVersions, GetLayerVersion,
// DeleteLayerVersion, ListLayers.
std::optional<http::Response> layer_call(const http::Request& r, model::Runner& runner, const std::vector<std::string>& parts) {
  auto& layers = runner.layers();
  if (parts.size() == 2 && r.method == "GET") {
    json list = json::array();
    for (const auto& v : layers.latest())
      list.push_back({{"LayerName", v.name}, {"LayerArn", v.layer_arn}, {"LatestMatchingVersion", layer_version_json(v)}});
    return http::Response::json(200, json{{"Layers", list}}.dump());
  }
  if (parts.size() < 4 || parts[3] != "versions") return std::nullopt;
  const std::string& name = parts[2];
  if (parts.size() == 4 && r.method == "POST") {
    auto parsed = json_body(r);
    if (auto* res = std::get_if<http::Response>(&parsed)) return std::move(*res);
    const json& b = std::get<json>(parsed);
    auto content = b.value("Content", json{});
    if (!content.is_object() || !content.contains("ZipFile") || !content["ZipFile"].is_string())
      return error(model::Code::InvalidParameterValue, "Content needs ZipFile (localray has no S3)");
    auto zip = http::base64_decode(content["ZipFile"].get<std::string>());
    if (!zip) return error(model::Code::InvalidParameterValue, "Content.ZipFile is not valid base64");
    model::LayerVersion v;
    v.name = name;
    v.description = b.value("Description", "");
    v.license = b.value("LicenseInfo", "");
    if (auto rt = b.find("CompatibleRuntimes"); rt != b.end() && rt->is_array())
      for (const auto& x : *rt)
        if (x.is_string()) v.compatible_runtimes.push_back(x.get<std::string>());
    auto published = runner.publish_layer(std::move(v), *zip);
    if (!published) return error(published.error());
    return http::Response::json(201, layer_version_json(*published).dump());
  }
  if (parts.size() == 4 && r.method == "GET") {
    json list = json::array();
    for (const auto& v : layers.versions(name)) list.push_back(layer_version_json(v));
    return http::Response::json(200, json{{"LayerVersions", list}}.dump());
  }
  if (parts.size() == 5) {
    int version = 0;
    try {
      version = std::stoi(parts[4]);
    } catch (const std::exception&) {
      return error(model::Code::InvalidParameterValue, "Version must be a number");
    }
    if (r.method == "GET") {
      auto v = layers.get(name, version);
      return v ? http::Response::json(200, layer_version_json(*v).dump()) : error(v.error());
    }
    if (r.method == "DELETE") {
      layers.remove(name, version);
      return no_content();
    }
  }
  return std::nullopt;
}

json mapping_json(const model::MappingInfo& m) {
  return {{"UUID", m.uuid},
          {"EventSourceArn", m.event_source_arn},
          {"FunctionArn", m.function_arn},
          {"BatchSize", m.batch_size},
          {"State", m.state},
          {"StateTransitionReason", "USER_INITIATED"},
          {"LastModified", m.last_modified},
          {"MaximumBatchingWindowInSeconds", 0}};
}

// Path split into segments, each percent-decoded; trailing slashes ignored.
std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    out.push_back(http::percent_decode(part, false).value_or(std::string{part}));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

asio::awaitable<http::Response> invoke(const http::Request& r, const http::CallContext& call, model::Runner& runner, const std::string& function,
                                       bool legacy_async) {
  std::string type = legacy_async ? "Event" : std::string{r.headers.get("X-Amz-Invocation-Type")};
  if (type.empty()) type = "RequestResponse";
  const std::optional<tracing::TraceHeader>& trace = call.trace;
  std::string payload = r.body.empty() ? "{}" : r.body;
  if (type == "DryRun") {
    auto f = runner.find(function);
    if (!f) co_return error(f.error());
    http::Response res;
    res.status = 204;
    co_return res;
  }
  if (type == "Event") {
    auto id = runner.invoke_async(function, payload, trace);
    if (!id) co_return error(id.error());
    http::Response res = legacy_async ? http::Response::json(202, R"({"Status":202})") : http::Response{};
    res.status = 202;
    co_return res;
  }
  if (type != "RequestResponse")
    co_return error(model::Code::InvalidParameterValue, "1 validation error detected: Value '" + type +
                                                            "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
  // The caller's client context travels base64-encoded; the function gets its JSON.
  std::string client_context;
  if (auto encoded = r.headers.get("X-Amz-Client-Context"); !encoded.empty()) {
    auto decoded = http::base64_decode(encoded);
    if (encoded.size() > 3583 || !decoded || json::parse(*decoded, nullptr, false).is_discarded())
      co_return error(model::Code::InvalidParameterValue, "Client context must be a valid Base64-encoded JSON object of at most 3583 bytes.");
    client_context = std::move(*decoded);
  }
  nlohmann::json no_links = nullptr;  // named: GCC 12 destroys temporaries made inside co_await twice
  auto result = co_await runner.invoke(function, payload, trace, no_links, std::move(client_context));
  if (!result) co_return error(result.error());
  auto res = http::Response::json(200, result->payload);
  res.headers.set("X-Amz-Executed-Version", result->executed_version);
  if (result->error) res.headers.set("X-Amz-Function-Error", "Unhandled");
  if (r.headers.get("X-Amz-Log-Type") == "Tail") {
    // Lambda returns the last 4 KB of the run's log.
    std::string_view log = result->log_tail;
    if (log.size() > 4096) log = log.substr(log.size() - 4096);
    res.headers.set("X-Amz-Log-Result", http::base64_encode(log));
  }
  co_return res;
}

}  // namespace

asio::awaitable<std::optional<http::Response>> handle(const http::Request& r, model::Runner& runner, model::EventSourceMappings& mappings,
                                                      http::CallContext call) {
  auto parts = segments(r.path);
  if (parts.size() < 2 || (parts[0] != "2015-03-31" && parts[0] != "2014-11-13" && parts[0] != "2017-10-31" && parts[0] != "2019-09-30" &&
                           parts[0] != "2018-10-31"))
    co_return std::nullopt;
  std::optional<http::Response> out;
  const std::string& method = r.method;
  if (parts[0] == "2014-11-13") {
    if (parts.size() == 4 && parts[1] == "functions" && parts[3] == "invoke-async" && method == "POST")
      out = co_await invoke(r, call, runner, parts[2], true);
  } else if ((parts[0] == "2017-10-31" || parts[0] == "2019-09-30") && parts.size() == 4 && parts[1] == "functions" && parts[3] == "concurrency") {
    if (method == "PUT") {
      out = put_concurrency(r, runner, parts[2]);
    } else if (method == "DELETE") {
      auto f = runner.update_configuration(parts[2], [](model::FunctionConfig& c) -> model::Result<void> {
        c.reserved_concurrency.reset();
        c.concurrency = 10;
        return {};
      });
      out = f ? no_content() : error(f.error());
    } else if (method == "GET") {
      auto f = runner.find(parts[2]);
      if (!f) out = error(f.error());
      else if (auto n = (*f)->config().reserved_concurrency) out = http::Response::json(200, json{{"ReservedConcurrentExecutions", *n}}.dump());
      else out = http::Response::json(200, "{}");
    }
  } else if (parts[0] == "2018-10-31" && parts[1] == "layers") {
    out = layer_call(r, runner, parts);
  } else if (parts[1] == "functions") {
    if (parts.size() == 2 && method == "GET") {
      json fns = json::array();
      for (const auto& f : runner.functions()) fns.push_back(configuration(*f));
      out = http::Response::json(200, json{{"Functions", fns}}.dump());
    } else if (parts.size() == 2 && method == "POST") {
      out = create_function(r, runner);
    } else if (parts.size() >= 3) {
      if (parts.size() == 4 && parts[3] == "invocations" && method == "POST") {
        out = co_await invoke(r, call, runner, parts[2], false);
      } else if (parts.size() == 3 && method == "DELETE") {
        auto d = runner.delete_function(parts[2]);
        out = d ? no_content() : error(d.error());
      } else if (parts.size() == 4 && parts[3] == "code" && method == "PUT") {
        auto parsed = json_body(r);
        if (auto* res = std::get_if<http::Response>(&parsed)) {
          out = std::move(*res);
        } else {
          auto code = code_source(std::get<json>(parsed));
          out = code ? created_or_error(runner.update_code(parts[2], *code), 200) : error(code.error());
        }
      } else if (parts.size() == 4 && parts[3] == "configuration" && method == "PUT") {
        auto parsed = json_body(r);
        if (auto* res = std::get_if<http::Response>(&parsed)) {
          out = std::move(*res);
        } else {
          const json b = std::get<json>(parsed);
          out = created_or_error(runner.update_configuration(parts[2],
                                                             [&b, &runner](model::FunctionConfig& c) -> model::Result<void> {
                                                               if (auto r = apply_settings(b, c); !r) return r;
                                                               return apply_layers(b, runner, c);
                                                             }),
                                 200);
        }
      } else if (parts.size() == 4 && parts[3] == "policy" && method == "POST") {
        out = add_permission(r, runner, parts[2]);
      } else if (parts.size() == 4 && parts[3] == "policy" && method == "GET") {
        auto f = runner.find(parts[2]);
        if (!f) out = error(f.error());
        else if ((*f)->config().policy_statements.empty()) out = error(model::Code::ResourceNotFound, "The resource you requested does not exist.");
        else out = http::Response::json(200, json{{"Policy", policy_document((*f)->config())}, {"RevisionId", (*f)->config().last_modified}}.dump());
      } else if (parts.size() == 5 && parts[3] == "policy" && method == "DELETE") {
        const std::string sid = parts[4];
        auto f = runner.update_configuration(parts[2], [&sid](model::FunctionConfig& c) -> model::Result<void> {
          if (!c.policy_statements.erase(sid))
            return model::Error{model::Code::ResourceNotFound, "Statement " + sid + " is not found in resource policy."};
          return {};
        });
        out = f ? no_content() : error(f.error());
      } else if (method == "GET" && (parts.size() == 3 || (parts.size() == 4 && parts[3] == "configuration"))) {
        auto f = runner.find(parts[2]);
        if (!f) out = error(f.error());
        else if (parts.size() == 4) out = http::Response::json(200, configuration(**f).dump());
        else
          out = http::Response::json(200, json{{"Configuration", configuration(**f)},
                                               {"Code", {{"RepositoryType", "S3"}, {"Location", ""}}},
                                               {"Tags", json::object()}}
                                              .dump());
      }
    }
  } else if (parts[1] == "event-source-mappings") {
    if (parts.size() == 2 && method == "GET") {
      std::string fn_filter, arn_filter;
      for (const auto& [k, v] : http::parse_form(r.query).value_or(http::FormFields{})) {
        if (k == "FunctionName") fn_filter = v;
        if (k == "EventSourceArn") arn_filter = v;
      }
      json list = json::array();
      for (const auto& m : mappings.list()) {
        if (!arn_filter.empty() && m.event_source_arn != arn_filter) continue;
        if (!fn_filter.empty() && m.function_arn != fn_filter && m.function_arn.substr(m.function_arn.rfind(':') + 1) != fn_filter) continue;
        list.push_back(mapping_json(m));
      }
      out = http::Response::json(200, json{{"EventSourceMappings", list}}.dump());
    } else if (parts.size() == 2 && method == "POST") {
      auto body = json::parse(r.body, nullptr, false);
      if (body.is_discarded() || !body.is_object() || !body.contains("FunctionName") || !body["FunctionName"].is_string())
        out = error(model::Code::InvalidParameterValue, "FunctionName is required");
      else if (!body.contains("EventSourceArn") || !body["EventSourceArn"].is_string())
        out = error(model::Code::InvalidParameterValue, "Unrecognized event source, must be SQS: EventSourceArn is required");
      else {
        int batch = body.contains("BatchSize") && body["BatchSize"].is_number_integer() ? body["BatchSize"].get<int>() : 10;
        auto m = mappings.create(body["EventSourceArn"], body["FunctionName"], batch);
        out = m ? http::Response::json(202, mapping_json(*m).dump()) : error(m.error());
      }
    } else if (parts.size() == 3 && (method == "GET" || method == "DELETE")) {
      if (method == "DELETE") {
        auto m = mappings.remove(parts[2]);
        out = m ? http::Response::json(202, mapping_json(*m).dump()) : error(m.error());
      } else {
        auto m = mappings.get(parts[2]);
        out = m ? http::Response::json(200, mapping_json(*m).dump()) : error(m.error());
      }
    }
  }
  if (!out) {
    auto res = http::Response::json(404, json{{"Type", "User"}, {"message", "localray serves no Lambda operation at " + method + " " + r.path}}.dump());
    res.headers.set("x-amzn-ErrorType", "UnknownOperationException");
    out = std::move(res);
  }
  out->headers.set("x-amzn-RequestId", call.request_id);
  co_return out;
}

}  // namespace localray::lambda::protocol
