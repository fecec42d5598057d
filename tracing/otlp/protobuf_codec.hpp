#pragma once
// OTLP/HTTP's binary body (application/x-protobuf: an ExportTraceServiceRequest) <-> TraceData,
// through Debian's libprotobuf and classes protoc generates at build time from the OTLP
// definitions an npm package ships (tracing/otlp/proto). Those are OTLP 0.9's: field numbers and
// wire types of traces are unchanged since, so a current SDK's request decodes the same; fields
// added later (span flags, scope attributes, bytes values) are skipped as unknown.
#include <cstdint>
#include <string>
#include <string_view>

#include "tracing/error.hpp"
#include "tracing/otlp/spans.hpp"

namespace localray::tracing::otlp {

Result<TraceData> decode_protobuf(std::string_view body);
std::string encode_protobuf(const TraceData& data);
// ExportTraceServiceResponse, with partial_success (field 1, added in OTLP 0.19) when spans were
// rejected.
std::string encode_protobuf_response(std::int64_t rejected_spans, std::string_view error_message);

}  // namespace localray::tracing::otlp
