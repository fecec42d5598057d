#include "tracing/otlp/json_codec.hpp"

#include <gtest/gtest.h>

#include "base/base64.hpp"

namespace localray::tracing::otlp {
namespace {

using nlohmann::json;

// What @opentelemetry/exporter-trace-otlp-http sends for one server span with a child.
constexpr const char* kSdkRequest = R"({"resourceSpans":[{"resource":{"attributes":[
  {"key":"service.name","value":{"stringValue":"checkout"}},
  {"key":"telemetry.sdk.language","value":{"stringValue":"nodejs"}}],"droppedAttributesCount":0},
 "scopeSpans":[{"scope":{"name":"shop","version":"1.2.0"},"spans":[
  {"traceId":"5759E988BD862E3FE1BE46A994272793","spanId":"53995c3f42cd8ad8","name":"POST /orders","kind":2,
   "startTimeUnixNano":"1700000000123456789","endTimeUnixNano":1700000000223456789,
   "attributes":[{"key":"http.response.status_code","value":{"intValue":"201"}},
                 {"key":"ratio","value":{"doubleValue":0.5}},
                 {"key":"ok","value":{"boolValue":true}},
                 {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":2}]}}},
                 {"key":"nested","value":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v"}}]}}}],
   "events":[{"timeUnixNano":"1700000000150000000","name":"exception","attributes":[
     {"key":"exception.type","value":{"stringValue":"TypeError"}}]}],
   "links":[{"traceId":"5759e988bd862e3fe1be46a994272794","spanId":"0000000000000001"}],
   "status":{"code":2,"message":"boom"}},
  {"traceId":"5759e988bd862e3fe1be46a994272793","spanId":"0000000000000002","parentSpanId":"53995c3f42cd8ad8",
   "name":"db","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"1700000000130000000","endTimeUnixNano":"1700000000140000000"}
 ]}]}]})";

TEST(OtlpJson, DecodesWhatTheSdkSends) {
  auto data = decode_json(kSdkRequest);
  ASSERT_TRUE(data) << data.error().message;
  ASSERT_EQ(data->size(), 1u);
  const auto& r = (*data)[0];
  EXPECT_EQ(r.resource["service.name"], "checkout");
  ASSERT_EQ(r.scopes.size(), 1u);
  EXPECT_EQ(r.scopes[0].scope_name, "shop");
  EXPECT_EQ(r.scopes[0].scope_version, "1.2.0");
  ASSERT_EQ(r.scopes[0].spans.size(), 2u);
  const Span& s = r.scopes[0].spans[0];
  EXPECT_EQ(s.trace_id, "5759e988bd862e3fe1be46a994272793");  // lower-cased
  EXPECT_EQ(s.span_id, "53995c3f42cd8ad8");
  EXPECT_TRUE(s.parent_span_id.empty());
  EXPECT_EQ(s.kind, SpanKind::Server);
  EXPECT_EQ(s.start_time_unix_nano, 1700000000123456789ULL);
  EXPECT_EQ(s.end_time_unix_nano, 1700000000223456789ULL);
  EXPECT_EQ(s.attributes["http.response.status_code"], 201);
  EXPECT_TRUE(s.attributes["http.response.status_code"].is_number_integer());
  EXPECT_EQ(s.attributes["ratio"], 0.5);
  EXPECT_EQ(s.attributes["ok"], true);
  EXPECT_EQ(s.attributes["tags"], json::parse(R"(["a",2])"));
  EXPECT_EQ(s.attributes["nested"], json::parse(R"({"k":"v"})"));
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].name, "exception");
  EXPECT_EQ(s.events[0].time_unix_nano, 1700000000150000000ULL);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].span_id, "0000000000000001");
  EXPECT_EQ(s.status, StatusCode::Error);
  EXPECT_EQ(s.status_message, "boom");
  EXPECT_EQ(r.scopes[0].spans[1].kind, SpanKind::Client);  // enum by name
  EXPECT_EQ(r.scopes[0].spans[1].parent_span_id, "53995c3f42cd8ad8");
}

TEST(OtlpJson, AcceptsSnakeCaseBase64IdsAndTheOldScopeName) {
  std::string trace = base::base64_encode(std::string{"\x57\x59\xe9\x88\xbd\x86\x2e\x3f\xe1\xbe\x46\xa9\x94\x27\x27\x93", 16});
  std::string span = base::base64_encode(std::string{"\x53\x99\x5c\x3f\x42\xcd\x8a\xd8", 8});
  json body = {{"resource_spans",
                {{{"instrumentation_library_spans",
                   {{{"instrumentation_library", {{"name", "old"}}},
                     {"spans", {{{"trace_id", trace}, {"span_id", span}, {"name", "x"}, {"start_time_unix_nano", 5}, {"end_time_unix_nano", 6}}}}}}}}}}};
  auto data = decode_json(body.dump());
  ASSERT_TRUE(data) << data.error().message;
  const auto& s = (*data)[0].scopes[0].spans[0];
  EXPECT_EQ((*data)[0].scopes[0].scope_name, "old");
  EXPECT_EQ(s.trace_id, "5759e988bd862e3fe1be46a994272793");
  EXPECT_EQ(s.span_id, "53995c3f42cd8ad8");
  EXPECT_EQ(s.start_time_unix_nano, 5u);
}

TEST(OtlpJson, RefusesWhatIsNotARequest) {
  EXPECT_FALSE(decode_json("{"));
  EXPECT_FALSE(decode_json("[]"));
  auto bad = decode_json(R"({"resourceSpans":{}})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("resourceSpans must be an array"), std::string::npos);
  EXPECT_FALSE(decode_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-3"}]}]}]})"));
  EXPECT_FALSE(decode_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":7}]}]}]})"));
  // An empty request is a request.
  auto empty = decode_json("{}");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(OtlpJson, DeepValuesAreCutAndHugeRequestsRefused) {
  // 100,000 nested arrays: no recursion that deep, the value is cut below kMaxValueDepth.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += R"({"arrayValue":{"values":[)";
  deep += R"({"stringValue":"bottom"})";
  for (int i = 0; i < 100000; ++i) deep += "]}}";
  auto body = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"deep","value":)" + deep + "}]}]}]}]}";
  auto data = decode_json(body);
  ASSERT_TRUE(data) << data.error().message;
  json v = (*data)[0].scopes[0].spans[0].attributes["deep"];
  int depth = 0;
  while (v.is_array() && !v.empty()) {
    v = json{v[0]};
    v = v[0];
    ++depth;
  }
  EXPECT_LE(depth, kMaxValueDepth + 1);
  EXPECT_TRUE(v.is_null());
  // Encoding a value nested past the bound sends the rest as text.
  json nested = "x";
  for (int i = 0; i < 40; ++i) nested = json::array({nested});
  EXPECT_TRUE(any_value_to_json(nested).dump().find("stringValue") != std::string::npos);

  std::string many = R"({"resourceSpans":[{"scopeSpans":[{"spans":[)";
  for (std::size_t i = 0; i <= kMaxSpansPerRequest; ++i) many += i ? ",{}" : "{}";
  many += "]}]}]}";
  auto refused = decode_json(many);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("at most"), std::string::npos);
}

TEST(OtlpJson, KeepsAMalformedIdForTheMappingToReject) {
  auto data = decode_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz","spanId":"53995c3f42cd8ad8"}]}]}]})");
  ASSERT_TRUE(data);
  EXPECT_EQ((*data)[0].scopes[0].spans[0].trace_id, "xyz");
}

TEST(OtlpJson, EncodesWhatItDecodes) {
  auto data = decode_json(kSdkRequest);
  ASSERT_TRUE(data);
  auto again = decode_json(encode_json(*data));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(encode_json(*again), encode_json(*data));
  const auto& s = (*again)[0].scopes[0].spans[0];
  EXPECT_EQ(s.attributes["tags"], json::parse(R"(["a",2])"));
  EXPECT_EQ(s.status, StatusCode::Error);
  EXPECT_EQ(s.links.size(), 1u);
}

}  // namespace
}  // namespace localray::tracing::otlp
