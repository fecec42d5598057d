#include "tracing/filter/filter.hpp"

#include <gtest/gtest.h>

#include "tests/tracing/filter/pattern_fixture.hpp"

namespace localray::tracing::filter {
namespace {

using fixture::find_segment;
using fixture::pattern_trace;

// Parses (failing the test on a parse error) and evaluates against `trace`.
bool match(std::string_view text, const Trace& trace, const MatchContext& context = {}) {
  auto e = parse(text);
  if (!e) {
    ADD_FAILURE() << text << ": " << describe(e.error());
    return false;
  }
  return matches(*e, trace, context);
}

class PatternFilterTest : public ::testing::Test {
 protected:
  bool match(std::string_view text, const MatchContext& context = {}) const {
    return filter::match(text, trace_, context);
  }
  Trace trace_ = pattern_trace();
};

TEST_F(PatternFilterTest, PlainStatusKeywordsDescribeTheRootAsTheClientSawIt) {
  EXPECT_FALSE(match("fault")) << "API Gateway answered 200 although the http function failed";
  EXPECT_FALSE(match("error"));
  EXPECT_FALSE(match("throttle"));
  EXPECT_TRUE(match("ok"));
  EXPECT_TRUE(match("!fault"));
  EXPECT_TRUE(match("fault = false"));
  EXPECT_TRUE(match("http.status = 200 AND !partial"));
  EXPECT_FALSE(match("http.status != 200"));
}

TEST_F(PatternFilterTest, PlainHttpKeywordsReadTheRootRequest) {
  EXPECT_TRUE(match(R"(http.method = "GET")"));
  EXPECT_FALSE(match(R"(http.method = "get")")) << "values compare exactly";
  EXPECT_TRUE(match(R"(http.url ENDSWITH "/prod/hello")"));
  EXPECT_TRUE(match(R"(http.url BEGINSWITH "https://abc123.")"));
  EXPECT_TRUE(match(R"(http.url CONTAINS "execute-api")"));
  EXPECT_FALSE(match(R"(http.url CONTAINS "/dev/")"));
  EXPECT_TRUE(match(R"(http.useragent BEGINSWITH "curl/")"));
  EXPECT_TRUE(match(R"(http.clientip = "203.0.113.7")"));
  EXPECT_TRUE(match(R"(http.clientip != "198.51.100.1")"));
}

TEST_F(PatternFilterTest, DurationSpansEverySegmentAndResponseTimeIsTheRoots) {
  EXPECT_FALSE(match("duration > 100"));
  EXPECT_TRUE(match("duration > 0.29 AND duration < 0.31")) << "stage start to http service end";
  EXPECT_TRUE(match("responsetime > 0.04 AND responsetime < 0.06")) << "the stage alone";
  EXPECT_FALSE(match("responsetime > 0.1"));
}

TEST_F(PatternFilterTest, ServiceWithFilterFindsTheFailingFunctionBehindA200) {
  EXPECT_TRUE(match(R"(service("http") {fault})"));
  EXPECT_TRUE(match(R"(service("http") { fault = true })"));
  EXPECT_FALSE(match(R"(service("dynamo") { fault })"));
  EXPECT_FALSE(match(R"(service("xrayTracerAPI/prod") { fault })"));
  EXPECT_TRUE(match(R"(service() { fault })")) << "any service";
  EXPECT_TRUE(match(R"(fault OR service("http") { fault })"));
  EXPECT_FALSE(match(R"(!service("http") { fault })"));
}

TEST_F(PatternFilterTest, ServiceAloneMeansTheTraceTouchedIt) {
  EXPECT_TRUE(match(R"(service("http"))"));
  EXPECT_TRUE(match(R"(service("xrayTracerSecondTopic"))"));
  EXPECT_TRUE(match(R"(service("hits"))")) << "inferred from the unanswered UpdateItem";
  EXPECT_FALSE(match(R"(service("sqs"))"));
  EXPECT_TRUE(match("service()"));
}

TEST_F(PatternFilterTest, InferredNodesAreServicesWithTheCallsFields) {
  EXPECT_TRUE(match(R"(service("hits") { inferred AND type = "AWS::DynamoDB::Table" })"));
  EXPECT_TRUE(match(R"(service("hits") { ok AND responsetime < 0.05 })")) << "the call took 30 ms";
  EXPECT_FALSE(match(R"(service("hits") { root })"));
  EXPECT_FALSE(match(R"(service("http") { inferred })"));
  EXPECT_TRUE(match("inferred")) << "at the top level: the trace has an inferred node";
}

TEST_F(PatternFilterTest, IdSelectsServicesByNameTypeAndAccount) {
  EXPECT_TRUE(match(R"(service(id(name: "http", type: "AWS::Lambda::Function")) { fault = true })"));
  EXPECT_FALSE(match(R"(service(id(name: "http", type: "AWS::Lambda")) { fault })")) << "the service segment did not fail";
  EXPECT_TRUE(match(R"(service(id(name: "dynamo", account.id: "000000000000")))"));
  EXPECT_FALSE(match(R"(service(id(name: "dynamo", account.id: "111111111111")))"));
  EXPECT_TRUE(match(R"(service(id(type: "AWS::SNS::Topic")) { name = "xrayTracerSecondTopic" })"));
  EXPECT_FALSE(match(R"(service(id(type: "AWS::SQS::Queue")))"));
}

TEST_F(PatternFilterTest, ServiceFilterHoldsForOneSegmentAtATime) {
  EXPECT_FALSE(match(R"(service("http") { fault AND type = "AWS::Lambda" })")) << "only the function segment faulted";
  EXPECT_TRUE(match(R"(service("http") { fault AND type = "AWS::Lambda::Function" })"));
  EXPECT_TRUE(match(R"(service("http") { message = "SSL Cert Exception" })"));
  EXPECT_TRUE(match(R"(service("http") { responsetime > 0.2 })"));
  EXPECT_TRUE(match(R"(service("xrayTracerAPI/prod") { root AND http.status = 200 AND ok })"));
  EXPECT_FALSE(match(R"(service("xrayTracerTopic") { root })"));
  EXPECT_TRUE(match(R"(service("dynamo") { user = "alice" })"));
  EXPECT_TRUE(match(R"(service("xrayTracerTopic") { resource.arn ENDSWITH ":xrayTracerTopic" })"));
}

TEST_F(PatternFilterTest, EdgeIsACallFromOneNodeToAnother) {
  EXPECT_TRUE(match(R"(edge("xrayTracerTopic", "http"))"));
  EXPECT_FALSE(match(R"(edge("http", "xrayTracerTopic"))")) << "edges have a direction";
  EXPECT_TRUE(match(R"(edge("xrayTracerAPI/prod", "xrayTracerTopic"))"));
  EXPECT_FALSE(match(R"(edge("xrayTracerAPI/prod", "http"))")) << "not a direct call";
  EXPECT_TRUE(match(R"(edge("dynamo", "hits"))")) << "to the inferred table";
  EXPECT_TRUE(match(R"(edge("sns_publish", "xrayTracerSecondTopic"))"));
  EXPECT_TRUE(match(R"(edge("xrayTracerSecondTopic", "sns_subscribe"))"));
}

TEST_F(PatternFilterTest, EdgeFilterReadsTheCalledSegment) {
  EXPECT_TRUE(match(R"(edge(id(name: "http", type: "AWS::Lambda"), id(name: "http", type: "AWS::Lambda::Function")) { fault })"));
  EXPECT_FALSE(match(R"(edge("xrayTracerTopic", "http") { fault })")) << "the Lambda service segment did not fail";
  EXPECT_TRUE(match(R"(edge("dynamo", "hits") { responsetime < 0.05 AND inferred })"));
  EXPECT_FALSE(match(R"(edge("dynamo", "hits") { responsetime > 0.05 })"));
}

TEST_F(PatternFilterTest, AnnotationsMatchAnySubsegment) {
  EXPECT_TRUE(match(R"(annotation.path = "/prod/hello")"));
  EXPECT_TRUE(match(R"(annotation.path BEGINSWITH "/prod")"));
  EXPECT_TRUE(match(R"(annotation[path] ENDSWITH "hello")"));
  EXPECT_TRUE(match(R"(annotation.message_content CONTAINS "Simulated")"));
  EXPECT_FALSE(match(R"(annotation.path = "/prod/other")"));
  EXPECT_TRUE(match("annotation.path"));
  EXPECT_FALSE(match("annotation.missing"));
  EXPECT_TRUE(match("!annotation.missing"));
  EXPECT_FALSE(match("annotation.Path")) << "keys are case-sensitive";
}

TEST_F(PatternFilterTest, AnnotationComparisonsAreTyped) {
  EXPECT_TRUE(match("annotation.count = 3"));
  EXPECT_TRUE(match("annotation.count > 2 AND annotation.count <= 3"));
  EXPECT_FALSE(match(R"(annotation.count = "3")")) << "a number is not the string \"3\"";
  EXPECT_FALSE(match(R"(annotation.count != "3")")) << "nor different from it: they do not compare";
  EXPECT_TRUE(match("annotation.sampled = true"));
  EXPECT_FALSE(match("annotation.sampled != true"));
  EXPECT_TRUE(match(R"(annotation.path != "/prod/other")"));
  EXPECT_FALSE(match(R"(annotation.path != "/prod/hello")"));
  EXPECT_FALSE(match(R"(annotation.missing != "x")")) << "!= needs the annotation";
}

TEST_F(PatternFilterTest, UserAndResourceArnMatchAnySegment) {
  EXPECT_TRUE(match(R"(user = "alice")")) << "set on the dynamo function, not the root";
  EXPECT_FALSE(match(R"(user != "alice")"));
  EXPECT_TRUE(match(R"(user CONTAINS "")")) << "CONTAINS \"\" asks whether the field is present";
  EXPECT_TRUE(match(R"(resource.arn ENDSWITH ":xrayTracerSecondTopic")"));
  EXPECT_FALSE(match(R"(availabilityzone CONTAINS "")")) << "nothing ran on EC2";
  EXPECT_FALSE(match(R"(instance.id CONTAINS "")"));
}

TEST_F(PatternFilterTest, FaultRootCauseIsTheFailingFunction) {
  EXPECT_TRUE(match(R"(rootcause.fault.service { name = "http" })"));
  EXPECT_FALSE(match(R"(rootcause.fault.service { name = "dynamo" })"));
  EXPECT_TRUE(match(R"(rootcause.fault.service { type = "AWS::Lambda::Function" AND !inferred AND !remote })"));
  EXPECT_TRUE(match(R"(rootcause.fault.entity { name = "http" AND first AND index = 0 })"));
  EXPECT_TRUE(match(R"(rootcause.fault.entity { name = "Invocation" AND last AND index = 1 })"));
  EXPECT_FALSE(match(R"(rootcause.fault.entity { name = "Invocation" AND first })"));
  EXPECT_TRUE(match(R"(rootcause.fault.entity { message CONTAINS "SSL" })"));
  EXPECT_TRUE(match(R"(rootcause.fault.exception { message = "SSL Cert Exception" AND name = "Error" })"));
  EXPECT_FALSE(match(R"(rootcause.fault.exception { message = "Timeout" })"));
  EXPECT_TRUE(match("rootcause.fault.service"));
  EXPECT_FALSE(match("rootcause.error.service")) << "nothing failed with an error";
  EXPECT_FALSE(match("rootcause.error.exception"));
}

TEST_F(PatternFilterTest, ResponseTimeRootCauseFollowsWhatTheClientWaitedFor) {
  // The stage waited on its Publish call (0.010-0.040); the topic ended after the call returned.
  EXPECT_TRUE(match(R"(rootcause.responsetime.service { name = "xrayTracerAPI/prod" AND coverage = 1 })"));
  EXPECT_TRUE(match(R"(rootcause.responsetime.entity { name = "SNS" AND last AND remote AND coverage > 0.59 AND coverage < 0.61 })"));
  EXPECT_FALSE(match(R"(rootcause.responsetime.entity { name = "http" })")) << "subscribers ran after the answer";
  EXPECT_FALSE(match(R"(rootcause.responsetime.service { inferred })"));
}

TEST_F(PatternFilterTest, GroupKeywordsCompareWithTheQueryContext) {
  MatchContext errors{"errors", "arn:aws:xray:us-east-1:000000000000:group/errors/ABCDEF"};
  EXPECT_TRUE(match(R"(group.name = "errors")", errors));
  EXPECT_FALSE(match(R"(group.name = "slow")", errors));
  EXPECT_TRUE(match(R"(group.name != "slow")", errors));
  EXPECT_TRUE(match(R"(group.arn = "arn:aws:xray:us-east-1:000000000000:group/errors/ABCDEF")", errors));
  EXPECT_FALSE(match(R"(group.name = "errors")")) << "outside any group";
  EXPECT_FALSE(match(R"(group.name != "slow")")) << "outside any group";
}

TEST_F(PatternFilterTest, BooleanOperatorsCombine) {
  EXPECT_FALSE(match("(fault OR error) AND duration > 100"));
  EXPECT_TRUE(match(R"(ok !partial duration < 3 service("hits"))"));
  EXPECT_FALSE(match(R"(ok !partial duration < 3 service("sqs"))"));
  EXPECT_TRUE(match(R"(fault OR error OR annotation.path)"));
  EXPECT_FALSE(match("!(ok AND !partial)"));
}

TEST(FilterEvaluatorTest, PartialWhenAnySegmentIsStillInProgress) {
  Trace t = pattern_trace();
  EXPECT_FALSE(match("partial", t));
  find_segment(t, "sns_subscribe", "AWS::Lambda::Function").subsegments.back().in_progress = true;
  EXPECT_TRUE(match("partial", t)) << "a subsegment of a downstream function";
  EXPECT_TRUE(match(R"(service("sns_subscribe") { partial })", t));
  EXPECT_FALSE(match(R"(service("http") { partial })", t));
}

TEST(FilterEvaluatorTest, RootStatusDrivesPlainFaultErrorAndThrottle) {
  Trace failing = pattern_trace();
  Segment& stage = find_segment(failing, "xrayTracerAPI/prod", "AWS::ApiGateway::Stage");
  stage.http["response"]["status"] = 502;
  stage.fault = true;
  EXPECT_TRUE(match("fault", failing));
  EXPECT_FALSE(match("ok", failing));
  EXPECT_TRUE(match("http.status >= 500", failing));

  Trace throttled = pattern_trace();
  find_segment(throttled, "xrayTracerAPI/prod", "AWS::ApiGateway::Stage").http["response"]["status"] = 429;
  EXPECT_TRUE(match("throttle", throttled)) << "the status says so even without the flag";
  EXPECT_TRUE(match("error", throttled)) << "429 is a 4xx";
  EXPECT_FALSE(match("fault", throttled));
  EXPECT_FALSE(match("ok", throttled));
}

TEST(FilterEvaluatorTest, ErrorRootCauseFindsTheDeepestErroringEntity) {
  Trace t = pattern_trace();
  Segment& dynamo = find_segment(t, "dynamo", "AWS::Lambda::Function");
  Segment& update = dynamo.subsegments.front().subsegments.front().subsegments.front();
  ASSERT_EQ(update.name, "DynamoDB");
  update.error = true;
  update.throttle = true;
  EXPECT_TRUE(match(R"(rootcause.error.service { name = "hits" AND inferred })", t)) << "the table recorded nothing";
  EXPECT_TRUE(match(R"(service("hits") { throttle AND error })", t));
  EXPECT_TRUE(match(R"(edge("dynamo", "hits") { throttle })", t));
  EXPECT_FALSE(match("throttle", t)) << "the client saw a 200";
}

TEST(FilterEvaluatorTest, ResponseTimeRootCauseBlamesAnInferredServiceWhenNobodyAnswered) {
  Trace t;
  t.id = fixture::kTraceId;
  fixture::add_stage_and_topic(t);
  t.segments.pop_back();  // no topic segment: the Publish call goes unanswered
  EXPECT_TRUE(match(R"(rootcause.responsetime.service { name = "xrayTracerTopic" AND type = "AWS::SNS" AND inferred })", t));
  EXPECT_TRUE(match(R"(rootcause.responsetime.entity { name = "xrayTracerTopic" AND first AND last })", t));
  EXPECT_TRUE(match(R"(edge("xrayTracerAPI/prod", "xrayTracerTopic") { inferred })", t));
}

TEST(FilterEvaluatorTest, TraceWithoutInferredCallsIsNotInferred) {
  Trace t;
  t.id = fixture::kTraceId;
  fixture::add_stage_and_topic(t);
  EXPECT_FALSE(match("inferred", t));
  EXPECT_FALSE(match(R"(user CONTAINS "")", t)) << "no segment names a user";
}

TEST(FilterEvaluatorTest, InProgressRootHasNoResponseTime) {
  Trace t = pattern_trace();
  find_segment(t, "xrayTracerAPI/prod", "AWS::ApiGateway::Stage").in_progress = true;
  EXPECT_FALSE(match("responsetime >= 0", t));
  EXPECT_FALSE(match("responsetime < 0", t));
  EXPECT_FALSE(match("rootcause.responsetime.service", t));
  EXPECT_TRUE(match("partial", t));
}

TEST(FilterEvaluatorTest, EmptyTraceMatchesOnlyNegations) {
  Trace empty;
  EXPECT_FALSE(match("ok", empty));
  EXPECT_TRUE(match("!ok", empty));
  EXPECT_FALSE(match("service()", empty));
  EXPECT_FALSE(match("duration >= 0", empty));
  EXPECT_FALSE(match("rootcause.fault.service", empty));
}

TEST(FilterEvaluatorTest, OneParsedExpressionServesManyTraces) {
  auto e = parse(R"(service("http") { fault })");
  ASSERT_TRUE(e);
  Trace failing = pattern_trace();
  Trace healthy = pattern_trace();
  for (auto& s : healthy.segments) {
    s.fault = false;
    for (auto& sub : s.subsegments) sub.fault = false;
  }
  EXPECT_TRUE(matches(*e, failing));
  EXPECT_FALSE(matches(*e, healthy));
}

}  // namespace
}  // namespace localray::tracing::filter
