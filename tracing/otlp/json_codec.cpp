#include "tracing/otlp/json_codec.hpp"

#include <charconv>
#include <cmath>

#include "base/base64.hpp"

namespace localray::tracing::otlp {

using nlohmann::json;

namespace {

// The member under its lowerCamelCase name, else its snake_case one; null when neither is there.
const json* member(const json& object, std::string_view camel, std::string_view snake = {}) {
  if (!object.is_object()) return nullptr;
  if (auto it = object.find(camel); it != object.end() && !it->is_null()) return &*it;
  if (!snake.empty())
    if (auto it = object.find(snake); it != object.end() && !it->is_null()) return &*it;
  return nullptr;
}

struct BadRequest {
  std::string message;
};

const json& array_member(const json& object, std::string_view camel, std::string_view snake, std::string_view where) {
  static const json empty = json::array();
  const json* m = member(object, camel, snake);
  if (!m) return empty;
  if (!m->is_array()) throw BadRequest{std::string{where} + "." + std::string{camel} + " must be an array"};
  return *m;
}

std::string string_member(const json& object, std::string_view camel, std::string_view snake, std::string_view where) {
  const json* m = member(object, camel, snake);
  if (!m) return {};
  if (!m->is_string()) throw BadRequest{std::string{where} + "." + std::string{camel} + " must be a string"};
  return m->get<std::string>();
}

// fixed64/uint64 as JSON: a decimal string or a number.
std::uint64_t uint64_member(const json& object, std::string_view camel, std::string_view snake, std::string_view where) {
  const json* m = member(object, camel, snake);
  if (!m) return 0;
  if (m->is_number_unsigned()) return m->get<std::uint64_t>();
  if (m->is_number_integer() && m->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(m->get<std::int64_t>());
  if (m->is_number_float() && m->get<double>() >= 0 && m->get<double>() < 1.8e19) return static_cast<std::uint64_t>(m->get<double>());
  if (m->is_string()) {
    const auto& s = m->get_ref<const std::string&>();
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size()) return v;
  }
  throw BadRequest{std::string{where} + "." + std::string{camel} + " must be an unsigned 64-bit integer"};
}

int enum_member(const json& object, std::string_view camel, std::string_view where, std::initializer_list<std::string_view> names) {
  const json* m = member(object, camel);
  if (!m) return 0;
  if (m->is_number_integer()) return m->get<int>();
  if (m->is_string()) {
    int i = 0;
    for (auto n : names) {
      if (m->get_ref<const std::string&>() == n) return i;
      ++i;
    }
  }
  throw BadRequest{std::string{where} + "." + std::string{camel} + " is not a known value"};
}

// Hex ids stay hex (lower-cased); base64 of the right length becomes hex; anything else is kept
// as sent so that the mapping rejects the span that carries it.
std::string id_member(const json& object, std::string_view camel, std::string_view snake, std::size_t bytes, std::string_view where) {
  std::string text = string_member(object, camel, snake, where);
  if (text.empty()) return text;
  if (text.size() == bytes * 2 && from_hex(text)) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
  if (auto raw = base::base64_decode(text); raw && raw->size() == bytes) return to_hex(*raw);
  return text;
}

Attributes attributes_from(const json& list, std::string_view where) {
  Attributes out = Attributes::object();
  if (!list.is_array()) throw BadRequest{std::string{where} + ".attributes must be an array"};
  for (const auto& kv : list) {
    if (!kv.is_object()) throw BadRequest{std::string{where} + ".attributes must hold KeyValue objects"};
    std::string key = string_member(kv, "key", {}, where);
    const json* v = member(kv, "value");
    out[key] = v ? any_value_from_json(*v) : json{};
  }
  return out;
}

Attributes attributes_member(const json& object, std::string_view where) {
  const json* m = member(object, "attributes");
  return m ? attributes_from(*m, where) : Attributes::object();
}

Span span_from(const json& j) {
  if (!j.is_object()) throw BadRequest{"spans must hold Span objects"};
  Span s;
  s.trace_id = id_member(j, "traceId", "trace_id", 16, "span");
  s.span_id = id_member(j, "spanId", "span_id", 8, "span");
  s.parent_span_id = id_member(j, "parentSpanId", "parent_span_id", 8, "span");
  s.name = string_member(j, "name", {}, "span");
  s.kind = static_cast<SpanKind>(enum_member(j, "kind", "span",
                                             {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                                              "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"}));
  if (static_cast<int>(s.kind) < 0 || static_cast<int>(s.kind) > 5) s.kind = SpanKind::Unspecified;
  s.start_time_unix_nano = uint64_member(j, "startTimeUnixNano", "start_time_unix_nano", "span");
  s.end_time_unix_nano = uint64_member(j, "endTimeUnixNano", "end_time_unix_nano", "span");
  s.attributes = attributes_member(j, "span");
  for (const auto& e : array_member(j, "events", {}, "span")) {
    if (!e.is_object()) throw BadRequest{"span.events must hold Event objects"};
    s.events.push_back({uint64_member(e, "timeUnixNano", "time_unix_nano", "event"), string_member(e, "name", {}, "event"),
                        attributes_member(e, "event")});
  }
  for (const auto& l : array_member(j, "links", {}, "span")) {
    if (!l.is_object()) throw BadRequest{"span.links must hold Link objects"};
    s.links.push_back({id_member(l, "traceId", "trace_id", 16, "link"), id_member(l, "spanId", "span_id", 8, "link"),
                       attributes_member(l, "link")});
  }
  if (const json* st = member(j, "status")) {
    if (!st->is_object()) throw BadRequest{"span.status must be an object"};
    s.status = static_cast<StatusCode>(enum_member(*st, "code", "status", {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"}));
    if (static_cast<int>(s.status) < 0 || static_cast<int>(s.status) > 2) s.status = StatusCode::Unset;
    s.status_message = string_member(*st, "message", {}, "status");
  }
  return s;
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

json any_value_from_json(const json& any, int depth) {
  if (!any.is_object() || depth > kMaxValueDepth) return json{};
  if (const json* v = member(any, "stringValue", "string_value")) return v->is_string() ? *v : json{};
  if (const json* v = member(any, "boolValue", "bool_value")) return v->is_boolean() ? *v : json{};
  if (const json* v = member(any, "intValue", "int_value")) {
    if (v->is_number_integer()) return *v;
    if (v->is_number_float() && std::abs(v->get<double>()) < 9.2e18) return static_cast<std::int64_t>(v->get<double>());
    if (v->is_string()) {
      const auto& s = v->get_ref<const std::string&>();
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec == std::errc{} && end == s.data() + s.size()) return n;
    }
    return json{};
  }
  if (const json* v = member(any, "doubleValue", "double_value")) {
    if (v->is_number() && std::isfinite(v->get<double>())) return v->get<double>();
    return json{};  // NaN and infinities have no JSON form
  }
  if (const json* v = member(any, "arrayValue", "array_value")) {
    json out = json::array();
    if (const json* values = member(*v, "values"); values && values->is_array())
      for (const auto& e : *values) out.push_back(any_value_from_json(e, depth + 1));
    return out;
  }
  if (const json* v = member(any, "kvlistValue", "kvlist_value")) {
    json out = json::object();
    if (const json* values = member(*v, "values"); values && values->is_array())
      for (const auto& kv : *values)
        if (kv.is_object() && kv.contains("key") && kv["key"].is_string())
          out[kv["key"].get<std::string>()] = kv.contains("value") ? any_value_from_json(kv["value"], depth + 1) : json{};
    return out;
  }
  if (const json* v = member(any, "bytesValue", "bytes_value")) return v->is_string() ? *v : json{};
  return json{};
}

json any_value_to_json(const json& value, int depth) {
  // Deeper than an SDK ever nests: the rest travels as its JSON text.
  if (depth > kMaxValueDepth && (value.is_array() || value.is_object()))
    return {{"stringValue", value.dump(-1, ' ', false, json::error_handler_t::replace)}};
  switch (value.type()) {
    case json::value_t::string: return {{"stringValue", value}};
    case json::value_t::boolean: return {{"boolValue", value}};
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return {{"intValue", value.dump()}};
    case json::value_t::number_float: return {{"doubleValue", value}};
    case json::value_t::array: {
      json values = json::array();
      for (const auto& e : value) values.push_back(any_value_to_json(e, depth + 1));
      return {{"arrayValue", {{"values", values}}}};
    }
    case json::value_t::object: {
      json values = json::array();
      for (const auto& [k, v] : value.items()) values.push_back({{"key", k}, {"value", any_value_to_json(v, depth + 1)}});
      return {{"kvlistValue", {{"values", values}}}};
    }
    default: return json::object();
  }
}

Result<TraceData> decode_json(std::string_view body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error{"the body is not valid JSON"};
  if (!doc.is_object()) return Error{"the body must be a JSON object (ExportTraceServiceRequest)"};
  try {
    TraceData out;
    std::size_t spans = 0, groups = 0;
    for (const auto& rs : array_member(doc, "resourceSpans", "resource_spans", "request")) {
      if (!rs.is_object()) throw BadRequest{"resourceSpans must hold ResourceSpans objects"};
      if (++groups > kMaxSpansPerRequest) throw BadRequest{"a request may hold at most " + std::to_string(kMaxSpansPerRequest) + " spans"};
      ResourceSpans r;
      if (const json* res = member(rs, "resource")) r.resource = attributes_member(*res, "resource");
      const json* scopes = member(rs, "scopeSpans", "scope_spans");
      if (!scopes) scopes = member(rs, "instrumentationLibrarySpans", "instrumentation_library_spans");
      static const json no_scopes = json::array();
      if (scopes && !scopes->is_array()) throw BadRequest{"resourceSpans.scopeSpans must be an array"};
      for (const auto& ss : scopes ? *scopes : no_scopes) {
        if (!ss.is_object()) throw BadRequest{"scopeSpans must hold ScopeSpans objects"};
        if (++groups > kMaxSpansPerRequest) throw BadRequest{"a request may hold at most " + std::to_string(kMaxSpansPerRequest) + " spans"};
        ScopeSpans scope;
        const json* sc = member(ss, "scope");
        if (!sc) sc = member(ss, "instrumentationLibrary", "instrumentation_library");
        if (sc) {
          scope.scope_name = string_member(*sc, "name", {}, "scope");
          scope.scope_version = string_member(*sc, "version", {}, "scope");
        }
        for (const auto& sp : array_member(ss, "spans", {}, "scopeSpans")) {
          if (++spans > kMaxSpansPerRequest)
            throw BadRequest{"a request may hold at most " + std::to_string(kMaxSpansPerRequest) + " spans"};
          scope.spans.push_back(span_from(sp));
        }
        r.scopes.push_back(std::move(scope));
      }
      out.push_back(std::move(r));
    }
    return out;
  } catch (const BadRequest& e) {
    return Error{e.message};
  }
}

namespace {

json attributes_to(const Attributes& attributes) {
  json out = json::array();
  if (attributes.is_object())
    for (const auto& [k, v] : attributes.items()) out.push_back({{"key", k}, {"value", any_value_to_json(v)}});
  return out;
}

}  // namespace

std::string encode_json(const TraceData& data) {
  json resource_spans = json::array();
  for (const auto& r : data) {
    json scopes = json::array();
    for (const auto& sc : r.scopes) {
      json spans = json::array();
      for (const auto& s : sc.spans) {
        json span = {{"traceId", s.trace_id},
                     {"spanId", s.span_id},
                     {"name", s.name},
                     {"kind", static_cast<int>(s.kind)},
                     {"startTimeUnixNano", std::to_string(s.start_time_unix_nano)},
                     {"endTimeUnixNano", std::to_string(s.end_time_unix_nano)},
                     {"attributes", attributes_to(s.attributes)}};
        if (!s.parent_span_id.empty()) span["parentSpanId"] = s.parent_span_id;
        if (!s.events.empty()) {
          json events = json::array();
          for (const auto& e : s.events)
            events.push_back({{"timeUnixNano", std::to_string(e.time_unix_nano)}, {"name", e.name}, {"attributes", attributes_to(e.attributes)}});
          span["events"] = std::move(events);
        }
        if (!s.links.empty()) {
          json links = json::array();
          for (const auto& l : s.links) links.push_back({{"traceId", l.trace_id}, {"spanId", l.span_id}, {"attributes", attributes_to(l.attributes)}});
          span["links"] = std::move(links);
        }
        json status = {{"code", static_cast<int>(s.status)}};
        if (!s.status_message.empty()) status["message"] = s.status_message;
        span["status"] = std::move(status);
        spans.push_back(std::move(span));
      }
      json scope = json::object();
      if (!sc.scope_name.empty()) scope["name"] = sc.scope_name;
      if (!sc.scope_version.empty()) scope["version"] = sc.scope_version;
      scopes.push_back({{"scope", scope}, {"spans", spans}});
    }
    resource_spans.push_back({{"resource", {{"attributes", attributes_to(r.resource)}}}, {"scopeSpans", scopes}});
  }
  return json{{"resourceSpans", resource_spans}}.dump();
}

}  // namespace localray::tracing::otlp
