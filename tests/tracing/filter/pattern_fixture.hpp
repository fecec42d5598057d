#pragma once
// One request through the default pattern, built by hand so that every filter answer is known:
//
//   xrayTracerAPI/prod (stage, root, 200) ── SNS (aws Publish)
//     └─ xrayTracerTopic (AWS::SNS::Topic) ── Deliver to http | dynamo | sns_publish
//          ├─ http (AWS::Lambda) ─ http (function, fault "SSL Cert Exception") ─ Invocation (fault)
//          ├─ dynamo (AWS::Lambda) ─ dynamo (function, user alice) ─ Invocation ─ DynamoDB Query
//          │     (annotation path = "/prod/hello") ─ DynamoDB (aws UpdateItem, table hits, unanswered)
//          └─ sns_publish (AWS::Lambda) ─ sns_publish (function) ─ Invocation ─ SNS Publish Logic ─ SNS
//               └─ xrayTracerSecondTopic ── Deliver to sns_subscribe
//                    └─ sns_subscribe (AWS::Lambda) ─ sns_subscribe (function) ─ Invocation ─
//                         process_message (message_content = "Simulated Message", count = 3, sampled = true)
//
// Times (seconds after kStart): stage 0.000-0.050, SNS call 0.010-0.040, topic 0.020-0.045,
// subscribers from 0.050, the http service last to end at 0.300.
#include <stdexcept>
#include <string>

#include "tracing/trace_summary.hpp"

namespace localray::tracing::filter::fixture {

constexpr double kStart = 1700000000.0;
inline const std::string kTraceId = "1-6553f100-0123456789abcdef01234567";
inline const std::string kAccount = "000000000000";
inline const std::string kTopicArn = "arn:aws:sns:us-east-1:000000000000:xrayTracerTopic";
inline const std::string kSecondTopicArn = "arn:aws:sns:us-east-1:000000000000:xrayTracerSecondTopic";

// "a1" -> "00000000000000a1": readable ids of X-Ray's 16 hex digits.
inline std::string id(const std::string& suffix) { return std::string(16 - suffix.size(), '0') + suffix; }

inline Segment segment(std::string name, const std::string& id_suffix, std::string origin, const std::string& parent_suffix,
                       double start, double end) {
  Segment s;
  s.name = std::move(name);
  s.id = id(id_suffix);
  s.trace_id = kTraceId;
  s.origin = std::move(origin);
  s.parent_id = parent_suffix.empty() ? std::string{} : id(parent_suffix);
  s.start_time = kStart + start;
  s.end_time = kStart + end;
  return s;
}

inline Segment& child(Segment& parent, std::string name, const std::string& id_suffix, double start, double end) {
  Segment& c = parent.add_subsegment(std::move(name), id(id_suffix), kStart + start);
  c.end_time = kStart + end;
  return c;
}

inline Segment& sns_publish_call(Segment& parent, const std::string& id_suffix, const std::string& topic_arn, double start,
                                 double end) {
  Segment& call = child(parent, "SNS", id_suffix, start, end);
  call.namespace_ = "aws";
  call.aws = {{"operation", "Publish"}, {"topic_arn", topic_arn}, {"region", "us-east-1"}};
  return call;
}

// A Lambda invocation as AWS records it: service segment, then function segment with Invocation.
// Returns the function segment's Invocation subsegment, where handler subsegments go.
inline Segment& add_lambda(Trace& t, const std::string& name, char prefix, const std::string& parent_suffix, double start,
                           double end) {
  std::string p(1, prefix);
  t.segments.push_back(segment(name, p + "1", "AWS::Lambda", parent_suffix, start, end));
  Segment function = segment(name, p + "2", "AWS::Lambda::Function", p + "1", start + 0.010, end - 0.010);
  function.aws = {{"account_id", kAccount}, {"function_arn", "arn:aws:lambda:us-east-1:000000000000:function:" + name}};
  child(function, "Invocation", p + "4", start + 0.020, end - 0.020);
  t.segments.push_back(std::move(function));
  return t.segments.back().subsegments.back();
}

inline void add_stage_and_topic(Trace& t) {
  Segment stage = segment("xrayTracerAPI/prod", "a1", "AWS::ApiGateway::Stage", "", 0.000, 0.050);
  stage.resource_arn = "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod";
  stage.http = {{"request",
                 {{"method", "GET"},
                  {"url", "https://abc123.execute-api.us-east-1.amazonaws.com/prod/hello"},
                  {"user_agent", "curl/8.5.0"},
                  {"client_ip", "203.0.113.7"}}},
                {"response", {{"status", 200}, {"content_length", 38}}}};
  sns_publish_call(stage, "a2", kTopicArn, 0.010, 0.040);
  t.segments.push_back(std::move(stage));

  Segment topic = segment("xrayTracerTopic", "a3", "AWS::SNS::Topic", "a2", 0.020, 0.045);
  topic.resource_arn = kTopicArn;
  child(topic, "Deliver to http", "a4", 0.025, 0.030);
  child(topic, "Deliver to dynamo", "a5", 0.026, 0.031);
  child(topic, "Deliver to sns_publish", "a6", 0.027, 0.032);
  t.segments.push_back(std::move(topic));
}

inline void add_http(Trace& t) {
  Segment& invocation = add_lambda(t, "http", 'b', "a4", 0.050, 0.300);
  invocation.set_fault("SSL Cert Exception", "Error", id("ee1"));
  Segment& function = t.segments.back();
  function.set_fault("SSL Cert Exception", "Error", id("ee2"));
}

inline void add_dynamo(Trace& t) {
  Segment& invocation = add_lambda(t, "dynamo", 'c', "a5", 0.050, 0.200);
  t.segments.back().extra["user"] = "alice";
  Segment& query = child(invocation, "DynamoDB Query", "c5", 0.080, 0.150);
  query.annotations["path"] = std::string{"/prod/hello"};
  query.metadata = {{"default", {{"event", {{"path", "/prod/hello"}}}}}};
  Segment& update = child(query, "DynamoDB", "c6", 0.100, 0.130);
  update.namespace_ = "aws";
  update.aws = {{"operation", "UpdateItem"}, {"table_name", "hits"}, {"region", "us-east-1"}};
}

inline void add_sns_publish_and_subscriber(Trace& t) {
  Segment& invocation = add_lambda(t, "sns_publish", 'd', "a6", 0.050, 0.250);
  Segment& logic = child(invocation, "SNS Publish Logic", "d5", 0.090, 0.150);
  sns_publish_call(logic, "d6", kSecondTopicArn, 0.100, 0.140);

  Segment topic = segment("xrayTracerSecondTopic", "e3", "AWS::SNS::Topic", "d6", 0.110, 0.135);
  topic.resource_arn = kSecondTopicArn;
  child(topic, "Deliver to sns_subscribe", "e4", 0.115, 0.120);
  t.segments.push_back(std::move(topic));

  Segment& handler = add_lambda(t, "sns_subscribe", 'f', "e4", 0.140, 0.260);
  Segment& process = child(handler, "process_message", "f5", 0.170, 0.220);
  process.annotations["message_content"] = std::string{"Simulated Message"};
  process.annotations["count"] = 3.0;
  process.annotations["sampled"] = true;
}

inline Trace pattern_trace() {
  Trace t;
  t.id = kTraceId;
  add_stage_and_topic(t);
  add_http(t);
  add_dynamo(t);
  add_sns_publish_and_subscriber(t);
  return t;
}

// The top-level segment with this name and origin; the fixture has exactly one.
inline Segment& find_segment(Trace& t, const std::string& name, const std::string& origin) {
  for (auto& s : t.segments)
    if (s.name == name && s.origin == origin) return s;
  throw std::logic_error("fixture has no segment " + name + " " + origin);
}

}  // namespace localray::tracing::filter::fixture
