#include "services/apigateway/model/rest_api.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace localray::apigateway::model {

using nlohmann::json;

std::string header(const Pairs& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
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

RestApi::RestApi(std::string id, std::string name, std::vector<Stage> stages, std::string region, std::string account, tracing::Tracer tracer)
    : id_{std::move(id)}, name_{std::move(name)}, stages_{std::move(stages)}, region_{std::move(region)}, account_{std::move(account)},
      t_{tracer} {}

tracing::Result<void> RestApi::add_method(const std::string& path, const std::string& http_method, std::shared_ptr<Integration> integration) {
  return resources_.add(path, http_method, std::move(integration));
}

const Stage* RestApi::stage(const std::string& name) const {
  auto it = std::find_if(stages_.begin(), stages_.end(), [&](const Stage& s) { return s.name == name; });
  return it == stages_.end() ? nullptr : &*it;
}

boost::asio::awaitable<ApiResponse> RestApi::handle(ApiRequest request) const {
  auto start = t_.clock.now();
  const Stage& stage = *this->stage(request.stage);
  std::string request_id = t_.ids.uuid();
  std::string host = header(request.headers, "Host");
  std::string user_agent = header(request.headers, "User-Agent");
  // A caller's Root is kept (with its Parent as our parent); otherwise this stage starts the trace.
  tracing::SamplingRequest sampling;
  sampling.service_name = name_ + "/" + stage.name;
  sampling.service_type = "AWS::ApiGateway::Stage";
  sampling.host = host;
  sampling.http_method = request.method;
  sampling.url_path = request.path;
  sampling.resource_arn = stage_arn(stage.name);
  tracing::TraceHeader trace = t_.sampler.enter(request.trace, sampling);

  tracing::Segment seg;
  seg.name = name_ + "/" + stage.name;
  seg.id = t_.ids.segment_id();
  seg.trace_id = trace.root;
  seg.parent_id = trace.parent;
  seg.origin = "AWS::ApiGateway::Stage";
  seg.resource_arn = stage_arn(stage.name);
  seg.start_time = tracing::epoch_seconds(start);
  seg.annotations["aws:api_id"] = id_;
  seg.annotations["aws:api_stage"] = stage.name;
  std::string extended_request_id = t_.ids.uuid();
  seg.aws = {{"api_gateway", {{"account_id", account_}, {"rest_api_id", id_}, {"stage", stage.name}, {"request_id", request_id}}}};
  seg.metadata = {{"default", {{"request_id", request_id}, {"extended_request_id", extended_request_id}}}};

  ApiResponse response;
  response.request_id = request_id;
  auto match = request.path_parts.empty() && request.path != "/" ? resources_.match(request.method, request.path)
                                                                 : resources_.match(request.method, request.path_parts);
  if (!match || !match->method) {
    // API Gateway answers a path or method no resource has as it answers an unsigned call.
    response.status = 403;
    response.body = json{{"message", "Missing Authentication Token"}}.dump();
    response.error_type = "MissingAuthenticationTokenException";
    response.headers = {{"Content-Type", "application/json"}};
  } else {
    IntegrationRequest ireq;
    ireq.method = request.method;
    ireq.path = request.path;
    ireq.resource_path = match->resource->path;
    ireq.resource_id = match->resource->id;
    ireq.path_parameters = std::move(match->path_parameters);
    ireq.query = std::move(request.query);
    ireq.headers = request.headers;
    ireq.body = std::move(request.body);
    ireq.stage = stage.name;
    ireq.stage_variables = stage.variables;
    ireq.request_id = request_id;
    ireq.extended_request_id = extended_request_id;
    ireq.api_id = id_;
    ireq.account_id = account_;
    ireq.source_ip = request.client_ip;
    ireq.user_agent = user_agent;
    ireq.domain_name = host;
    ireq.request_time = start;

    const auto& integration = *match->method->integration;
    if (integration.records_call()) {
      auto& sub = seg.add_subsegment(integration.service(), t_.ids.segment_id(), tracing::epoch_seconds(t_.clock.now()));
      sub.namespace_ = "aws";
      sub.aws = {{"operation", integration.operation()}, {"region", region_}};
      integration.describe_target(sub.aws);
      const auto integration_ctx = trace.child(sub.id);
      auto result = co_await match->method->integration->call(ireq, integration_ctx);
      if (!result.called) {
        seg.subsegments.pop_back();  // nothing was called: API Gateway answered by itself
      } else {
        sub.end_time = tracing::epoch_seconds(t_.clock.now());
        if (!result.operation.empty()) sub.aws["operation"] = result.operation;
        for (const auto& [field, value] : result.target) {
          sub.aws[field] = value;
          sub.aws["resource_names"] = {value};
        }
        if (!result.request_id.empty()) sub.aws["request_id"] = result.request_id;
        if (result.call_fault) sub.fault = true;
        else if (result.call_failed) sub.error = true;
      }
      response.status = result.status;
      response.headers = std::move(result.headers);
      response.body = std::move(result.body);
    } else {
      auto result = co_await match->method->integration->call(ireq, trace);
      response.status = result.status;
      response.headers = std::move(result.headers);
      response.body = std::move(result.body);
    }
  }
  seg.error = response.status >= 400 && response.status < 500;
  seg.fault = response.status >= 500;
  seg.throttle = response.status == 429;
  seg.http = {{"request", {{"url", request.url}, {"method", request.method}, {"user_agent", user_agent}, {"client_ip", request.client_ip},
                           {"x_forwarded_for", true}}},
              {"response", {{"status", response.status}, {"content_length", response.body.size()}}}};
  seg.end_time = tracing::epoch_seconds(t_.clock.now());
  response.trace_header = tracing::TraceHeader{trace.root, seg.id, trace.sampled, {}}.to_string();
  // A full pipeline counts the segment it could not take; the client is answered regardless.
  if (trace.is_sampled()) (void)t_.sink.record(std::move(seg));
  co_return response;
}

}  // namespace localray::apigateway::model
