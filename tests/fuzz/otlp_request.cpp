// OTLP/HTTP bodies as /v1/traces decodes them, JSON and protobuf: whatever decodes maps to
// documents that are valid X-Ray documents, and those map back to spans without failing.
#include <cstdlib>
#include <string_view>

#include "tracing/otlp/json_codec.hpp"
#include "tracing/otlp/protobuf_codec.hpp"
#include "tracing/otlp/xray_mapping.hpp"
#include "tracing/segment_json.hpp"

namespace {

void check(const localray::tracing::otlp::TraceData& data) {
  namespace otlp = localray::tracing::otlp;
  auto converted = otlp::to_segments(data);
  if (converted.segments.size() + converted.rejected != otlp::span_count(data)) std::abort();
  for (const auto& s : converted.segments)
    if (!localray::tracing::parse_segment_document(localray::tracing::to_json(s).dump())) std::abort();
  auto back = otlp::from_segments(converted.segments, "localray", "fuzz");
  (void)otlp::encode_json(back);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::string_view body{reinterpret_cast<const char*>(data), size};
  if (auto j = localray::tracing::otlp::decode_json(body)) check(*j);
  if (auto p = localray::tracing::otlp::decode_protobuf(body)) check(*p);
  return 0;
}
