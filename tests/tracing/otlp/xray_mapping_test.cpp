#include "tracing/otlp/xray_mapping.hpp"

#include <gtest/gtest.h>

#include "tracing/otlp/json_codec.hpp"
#include "tracing/segment_json.hpp"

namespace localray::tracing::otlp {
namespace {

using nlohmann::json;

constexpr const char* kTrace = "5759e988bd862e3fe1be46a994272793";

Span span(std::string id, std::string parent, SpanKind kind, std::string name) {
  Span s;
  s.trace_id = kTrace;
  s.span_id = std::move(id);
  s.parent_span_id = std::move(parent);
  s.kind = kind;
  s.name = std::move(name);
  s.start_time_unix_nano = 1700000000'100000000ULL;
  s.end_time_unix_nano = 1700000000'350000000ULL;
  return s;
}

Segment one(const Attributes& resource, const Span& s, std::string scope = "app") {
  ScopeSpans sc;
  sc.scope_name = std::move(scope);
  auto seg = span_to_segment(resource, sc, s);
  EXPECT_TRUE(seg) << seg.error().message;
  return seg ? std::move(*seg) : Segment{};
}

TEST(OtlpToXray, ServerSpanIsASegmentNamedForItsService) {
  Span s = span("53995c3f42cd8ad8", "", SpanKind::Server, "GET /items/{id}");
  s.attributes = {{"http.request.method", "GET"},
                  {"url.scheme", "http"},
                  {"server.address", "shop.local"},
                  {"server.port", 8080},
                  {"url.path", "/items/7"},
                  {"user_agent.original", "curl/8"},
                  {"client.address", "10.0.0.9"},
                  {"http.response.status_code", 404},
                  {"order.id", "o-1"},
                  {"customer", "c-9"},
                  {"aws.xray.annotations", json::array({"order.id"})}};
  Segment seg = one({{"service.name", "checkout"}, {"cloud.platform", "aws_ec2"}, {"host.name", "box"}}, s);
  EXPECT_EQ(seg.name, "checkout");
  EXPECT_EQ(seg.trace_id, "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(seg.id, "53995c3f42cd8ad8");
  EXPECT_TRUE(seg.type.empty());
  EXPECT_EQ(seg.origin, "AWS::EC2::Instance");
  EXPECT_DOUBLE_EQ(seg.start_time, 1700000000.1);
  EXPECT_DOUBLE_EQ(seg.end_time, 1700000000.35);
  EXPECT_EQ(seg.http["request"]["method"], "GET");
  EXPECT_EQ(seg.http["request"]["url"], "http://shop.local:8080/items/7");
  EXPECT_EQ(seg.http["request"]["user_agent"], "curl/8");
  EXPECT_EQ(seg.http["request"]["client_ip"], "10.0.0.9");
  EXPECT_EQ(seg.http["response"]["status"], 404);
  EXPECT_TRUE(seg.error);  // 4xx
  EXPECT_FALSE(seg.fault);
  ASSERT_EQ(seg.annotations.count("order_id"), 1u);  // dots are not allowed in annotation keys
  EXPECT_EQ(std::get<std::string>(seg.annotations.at("order_id")), "o-1");
  EXPECT_EQ(seg.metadata["default"]["customer"], "c-9");
  EXPECT_EQ(seg.metadata["otel"]["span.name"], "GET /items/{id}");
  EXPECT_EQ(seg.metadata["otel"]["resource"]["host.name"], "box");
  EXPECT_EQ(seg.metadata["otel"]["scope"]["name"], "app");
  EXPECT_FALSE(seg.metadata["otel"].contains("span.kind"));  // SERVER is what a segment reads back as
}

TEST(OtlpToXray, AwsSdkClientSpanIsAnAwsSubsegment) {
  Span s = span("0000000000000002", "53995c3f42cd8ad8", SpanKind::Client, "DynamoDB.Query");
  s.attributes = {{"rpc.system", "aws-api"},
                  {"rpc.service", "DynamoDB"},
                  {"rpc.method", "Query"},
                  {"aws.region", "us-east-1"},
                  {"aws.request.id", "R1"},
                  {"aws.dynamodb.table_names", json::array({"hits"})}};
  Segment seg = one({{"service.name", "checkout"}}, s);
  EXPECT_EQ(seg.type, "subsegment");
  EXPECT_EQ(seg.parent_id, "53995c3f42cd8ad8");
  EXPECT_EQ(seg.namespace_, "aws");
  EXPECT_EQ(seg.name, "DynamoDB");
  EXPECT_EQ(seg.aws["operation"], "Query");
  EXPECT_EQ(seg.aws["region"], "us-east-1");
  EXPECT_EQ(seg.aws["request_id"], "R1");
  EXPECT_EQ(seg.aws["table_name"], "hits");
  EXPECT_FALSE(seg.metadata.is_object() && seg.metadata.contains("default"));  // everything was mapped
}

TEST(OtlpToXray, HttpClientSpanIsARemoteSubsegmentNamedForTheHost) {
  Span s = span("0000000000000003", "53995c3f42cd8ad8", SpanKind::Client, "GET");
  s.attributes = {{"http.request.method", "GET"}, {"url.full", "http://api.example.test:81/v1?q=1"}, {"http.response.status_code", 503}};
  Segment seg = one({}, s);
  EXPECT_EQ(seg.namespace_, "remote");
  EXPECT_EQ(seg.name, "api.example.test");
  EXPECT_TRUE(seg.fault);
  EXPECT_EQ(seg.http["request"]["url"], "http://api.example.test:81/v1?q=1");
  // An internal span is a plain subsegment.
  Segment internal = one({}, span("0000000000000004", "53995c3f42cd8ad8", SpanKind::Internal, "render"));
  EXPECT_EQ(internal.type, "subsegment");
  EXPECT_TRUE(internal.namespace_.empty());
  EXPECT_EQ(internal.name, "render");
}

TEST(OtlpToXray, ErrorStatusAndExceptionEventsBecomeAFaultWithItsCause) {
  Span s = span("0000000000000005", "", SpanKind::Internal, "job");
  s.status = StatusCode::Error;
  s.status_message = "it broke";
  s.events.push_back({1700000000'200000000ULL, "exception",
                      {{"exception.type", "TypeError"},
                       {"exception.message", "x is undefined"},
                       {"exception.stacktrace", "TypeError: x is undefined\n    at handler (/var/task/index.js:12:7)\n    at run (node:internal/x:3:1)"}}});
  s.events.push_back({1700000000'210000000ULL, "cache miss", {{"key", "k"}}});
  Segment seg = one({{"service.name", "worker"}}, s);
  EXPECT_TRUE(seg.type.empty());  // a root is a segment whatever its kind
  EXPECT_TRUE(seg.fault);
  ASSERT_TRUE(seg.cause.is_object());
  const auto& ex = seg.cause["exceptions"].at(0);
  EXPECT_EQ(ex["type"], "TypeError");
  EXPECT_EQ(ex["message"], "x is undefined");
  EXPECT_EQ(ex["id"].get<std::string>().size(), 16u);
  EXPECT_EQ(ex["stack"].at(0), json::parse(R"({"path":"/var/task/index.js","line":12,"label":"handler"})"));
  EXPECT_EQ(ex["stack"].size(), 2u);
  EXPECT_EQ(seg.metadata["otel"]["events"].at(0)["name"], "cache miss");
  EXPECT_EQ(seg.metadata["otel"]["status.message"], "it broke");
  EXPECT_EQ(seg.metadata["otel"]["span.kind"], "INTERNAL");
}

TEST(OtlpToXray, RejectsBadSpansOneByOne) {
  TraceData data(1);
  data[0].scopes.resize(1);
  auto& spans = data[0].scopes[0].spans;
  spans.push_back(span("53995c3f42cd8ad8", "", SpanKind::Server, "ok"));
  spans.push_back(span("53995c3f42cd8ad9", "", SpanKind::Server, "bad trace"));
  spans.back().trace_id = "00000000000000000000000000000000";
  spans.push_back(span("zz", "", SpanKind::Server, "bad id"));
  spans.push_back(span("53995c3f42cd8ada", "", SpanKind::Server, "backwards"));
  spans.back().end_time_unix_nano = 1;
  Converted c = to_segments(data);
  EXPECT_EQ(c.segments.size(), 1u);
  EXPECT_EQ(c.rejected, 3u);
  EXPECT_NE(c.first_error.find("traceId"), std::string::npos);
}

TEST(OtlpToXray, ALongNonAsciiNameIsCutBetweenCharacters) {
  std::string name;
  for (int i = 0; i < 150; ++i) name += "\xc3\xa9";  // é, two bytes each
  Segment seg = one({{"service.name", name}}, span("53995c3f42cd8ad8", "", SpanKind::Server, "x"));
  EXPECT_EQ(seg.name.size(), 200u);
  EXPECT_NO_THROW(to_json(seg).dump());  // valid UTF-8 still
  // Invalid UTF-8 is no reason to fail the request: the span is stored or refused alone.
  TraceData data(1);
  data[0].scopes.resize(1);
  data[0].scopes[0].spans.push_back(span("53995c3f42cd8ad8", "", SpanKind::Server, std::string{"bad \xff name"}));
  EXPECT_NO_THROW(to_segments(data));
}

TEST(XrayToOtlp, DocumentsOfAnyShapeConvertWithoutFailing) {
  // What any PutTraceSegments client may have stored: fields of unexpected kinds.
  auto doc = segment_from_json(json::parse(R"({"name":"odd","id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793",
    "start_time":1700000000,"end_time":1700000001,"http":{"request":"GET","response":7},
    "cause":{"exceptions":[{"id":"1","stack":[{"path":3,"label":["x"]},"frame"]},5]},
    "links":[{"trace_id":1},{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"0000000000000001","attributes":"no"}],
    "metadata":{"otel":{"events":[{"time_unix_nano":"soon","name":4},3],"scope":{"name":5}},"default":"not an object"}})"));
  ASSERT_TRUE(doc) << doc.error().message;
  TraceData data;
  EXPECT_NO_THROW(data = from_segments({*doc}, "localray", "1"));
  ASSERT_EQ(span_count(data), 1u);
  EXPECT_NO_THROW(to_segments(data));
}

TEST(XrayToOtlpAndBack, FlagsSurviveBesideAnHttpStatusThatWouldImplyOthers) {
  auto doc = segment_from_json(json::parse(R"({"name":"api","id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793",
    "start_time":1700000000.1234567,"end_time":1700000001,"http":{"request":{"method":"GET","custom":1},"response":{"status":404,"extra":"x"}}})"));
  ASSERT_TRUE(doc);
  auto back = to_segments(from_segments({*doc}, "localray", "1"));
  ASSERT_EQ(back.segments.size(), 1u);
  const Segment& s = back.segments[0];
  EXPECT_FALSE(s.error) << "the document said no error despite its 404";
  EXPECT_EQ(s.http, doc->http);
  EXPECT_NEAR(s.start_time, doc->start_time, 1e-6);
}

TEST(OtlpToXray, NamesOutsideXraysAlphabetAreRepaired) {
  Segment seg = one({{"service.name", "shop<api>"}}, span("53995c3f42cd8ad8", "", SpanKind::Server, "x"));
  EXPECT_EQ(seg.name, "shop_api_");
  EXPECT_TRUE(segment_from_json(to_json(seg)));
}

// A localray trace document: what --otlp-endpoint exports and another localray reads back.
Segment xray_document() {
  auto doc = json::parse(R"({
    "name":"xrayTracerAPI/prod","id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793",
    "parent_id":"0000000000000009","start_time":1700000000.125,"end_time":1700000000.5,
    "origin":"AWS::ApiGateway::Stage","resource_arn":"arn:aws:apigateway:us-east-1::/restapis/x/stages/prod",
    "error":true,"throttle":true,
    "http":{"request":{"method":"POST","url":"http://127.0.0.1/prod/hi","client_ip":"127.0.0.1","user_agent":"curl","x_forwarded_for":true},
            "response":{"status":429,"content_length":12}},
    "aws":{"api_id":"x","stage":"prod","account_id":"000000000000","xray":{"sdk":"localray"}},
    "annotations":{"path":"/prod/hi","n":3.5,"ok":true},
    "metadata":{"default":{"event":{"a":[1,2]},"http.method":"shadowed"},"custom":{"k":"v"}},
    "service":{"version":"1.0"},
    "links":[{"trace_id":"1-5759e988-bd862e3fe1be46a994272794","id":"0000000000000001","attributes":{"aws.xray.reserved.reference_type":"parent"}}],
    "subsegments":[
      {"name":"SNS","id":"0000000000000002","start_time":1700000000.25,"end_time":1700000000.375,"namespace":"aws",
       "aws":{"operation":"Publish","topic_arn":"arn:aws:sns:us-east-1:000000000000:t","request_id":"R"},
       "fault":true,
       "cause":{"working_directory":"/var/task","exceptions":[{"id":"1111111111111111","type":"SSL","message":"SSL Cert Exception",
                "stack":[{"path":"index.js","line":3,"label":"h"}]}]},
       "subsegments":[{"name":"inner","id":"0000000000000003","start_time":1700000000.3,"end_time":1700000000.31}]}]})");
  auto seg = segment_from_json(doc);
  EXPECT_TRUE(seg) << seg.error().message;
  return std::move(*seg);
}

std::map<std::string, Segment> by_id(const std::vector<Segment>& segments) {
  std::map<std::string, Segment> out;
  for (const auto& s : segments) out.emplace(s.id, s);
  return out;
}

TEST(XrayToOtlpAndBack, EveryFieldOfTheMappingTableSurvives) {
  Segment doc = xray_document();
  auto data = from_segments({doc}, "localray", "0.1.0");
  ASSERT_EQ(span_count(data), 3u);
  EXPECT_EQ(data[0].resource["service.name"], "xrayTracerAPI/prod");
  EXPECT_EQ(data[0].resource["cloud.provider"], "aws");
  const Span& top = data[0].scopes[0].spans[0];
  EXPECT_EQ(top.trace_id, kTrace);
  EXPECT_EQ(top.kind, SpanKind::Server);
  EXPECT_EQ(top.status, StatusCode::Error);
  EXPECT_EQ(top.attributes["http.response.status_code"], 429);
  EXPECT_EQ(data[0].scopes[0].spans[1].kind, SpanKind::Client);
  EXPECT_EQ(data[0].scopes[0].spans[1].attributes["rpc.method"], "Publish");
  EXPECT_EQ(data[0].scopes[0].spans[2].kind, SpanKind::Internal);
  EXPECT_EQ(data[0].scopes[0].spans[2].parent_span_id, "0000000000000002");

  // Over the wire and back, as another localray receives it.
  auto wire = decode_json(encode_json(data));
  ASSERT_TRUE(wire);
  Converted back = to_segments(*wire);
  ASSERT_EQ(back.rejected, 0u) << back.first_error;
  auto got = by_id(back.segments);
  ASSERT_EQ(got.size(), 3u);

  std::vector<const Segment*> originals{&doc, &doc.subsegments.front(), &doc.subsegments.front().subsegments.front()};
  for (const Segment* want : originals) {
    SCOPED_TRACE(want->name);
    const Segment& s = got.at(want->id);
    EXPECT_EQ(s.name, want->name);
    EXPECT_EQ(s.trace_id, doc.trace_id);
    EXPECT_NEAR(s.start_time, want->start_time, 1e-6);
    EXPECT_NEAR(s.end_time, want->end_time, 1e-6);
    EXPECT_EQ(s.origin, want->origin);
    EXPECT_EQ(s.namespace_, want->namespace_);
    EXPECT_EQ(s.resource_arn, want->resource_arn);
    EXPECT_EQ(s.error, want->error);
    EXPECT_EQ(s.throttle, want->throttle);
    EXPECT_EQ(s.fault, want->fault);
    EXPECT_EQ(s.http, want->http);
    EXPECT_EQ(s.aws, want->aws);
    EXPECT_EQ(s.cause, want->cause);
    EXPECT_EQ(s.metadata, want->metadata);
    EXPECT_EQ(s.links, want->links);
    EXPECT_EQ(s.annotations, want->annotations);
    EXPECT_EQ(s.extra, want->extra);
  }
  // Nested subsegments come back as independent subsegments under the same parents.
  EXPECT_EQ(got.at(doc.id).parent_id, "0000000000000009");
  EXPECT_EQ(got.at("0000000000000002").type, "subsegment");
  EXPECT_EQ(got.at("0000000000000002").parent_id, doc.id);
  EXPECT_EQ(got.at("0000000000000003").parent_id, "0000000000000002");
}

TEST(OtlpToXrayAndBack, AnOpenTelemetrySpanComesBackAsItWasSent) {
  Span s = span("53995c3f42cd8ad8", "0000000000000009", SpanKind::Consumer, "process orders");
  s.attributes = {{"messaging.system", "kafka"}, {"batch", 3}, {"tags", json::array({"a", "b"})}, {"rpc.system", "grpc"}};
  s.events.push_back({1700000000'200000000ULL, "checkpoint", {{"offset", 42}}});
  s.status = StatusCode::Ok;
  s.links.push_back({"5759e988bd862e3fe1be46a994272794", "0000000000000001", {{"k", "v"}}});
  ResourceSpans r;
  r.resource = {{"service.name", "orders"}, {"service.version", "2"}};
  r.scopes.push_back({"orders-lib", "0.3", {s}});
  Converted c = to_segments({r});
  ASSERT_EQ(c.segments.size(), 1u);
  auto back = from_segments(c.segments, "localray", "x");
  ASSERT_EQ(span_count(back), 1u);
  EXPECT_EQ(back[0].resource, r.resource);
  EXPECT_EQ(back[0].scopes[0].scope_name, "orders-lib");
  EXPECT_EQ(back[0].scopes[0].scope_version, "0.3");
  const Span& b = back[0].scopes[0].spans[0];
  EXPECT_EQ(b.name, s.name);
  EXPECT_EQ(b.kind, SpanKind::Consumer);
  EXPECT_EQ(b.parent_span_id, s.parent_span_id);
  EXPECT_EQ(b.attributes, s.attributes);
  ASSERT_EQ(b.events.size(), 1u);
  EXPECT_EQ(b.events[0].name, "checkpoint");
  EXPECT_EQ(b.events[0].attributes, s.events[0].attributes);
  EXPECT_EQ(b.events[0].time_unix_nano, s.events[0].time_unix_nano);
  EXPECT_EQ(b.status, StatusCode::Ok);
  ASSERT_EQ(b.links.size(), 1u);
  EXPECT_EQ(b.links[0].trace_id, s.links[0].trace_id);
  EXPECT_EQ(b.links[0].attributes, s.links[0].attributes);
}

}  // namespace
}  // namespace localray::tracing::otlp
