#include "services/apigateway/model/integration_mapping.hpp"

#include <boost/regex.hpp>


#include "services/apigateway/model/mapping_host.hpp"

namespace localray::apigateway::model {

using nlohmann::json;
using tracing::Error;

namespace {

// Java's Pattern.matches, as API Gateway applies selection patterns to a status code or a Lambda
// errorMessage: the whole text, `.` not matching line ends. Boost.Regex, not std::regex: the text
// comes from the backend, and libstdc++'s matcher recurses once per character; a match past
// Boost's bounds selects nothing.
bool selects(const boost::regex& pattern, const std::string& text) {
  try {
    return boost::regex_match(text, pattern, boost::match_not_dot_newline);
  } catch (const std::runtime_error&) {
    return false;
  }
}

std::string media_type(std::string value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && value.back() == ' ') value.pop_back();
  for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value;
}

MappingInput input_of(const IntegrationRequest& r, std::string body) {
  MappingInput in;
  in.body = std::move(body);
  for (const auto& [k, v] : r.path_parameters) in.params["path"][k] = v;
  for (const auto& [k, v] : r.query) in.params["querystring"].emplace(k, v);
  for (const auto& [k, v] : r.headers) in.params["header"].emplace(k, v);
  return in;
}

// A request or response parameter's source: 'literal', method.request.{header,querystring,path}.X,
// stageVariables.X, context.X, integration.response.header.X, integration.response.body[.path].
std::optional<std::string> source_value(const std::string& source, const IntegrationRequest& r, const json& context, const Pairs* response_headers,
                                        const std::string* response_body) {
  if (source.size() >= 2 && source.front() == '\'' && source.back() == '\'') return source.substr(1, source.size() - 2);
  auto after = [&](const std::string& prefix) -> std::optional<std::string> {
    if (source.rfind(prefix, 0) == 0) return source.substr(prefix.size());
    return std::nullopt;
  };
  if (auto name = after("method.request.header.")) return header(r.headers, *name);
  if (auto name = after("method.request.querystring.")) {
    for (const auto& [k, v] : r.query)
      if (k == *name) return v;
    return std::string{};
  }
  if (auto name = after("method.request.path.")) {
    auto it = r.path_parameters.find(*name);
    return it == r.path_parameters.end() ? std::string{} : it->second;
  }
  if (auto name = after("stageVariables.")) {
    auto it = r.stage_variables.find(*name);
    return it == r.stage_variables.end() ? std::string{} : it->second;
  }
  if (auto name = after("context.")) {
    auto v = json_path(context, "$." + *name);
    return v && !v->is_null() ? velocity_string(*v) : std::string{};
  }
  if (response_headers)
    if (auto name = after("integration.response.header.")) return header(*response_headers, *name);
  if (response_body) {
    if (source == "integration.response.body") return *response_body;
    if (auto path = after("integration.response.body.")) {
      json doc = json::parse(*response_body, nullptr, false);
      auto v = json_path(doc.is_discarded() ? json::object() : doc, "$." + *path);
      return v && !v->is_null() ? velocity_string(*v) : std::string{};
    }
  }
  return std::nullopt;
}

IntegrationResponse internal_error() {
  IntegrationResponse out;
  out.status = 500;
  out.headers = {{"Content-Type", "application/json"}, {"x-amzn-ErrorType", "InternalServerErrorException"}};
  out.body = json{{"message", "Internal server error"}}.dump();
  out.call_fault = true;
  return out;
}

}  // namespace

json mapping_context(const IntegrationRequest& r) {
  auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.request_time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char time[40];
  std::strftime(time, sizeof time, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  std::string host = r.domain_name;
  return json{{"accountId", r.account_id},
              {"apiId", r.api_id},
              {"domainName", host},
              {"domainPrefix", host.substr(0, host.find('.'))},
              {"extendedRequestId", r.extended_request_id},
              {"httpMethod", r.method},
              {"identity", {{"sourceIp", r.source_ip}, {"userAgent", r.user_agent}}},
              {"path", "/" + r.stage + r.path},
              {"protocol", "HTTP/1.1"},
              {"requestId", r.request_id},
              {"requestTime", time},
              {"requestTimeEpoch", epoch_ms},
              {"resourceId", r.resource_id},
              {"resourcePath", r.resource_path},
              {"stage", r.stage}};
}

tracing::Result<IntegrationMapping> IntegrationMapping::make(const MappingSpec& spec) {
  IntegrationMapping m;
  for (const auto& [type, text] : spec.request_templates) {
    auto t = VelocityTemplate::parse(text);
    if (!t) return Error{"request template " + type + ": " + t.error().message};
    m.request_templates_.emplace(media_type(type), std::move(*t));
  }
  m.request_parameters_ = spec.request_parameters;
  m.passthrough_ = spec.passthrough;
  for (const auto& r : spec.responses) {
    Response out{r, {}};
    for (const auto& [type, text] : r.templates) {
      auto t = VelocityTemplate::parse(text);
      if (!t) return Error{"response template " + type + " (status " + std::to_string(r.status) + "): " + t.error().message};
      out.templates.emplace(media_type(type), std::move(*t));
    }
    if (!r.selection_pattern.empty()) {
      try {
        out.selection = std::make_shared<const boost::regex>(r.selection_pattern, boost::regex::perl);
      } catch (const boost::regex_error&) {
        return Error{"selection pattern '" + r.selection_pattern + "' is not a regular expression"};
      }
    }
    m.responses_.push_back(std::move(out));
  }
  return m;
}

tracing::Result<MappedRequest> IntegrationMapping::request(const IntegrationRequest& r) const {
  MappedRequest out;
  json context = mapping_context(r);
  for (const auto& [target, source] : request_parameters_) {
    auto value = source_value(source, r, context, nullptr, nullptr);
    if (!value) return Error{"request parameter " + target + ": unsupported source '" + source + "'"};
    if (target.rfind("integration.request.header.", 0) == 0) out.headers.emplace_back(target.substr(27), *value);
    else if (target.rfind("integration.request.querystring.", 0) == 0) out.query.emplace_back(target.substr(32), *value);
    else if (target.rfind("integration.request.path.", 0) == 0) out.path[target.substr(25)] = *value;
    else return Error{"request parameter " + target + ": not integration.request.header, querystring or path"};
  }
  std::string type = media_type(header(r.headers, "Content-Type"));
  if (type.empty()) type = "application/json";
  auto t = request_templates_.find(type);
  if (t == request_templates_.end()) {
    bool pass = passthrough_ == "WHEN_NO_MATCH" || (passthrough_ == "WHEN_NO_TEMPLATES" && request_templates_.empty());
    if (!pass) {
      out.unsupported_media_type = true;
      return out;
    }
    out.body = r.body;
    return out;
  }
  MappingInput input = input_of(r, r.body);
  MappingHost host{input};
  json variables{{"context", context}, {"stageVariables", r.stage_variables}};
  auto body = t->second.render(variables, host);
  if (!body) return Error{"request template " + type + ": " + body.error().message};
  out.body = std::move(*body);
  return out;
}

IntegrationResponse IntegrationMapping::response(const IntegrationRequest& r, const std::optional<std::string>& selection, const Pairs& headers,
                                                 const std::string& body) const {
  const Response* chosen = nullptr;
  if (selection)
    for (const auto& candidate : responses_)
      if (candidate.selection && selects(*candidate.selection, *selection)) {
        chosen = &candidate;
        break;
      }
  if (!chosen)
    for (const auto& candidate : responses_)
      if (candidate.spec.selection_pattern.empty()) {
        chosen = &candidate;
        break;
      }
  // No integration response fits: API Gateway's configuration error.
  if (!chosen) return internal_error();
  IntegrationResponse out;
  out.status = chosen->spec.status;
  json context = mapping_context(r);
  for (const auto& [target, source] : chosen->spec.parameters) {
    auto value = source_value(source, r, context, &headers, &body);
    const std::string prefix = "method.response.header.";
    if (!value || target.rfind(prefix, 0) != 0) return internal_error();
    out.headers.emplace_back(target.substr(prefix.size()), *value);
  }
  std::string type;
  const VelocityTemplate* t = nullptr;
  if (!chosen->templates.empty()) {
    std::string accept = media_type(header(r.headers, "Accept"));
    auto it = chosen->templates.find(accept);
    if (it == chosen->templates.end()) it = chosen->templates.find("application/json");
    if (it == chosen->templates.end()) it = chosen->templates.begin();
    type = it->first;
    t = &it->second;
  }
  if (!t) {
    out.body = body;
    out.headers.emplace_back("Content-Type", "application/json");
    return out;
  }
  MappingInput input = input_of(r, body);
  MappingHost host{input};
  json variables{{"context", context}, {"stageVariables", r.stage_variables}};
  auto rendered = t->render(variables, host);
  if (!rendered) return internal_error();
  out.body = std::move(*rendered);
  out.headers.emplace_back("Content-Type", type);
  // $context.responseOverride set by the template wins.
  const json& override_ = variables["context"].value("responseOverride", json::object());
  if (auto status = override_.find("status"); status != override_.end()) {
    long code = status->is_number() ? status->get<long>() : std::atol(velocity_string(*status).c_str());
    if (code >= 100 && code <= 599) out.status = static_cast<unsigned>(code);
  }
  if (auto h = override_.find("header"); h != override_.end() && h->is_object())
    for (const auto& [k, v] : h->items()) out.headers.emplace_back(k, velocity_string(v));
  return out;
}

}  // namespace localray::apigateway::model
