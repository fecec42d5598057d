#include "tracing/trace_summary.hpp"

#include <algorithm>
#include <cctype>

#include <gtest/gtest.h>

#include "tests/tracing/queries/pattern_trace.hpp"

namespace localray::tracing {
namespace {

using testing::add_child;
using testing::kBase;
using testing::make_id;
using testing::make_segment;
using testing::pattern_trace;

ServiceId sid(std::string name, std::string type, std::string account = {}) {
  return ServiceId{name, {name}, std::move(account), std::move(type)};
}

Segment call(std::string ns, std::string name, nlohmann::json aws, nlohmann::json http = nullptr) {
  Segment s;
  s.name = std::move(name);
  s.id = "53995c3f42cd8ad8";
  s.namespace_ = std::move(ns);
  s.aws = std::move(aws);
  s.http = std::move(http);
  return s;
}

TEST(TraceSummaryTest, TimesComeFromAllSegmentsAndResponseTimeFromTheStage) {
  TraceSummary s = summarize(pattern_trace(1, true));
  EXPECT_EQ(s.id, testing::make_trace_id(1));
  EXPECT_DOUBLE_EQ(s.start_time, kBase);
  EXPECT_NEAR(s.duration, 0.300, 1e-6) << "earliest start (stage) to latest end (http service)";
  ASSERT_TRUE(s.response_time);
  EXPECT_NEAR(*s.response_time, 0.050, 1e-6);
  EXPECT_EQ(s.revision, 6);
}

TEST(TraceSummaryTest, FlagsCoverEverySegmentAndSubsegment) {
  TraceSummary failing = summarize(pattern_trace(1, true));
  EXPECT_TRUE(failing.has_fault) << "the http function fails though API Gateway answered 200";
  EXPECT_FALSE(failing.has_error);
  EXPECT_FALSE(failing.has_throttle);
  EXPECT_FALSE(failing.is_partial);

  Trace t = pattern_trace(2, false);
  EXPECT_FALSE(summarize(t).has_fault);
  Segment& nested = t.segments[3].subsegments.front().subsegments.front();  // DynamoDB Query
  nested.error = true;
  nested.throttle = true;
  t.segments[4].in_progress = true;
  TraceSummary s = summarize(t);
  EXPECT_TRUE(s.has_error);
  EXPECT_TRUE(s.has_throttle);
  EXPECT_TRUE(s.is_partial);
}

TEST(TraceSummaryTest, HttpAndEntryPointComeFromTheRootSegment) {
  TraceSummary s = summarize(pattern_trace(1, true));
  EXPECT_EQ(s.http.method, "POST");
  EXPECT_EQ(s.http.url, "https://abc123.execute-api.us-east-1.amazonaws.com/prod/hello");
  EXPECT_EQ(s.http.status, 200);
  EXPECT_EQ(s.http.user_agent, "curl/8.5.0");
  EXPECT_EQ(s.http.client_ip, "127.0.0.1");
  ASSERT_TRUE(s.entry_point);
  EXPECT_EQ(*s.entry_point, sid("xrayTracerAPI/prod", "AWS::ApiGateway::Stage"));
}

TEST(TraceSummaryTest, StageIsPreferredOverAnEarlierRoot) {
  Trace t = pattern_trace(1, false);
  // A segment whose parent never arrived is a root too, and it started first.
  t.segments.push_back(make_segment(t.id, "orphan", make_id(1, 50), "AWS::Lambda", make_id(9, 9), -1.0, -0.5));
  TraceIndex index{t};
  EXPECT_TRUE(index.is_root(t.segments.back()));
  EXPECT_FALSE(index.is_root(t.segments[1])) << "the topic's parent is the stage's SNS subsegment";
  ASSERT_NE(index.entry(), nullptr);
  EXPECT_EQ(index.entry()->name, "xrayTracerAPI/prod");

  t.segments[0].origin = "AWS::EC2::Instance";
  EXPECT_EQ(TraceIndex{t}.entry()->name, "orphan") << "without a stage the earliest root wins";
}

TEST(TraceSummaryTest, ServiceIdsListRealAndInferredServicesButNoClient) {
  TraceSummary s = summarize(pattern_trace(1, true));
  std::vector<ServiceId> expected = {
      sid("xrayTracerAPI/prod", "AWS::ApiGateway::Stage"),
      sid("hits", "AWS::DynamoDB::Table"),
      sid("dynamo", "AWS::Lambda"),
      sid("http", "AWS::Lambda"),
      sid("dynamo", "AWS::Lambda::Function", "000000000000"),
      sid("http", "AWS::Lambda::Function"),
      sid("xray-tracer-topic", "AWS::SNS::Topic"),
  };
  EXPECT_EQ(s.service_ids, expected) << "the SNS call is answered by the topic: no inferred AWS::SNS node";
}

TEST(TraceSummaryTest, AnnotationsUsersAndResourceArnsAreCollected) {
  Trace t = pattern_trace(1, false);
  t.segments[5].annotations["path"] = std::string{"/hello"};
  t.segments[5].annotations["attempt"] = 2.0;
  t.segments[3].extra["user"] = "alice";
  TraceSummary s = summarize(t);

  ASSERT_EQ(s.annotations.count("path"), 1u);
  const auto& path = s.annotations.at("path");
  ASSERT_EQ(path.size(), 1u) << "one distinct value";
  EXPECT_EQ(std::get<std::string>(path[0].value), "/hello");
  std::vector<ServiceId> carriers = {sid("dynamo", "AWS::Lambda::Function", "000000000000"),
                                     sid("http", "AWS::Lambda::Function")};
  EXPECT_EQ(path[0].service_ids, carriers) << "the dynamo annotation sits on a nested subsegment";
  EXPECT_EQ(std::get<double>(s.annotations.at("attempt").at(0).value), 2.0);

  ASSERT_EQ(s.users.size(), 1u);
  EXPECT_EQ(s.users[0].user_name, "alice");
  EXPECT_EQ(s.users[0].service_ids, std::vector<ServiceId>{carriers[0]});

  EXPECT_EQ(s.resource_arns, (std::vector<std::string>{testing::kStageArn, testing::kTopicArn}));
}

TEST(TraceSummaryTest, FaultRootCauseIsTheDeepestFaultyEntityWithItsException) {
  TraceSummary s = summarize(pattern_trace(1, true));
  ASSERT_EQ(s.fault_root_causes.size(), 1u);
  const RootCause& cause = s.fault_root_causes[0];
  EXPECT_FALSE(cause.client_impacting) << "API Gateway answered before the function failed";
  ASSERT_EQ(cause.services.size(), 1u);
  const RootCauseService& svc = cause.services[0];
  EXPECT_EQ(svc.service, sid("http", "AWS::Lambda::Function"));
  EXPECT_FALSE(svc.inferred);
  ASSERT_EQ(svc.entity_path.size(), 2u);
  EXPECT_EQ(svc.entity_path[0].name, "http");
  EXPECT_EQ(svc.entity_path[1].name, "Invocation");
  ASSERT_EQ(svc.entity_path[1].exceptions.size(), 1u);
  EXPECT_EQ(svc.entity_path[1].exceptions[0], (RootCauseException{"Error", "SSL Cert Exception"}));
  EXPECT_TRUE(s.error_root_causes.empty());
}

TEST(TraceSummaryTest, FaultInAnUnansweredCallBlamesTheInferredService) {
  Trace t = pattern_trace(1, false);
  Segment& fn = t.segments[3];
  Segment& update = fn.subsegments.front().subsegments.front().subsegments.front();
  ASSERT_EQ(update.name, "DynamoDB");
  update.fault = true;
  update.cause = {{"exceptions", {{{"type", "ResourceNotFoundException"}, {"message", "no table"}}}}};
  fn.fault = true;  // propagated up, as SDKs do

  TraceSummary s = summarize(t);
  ASSERT_EQ(s.fault_root_causes.size(), 1u);
  const RootCauseService& svc = s.fault_root_causes[0].services.at(0);
  EXPECT_EQ(svc.service, sid("hits", "AWS::DynamoDB::Table"));
  EXPECT_TRUE(svc.inferred);
  ASSERT_EQ(svc.entity_path.size(), 1u);
  EXPECT_TRUE(svc.entity_path[0].remote);
  EXPECT_EQ(svc.entity_path[0].exceptions.at(0).name, "ResourceNotFoundException");
}

TEST(TraceSummaryTest, ErrorRootCauseFollowsCalledSegmentsAndIsClientImpactingAtTheRoot) {
  Trace t = pattern_trace(1, false);
  t.segments[0].error = true;                    // stage answered 4xx
  t.segments[0].subsegments.front().error = true;  // because the SNS call failed
  t.segments[1].throttle = true;                 // because the topic throttled
  TraceSummary s = summarize(t);
  ASSERT_EQ(s.error_root_causes.size(), 1u);
  EXPECT_TRUE(s.error_root_causes[0].client_impacting);
  EXPECT_EQ(s.error_root_causes[0].services.at(0).service, sid("xray-tracer-topic", "AWS::SNS::Topic"))
      << "the stage and its SNS subsegment are explained by the topic segment they called";
}

TEST(TraceSummaryTest, ResponseTimeRootCauseIsWhereTheClientsWaitWent) {
  // The stage (50 ms) waited on its SNS call (30 ms); the topic segment ended after the call and
  // the subscribers after the stage answered, so neither made the client wait.
  TraceSummary s = summarize(pattern_trace(1, false));
  ASSERT_EQ(s.response_time_root_causes.size(), 1u);
  const auto& cause = s.response_time_root_causes[0];
  EXPECT_TRUE(cause.client_impacting);
  ASSERT_EQ(cause.services.size(), 1u);
  EXPECT_EQ(cause.services[0].service, sid("xrayTracerAPI/prod", "AWS::ApiGateway::Stage"));
  EXPECT_FALSE(cause.services[0].inferred);
  ASSERT_EQ(cause.services[0].entity_path.size(), 2u);
  EXPECT_EQ(cause.services[0].entity_path[0].name, "xrayTracerAPI/prod");
  EXPECT_NEAR(cause.services[0].entity_path[0].coverage, 1.0, 1e-6);
  EXPECT_EQ(cause.services[0].entity_path[1].name, "SNS");
  EXPECT_NEAR(cause.services[0].entity_path[1].coverage, 0.6, 1e-6);
}

TEST(TraceSummaryTest, InProgressRootHasNoResponseTimeYet) {
  Trace t = pattern_trace(1, false);
  t.segments[0].in_progress = true;
  t.segments[0].end_time = 0;
  TraceSummary s = summarize(t);
  EXPECT_TRUE(s.is_partial);
  EXPECT_FALSE(s.response_time);
  EXPECT_TRUE(s.response_time_root_causes.empty());
  EXPECT_NEAR(s.duration, 0.300, 1e-6) << "an open segment does not stretch or shrink the trace";
}

TEST(TraceSummaryTest, EmptyTraceSummarizesToNothing) {
  TraceSummary s = summarize(Trace{"1-6553f100-000000000000000000000001", {}});
  EXPECT_EQ(s.duration, 0);
  EXPECT_FALSE(s.entry_point);
  EXPECT_TRUE(s.service_ids.empty());
  EXPECT_TRUE(s.fault_root_causes.empty());
}

TEST(InferredServiceTest, NamesFollowTheCallsAwsAndHttpFields) {
  EXPECT_EQ(inferred_service_id(call("aws", "DynamoDB", {{"table_name", "hits"}})), sid("hits", "AWS::DynamoDB::Table"));
  EXPECT_EQ(inferred_service_id(call("aws", "SQS", {{"queue_url", "http://localhost:4566/000000000000/xray-queue"}})),
            sid("xray-queue", "AWS::SQS::Queue"));
  EXPECT_EQ(inferred_service_id(call("aws", "SNS", {{"topic_arn", "arn:aws:sns:us-east-1:000000000000:second"}})),
            sid("second", "AWS::SNS"));
  EXPECT_EQ(inferred_service_id(call("aws", "SNS", {{"operation", "ListTopics"}})), sid("SNS", "AWS::SNS"));
  EXPECT_EQ(inferred_service_id(call("aws", "S3", {{"operation", "GetObject"}})), sid("S3", "AWS::S3"));
  EXPECT_EQ(inferred_service_id(call("remote", "external HTTP Request", nullptr,
                                     {{"request", {{"url", "https://user@jsonplaceholder.typicode.com:443/todos/1"}}}})),
            sid("jsonplaceholder.typicode.com", "remote"));
  EXPECT_EQ(inferred_service_id(call("remote", "api.example.com", nullptr)), sid("api.example.com", "remote"));
}

TEST(TraceIndexTest, OnlyUnansweredOutermostCallsAreInferred) {
  Trace t = pattern_trace(1, false);
  // A remote call holding its own aws child: one call, one node.
  Segment& remote = add_child(t.segments[3], "api.example.com", make_id(1, 60), 0.15, 0.16);
  remote.namespace_ = "remote";
  Segment& inner = add_child(remote, "S3", make_id(1, 61), 0.151, 0.152);
  inner.namespace_ = "aws";
  // An SQS call answered through a subsegment nested in it counts as answered.
  Segment& send = add_child(t.segments[5], "SQS", make_id(1, 62), 0.2, 0.21);
  send.namespace_ = "aws";
  send.aws = {{"queue_url", "http://localhost/000000000000/q"}};
  add_child(send, "attempt", make_id(1, 63), 0.2, 0.205);
  t.segments.push_back(make_segment(t.id, "q", make_id(1, 64), "AWS::SQS::Queue", make_id(1, 63), 0.21, 0.5));

  TraceIndex index{t};
  std::vector<std::string> inferred;
  for (const auto& c : index.inferred_calls()) inferred.push_back(c.service.type + " " + c.service.name);
  EXPECT_EQ(inferred, (std::vector<std::string>{"AWS::DynamoDB::Table hits", "remote api.example.com"}));
  EXPECT_EQ(index.inferred_calls()[0].segment, &t.segments[3]);
}

TEST(TraceIndexTest, StandaloneSubsegmentIsNoServiceAndNoRoot) {
  Trace t = pattern_trace(1, false);
  Segment loose = make_segment(t.id, "late", make_id(1, 70), "", make_id(1, 99), 0.1, 0.2);
  loose.type = "subsegment";
  t.segments.push_back(loose);
  TraceIndex index{t};
  EXPECT_EQ(index.segments().size(), 6u);
  EXPECT_EQ(index.owner_of(make_id(1, 70)), nullptr);
}

TEST(InferredSegmentTest, DocumentIsDerivedFromTheCallAndStable) {
  Trace t = pattern_trace(1, false);
  TraceIndex index{t};
  ASSERT_EQ(index.inferred_calls().size(), 1u);
  Segment doc = inferred_segment(t.id, index.inferred_calls()[0]);
  EXPECT_EQ(doc.name, "hits");
  EXPECT_EQ(doc.origin, "AWS::DynamoDB::Table");
  EXPECT_TRUE(doc.inferred);
  EXPECT_EQ(doc.parent_id, make_id(1, 10));
  EXPECT_EQ(doc.trace_id, t.id);
  EXPECT_EQ(doc.aws.at("table_name"), "hits");
  EXPECT_DOUBLE_EQ(doc.start_time, kBase + 0.100);
  EXPECT_EQ(doc.id.size(), 16u);
  EXPECT_NE(doc.id, make_id(1, 10));
  EXPECT_EQ(doc.id, inferred_segment_id(make_id(1, 10)));
  EXPECT_NE(inferred_segment_id(make_id(1, 10)), inferred_segment_id(make_id(1, 11)));
  EXPECT_TRUE(std::all_of(doc.id.begin(), doc.id.end(), [](char c) { return std::isxdigit(c) && !std::isupper(c); }));
}

}  // namespace
}  // namespace localray::tracing
