#pragma once
// OpenTelemetry trace data as OTLP defines it (ExportTraceServiceRequest), independent of the
// wire: the JSON and protobuf codecs both decode into this, the X-Ray mapping reads and writes it.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace localray::tracing::otlp {

enum class SpanKind { Unspecified = 0, Internal = 1, Server = 2, Client = 3, Producer = 4, Consumer = 5 };
enum class StatusCode { Unset = 0, Ok = 1, Error = 2 };

// Attributes as one JSON object, key -> value: an AnyValue's string, bool, int (JSON integer),
// double (JSON float), array and kvlist (object) map onto JSON's kinds one to one; bytes become
// base64 text and an empty AnyValue null.
using Attributes = nlohmann::json;

struct Event {
  std::uint64_t time_unix_nano = 0;
  std::string name;
  Attributes attributes = Attributes::object();
};

struct Link {
  std::string trace_id, span_id;  // lower-case hex, as in Span
  Attributes attributes = Attributes::object();
};

struct Span {
  std::string trace_id;        // 32 hex digits
  std::string span_id;         // 16 hex digits
  std::string parent_span_id;  // empty: a root span
  std::string name;
  SpanKind kind = SpanKind::Unspecified;
  std::uint64_t start_time_unix_nano = 0, end_time_unix_nano = 0;
  Attributes attributes = Attributes::object();
  std::vector<Event> events;
  std::vector<Link> links;
  StatusCode status = StatusCode::Unset;
  std::string status_message;
};

struct ScopeSpans {
  std::string scope_name, scope_version;
  std::vector<Span> spans;
};

struct ResourceSpans {
  Attributes resource = Attributes::object();
  std::vector<ScopeSpans> scopes;
};

using TraceData = std::vector<ResourceSpans>;

inline std::size_t span_count(const TraceData& data) {
  std::size_t n = 0;
  for (const auto& r : data)
    for (const auto& s : r.scopes) n += s.spans.size();
  return n;
}

}  // namespace localray::tracing::otlp
