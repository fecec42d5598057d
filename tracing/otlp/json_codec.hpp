#pragma once
// OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions: trace and span ids as hex, enums
// as integers) <-> TraceData. Decoding is lenient where the specification asks receivers to be:
// lowerCamelCase or snake_case keys, 64-bit numbers as strings or numbers, enums by name or
// number, ids in hex or base64, the pre-1.0 `instrumentationLibrarySpans`; unknown keys ignored.
#include <optional>
#include <string>
#include <string_view>

#include "tracing/error.hpp"
#include "tracing/otlp/spans.hpp"

namespace localray::tracing::otlp {

// Bounds on what one request may make us hold: spans (and resource and scope groups, which an
// attacker could send empty), and how deep an attribute value nests.
constexpr std::size_t kMaxSpansPerRequest = 100000;
constexpr int kMaxValueDepth = 32;

// The request as a whole: an error is a body that is not an ExportTraceServiceRequest. An id that
// is not 16 or 8 bytes is kept as sent, for the mapping to reject that span alone.
Result<TraceData> decode_json(std::string_view body);
std::string encode_json(const TraceData& data);

// An AnyValue (`{"stringValue": ...}`, ...) as the JSON value Attributes hold, and back.
// Values nested deeper than kMaxValueDepth are cut (decoding) or sent as their JSON text (encoding).
nlohmann::json any_value_from_json(const nlohmann::json& any, int depth = 0);
nlohmann::json any_value_to_json(const nlohmann::json& value, int depth = 0);

// Lower-case hex of raw bytes, and back (nothing when `hex` is not hex).
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace localray::tracing::otlp
