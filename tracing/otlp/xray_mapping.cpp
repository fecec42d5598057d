#include "tracing/otlp/xray_mapping.hpp"

#include <cmath>

#include "tracing/segment_json.hpp"
#include "tracing/trace_header.hpp"

namespace localray::tracing::otlp {

using nlohmann::json;

namespace {

constexpr std::string_view kXray = "aws.xray.";

bool lower_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  bool nonzero = false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero = nonzero || c != '0';
  }
  return nonzero;
}

// X-Ray's name alphabet: what it refuses becomes '_', as AWS's exporter does.
std::string xray_name(std::string_view name) {
  std::string out;
  if (name.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    name = name.substr(0, cut);
  }
  for (unsigned char c : name) {
    bool ok = c >= 0x80 || std::isalnum(c) || c == ' ' || std::string_view{"_.:/%&#=+\\-@"}.find(static_cast<char>(c)) != std::string_view::npos;
    out += ok ? static_cast<char>(c) : '_';
  }
  return out.empty() ? "unnamed" : out;
}

// Annotation keys are letters, digits and underscores (AWS's own add a colon: `aws:api_id`).
std::string annotation_key(std::string_view key) {
  std::string out;
  for (unsigned char c : key.substr(0, 500)) out += std::isalnum(c) || c == ':' ? static_cast<char>(c) : '_';
  return out;
}

// A member that is a string, else `fallback`: stored documents come from any client.
std::string text_of(const json& object, std::string_view key, std::string fallback = {}) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

const json& object_of(const json& object, std::string_view key) {
  static const json empty = json::object();
  if (!object.is_object()) return empty;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : empty;
}

// Takes an attribute out of `attrs` (so that it does not also land in metadata).
std::optional<json> take(json& attrs, std::string_view key) {
  auto it = attrs.find(key);
  if (it == attrs.end()) return std::nullopt;
  json v = std::move(*it);
  attrs.erase(it);
  if (v.is_null()) return std::nullopt;
  return v;
}

// The first of `keys` present, every one of them taken out.
std::optional<json> take_first(json& attrs, std::initializer_list<std::string_view> keys) {
  std::optional<json> found;
  for (auto k : keys) {
    auto v = take(attrs, k);
    if (!found && v) found = std::move(v);
  }
  return found;
}

std::optional<std::string> as_string(const std::optional<json>& v) {
  if (v && v->is_string()) return v->get<std::string>();
  return std::nullopt;
}

std::optional<bool> take_bool(json& attrs, std::string_view key) {
  auto v = take(attrs, key);
  if (v && v->is_boolean()) return v->get<bool>();
  return std::nullopt;
}

std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] != '[') rest = rest.substr(0, rest.find(':'));
  return std::string{rest};
}

bool is_http_method_name(std::string_view n) {
  if (n.rfind("HTTP ", 0) == 0) n.remove_prefix(5);
  for (auto m : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "_OTHER"})
    if (n == m) return true;
  return false;
}

const char* kind_name(SpanKind k) {
  switch (k) {
    case SpanKind::Internal: return "INTERNAL";
    case SpanKind::Server: return "SERVER";
    case SpanKind::Client: return "CLIENT";
    case SpanKind::Producer: return "PRODUCER";
    case SpanKind::Consumer: return "CONSUMER";
    case SpanKind::Unspecified: break;
  }
  return "UNSPECIFIED";
}

std::optional<SpanKind> kind_from_name(std::string_view n) {
  for (int k = 0; k <= 5; ++k)
    if (n == kind_name(static_cast<SpanKind>(k))) return static_cast<SpanKind>(k);
  return std::nullopt;
}

// resource `cloud.platform` <-> the segment origin X-Ray gives such a service.
constexpr std::pair<std::string_view, std::string_view> kPlatformOrigins[] = {
    {"aws_lambda", "AWS::Lambda::Function"},  {"aws_ec2", "AWS::EC2::Instance"},
    {"aws_ecs", "AWS::ECS::Container"},       {"aws_eks", "AWS::EKS::Container"},
    {"aws_elastic_beanstalk", "AWS::ElasticBeanstalk::Environment"}};

std::string origin_of_platform(std::string_view platform) {
  for (auto [p, o] : kPlatformOrigins)
    if (p == platform) return std::string{o};
  return {};
}

std::string platform_of_origin(std::string_view origin) {
  for (auto [p, o] : kPlatformOrigins)
    if (o == origin) return std::string{p};
  return {};
}

// A stable exception id from the span and the event's position.
std::string exception_id(std::string_view span_id, std::size_t index) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : span_id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  h = (h ^ index) * 1099511628211ULL;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = digits[h & 15];
  return out;
}

// "at label (path:line:col)" (Node, Java) and Python's `File "path", line N, in label`; any other
// line is kept as the frame's label.
json stack_frames(std::string_view text) {
  json frames = json::array();
  while (!text.empty() && frames.size() < 100) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    json frame = json::object();
    if (line.rfind("at ", 0) == 0) {
      line.remove_prefix(3);
      std::string_view label, where = line;
      if (auto open = line.rfind(" ("); open != std::string_view::npos && line.back() == ')') {
        label = line.substr(0, open);
        where = line.substr(open + 2, line.size() - open - 3);
      }
      // path:line[:column]
      auto last = where.rfind(':');
      auto before = last == std::string_view::npos ? std::string_view::npos : where.rfind(':', last - 1);
      std::string_view path = where, number;
      if (before != std::string_view::npos && before > 0) {
        path = where.substr(0, before);
        number = where.substr(before + 1, last - before - 1);
      } else if (last != std::string_view::npos) {
        path = where.substr(0, last);
        number = where.substr(last + 1);
      }
      frame["path"] = std::string{path};
      if (!number.empty() && number.find_first_not_of("0123456789") == std::string_view::npos && number.size() < 10)
        frame["line"] = std::stoi(std::string{number});
      if (!label.empty()) frame["label"] = std::string{label};
    } else if (line.rfind("File \"", 0) == 0) {
      auto close = line.find('"', 6);
      if (close == std::string_view::npos) continue;
      frame["path"] = std::string{line.substr(6, close - 6)};
      if (auto l = line.find(", line ", close); l != std::string_view::npos) {
        auto digits = line.substr(l + 7);
        digits = digits.substr(0, digits.find_first_not_of("0123456789"));
        if (!digits.empty() && digits.size() < 10) frame["line"] = std::stoi(std::string{digits});
      }
      if (auto in = line.find(", in ", close); in != std::string_view::npos) frame["label"] = std::string{line.substr(in + 5)};
    } else {
      continue;  // the message line, source excerpts
    }
    frames.push_back(std::move(frame));
  }
  return frames;
}

std::string stack_text(const json& stack) {
  std::string out;
  if (!stack.is_array()) return out;
  for (const auto& f : stack) {
    if (!f.is_object()) continue;
    std::string where = text_of(f, "path");
    if (f.contains("line") && f["line"].is_number_integer()) where += ":" + std::to_string(f["line"].get<long long>());
    std::string label = text_of(f, "label");
    out += "    at " + (label.empty() ? where : label + " (" + where + ")") + "\n";
  }
  return out;
}

// Attributes the mapping reads into X-Ray fields: a metadata key of that name must not be
// exported as a plain attribute, or it would come back as that field.
bool is_mapped_key(std::string_view k) {
  static constexpr std::string_view keys[] = {
      "rpc.system", "rpc.service", "rpc.method", "messaging.url", "http.request.method", "http.method", "url.full", "http.url",
      "url.scheme", "http.scheme", "server.address", "http.host", "net.host.name", "net.peer.name", "server.port", "net.host.port",
      "net.peer.port", "url.path", "url.query", "http.target", "user_agent.original", "http.user_agent", "client.address",
      "http.client_ip", "http.response.status_code", "http.status_code", "http.response.body.size", "http.response_content_length",
      "aws.region", "aws.request_id", "aws.request.id", "aws.requestId", "aws.dynamodb.table_names", "aws.sqs.queue_url",
      "aws.sns.topic.arn", "faas.invoked_name", "cloud.account.id", "peer.service"};
  for (auto key : keys)
    if (k == key) return true;
  return k.rfind(kXray, 0) == 0;
}

double seconds(std::uint64_t ns) { return static_cast<double>(ns / 1000000000) + static_cast<double>(ns % 1000000000) / 1e9; }
std::uint64_t nanos(double s) {
  if (!(s > 0) || s > 1.8e10) return 0;
  double whole = std::floor(s);
  return static_cast<std::uint64_t>(whole) * 1000000000ULL + static_cast<std::uint64_t>(std::llround((s - whole) * 1e9));
}

}  // namespace

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
