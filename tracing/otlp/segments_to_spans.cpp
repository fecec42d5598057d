// The export direction of the mapping: finished segment documents as OTLP spans.
#include "tracing/otlp/xray_mapping.hpp"

#include "tracing/otlp/mapping_rules.hpp"
#include "tracing/trace_header.hpp"

namespace localray::tracing::otlp {

using nlohmann::json;
using namespace rules;

namespace {

void add_spans(const Segment& s, const std::string& trace_hex, const std::string& parent, bool top, std::vector<Span>& out) {
  Span span;
  span.trace_id = trace_hex;
  span.span_id = s.id;
  span.parent_span_id = parent;
  span.start_time_unix_nano = nanos(s.start_time);
  span.end_time_unix_nano = nanos(s.end_time);
  const bool segment = top && s.type != "subsegment";
  const json otel = s.metadata.is_object() && s.metadata.contains("otel") && s.metadata["otel"].is_object() ? s.metadata["otel"] : json::object();
  json& a = span.attributes;

  span.name = otel.contains("span.name") && otel["span.name"].is_string() ? otel["span.name"].get<std::string>() : s.name;
  SpanKind kind = segment ? SpanKind::Server : s.namespace_.empty() ? SpanKind::Internal : SpanKind::Client;
  if (otel.contains("span.kind") && otel["span.kind"].is_string())
    if (auto k = kind_from_name(otel["span.kind"].get<std::string>())) kind = *k;
  span.kind = kind;

  if (!s.origin.empty()) a["aws.xray.origin"] = s.origin;
  if (!s.namespace_.empty()) a["aws.xray.namespace"] = s.namespace_;
  if (!s.resource_arn.empty()) a["aws.xray.resource_arn"] = s.resource_arn;
  if (s.inferred) a["aws.xray.inferred"] = true;
  // With an HTTP status the flags are stated even when false: read back, the status would set them.
  const bool has_status = object_of(s.http, "response").contains("status");
  if (s.error || has_status) a["aws.xray.error"] = s.error;
  if (s.throttle || has_status) a["aws.xray.throttle"] = s.throttle;
  if (s.fault || has_status) a["aws.xray.fault"] = s.fault;
  if (otel.contains("rpc.system")) a["rpc.system"] = otel["rpc.system"];

  if (s.http.is_object()) {
    const json& req = object_of(s.http, "request");
    const json& res = object_of(s.http, "response");
    for (const auto& [k, v] : req.items()) {
      if (k == "method") a["http.request.method"] = v;
      else if (k == "url") a["url.full"] = v;
      else if (k == "user_agent") a["user_agent.original"] = v;
      else if (k == "client_ip") a["client.address"] = v;
      else a["aws.xray.http." + k] = v;  // x_forwarded_for, traced
    }
    for (const auto& [k, v] : res.items()) {
      if (k == "status") a["http.response.status_code"] = v;
      else if (k == "content_length") a["http.response.body.size"] = v;
      else a["aws.xray.http.response." + k] = v;
    }
  }
  if (s.aws.is_object()) {
    if (s.namespace_ == "aws") {
      a["rpc.system"] = "aws-api";
      a["rpc.service"] = s.name;
    }
    for (const auto& [k, v] : s.aws.items()) {
      if (k == "operation" && s.namespace_ == "aws") a["rpc.method"] = v;
      else if (k == "region") a["aws.region"] = v;
      else if (k == "request_id") a["aws.request_id"] = v;
      else if (k == "table_name") a["aws.dynamodb.table_names"] = json::array({v});
      else if (k == "table_names") a["aws.dynamodb.table_names"] = v;
      else if (k == "queue_url") a["aws.sqs.queue_url"] = v;
      else if (k == "topic_arn") a["aws.sns.topic.arn"] = v;
      else if (k == "function_name") a["faas.invoked_name"] = v;
      else if (k == "account_id") a["cloud.account.id"] = v;
      else a["aws.xray.aws." + k] = v;
    }
  } else if (s.namespace_ == "aws") {
    a["rpc.system"] = "aws-api";
    a["rpc.service"] = s.name;
  }

  if (!s.annotations.empty()) {
    json keys = json::array();
    for (const auto& entry : s.annotations) {  // clang 14 cannot capture a structured binding
      std::visit([&](const auto& x) { a[entry.first] = x; }, entry.second);
      keys.push_back(entry.first);
    }
    a["aws.xray.annotations"] = std::move(keys);
  }
  if (s.metadata.is_object()) {
    json others = json::object();
    for (const auto& [ns, values] : s.metadata.items()) {
      if (ns == "otel") continue;
      if (ns == "default" && values.is_object()) {
        json kept = json::object();
        for (const auto& [k, v] : values.items()) {
          if (a.contains(k) || is_mapped_key(k)) kept[k] = v;  // would be read back as something else
          else a[k] = v;
        }
        if (!kept.empty()) others["default"] = std::move(kept);
      } else {
        others[ns] = values;
      }
    }
    if (!others.empty()) a["aws.xray.metadata"] = std::move(others);
  }
  if (s.extra.is_object() && !s.extra.empty()) a["aws.xray.extra"] = s.extra;

  if (s.cause.is_string()) {
    a["aws.xray.cause"] = s.cause;
  } else if (s.cause.is_object()) {
    json rest = s.cause;
    rest.erase("exceptions");
    if (!rest.empty()) a["aws.xray.cause"] = rest;
    if (auto it = s.cause.find("exceptions"); it != s.cause.end() && it->is_array())
      for (const auto& ex : *it) {
        if (!ex.is_object()) continue;
        json attrs = {{"aws.xray.exception", ex}};
        if (ex.contains("type")) attrs["exception.type"] = ex["type"];
        if (ex.contains("message")) attrs["exception.message"] = ex["message"];
        if (auto it = ex.find("stack"); it != ex.end())
          if (auto text = stack_text(*it); !text.empty()) attrs["exception.stacktrace"] = text;
        span.events.push_back({span.end_time_unix_nano, "exception", std::move(attrs)});
      }
  }
  if (otel.contains("events") && otel["events"].is_array())
    for (const auto& e : otel["events"]) {
      if (!e.is_object()) continue;
      std::uint64_t time = e.contains("time_unix_nano") && e["time_unix_nano"].is_number_unsigned() ? e["time_unix_nano"].get<std::uint64_t>() : 0;
      span.events.push_back({time, text_of(e, "name"), object_of(e, "attributes")});
    }
  if (s.links.is_array())
    for (const auto& l : s.links) {
      if (!l.is_object() || !l.contains("trace_id") || !l["trace_id"].is_string() || !l.contains("id") || !l["id"].is_string()) continue;
      span.links.push_back({otel_trace_id(l["trace_id"].get<std::string>()), l["id"].get<std::string>(), object_of(l, "attributes")});
    }

  span.status = s.fault || s.error ? StatusCode::Error : StatusCode::Unset;
  if (otel.contains("status.code") && otel["status.code"].is_string()) {
    const auto& c = otel["status.code"].get_ref<const std::string&>();
    span.status = c == "OK" ? StatusCode::Ok : c == "ERROR" ? StatusCode::Error : StatusCode::Unset;
  }
  if (otel.contains("status.message") && otel["status.message"].is_string()) span.status_message = otel["status.message"].get<std::string>();

  out.push_back(std::move(span));
  for (const auto& c : s.subsegments)
    if (!c.in_progress) add_spans(c, trace_hex, s.id, false, out);
}

}  // namespace

TraceData from_segments(const std::vector<Segment>& documents, const std::string& scope_name, const std::string& scope_version) {
  TraceData out;
  for (const auto& d : documents) {
    if (d.in_progress || !is_valid_trace_id(d.trace_id)) continue;
    ResourceSpans r;
    const bool segment = d.type != "subsegment";
    const json otel = d.metadata.is_object() && d.metadata.contains("otel") && d.metadata["otel"].is_object() ? d.metadata["otel"] : json::object();
    if (otel.contains("resource") && otel["resource"].is_object()) r.resource = otel["resource"];
    if (segment) {
      r.resource["service.name"] = d.name;
      if (!r.resource.contains("cloud.provider") && d.origin.rfind("AWS::", 0) == 0) r.resource["cloud.provider"] = "aws";
      if (auto p = platform_of_origin(d.origin); !p.empty() && !r.resource.contains("cloud.platform")) r.resource["cloud.platform"] = p;
    }
    ScopeSpans scope;
    scope.scope_name = scope_name;
    scope.scope_version = scope_version;
    if (otel.contains("scope") && otel["scope"].is_object()) {
      scope.scope_name = text_of(otel["scope"], "name", scope_name);
      scope.scope_version = text_of(otel["scope"], "version");
    }
    add_spans(d, otel_trace_id(d.trace_id), d.parent_id, true, scope.spans);
    r.scopes.push_back(std::move(scope));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace localray::tracing::otlp
