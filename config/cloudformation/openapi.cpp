#include "config/cloudformation/openapi.hpp"

#include <algorithm>

#include "config/cloudformation/intrinsics.hpp"
#include "services/apigateway/model/velocity.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;

namespace {

// Mapping templates are checked now, so that one that does not parse stops the start.
tracing::Result<void> check_templates(const std::map<std::string, std::string>& templates, const std::string& at, const ErrorAt& error) {
  for (const auto& [type, text] : templates)
    if (auto t = apigateway::model::VelocityTemplate::parse(text); !t) return error(at + "." + type, t.error().message);
  return {};
}

tracing::Result<std::map<std::string, std::string>> strings(const json& j, const std::string& at, const ErrorAt& error) {
  std::map<std::string, std::string> out;
  if (j.is_null()) return out;
  if (!j.is_object()) return error(at, "must be a mapping of strings");
  for (const auto& [k, v] : j.items()) {
    auto s = scalar_string(v, "");
    if (!s) return error(at + "." + k, "must be a string");
    out[k] = *s;
  }
  return out;
}

// arn:aws:apigateway:REGION:SERVICE:path/... or :action/NAME
tracing::Result<void> read_uri(const std::string& uri, ApiIntegration& out, const Topology& topology, const ErrorAt& error) {
  const std::string prefix = "arn:aws:apigateway:";
  if (uri.rfind(prefix, 0) != 0) return error(".Uri", "'" + uri + "' is not an arn:aws:apigateway: URI");
  auto region_end = uri.find(':', prefix.size());
  auto service_end = region_end == std::string::npos ? std::string::npos : uri.find(':', region_end + 1);
  if (service_end == std::string::npos) return error(".Uri", "'" + uri + "' is not arn:aws:apigateway:REGION:SERVICE:...");
  std::string service = uri.substr(region_end + 1, service_end - region_end - 1);
  std::string rest = uri.substr(service_end + 1);
  if (service == "lambda") {
    auto fn = rest.find(":function:");
    auto end = rest.find("/invocations");
    if (fn == std::string::npos || end == std::string::npos) return error(".Uri", "'" + uri + "' does not name a function's invocations");
    std::string name = rest.substr(fn + 10, end - fn - 10);
    name = name.substr(0, name.find(':'));
    bool known = std::any_of(topology.functions.begin(), topology.functions.end(), [&](const Function& f) { return f.name == name; });
    if (!known) return error(".Uri", "function '" + name + "' is not a function of these templates");
    out.function = name;
    return {};
  }
  out.service = service;
  if (rest.rfind("action/", 0) == 0) out.action = rest.substr(7);
  else if (rest.rfind("path/", 0) == 0) out.service_path = rest.substr(5);
  else return error(".Uri", "'" + uri + "' must end in path/... or action/NAME");
  if (service != "sns" && service != "sqs" && service != "dynamodb" && service != "lambda") {
    out.type = "unsupported";
    out.unsupported = "AWS integrations with " + service + " are not emulated (sns, sqs, dynamodb and lambda are)";
  }
  return {};
}

tracing::Result<ApiIntegration> integration(const json& j, bool openapi, const Topology& topology, const ErrorAt& error) {
  // OpenAPI's extension spells the same members in camel case.
  auto member = [&](const char* cfn, const char* oas) -> const json& {
    static const json none;
    auto it = j.find(openapi ? oas : cfn);
    return it == j.end() ? none : *it;
  };
  if (!j.is_object()) return error("", "must be a mapping");
  std::string type = member("Type", "type").is_string() ? member("Type", "type").get<std::string>() : "";
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
  ApiIntegration out;
  if (type == "AWS_PROXY") out.type = "lambda_proxy";
  else if (type == "AWS") out.type = "aws";
  else if (type == "MOCK") out.type = "mock";
  else if (type == "HTTP" || type == "HTTP_PROXY") {
    // The method answers that it is not emulated; the rest of the API serves.
    out.type = "unsupported";
    out.unsupported = type + " integrations are not emulated yet";
    return out;
  } else return error(".Type", "must be AWS_PROXY, AWS, MOCK, HTTP or HTTP_PROXY");
  if (out.type != "mock") {
    const json& uri = member("Uri", "uri");
    if (!uri.is_string()) return error(".Uri", "is required");
    if (auto r = read_uri(uri.get<std::string>(), out, topology, error); !r) return r.error();
    if (out.type == "lambda_proxy" && out.function.empty()) return error(".Uri", "an AWS_PROXY integration must call a Lambda function");
    if (out.type == "aws" && !out.function.empty()) {
      // A Lambda function called through a non-proxy AWS integration.
      out.service = "lambda";
    }
  }
  if (const json& m = member("IntegrationHttpMethod", "httpMethod"); m.is_string()) out.http_method = m.get<std::string>();
  auto templates = strings(member("RequestTemplates", "requestTemplates"), ".RequestTemplates", error);
  if (!templates) return templates.error();
  if (auto checked = check_templates(*templates, ".RequestTemplates", error); !checked) return checked.error();
  out.request_templates = std::move(*templates);
  auto parameters = strings(member("RequestParameters", "requestParameters"), ".RequestParameters", error);
  if (!parameters) return parameters.error();
  out.request_parameters = std::move(*parameters);
  if (const json& p = member("PassthroughBehavior", "passthroughBehavior"); p.is_string()) {
    out.passthrough = p.get<std::string>();
    std::transform(out.passthrough.begin(), out.passthrough.end(), out.passthrough.begin(), [](unsigned char c) { return std::toupper(c); });
    if (out.passthrough != "WHEN_NO_MATCH" && out.passthrough != "WHEN_NO_TEMPLATES" && out.passthrough != "NEVER")
      return error(".PassthroughBehavior", "must be WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER");
  }
  // IntegrationResponses: a list in CloudFormation, a map keyed by selection pattern in OpenAPI.
  const json& responses = member("IntegrationResponses", "responses");
  std::vector<std::pair<std::string, json>> listed;
  if (responses.is_array())
    for (const auto& r : responses) listed.emplace_back(r.value("SelectionPattern", ""), r);
  else if (responses.is_object())
    for (const auto& [pattern, r] : responses.items()) listed.emplace_back(pattern == "default" ? "" : pattern, r);
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const auto& [pattern, r] = listed[i];
    std::string at = ".IntegrationResponses[" + std::to_string(i) + "]";
    IntegrationResponseSpec spec;
    spec.selection_pattern = pattern;
    auto status = scalar_string(r.value(openapi ? "statusCode" : "StatusCode", json("200")), "");
    if (!status || status->size() != 3 || !std::all_of(status->begin(), status->end(), ::isdigit))
      return error(at + ".StatusCode", "must be an HTTP status code");
    spec.status = static_cast<unsigned>(std::stoi(*status));
    auto t = strings(r.value(openapi ? "responseTemplates" : "ResponseTemplates", json()), at + ".ResponseTemplates", error);
    if (!t) return t.error();
    if (auto checked = check_templates(*t, at + ".ResponseTemplates", error); !checked) return checked.error();
    spec.templates = std::move(*t);
    auto params = strings(r.value(openapi ? "responseParameters" : "ResponseParameters", json()), at + ".ResponseParameters", error);
    if (!params) return params.error();
    spec.parameters = std::move(*params);
    out.responses.push_back(std::move(spec));
  }
  return out;
}

}  // namespace

tracing::Result<ApiIntegration> method_integration(const json& j, const Topology& topology, const ErrorAt& error) {
  return integration(j, false, topology, error);
}

tracing::Result<std::vector<ApiRoute>> openapi_routes(const json& body, const Topology& topology, const ErrorAt& error) {
  std::vector<ApiRoute> routes;
  auto paths = body.find("paths");
  if (paths == body.end() || !paths->is_object()) return error(".paths", "an OpenAPI Body needs paths");
  static const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method"};
  for (const auto& [path, operations] : paths->items()) {
    if (path.empty() || path[0] != '/') return error(".paths." + path, "a path must start with '/'");
    if (!operations.is_object()) continue;
    for (const char* m : kMethods) {
      auto op = operations.find(m);
      if (op == operations.end()) continue;
      std::string at = ".paths." + path + "." + m;
      auto ext = op->find("x-amazon-apigateway-integration");
      if (ext == op->end()) return error(at, "has no x-amazon-apigateway-integration: nothing would answer it");
      auto made = integration(*ext, true, topology, [&](const std::string& below, const std::string& what) {
        return error(at + ".x-amazon-apigateway-integration" + below, what);
      });
      if (!made) return made.error();
      std::string method = m == std::string{"x-amazon-apigateway-any-method"} ? "ANY" : m;
      std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
      routes.push_back(ApiRoute{path, method, std::move(*made)});
    }
  }
  return routes;
}

}  // namespace localray::config::cloudformation
