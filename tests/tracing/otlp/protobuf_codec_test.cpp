#include "tracing/otlp/protobuf_codec.hpp"

#include <gtest/gtest.h>

#include "tracing/otlp/json_codec.hpp"

namespace localray::tracing::otlp {
namespace {

using nlohmann::json;

TraceData sample() {
  ResourceSpans r;
  r.resource = {{"service.name", "checkout"}, {"deployment", json::object({{"env", "dev"}})}};
  ScopeSpans sc;
  sc.scope_name = "shop";
  sc.scope_version = "1";
  Span s;
  s.trace_id = "5759e988bd862e3fe1be46a994272793";
  s.span_id = "53995c3f42cd8ad8";
  s.parent_span_id = "0000000000000009";
  s.name = "POST /orders";
  s.kind = SpanKind::Producer;
  s.start_time_unix_nano = 1700000000123456789ULL;
  s.end_time_unix_nano = 1700000000223456789ULL;
  s.attributes = {{"s", "x"}, {"i", -4}, {"d", 0.25}, {"b", false}, {"a", json::array({1, "two"})}};
  s.events.push_back({1700000000150000000ULL, "retry", {{"n", 2}}});
  s.links.push_back({"5759e988bd862e3fe1be46a994272794", "0000000000000001", {{"why", "batch"}}});
  s.status = StatusCode::Ok;
  s.status_message = "fine";
  sc.spans.push_back(s);
  r.scopes.push_back(sc);
  return {r};
}

TEST(OtlpProtobuf, DecodesWhatItEncodes) {
  auto decoded = decode_protobuf(encode_protobuf(sample()));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(encode_json(*decoded), encode_json(sample()));
}

TEST(OtlpProtobuf, RefusesGarbage) {
  auto bad = decode_protobuf(std::string{"\x0a\xff\xff\xff\xff\x0f garbage", 14});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("ExportTraceServiceRequest"), std::string::npos);
}

TEST(OtlpProtobuf, SkipsFieldsAddedAfterItsDefinitions) {
  // Span.flags (field 16, fixed32) from a current SDK: unknown to OTLP 0.9, skipped.
  std::string body = encode_protobuf(sample());
  auto decoded = decode_protobuf(body);
  ASSERT_TRUE(decoded);
  // Re-encode the span with an extra field 16 appended inside it is fiddly; instead append an
  // unknown top-level field (99, varint), which must be skipped the same way.
  body += std::string{"\x98\x06\x01", 3};
  auto with_unknown = decode_protobuf(body);
  ASSERT_TRUE(with_unknown) << with_unknown.error().message;
  EXPECT_EQ(span_count(*with_unknown), 1u);
}

TEST(OtlpProtobuf, RefusesMoreSpansThanTheBoundBeforeBuildingThem) {
  // resource_spans { scope_spans { spans {} x (bound + 1) } }: two bytes a span.
  std::string spans;
  for (std::size_t i = 0; i <= kMaxSpansPerRequest; ++i) spans += std::string{"\x12\x00", 2};
  auto varint = [](std::size_t n) {
    std::string out;
    while (n >= 0x80) {
      out += static_cast<char>(n | 0x80);
      n >>= 7;
    }
    return out + static_cast<char>(n);
  };
  std::string scope = "\x12" + varint(spans.size()) + spans;
  std::string body = "\x0a" + varint(scope.size()) + scope;
  auto refused = decode_protobuf(body);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("at most"), std::string::npos);
  // The bound itself is accepted.
  std::string fewer = spans.substr(2);
  std::string scope2 = "\x12" + varint(fewer.size()) + fewer;
  auto ok = decode_protobuf("\x0a" + varint(scope2.size()) + scope2);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(span_count(*ok), kMaxSpansPerRequest);
}

TEST(OtlpProtobuf, PartialSuccessResponse) {
  EXPECT_TRUE(encode_protobuf_response(0, "").empty());
  auto bytes = encode_protobuf_response(3, "bad ids");
  // field 1 (message) { field 1 varint 3, field 2 "bad ids" }
  EXPECT_EQ(bytes, std::string("\x0a\x0b\x08\x03\x12\x07" "bad ids", 13));
}

}  // namespace
}  // namespace localray::tracing::otlp
