#include "services/apigateway/model/rest_api.hpp"

#include <nlohmann/json.hpp>

namespace localray::apigateway::model {

std::optional<MappingValue> MappingValue::parse(const std::string& expr) {
  MappingValue v;
  if (expr.empty() || expr[0] != '$') {
    v.text_ = expr;
    return v;
  }
  static const std::pair<const char*, Kind> kContext[] = {{"$context.path", Kind::ContextPath},
                                                         {"$context.resourcePath", Kind::ResourcePath},
                                                         {"$context.stage", Kind::Stage},
                                                         {"$context.httpMethod", Kind::Method},
                                                         {"$context.requestId", Kind::RequestId},
                                                         {"$input.body", Kind::Body}};
  for (const auto& [name, kind] : kContext)
    if (expr == name) {
      v.kind_ = kind;
      return v;
    }
  // $input.path('$.a.b')
  const std::string prefix = "$input.path('$", suffix = "')";
  if (expr.rfind(prefix, 0) == 0 && expr.size() >= prefix.size() + suffix.size() &&
      expr.compare(expr.size() - suffix.size(), suffix.size(), suffix) == 0) {
    std::string path = expr.substr(prefix.size(), expr.size() - prefix.size() - suffix.size());
    v.kind_ = Kind::JsonPath;
    std::size_t pos = 0;
    while (pos < path.size()) {
      if (path[pos] != '.') return std::nullopt;
      auto next = path.find('.', pos + 1);
      auto key = path.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      if (key.empty()) return std::nullopt;
      v.path_.push_back(key);
      pos = next == std::string::npos ? path.size() : next;
    }
    return v;
  }
  return std::nullopt;
}

std::string MappingValue::evaluate(const Input& in) const {
  switch (kind_) {
    case Kind::Literal: return text_;
    case Kind::ContextPath: return in.path;
    case Kind::ResourcePath: return in.resource_path;
    case Kind::Stage: return in.stage;
    case Kind::Method: return in.method;
    case Kind::RequestId: return in.request_id;
    case Kind::Body: return in.body;
    case Kind::JsonPath: {
      // Like API Gateway: a missing path or a body that is not JSON gives an empty value.
      auto doc = nlohmann::json::parse(in.body, nullptr, false);
      const nlohmann::json* node = &doc;
      for (const auto& key : path_) {
        if (!node->is_object()) return {};
        auto it = node->find(key);
        if (it == node->end()) return {};
        node = &*it;
      }
      if (node->is_string()) return node->get<std::string>();
      if (node->is_null() || node->is_discarded()) return {};
      return node->dump();
    }
  }
  return {};
}

std::string stable_api_id(const std::string& name) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id;
  for (int i = 0; i < 10; ++i) {
    id += alphabet[h % 36];
    h /= 36;
    if (h == 0) h = 0x9E3779B97F4A7C15ULL;
  }
  return id;
}

RestApi::RestApi(std::string id, std::string name, std::string stage, std::string region, std::string account, RouteConfig route,
                 tracing::Tracer tracer)
    : id_{std::move(id)}, name_{std::move(name)}, stage_{std::move(stage)}, region_{std::move(region)}, account_{std::move(account)},
      route_{std::move(route)}, t_{tracer} {}

boost::asio::awaitable<ApiResponse> RestApi::handle(ApiRequest request) {
  using nlohmann::json;
  auto start = t_.clock.now();
  std::string request_id = t_.ids.uuid();
  // A caller's Root is kept (with its Parent as our parent); otherwise this stage starts the trace.
  tracing::SamplingRequest sampling;
  sampling.service_name = name_ + "/" + stage_;
  sampling.service_type = "AWS::ApiGateway::Stage";
  sampling.host = request.host;
  sampling.http_method = request.method;
  sampling.url_path = request.path;
  sampling.resource_arn = stage_arn();
  tracing::TraceHeader trace = t_.sampler.enter(request.trace, sampling);

  tracing::Segment seg;
  seg.name = name_ + "/" + stage_;
  seg.id = t_.ids.segment_id();
  seg.trace_id = trace.root;
  seg.parent_id = trace.parent;
  seg.origin = "AWS::ApiGateway::Stage";
  seg.resource_arn = stage_arn();
  seg.start_time = tracing::epoch_seconds(start);
  seg.annotations["aws:api_id"] = id_;
  seg.annotations["aws:api_stage"] = stage_;
  seg.aws = {{"api_gateway", {{"account_id", account_}, {"rest_api_id", id_}, {"stage", stage_}, {"request_id", request_id}}}};
  seg.metadata = {{"default", {{"request_id", request_id}, {"extended_request_id", t_.ids.uuid()}}}};

  std::string context_path = "/" + stage_ + request.path;
  std::string resource_path = "/{proxy+}";
  MappingValue::Input in{context_path, resource_path, stage_, request.method, request_id, request.body};
  IntegrationRequest ireq;
  ireq.message = route_.message.evaluate(in);
  for (const auto& [name, value] : route_.message_attributes) {
    auto v = value.evaluate(in);
    if (!v.empty()) ireq.message_attributes[name] = std::move(v);
  }

  auto& sub = seg.add_subsegment(route_.integration->service(), t_.ids.segment_id(), tracing::epoch_seconds(t_.clock.now()));
  sub.namespace_ = "aws";
  sub.aws = {{"operation", route_.integration->operation()}, {"region", region_}};
  route_.integration->describe_target(sub.aws);
  const auto integration_ctx = trace.child(sub.id);
  auto result = co_await route_.integration->call(ireq, integration_ctx);
  sub.end_time = tracing::epoch_seconds(t_.clock.now());
  if (!result.request_id.empty()) sub.aws["request_id"] = result.request_id;

  ApiResponse response;
  response.request_id = request_id;
  if (result.ok) {
    response.status = 200;
    response.body = json{{"message", "message added to topic"}}.dump();
  } else {
    // The integration response for `^\[Error\].*`: 400 with the service's message.
    response.status = 400;
    response.body = json{{"state", "error"}, {"message", result.error_message}}.dump();
    sub.error = true;
  }
  seg.error = response.status >= 400 && response.status < 500;
  seg.fault = response.status >= 500;
  seg.http = {{"request", {{"url", request.url}, {"method", request.method}, {"user_agent", request.user_agent},
                           {"client_ip", request.client_ip}, {"x_forwarded_for", true}}},
              {"response", {{"status", response.status}, {"content_length", response.body.size()}}}};
  seg.end_time = tracing::epoch_seconds(t_.clock.now());
  response.trace_header = tracing::TraceHeader{trace.root, seg.id, trace.sampled, {}}.to_string();
  if (trace.is_sampled()) t_.sink.record(std::move(seg));
  co_return response;
}

}  // namespace localray::apigateway::model
