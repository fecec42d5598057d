// The ingest direction of the mapping: OTLP spans as X-Ray segment documents.
#include "tracing/otlp/xray_mapping.hpp"

#include "tracing/otlp/mapping_rules.hpp"
#include "tracing/segment_json.hpp"

namespace localray::tracing::otlp {

using nlohmann::json;
using namespace rules;

std::string xray_trace_id(std::string_view hex) {
  return "1-" + std::string{hex.substr(0, 8)} + "-" + std::string{hex.substr(8)};
}

std::string otel_trace_id(std::string_view id) {
  if (id.size() != 35) return std::string{id};
  return std::string{id.substr(2, 8)} + std::string{id.substr(11)};
}

Result<Segment> span_to_segment(const Attributes& resource, const ScopeSpans& scope, const Span& span) {
  if (!lower_hex(span.trace_id, 32)) return Error{"span " + span.span_id + ": traceId must be 16 bytes and not all zero"};
  if (!lower_hex(span.span_id, 16)) return Error{"span '" + span.name + "': spanId must be 8 bytes and not all zero"};
  if (!span.parent_span_id.empty() && !lower_hex(span.parent_span_id, 16))
    return Error{"span " + span.span_id + ": parentSpanId must be 8 bytes or empty"};
  if (span.start_time_unix_nano == 0) return Error{"span " + span.span_id + ": startTimeUnixNano is required"};
  if (span.end_time_unix_nano < span.start_time_unix_nano) return Error{"span " + span.span_id + ": ends before it starts"};

  json attrs = span.attributes.is_object() ? span.attributes : json::object();
  json otel = json::object();  // what X-Ray has no field for
  const bool segment = span.kind == SpanKind::Server || span.kind == SpanKind::Consumer || span.parent_span_id.empty();

  Segment s;
  s.id = span.span_id;
  s.trace_id = xray_trace_id(span.trace_id);
  s.parent_id = span.parent_span_id;
  s.start_time = seconds(span.start_time_unix_nano);
  s.end_time = seconds(span.end_time_unix_nano);
  if (!segment) s.type = "subsegment";

  // Where the call went: X-Ray's namespace decides the node the service map infers.
  std::string rpc_system = as_string(take(attrs, "rpc.system")).value_or("");
  std::string messaging = as_string(attrs.contains("messaging.system") ? std::optional<json>{attrs["messaging.system"]} : std::nullopt).value_or("");
  if (auto ns = as_string(take(attrs, "aws.xray.namespace"))) {
    s.namespace_ = *ns;
  } else if (!segment && (span.kind == SpanKind::Client || span.kind == SpanKind::Producer)) {
    bool aws_call = rpc_system == "aws-api" || messaging == "aws_sqs" || messaging == "aws.sqs" || messaging == "aws_sns" ||
                    attrs.contains("aws.dynamodb.table_names") || attrs.contains("aws.sqs.queue_url") || attrs.contains("aws.sns.topic.arn");
    s.namespace_ = aws_call ? "aws" : "remote";
  }
  if (!rpc_system.empty() && s.namespace_ != "aws") otel["rpc.system"] = rpc_system;

  // http
  json request = json::object(), response = json::object();
  if (auto m = take_first(attrs, {"http.request.method", "http.method"})) request["method"] = *m;
  auto url = as_string(take_first(attrs, {"url.full", "http.url"}));
  // The parts of a URL are read (and taken) only when the whole is missing; else they stay attributes.
  auto peek_first = [&attrs, &url](std::initializer_list<std::string_view> keys) -> std::optional<json> {
    if (!url) return take_first(attrs, keys);
    for (auto k : keys)
      if (auto it = attrs.find(k); it != attrs.end() && !it->is_null()) return *it;
    return std::nullopt;
  };
  auto scheme = as_string(peek_first({"url.scheme", "http.scheme"}));
  auto host = as_string(peek_first({"server.address", "http.host", "net.host.name", "net.peer.name"}));
  auto port = peek_first({"server.port", "net.host.port", "net.peer.port"});
  auto path = as_string(peek_first({"url.path"}));
  auto query = as_string(peek_first({"url.query"}));
  auto target = as_string(peek_first({"http.target"}));
  if (!url && host && (path || target)) {
    std::string u = scheme.value_or("http") + "://" + *host;
    if (port && port->is_number_integer()) u += ":" + std::to_string(port->get<long long>());
    u += path ? *path + (query ? "?" + *query : "") : *target;
    url = u;
  }
  if (url) request["url"] = *url;
  if (auto v = take_first(attrs, {"user_agent.original", "http.user_agent"})) request["user_agent"] = *v;
  if (auto v = take_first(attrs, {"client.address", "http.client_ip"})) request["client_ip"] = *v;
  for (auto it = attrs.begin(); it != attrs.end();) {
    std::string_view k = it.key();
    if (k.rfind("aws.xray.http.response.", 0) == 0) {
      response[std::string{k.substr(23)}] = *it;
      it = attrs.erase(it);
    } else if (k.rfind("aws.xray.http.", 0) == 0) {
      request[std::string{k.substr(14)}] = *it;  // x_forwarded_for, traced
      it = attrs.erase(it);
    } else {
      ++it;
    }
  }
  std::optional<long long> status;
  if (auto v = take_first(attrs, {"http.response.status_code", "http.status_code"}); v && v->is_number_integer()) {
    status = v->get<long long>();
    response["status"] = *status;
  }
  if (auto v = take_first(attrs, {"http.response.body.size", "http.response_content_length"})) response["content_length"] = *v;
  if (!request.empty() || !response.empty()) {
    s.http = json::object();
    if (!request.empty()) s.http["request"] = std::move(request);
    if (!response.empty()) s.http["response"] = std::move(response);
  }

  // aws
  json aws = json::object();
  if (s.namespace_ == "aws") {
    if (auto v = take(attrs, "rpc.method")) aws["operation"] = *v;
    take(attrs, "rpc.service");
  }
  if (auto v = take(attrs, "aws.region")) aws["region"] = *v;
  if (auto v = take_first(attrs, {"aws.request_id", "aws.request.id", "aws.requestId"})) aws["request_id"] = *v;
  if (auto v = take(attrs, "aws.dynamodb.table_names")) {
    if (v->is_array() && v->size() == 1) aws["table_name"] = (*v)[0];
    else aws["table_names"] = *v;
  }
  if (auto v = take_first(attrs, {"aws.sqs.queue_url", "messaging.url"})) aws["queue_url"] = *v;
  if (auto v = take(attrs, "aws.sns.topic.arn")) aws["topic_arn"] = *v;
  if (auto v = take(attrs, "faas.invoked_name")) aws["function_name"] = *v;
  if (auto v = take(attrs, "cloud.account.id")) aws["account_id"] = *v;
  for (auto it = attrs.begin(); it != attrs.end();) {
    std::string_view k = it.key();
    if (k.rfind("aws.xray.aws.", 0) == 0) {
      aws[std::string{k.substr(13)}] = *it;
      it = attrs.erase(it);
    } else {
      ++it;
    }
  }
  if (!aws.empty()) s.aws = std::move(aws);

  // The segment's name: the service for segments, the callee for calls.
  std::string name = span.name;
  if (segment) {
    if (auto it = resource.find("service.name"); it != resource.end() && it->is_string() && !it->get<std::string>().empty())
      name = it->get<std::string>();
  } else if (s.namespace_ == "aws") {
    if (auto it = span.attributes.find("rpc.service"); it != span.attributes.end() && it->is_string()) name = it->get<std::string>();
  } else if (s.namespace_ == "remote") {
    if (auto peer = as_string(take(attrs, "peer.service"))) name = *peer;
    else if (is_http_method_name(span.name) && (host || url)) name = host ? *host : host_of(*url);
  }
  s.name = xray_name(name);
  if (span.name != s.name) otel["span.name"] = span.name;

  // Origin: stated, or what X-Ray gives the platform.
  if (auto o = as_string(take(attrs, "aws.xray.origin"))) s.origin = *o;
  else if (segment)
    if (auto it = resource.find("cloud.platform"); it != resource.end() && it->is_string()) s.origin = origin_of_platform(it->get<std::string>());
  if (auto v = as_string(take(attrs, "aws.xray.resource_arn"))) s.resource_arn = *v;
  s.inferred = take_bool(attrs, "aws.xray.inferred").value_or(false);

  // error, throttle, fault: stated, else from the status and the HTTP status code.
  auto error = take_bool(attrs, "aws.xray.error"), throttle = take_bool(attrs, "aws.xray.throttle"), fault = take_bool(attrs, "aws.xray.fault");
  if (error || throttle || fault) {
    s.error = error.value_or(false);
    s.throttle = throttle.value_or(false);
    s.fault = fault.value_or(false);
  } else if (status && *status >= 400 && *status < 500) {
    s.error = true;
    s.throttle = *status == 429;
  } else if ((status && *status >= 500) || span.status == StatusCode::Error) {
    s.fault = true;
  }
  if (!span.status_message.empty()) otel["status.message"] = span.status_message;
  if (span.status == StatusCode::Ok) otel["status.code"] = "OK";
  else if (span.status == StatusCode::Unset && (s.fault || s.error)) otel["status.code"] = "UNSET";
  else if (span.status == StatusCode::Error && !s.fault && !s.error) otel["status.code"] = "ERROR";

  // cause: exception events become X-Ray exceptions; other events stay as OTel metadata.
  json exceptions = json::array(), events = json::array();
  for (std::size_t i = 0; i < span.events.size(); ++i) {
    const auto& e = span.events[i];
    if (e.name == "exception") {
      json ev = e.attributes.is_object() ? e.attributes : json::object();
      json ex = json::object();
      if (auto full = take(ev, "aws.xray.exception"); full && full->is_object()) ex = *full;
      auto type = as_string(take(ev, "exception.type"));
      auto message = as_string(take(ev, "exception.message"));
      auto stack = as_string(take(ev, "exception.stacktrace"));
      if (!ex.contains("id")) ex["id"] = exception_id(span.span_id, i);
      if (type && !ex.contains("type")) ex["type"] = *type;
      if (message && !ex.contains("message")) ex["message"] = *message;
      if (stack && !ex.contains("stack")) {
        auto frames = stack_frames(*stack);
        if (!frames.empty()) ex["stack"] = std::move(frames);
      }
      exceptions.push_back(std::move(ex));
    } else {
      json ev = {{"name", e.name}, {"time_unix_nano", e.time_unix_nano}};
      if (!e.attributes.empty()) ev["attributes"] = e.attributes;
      events.push_back(std::move(ev));
    }
  }
  auto cause = take(attrs, "aws.xray.cause");
  if (cause && cause->is_string()) s.cause = *cause;
  else if (cause || !exceptions.empty()) {
    s.cause = cause && cause->is_object() ? *cause : json::object();
    if (!exceptions.empty()) s.cause["exceptions"] = std::move(exceptions);
  }
  if (!events.empty()) otel["events"] = std::move(events);

  // links
  if (!span.links.empty()) {
    s.links = json::array();
    for (const auto& l : span.links) {
      if (!lower_hex(l.trace_id, 32) || !lower_hex(l.span_id, 16)) continue;
      json link = {{"trace_id", xray_trace_id(l.trace_id)}, {"id", l.span_id}};
      if (!l.attributes.empty()) link["attributes"] = l.attributes;
      s.links.push_back(std::move(link));
    }
  }

  // annotations: the attributes `aws.xray.annotations` names, as AWS's SDKs mark them.
  if (auto keys = take(attrs, "aws.xray.annotations"); keys && keys->is_array()) {
    for (const auto& k : *keys) {
      if (!k.is_string()) continue;
      auto v = take(attrs, k.get<std::string>());
      if (!v) continue;
      std::string key = annotation_key(k.get<std::string>());
      if (v->is_string()) s.annotations[key] = v->get<std::string>();
      else if (v->is_boolean()) s.annotations[key] = v->get<bool>();
      else if (v->is_number()) s.annotations[key] = v->get<double>();
      else attrs[k.get<std::string>()] = *v;  // not a scalar: metadata after all
    }
  }

  // metadata: stated namespaces, the rest of the attributes under "default".
  json metadata = json::object();
  if (auto m = take(attrs, "aws.xray.metadata"); m && m->is_object()) metadata = *m;
  if (auto extra = take(attrs, "aws.xray.extra"); extra && extra->is_object()) s.extra = *extra;
  for (auto& [k, v] : attrs.items()) {
    if (std::string_view{k}.rfind(kXray, 0) == 0) continue;  // ours, but unknown to this version
    if (!metadata["default"].is_object()) metadata["default"] = json::object();
    metadata["default"][k] = v;
  }
  if (segment) {
    json res = resource.is_object() ? resource : json::object();
    res.erase("service.name");
    // What the export derives from the origin again.
    if (s.origin.rfind("AWS::", 0) == 0 && res.value("cloud.provider", json{}) == "aws") res.erase("cloud.provider");
    if (auto p = res.find("cloud.platform"); p != res.end() && p->is_string() && !s.origin.empty() && origin_of_platform(p->get<std::string>()) == s.origin)
      res.erase(p);
    if (!res.empty()) otel["resource"] = std::move(res);
  }
  if (!scope.scope_name.empty() && scope.scope_name != "localray") {
    otel["scope"] = {{"name", scope.scope_name}};
    if (!scope.scope_version.empty()) otel["scope"]["version"] = scope.scope_version;
  }
  SpanKind default_kind = segment ? SpanKind::Server : s.namespace_.empty() ? SpanKind::Internal : SpanKind::Client;
  SpanKind kind = span.kind == SpanKind::Unspecified ? SpanKind::Internal : span.kind;
  if (kind != default_kind) otel["span.kind"] = kind_name(kind);
  if (!otel.empty()) metadata["otel"] = std::move(otel);
  if (!metadata.empty()) s.metadata = std::move(metadata);

  if (to_json(s).dump(-1, ' ', false, json::error_handler_t::replace).size() > kMaxDocumentBytes) return Error{"span " + span.span_id + ": its segment document would exceed 64 KB"};
  return s;
}

Converted to_segments(const TraceData& data) {
  Converted out;
  for (const auto& r : data)
    for (const auto& scope : r.scopes)
      for (const auto& span : scope.spans) {
        Result<Segment> seg = Error{"not mapped"};
        try {
          seg = span_to_segment(r.resource, scope, span);
        } catch (const std::exception& e) {  // a value of a kind no rule expects: this span alone is refused
          seg = Error{"span " + span.span_id + ": " + e.what()};
        }
        if (seg) {
          out.segments.push_back(std::move(*seg));
        } else {
          if (out.rejected++ == 0) out.first_error = seg.error().message;
        }
      }
  return out;
}

}  // namespace localray::tracing::otlp
