#pragma once
// The field-level rules both directions of the span <-> segment mapping share: X-Ray's name and
// annotation-key alphabets, taking attributes out as they are mapped, stack traces as text and as
// X-Ray frames, span kinds by name, platforms and origins, times. Internal to tracing/otlp.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tracing/otlp/spans.hpp"

namespace localray::tracing::otlp::rules {

// Attributes under this prefix carry X-Ray fields OpenTelemetry has no name for.
constexpr std::string_view kXray = "aws.xray.";

// `n` lower-case hex digits, not all zero.
bool lower_hex(std::string_view s, std::size_t n);
// X-Ray's name alphabet and 200-byte bound (cut between UTF-8 characters); refused characters become '_'.
std::string xray_name(std::string_view name);
// Letters, digits, '_' and ':'; anything else becomes '_'.
std::string annotation_key(std::string_view key);

// Members of stored documents, which any client may have written: the value when it has the
// expected kind, else the fallback.
std::string text_of(const nlohmann::json& object, std::string_view key, std::string fallback = {});
const nlohmann::json& object_of(const nlohmann::json& object, std::string_view key);

// Take attributes out of `attrs` as they are mapped, so that the rest becomes metadata.
std::optional<nlohmann::json> take(nlohmann::json& attrs, std::string_view key);
std::optional<nlohmann::json> take_first(nlohmann::json& attrs, std::initializer_list<std::string_view> keys);
std::optional<bool> take_bool(nlohmann::json& attrs, std::string_view key);
std::optional<std::string> as_string(const std::optional<nlohmann::json>& v);

std::string host_of(std::string_view url);
bool is_http_method_name(std::string_view name);

const char* kind_name(SpanKind k);
std::optional<SpanKind> kind_from_name(std::string_view name);

// resource `cloud.platform` <-> the segment origin X-Ray gives such a service; empty when none.
std::string origin_of_platform(std::string_view platform);
std::string platform_of_origin(std::string_view origin);

// A stable 16-hex exception id from the span and the event's position.
std::string exception_id(std::string_view span_id, std::size_t index);
// A stack trace's text as X-Ray frames, and frames back as text.
nlohmann::json stack_frames(std::string_view text);
std::string stack_text(const nlohmann::json& stack);

// Attribute names the ingest reads into X-Ray fields.
bool is_mapped_key(std::string_view key);

double seconds(std::uint64_t unix_nano);
std::uint64_t nanos(double seconds);

}  // namespace localray::tracing::otlp::rules
