#pragma once
// A hand-made trace of one request through the default pattern, trimmed to two subscribers:
//
//   xrayTracerAPI/prod (stage, root) ── SNS (aws subsegment)
//     └─ xray-tracer-topic (topic segment) ── two delivery subsegments
//          ├─ dynamo (AWS::Lambda) ─ dynamo (function) ─ Invocation ─ DynamoDB Query ─ DynamoDB (aws, table hits, unanswered)
//          └─ http   (AWS::Lambda) ─ http   (function, fault "SSL Cert Exception" when asked) ─ Invocation
//
// Times are offsets from a realistic epoch so that rounding is exercised as in production.
#include <cstdio>
#include <string>

#include "tracing/trace_summary.hpp"

namespace localray::tracing::testing {

constexpr double kBase = 1700000000.0;
constexpr const char* kTopicArn = "arn:aws:sns:us-east-1:000000000000:xray-tracer-topic";
constexpr const char* kStageArn = "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod";

// Ids unique across traces: 8 hex digits of trace number, 8 of entity number.
inline std::string make_id(int trace_no, int n) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", trace_no, n);
  return buf;
}

inline std::string make_trace_id(int trace_no) {
  char buf[36];
  std::snprintf(buf, sizeof buf, "1-6553f100-%024x", trace_no);
  return buf;
}

inline Segment make_segment(const std::string& trace_id, std::string name, std::string id, std::string origin,
                            std::string parent, double start, double end) {
  Segment s;
  s.name = std::move(name);
  s.id = std::move(id);
  s.trace_id = trace_id;
  s.origin = std::move(origin);
  s.parent_id = std::move(parent);
  s.start_time = kBase + start;
  s.end_time = kBase + end;
  return s;
}

inline Segment& add_child(Segment& parent, std::string name, std::string id, double start, double end) {
  Segment& c = parent.add_subsegment(std::move(name), std::move(id), kBase + start);
  c.end_time = kBase + end;
  return c;
}

// Ids: 1 stage, 2 SNS call, 3 topic, 4/5 deliveries, 6..10 dynamo side, 11..13 http side.
inline Trace pattern_trace(int trace_no, bool http_fails) {
  auto id = [&](int n) { return make_id(trace_no, n); };
  Trace t;
  t.id = make_trace_id(trace_no);

  Segment stage = make_segment(t.id, "xrayTracerAPI/prod", id(1), "AWS::ApiGateway::Stage", "", 0.000, 0.050);
  stage.resource_arn = kStageArn;
  stage.http = {{"request", {{"method", "POST"}, {"url", "https://abc123.execute-api.us-east-1.amazonaws.com/prod/hello"},
                             {"user_agent", "curl/8.5.0"}, {"client_ip", "127.0.0.1"}}},
                {"response", {{"status", 200}}}};
  Segment& publish = add_child(stage, "SNS", id(2), 0.010, 0.040);
  publish.namespace_ = "aws";
  publish.aws = {{"operation", "Publish"}, {"topic_arn", kTopicArn}};
  t.segments.push_back(std::move(stage));

  Segment topic = make_segment(t.id, "xray-tracer-topic", id(3), "AWS::SNS::Topic", id(2), 0.020, 0.045);
  topic.resource_arn = kTopicArn;
  add_child(topic, "Deliver to dynamo", id(4), 0.025, 0.030);
  add_child(topic, "Deliver to http", id(5), 0.026, 0.031);
  t.segments.push_back(std::move(topic));

  Segment dynamo_service = make_segment(t.id, "dynamo", id(6), "AWS::Lambda", id(4), 0.050, 0.200);
  Segment dynamo_fn = make_segment(t.id, "dynamo", id(7), "AWS::Lambda::Function", id(6), 0.060, 0.190);
  dynamo_fn.aws = {{"account_id", "000000000000"}};
  Segment& invocation = add_child(dynamo_fn, "Invocation", id(8), 0.070, 0.180);
  Segment& query = add_child(invocation, "DynamoDB Query", id(9), 0.080, 0.150);
  query.annotations["path"] = std::string{"/hello"};
  Segment& update = add_child(query, "DynamoDB", id(10), 0.100, 0.130);
  update.namespace_ = "aws";
  update.aws = {{"operation", "UpdateItem"}, {"table_name", "hits"}, {"region", "us-east-1"}};
  t.segments.push_back(std::move(dynamo_service));
  t.segments.push_back(std::move(dynamo_fn));

  Segment http_service = make_segment(t.id, "http", id(11), "AWS::Lambda", id(5), 0.050, 0.300);
  Segment http_fn = make_segment(t.id, "http", id(12), "AWS::Lambda::Function", id(11), 0.060, 0.290);
  Segment& http_invocation = add_child(http_fn, "Invocation", id(13), 0.070, 0.280);
  if (http_fails) {
    http_fn.set_fault("SSL Cert Exception", "Error", id(100));
    http_invocation.set_fault("SSL Cert Exception", "Error", id(101));
  }
  t.segments.push_back(std::move(http_service));
  t.segments.push_back(std::move(http_fn));
  return t;
}

}  // namespace localray::tracing::testing
