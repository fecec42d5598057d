#include "tracing/otlp/protobuf_codec.hpp"

#include <cmath>
#include <limits>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "base/base64.hpp"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "tracing/otlp/json_codec.hpp"

namespace localray::tracing::otlp {

using nlohmann::json;
namespace pb = opentelemetry::proto;

namespace {

// A kvlist or array nested deeper than this is cut: JSON conversions recurse.
constexpr int kMaxDepth = 32;

json from_any(const pb::common::v1::AnyValue& v, int depth) {
  using V = pb::common::v1::AnyValue;
  switch (v.value_case()) {
    case V::kStringValue: return v.string_value();
    case V::kBoolValue: return v.bool_value();
    case V::kIntValue: return v.int_value();
    case V::kDoubleValue: return std::isfinite(v.double_value()) ? json(v.double_value()) : json{};
    case V::kArrayValue: {
      json out = json::array();
      if (depth < kMaxDepth)
        for (const auto& e : v.array_value().values()) out.push_back(from_any(e, depth + 1));
      return out;
    }
    case V::kKvlistValue: {
      json out = json::object();
      if (depth < kMaxDepth)
        for (const auto& kv : v.kvlist_value().values()) out[kv.key()] = from_any(kv.value(), depth + 1);
      return out;
    }
    default: return json{};
  }
}

void to_any(const json& value, pb::common::v1::AnyValue& out) {
  switch (value.type()) {
    case json::value_t::string: out.set_string_value(value.get<std::string>()); break;
    case json::value_t::boolean: out.set_bool_value(value.get<bool>()); break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: out.set_int_value(value.get<std::int64_t>()); break;
    case json::value_t::number_float: out.set_double_value(value.get<double>()); break;
    case json::value_t::array:
      for (const auto& e : value) to_any(e, *out.mutable_array_value()->add_values());
      break;
    case json::value_t::object:
      for (const auto& [k, v] : value.items()) {
        auto* kv = out.mutable_kvlist_value()->add_values();
        kv->set_key(k);
        to_any(v, *kv->mutable_value());
      }
      break;
    default: break;
  }
}

template <class List>
Attributes attributes(const List& list) {
  Attributes out = Attributes::object();
  for (const auto& kv : list) out[kv.key()] = from_any(kv.value(), 0);
  return out;
}

template <class List>
void set_attributes(const Attributes& attrs, List& list) {
  if (!attrs.is_object()) return;
  for (const auto& [k, v] : attrs.items()) {
    auto* kv = list.Add();
    kv->set_key(k);
    to_any(v, *kv->mutable_value());
  }
}

// Counts the resource groups, scope groups and spans of a request from the wire, without building
// them: 8 MiB of empty spans would otherwise become millions of objects before any check.
enum class Walk { Ok, TooMany, Malformed };

Walk walk(google::protobuf::io::CodedInputStream& in, int level, std::size_t& groups, std::size_t& spans) {
  for (;;) {
    std::uint32_t tag = in.ReadTag();
    if (tag == 0) return Walk::Ok;  // the end of this message; a malformed tail fails the real parse
    const std::uint32_t field = tag >> 3, wire = tag & 7;
    // ExportTraceServiceRequest.resource_spans = 1, ResourceSpans.scope_spans = 2, ScopeSpans.spans = 2
    const bool nested = wire == 2 && (level == 0 ? field == 1 : field == 2);
    if (!nested) {
      if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) return Walk::Malformed;
      continue;
    }
    std::uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return Walk::Malformed;
    if (++(level == 2 ? spans : groups) > kMaxSpansPerRequest) return Walk::TooMany;
    if (level == 2) {
      if (!in.Skip(static_cast<int>(length))) return Walk::Malformed;
      continue;
    }
    auto limit = in.PushLimit(static_cast<int>(length));
    if (auto w = walk(in, level + 1, groups, spans); w != Walk::Ok) return w;
    in.PopLimit(limit);
  }
}

// Ids of the wrong length are kept as sent (in hex) for the mapping to reject.
std::string id(const std::string& bytes) { return bytes.empty() ? std::string{} : to_hex(bytes); }
std::string raw(const std::string& hex) { return from_hex(hex).value_or(std::string{}); }

}  // namespace

Result<TraceData> decode_protobuf(std::string_view body) {
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return Error{"the body is too large"};
  {
    google::protobuf::io::CodedInputStream in{reinterpret_cast<const std::uint8_t*>(body.data()), static_cast<int>(body.size())};
    std::size_t groups = 0, spans = 0;
    if (walk(in, 0, groups, spans) == Walk::TooMany)
      return Error{"a request may hold at most " + std::to_string(kMaxSpansPerRequest) + " spans"};
  }
  pb::collector::trace::v1::ExportTraceServiceRequest request;
  if (!request.ParseFromArray(body.data(), static_cast<int>(body.size())))
    return Error{"the body is not a protobuf ExportTraceServiceRequest"};
  TraceData out;
  for (const auto& rs : request.resource_spans()) {
    ResourceSpans r;
    r.resource = attributes(rs.resource().attributes());
    for (const auto& ss : rs.instrumentation_library_spans()) {
      ScopeSpans scope;
      scope.scope_name = ss.instrumentation_library().name();
      scope.scope_version = ss.instrumentation_library().version();
      for (const auto& sp : ss.spans()) {
        Span s;
        s.trace_id = id(sp.trace_id());
        s.span_id = id(sp.span_id());
        s.parent_span_id = id(sp.parent_span_id());
        s.name = sp.name();
        int kind = static_cast<int>(sp.kind());
        s.kind = kind >= 0 && kind <= 5 ? static_cast<SpanKind>(kind) : SpanKind::Unspecified;
        s.start_time_unix_nano = sp.start_time_unix_nano();
        s.end_time_unix_nano = sp.end_time_unix_nano();
        s.attributes = attributes(sp.attributes());
        for (const auto& e : sp.events()) s.events.push_back({e.time_unix_nano(), e.name(), attributes(e.attributes())});
        for (const auto& l : sp.links()) s.links.push_back({id(l.trace_id()), id(l.span_id()), attributes(l.attributes())});
        int code = static_cast<int>(sp.status().code());
        s.status = code >= 0 && code <= 2 ? static_cast<StatusCode>(code) : StatusCode::Unset;
        s.status_message = sp.status().message();
        scope.spans.push_back(std::move(s));
      }
      r.scopes.push_back(std::move(scope));
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string encode_protobuf(const TraceData& data) {
  pb::collector::trace::v1::ExportTraceServiceRequest request;
  for (const auto& r : data) {
    auto* rs = request.add_resource_spans();
    set_attributes(r.resource, *rs->mutable_resource()->mutable_attributes());
    for (const auto& sc : r.scopes) {
      auto* ss = rs->add_instrumentation_library_spans();
      ss->mutable_instrumentation_library()->set_name(sc.scope_name);
      ss->mutable_instrumentation_library()->set_version(sc.scope_version);
      for (const auto& s : sc.spans) {
        auto* sp = ss->add_spans();
        sp->set_trace_id(raw(s.trace_id));
        sp->set_span_id(raw(s.span_id));
        sp->set_parent_span_id(raw(s.parent_span_id));
        sp->set_name(s.name);
        sp->set_kind(static_cast<pb::trace::v1::Span::SpanKind>(s.kind));
        sp->set_start_time_unix_nano(s.start_time_unix_nano);
        sp->set_end_time_unix_nano(s.end_time_unix_nano);
        set_attributes(s.attributes, *sp->mutable_attributes());
        for (const auto& e : s.events) {
          auto* ev = sp->add_events();
          ev->set_time_unix_nano(e.time_unix_nano);
          ev->set_name(e.name);
          set_attributes(e.attributes, *ev->mutable_attributes());
        }
        for (const auto& l : s.links) {
          auto* link = sp->add_links();
          link->set_trace_id(raw(l.trace_id));
          link->set_span_id(raw(l.span_id));
          set_attributes(l.attributes, *link->mutable_attributes());
        }
        sp->mutable_status()->set_code(static_cast<pb::trace::v1::Status::StatusCode>(s.status));
        sp->mutable_status()->set_message(s.status_message);
      }
    }
  }
  return request.SerializeAsString();
}

std::string encode_protobuf_response(std::int64_t rejected_spans, std::string_view error_message) {
  // The 0.9 definitions have no partial_success, so it is written field by field:
  // ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }.
  if (rejected_spans == 0 && error_message.empty()) return {};
  std::string inner;
  {
    google::protobuf::io::StringOutputStream stream{&inner};
    google::protobuf::io::CodedOutputStream out{&stream};
    if (rejected_spans) {
      out.WriteTag(1 << 3 | 0);
      out.WriteVarint64(static_cast<std::uint64_t>(rejected_spans));
    }
    if (!error_message.empty()) {
      out.WriteTag(2 << 3 | 2);
      out.WriteVarint32(static_cast<std::uint32_t>(error_message.size()));
      out.WriteRaw(error_message.data(), static_cast<int>(error_message.size()));
    }
  }
  std::string outer;
  {
    google::protobuf::io::StringOutputStream stream{&outer};
    google::protobuf::io::CodedOutputStream out{&stream};
    out.WriteTag(1 << 3 | 2);
    out.WriteVarint32(static_cast<std::uint32_t>(inner.size()));
    out.WriteRaw(inner.data(), static_cast<int>(inner.size()));
  }
  return outer;
}

}  // namespace localray::tracing::otlp
