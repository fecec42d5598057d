#include "services/xray/protocol/query_json.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/tracing/queries/pattern_trace.hpp"
#include "tracing/segment_json.hpp"

namespace localray::xray::protocol {
namespace {

using nlohmann::json;
using tracing::testing::kBase;
using tracing::testing::make_id;
using tracing::testing::pattern_trace;

// Member names of the botocore xray 2016-04-12 shapes we emit.
const std::set<std::string> kTraceSummary = {
    "Id", "StartTime", "Duration", "ResponseTime", "HasFault", "HasError", "HasThrottle", "IsPartial", "Http",
    "Annotations", "Users", "ServiceIds", "ResourceARNs", "InstanceIds", "AvailabilityZones", "EntryPoint",
    "FaultRootCauses", "ErrorRootCauses", "ResponseTimeRootCauses", "Revision", "MatchedEventTime"};
const std::set<std::string> kHttp = {"HttpURL", "HttpStatus", "HttpMethod", "UserAgent", "ClientIp"};
const std::set<std::string> kServiceId = {"Name", "Names", "AccountId", "Type"};
const std::set<std::string> kRootCause = {"Services", "ClientImpacting"};
const std::set<std::string> kRootCauseService = {"Name", "Names", "Type", "AccountId", "EntityPath", "Inferred"};
const std::set<std::string> kRootCauseEntity = {"Name", "Exceptions", "Remote"};
const std::set<std::string> kRootCauseException = {"Name", "Message"};
const std::set<std::string> kResponseTimeRootCauseEntity = {"Name", "Coverage", "Remote"};
const std::set<std::string> kService = {"ReferenceId", "Name", "Names", "Root", "AccountId", "Type", "State",
                                        "StartTime", "EndTime", "Edges", "SummaryStatistics", "DurationHistogram",
                                        "ResponseTimeHistogram"};
const std::set<std::string> kEdge = {"ReferenceId", "StartTime", "EndTime", "SummaryStatistics", "ResponseTimeHistogram",
                                     "Aliases", "EdgeType", "ReceivedEventAgeHistogram"};
const std::set<std::string> kStatistics = {"OkCount", "ErrorStatistics", "FaultStatistics", "TotalCount", "TotalResponseTime"};
const std::set<std::string> kErrorStatistics = {"ThrottleCount", "OtherCount", "TotalCount"};
const std::set<std::string> kFaultStatistics = {"OtherCount", "TotalCount"};
const std::set<std::string> kHistogramEntry = {"Value", "Count"};
const std::set<std::string> kGraphResult = {"StartTime", "EndTime", "Services", "ContainsOldGroupVersions", "NextToken"};
const std::set<std::string> kTrace = {"Id", "Duration", "LimitExceeded", "Segments"};
const std::set<std::string> kSegment = {"Id", "Document"};

void expect_members_of(const json& j, const std::set<std::string>& allowed, const std::string& shape) {
  ASSERT_TRUE(j.is_object()) << shape;
  for (const auto& [key, value] : j.items()) EXPECT_TRUE(allowed.contains(key)) << shape << " has no member " << key;
}

void expect_statistics(const json& s) {
  expect_members_of(s, kStatistics, "Statistics");
  expect_members_of(s.at("ErrorStatistics"), kErrorStatistics, "ErrorStatistics");
  expect_members_of(s.at("FaultStatistics"), kFaultStatistics, "FaultStatistics");
}

void expect_histogram(const json& h) {
  ASSERT_TRUE(h.is_array());
  for (const auto& e : h) expect_members_of(e, kHistogramEntry, "HistogramEntry");
}

json summary_json() {
  tracing::Trace t = pattern_trace(1, true);
  t.segments[3].extra["user"] = "alice";
  return to_json(tracing::summarize(t));
}

json graph_json() { return to_json(tracing::build_service_graph({pattern_trace(1, true), pattern_trace(2, false)})); }

TEST(TraceSummaryJsonTest, UsesOnlyBotocoreMemberNames) {
  json j = summary_json();
  expect_members_of(j, kTraceSummary, "TraceSummary");
  expect_members_of(j.at("Http"), kHttp, "Http");
  expect_members_of(j.at("EntryPoint"), kServiceId, "ServiceId");
  for (const auto& id : j.at("ServiceIds")) expect_members_of(id, kServiceId, "ServiceId");
  for (const auto& u : j.at("Users")) expect_members_of(u, {"UserName", "ServiceIds"}, "TraceUser");
  for (const auto& a : j.at("ResourceARNs")) expect_members_of(a, {"ARN"}, "ResourceARNDetail");
  for (const auto& [key, values] : j.at("Annotations").items())
    for (const auto& v : values) expect_members_of(v, {"AnnotationValue", "ServiceIds"}, "ValueWithServiceIds");
  ASSERT_EQ(j.at("FaultRootCauses").size(), 1u);
  for (const auto& c : j.at("FaultRootCauses")) {
    expect_members_of(c, kRootCause, "FaultRootCause");
    for (const auto& s : c.at("Services")) {
      expect_members_of(s, kRootCauseService, "FaultRootCauseService");
      for (const auto& e : s.at("EntityPath")) {
        expect_members_of(e, kRootCauseEntity, "FaultRootCauseEntity");
        for (const auto& x : e.at("Exceptions")) expect_members_of(x, kRootCauseException, "RootCauseException");
      }
    }
  }
}

TEST(TraceSummaryJsonTest, CarriesTheSummaryValues) {
  json j = summary_json();
  EXPECT_EQ(j.at("Id"), tracing::testing::make_trace_id(1));
  EXPECT_TRUE(j.at("StartTime").is_number_float()) << "epoch seconds as a number";
  EXPECT_DOUBLE_EQ(j.at("StartTime").get<double>(), kBase);
  EXPECT_NEAR(j.at("Duration").get<double>(), 0.3, 1e-6);
  EXPECT_NEAR(j.at("ResponseTime").get<double>(), 0.05, 1e-6);
  EXPECT_EQ(j.at("HasFault"), true);
  EXPECT_EQ(j.at("HasError"), false);
  EXPECT_EQ(j.at("IsPartial"), false);
  EXPECT_EQ(j.at("Http"), (json{{"HttpURL", "https://abc123.execute-api.us-east-1.amazonaws.com/prod/hello"},
                                {"HttpStatus", 200},
                                {"HttpMethod", "POST"},
                                {"UserAgent", "curl/8.5.0"},
                                {"ClientIp", "127.0.0.1"}}));
  EXPECT_EQ(j.at("EntryPoint"),
            (json{{"Name", "xrayTracerAPI/prod"}, {"Names", {"xrayTracerAPI/prod"}}, {"Type", "AWS::ApiGateway::Stage"}}));
  EXPECT_EQ(j.at("Annotations").at("path").at(0).at("AnnotationValue"), (json{{"StringValue", "/hello"}}));
  EXPECT_EQ(j.at("Annotations").at("path").at(0).at("ServiceIds").at(0).at("AccountId"), "000000000000");
  EXPECT_EQ(j.at("Users").at(0).at("UserName"), "alice");
  EXPECT_EQ(j.at("ResourceARNs").at(1).at("ARN"), tracing::testing::kTopicArn);
  EXPECT_EQ(j.at("ServiceIds").size(), 7u);

  const json& service = j.at("FaultRootCauses").at(0).at("Services").at(0);
  EXPECT_EQ(service.at("Name"), "http");
  EXPECT_EQ(service.at("Type"), "AWS::Lambda::Function");
  EXPECT_EQ(service.at("Inferred"), false);
  EXPECT_EQ(service.at("EntityPath").at(1),
            (json{{"Name", "Invocation"},
                  {"Exceptions", {{{"Name", "Error"}, {"Message", "SSL Cert Exception"}}}},
                  {"Remote", false}}));
  EXPECT_EQ(j.at("FaultRootCauses").at(0).at("ClientImpacting"), false);

  const json& waited = j.at("ResponseTimeRootCauses").at(0);
  for (const auto& [k, v] : waited.items()) EXPECT_TRUE(kRootCause.count(k)) << k;
  const json& culprit = waited.at("Services").at(0);
  for (const auto& [k, v] : culprit.items()) EXPECT_TRUE(kRootCauseService.count(k)) << k;
  EXPECT_EQ(culprit.at("Name"), "xrayTracerAPI/prod");
  for (const auto& e : culprit.at("EntityPath"))
    for (const auto& [k, v] : e.items()) EXPECT_TRUE(kResponseTimeRootCauseEntity.count(k)) << k;
  EXPECT_EQ(culprit.at("EntityPath").at(1).at("Name"), "SNS");
  EXPECT_NEAR(culprit.at("EntityPath").at(1).at("Coverage").get<double>(), 0.6, 1e-6);
}

TEST(TraceSummaryJsonTest, NumberAndBooleanAnnotationsUseTheirOwnMembers) {
  tracing::Trace t = pattern_trace(1, false);
  t.segments[0].annotations["n"] = 3.5;
  t.segments[0].annotations["ok"] = true;
  json j = to_json(tracing::summarize(t));
  EXPECT_EQ(j.at("Annotations").at("n").at(0).at("AnnotationValue"), (json{{"NumberValue", 3.5}}));
  EXPECT_EQ(j.at("Annotations").at("ok").at(0).at("AnnotationValue"), (json{{"BooleanValue", true}}));
}

TEST(TraceSummaryJsonTest, OpenRootLeavesResponseTimeOut) {
  tracing::Trace t = pattern_trace(1, false);
  t.segments[0].in_progress = true;
  json j = to_json(tracing::summarize(t));
  EXPECT_FALSE(j.contains("ResponseTime"));
  EXPECT_EQ(j.at("IsPartial"), true);
}

TEST(ServiceGraphJsonTest, UsesOnlyBotocoreMemberNames) {
  json j = graph_json();
  expect_members_of(j, kGraphResult, "GetServiceGraphResult");
  EXPECT_EQ(j.at("ContainsOldGroupVersions"), false);
  ASSERT_EQ(j.at("Services").size(), 8u);
  for (const auto& s : j.at("Services")) {
    expect_members_of(s, kService, "Service");
    expect_statistics(s.at("SummaryStatistics"));
    expect_histogram(s.at("DurationHistogram"));
    expect_histogram(s.at("ResponseTimeHistogram"));
    for (const auto& e : s.at("Edges")) {
      expect_members_of(e, kEdge, "Edge");
      expect_statistics(e.at("SummaryStatistics"));
      expect_histogram(e.at("ResponseTimeHistogram"));
    }
  }
}

TEST(ServiceGraphJsonTest, CarriesNodesEdgesAndStatistics) {
  json j = graph_json();
  EXPECT_DOUBLE_EQ(j.at("StartTime").get<double>(), kBase);
  const json& stage = j.at("Services").at(0);
  EXPECT_EQ(stage.at("Name"), "xrayTracerAPI/prod");
  EXPECT_EQ(stage.at("Root"), true);
  EXPECT_EQ(stage.at("State"), "active");
  EXPECT_FALSE(stage.contains("AccountId"));
  ASSERT_EQ(stage.at("Edges").size(), 1u);
  EXPECT_EQ(stage.at("Edges").at(0).at("ReferenceId"), 6) << "the topic";
  EXPECT_FALSE(stage.at("Edges").at(0).contains("EdgeType"));

  const json& fn = j.at("Services").at(5);
  EXPECT_EQ(fn.at("Name"), "http");
  EXPECT_EQ(fn.at("SummaryStatistics"), (json{{"OkCount", 1},
                                              {"ErrorStatistics", {{"ThrottleCount", 0}, {"OtherCount", 0}, {"TotalCount", 0}}},
                                              {"FaultStatistics", {{"OtherCount", 1}, {"TotalCount", 1}}},
                                              {"TotalCount", 2},
                                              {"TotalResponseTime", fn.at("SummaryStatistics").at("TotalResponseTime")}}));
  EXPECT_EQ(fn.at("ResponseTimeHistogram"), (json::array({{{"Value", 0.23}, {"Count", 2}}})));

  const json& client = j.at("Services").at(7);
  EXPECT_EQ(client.at("Type"), "client");
  EXPECT_EQ(client.at("State"), "unknown");
  EXPECT_EQ(client.at("Root"), false);
  EXPECT_EQ(j.at("Services").at(4).at("AccountId"), "000000000000");
}

TEST(ServiceGraphJsonTest, LinkEdgesAreTyped) {
  tracing::Trace producer = pattern_trace(1, false);
  tracing::Segment& send = tracing::testing::add_child(producer.segments[3], "SQS", make_id(1, 40), 0.15, 0.16);
  send.namespace_ = "aws";
  send.aws = {{"queue_url", "http://localhost:4566/000000000000/xray-queue"}};
  tracing::Trace consumer{tracing::testing::make_trace_id(2), {}};
  tracing::Segment lambda =
      tracing::testing::make_segment(consumer.id, "sqs_subscribe", make_id(2, 1), "AWS::Lambda", "", 1.0, 1.2);
  lambda.links = json::array(
      {{{"trace_id", producer.id}, {"id", make_id(1, 40)}, {"attributes", {{"aws.xray.reserved.reference_type", "parent"}}}}});
  consumer.segments.push_back(lambda);

  json j = to_json(tracing::build_service_graph({producer, consumer}));
  int links = 0;
  for (const auto& s : j.at("Services"))
    for (const auto& e : s.at("Edges"))
      if (e.contains("EdgeType")) {
        ++links;
        EXPECT_EQ(e.at("EdgeType"), "link");
        EXPECT_EQ(s.at("Type"), "AWS::SQS::Queue");
      }
  EXPECT_EQ(links, 1);
}

TEST(ServiceGraphJsonTest, SameTracesGiveByteIdenticalOutput) {
  std::string first = graph_json().dump();
  EXPECT_EQ(graph_json().dump(), first);
  tracing::Trace t = pattern_trace(1, true);
  EXPECT_EQ(to_json(tracing::summarize(t)).dump(), to_json(tracing::summarize(pattern_trace(1, true))).dump());
  EXPECT_EQ(trace_to_json(t).dump(), trace_to_json(pattern_trace(1, true)).dump());
}

TEST(BatchGetTracesJsonTest, EverySegmentPlusOneInferredDocumentPerUnansweredCall) {
  tracing::Trace t = pattern_trace(1, true);
  json j = trace_to_json(t);
  expect_members_of(j, kTrace, "Trace");
  EXPECT_EQ(j.at("Id"), t.id);
  EXPECT_NEAR(j.at("Duration").get<double>(), 0.3, 1e-6);
  EXPECT_EQ(j.at("LimitExceeded"), false);
  const json& segments = j.at("Segments");
  ASSERT_EQ(segments.size(), 7u) << "six recorded segments and the inferred hits table";

  for (std::size_t i = 0; i < t.segments.size(); ++i) {
    expect_members_of(segments[i], kSegment, "Segment");
    ASSERT_TRUE(segments[i].at("Document").is_string()) << "the document travels as a JSON string";
    EXPECT_EQ(segments[i].at("Id"), t.segments[i].id);
    EXPECT_EQ(json::parse(segments[i].at("Document").get<std::string>()), tracing::to_json(t.segments[i]));
  }

  const json& inferred = segments.back();
  auto doc = tracing::parse_segment_document(inferred.at("Document").get<std::string>());
  ASSERT_TRUE(doc) << "an inferred document is a valid segment document: " << doc.error().message;
  EXPECT_EQ(doc->id, inferred.at("Id"));
  EXPECT_EQ(doc->id, tracing::inferred_segment_id(make_id(1, 10)));
  EXPECT_TRUE(doc->inferred);
  EXPECT_EQ(doc->name, "hits");
  EXPECT_EQ(doc->origin, "AWS::DynamoDB::Table");
  EXPECT_EQ(doc->parent_id, make_id(1, 10)) << "parent = the DynamoDB call subsegment";
  EXPECT_EQ(doc->trace_id, t.id);
  EXPECT_DOUBLE_EQ(doc->end_time, kBase + 0.130);
  EXPECT_EQ(doc->aws.at("operation"), "UpdateItem");
}

}  // namespace
}  // namespace localray::xray::protocol
