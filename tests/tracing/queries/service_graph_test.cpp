#include "tracing/service_graph.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/tracing/queries/pattern_trace.hpp"

namespace localray::tracing {
namespace {

using testing::add_child;
using testing::kBase;
using testing::make_id;
using testing::make_segment;
using testing::pattern_trace;

std::string label(const ServiceNode& n) { return n.type + ":" + n.name; }

const ServiceNode& node(const ServiceGraph& g, const std::string& type, const std::string& name) {
  auto it = std::find_if(g.services.begin(), g.services.end(),
                         [&](const ServiceNode& n) { return n.type == type && n.name == name; });
  if (it == g.services.end()) throw std::runtime_error("no node " + type + ":" + name);
  return *it;
}

const Edge& edge(const ServiceGraph& g, const ServiceNode& from, const ServiceNode& to, const std::string& type = "") {
  for (const auto& e : from.edges)
    if (e.reference_id == to.reference_id && e.edge_type == type) return e;
  throw std::runtime_error("no edge " + label(from) + " -> " + label(to));
}

// "source -> target" for every edge, source nodes in reference order; link edges are marked.
std::vector<std::string> edges(const ServiceGraph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.services)
    for (const auto& e : n.edges)
      out.push_back(label(n) + " -> " + label(g.services.at(e.reference_id)) + (e.edge_type.empty() ? "" : " [" + e.edge_type + "]"));
  return out;
}

TEST(ServiceGraphTest, NodesAreNumberedByTypeThenName) {
  ServiceGraph g = build_service_graph({pattern_trace(1, true)});
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < g.services.size(); ++i) {
    EXPECT_EQ(g.services[i].reference_id, static_cast<int>(i));
    labels.push_back(label(g.services[i]));
  }
  EXPECT_EQ(labels, (std::vector<std::string>{
                        "AWS::ApiGateway::Stage:xrayTracerAPI/prod",
                        "AWS::DynamoDB::Table:hits",
                        "AWS::Lambda:dynamo",
                        "AWS::Lambda:http",
                        "AWS::Lambda::Function:dynamo",
                        "AWS::Lambda::Function:http",
                        "AWS::SNS::Topic:xray-tracer-topic",
                        "client:xrayTracerAPI/prod",
                    }));
}

TEST(ServiceGraphTest, EdgesFollowParentIdsAndUnansweredCalls) {
  ServiceGraph g = build_service_graph({pattern_trace(1, true)});
  EXPECT_EQ(edges(g), (std::vector<std::string>{
                          "AWS::ApiGateway::Stage:xrayTracerAPI/prod -> AWS::SNS::Topic:xray-tracer-topic",
                          "AWS::Lambda:dynamo -> AWS::Lambda::Function:dynamo",
                          "AWS::Lambda:http -> AWS::Lambda::Function:http",
                          "AWS::Lambda::Function:dynamo -> AWS::DynamoDB::Table:hits",
                          "AWS::SNS::Topic:xray-tracer-topic -> AWS::Lambda:dynamo",
                          "AWS::SNS::Topic:xray-tracer-topic -> AWS::Lambda:http",
                          "client:xrayTracerAPI/prod -> AWS::ApiGateway::Stage:xrayTracerAPI/prod",
                      }));
}

TEST(ServiceGraphTest, RootGetsAClientNodeAndInferredNodesAreUnknown) {
  ServiceGraph g = build_service_graph({pattern_trace(1, true)});
  for (const auto& n : g.services) EXPECT_EQ(n.root, n.type == "AWS::ApiGateway::Stage") << label(n);
  const ServiceNode& client = node(g, "client", "xrayTracerAPI/prod");
  EXPECT_EQ(client.state, "unknown");
  EXPECT_EQ(client.summary.total_count, 0) << "the client records nothing; its edge carries the counts";
  EXPECT_TRUE(client.response_time_histogram.empty());
  EXPECT_EQ(node(g, "AWS::DynamoDB::Table", "hits").state, "unknown");
  EXPECT_EQ(node(g, "AWS::ApiGateway::Stage", "xrayTracerAPI/prod").state, "active");
  EXPECT_EQ(node(g, "AWS::Lambda::Function", "dynamo").account_id, "000000000000");
  EXPECT_EQ(node(g, "AWS::Lambda::Function", "dynamo").names, std::vector<std::string>{"dynamo"});
}

TEST(ServiceGraphTest, StatisticsAndHistogramsAddUpOverTraces) {
  ServiceGraph g = build_service_graph({pattern_trace(1, true), pattern_trace(2, false)});
  EXPECT_EQ(g.services.size(), 8u) << "the same services in both traces";

  const ServiceNode& fn = node(g, "AWS::Lambda::Function", "http");
  EXPECT_EQ(fn.summary.total_count, 2);
  EXPECT_EQ(fn.summary.ok_count, 1);
  EXPECT_EQ(fn.summary.fault.total_count, 1);
  EXPECT_EQ(fn.summary.fault.other_count, 1);
  EXPECT_EQ(fn.summary.error.total_count, 0);
  EXPECT_NEAR(fn.summary.total_response_time, 0.460, 1e-6);
  EXPECT_EQ(fn.response_time_histogram, (std::vector<HistogramEntry>{{0.230, 2}}));
  EXPECT_EQ(fn.duration_histogram, fn.response_time_histogram);

  const Edge& to_fn = edge(g, node(g, "AWS::Lambda", "http"), fn);
  EXPECT_EQ(to_fn.summary.fault.total_count, 1) << "edge counts come from the called segment";
  EXPECT_EQ(to_fn.summary.total_count, 2);
  EXPECT_EQ(to_fn.response_time_histogram, (std::vector<HistogramEntry>{{0.230, 2}}));

  const ServiceNode& service = node(g, "AWS::Lambda", "http");
  EXPECT_EQ(service.summary.ok_count, 2) << "the service segment did not fail";

  const Edge& from_client = edge(g, node(g, "client", "xrayTracerAPI/prod"), node(g, "AWS::ApiGateway::Stage", "xrayTracerAPI/prod"));
  EXPECT_EQ(from_client.summary.ok_count, 2);
  EXPECT_EQ(from_client.response_time_histogram, (std::vector<HistogramEntry>{{0.050, 2}}));
}

TEST(ServiceGraphTest, InferredNodeStatisticsEqualItsEdgeAndCountThrottleAsError) {
  Trace throttled = pattern_trace(3, false);
  Segment& update = throttled.segments[3].subsegments.front().subsegments.front().subsegments.front();
  update.error = true;
  update.throttle = true;
  ServiceGraph g = build_service_graph({pattern_trace(1, false), throttled});

  const ServiceNode& hits = node(g, "AWS::DynamoDB::Table", "hits");
  EXPECT_EQ(hits.summary.total_count, 2);
  EXPECT_EQ(hits.summary.ok_count, 1);
  EXPECT_EQ(hits.summary.error.throttle_count, 1);
  EXPECT_EQ(hits.summary.error.other_count, 0);
  EXPECT_EQ(hits.summary.error.total_count, 1);
  EXPECT_EQ(hits.response_time_histogram, (std::vector<HistogramEntry>{{0.030, 2}}));

  const Edge& e = edge(g, node(g, "AWS::Lambda::Function", "dynamo"), hits);
  EXPECT_EQ(e.summary.error.throttle_count, hits.summary.error.throttle_count);
  EXPECT_EQ(e.summary.ok_count, hits.summary.ok_count);
  EXPECT_DOUBLE_EQ(e.summary.total_response_time, hits.summary.total_response_time);
  EXPECT_EQ(e.response_time_histogram, hits.response_time_histogram);
}

TEST(ServiceGraphTest, TimesSpanTheSegmentsOfEachNodeEdgeAndGraph) {
  ServiceGraph g = build_service_graph({pattern_trace(1, false)});
  EXPECT_DOUBLE_EQ(g.start, kBase);
  EXPECT_DOUBLE_EQ(g.end, kBase + 0.300);
  const ServiceNode& fn = node(g, "AWS::Lambda::Function", "dynamo");
  EXPECT_DOUBLE_EQ(fn.start_time, kBase + 0.060);
  EXPECT_DOUBLE_EQ(fn.end_time, kBase + 0.190);
  const Edge& e = edge(g, fn, node(g, "AWS::DynamoDB::Table", "hits"));
  EXPECT_DOUBLE_EQ(e.start_time, kBase + 0.100);
  EXPECT_DOUBLE_EQ(e.end_time, kBase + 0.130);
  const ServiceNode& client = node(g, "client", "xrayTracerAPI/prod");
  EXPECT_DOUBLE_EQ(client.start_time, kBase);
  EXPECT_DOUBLE_EQ(client.end_time, kBase + 0.050);
}

TEST(ServiceGraphTest, InProgressSegmentMakesANodeButIsNotCounted) {
  Trace t = pattern_trace(1, false);
  t.segments[5].in_progress = true;
  ServiceGraph g = build_service_graph({t});
  const ServiceNode& fn = node(g, "AWS::Lambda::Function", "http");
  EXPECT_EQ(fn.summary.total_count, 0);
  EXPECT_TRUE(fn.response_time_histogram.empty());
  EXPECT_EQ(edge(g, node(g, "AWS::Lambda", "http"), fn).summary.total_count, 0);
}

// The AWS form of SQS -> Lambda: the consumer starts a trace of its own and links to the
// producer's SendMessage call.
TEST(ServiceGraphTest, LinkedConsumerGetsALinkEdgeFromTheInferredQueue) {
  Trace producer = pattern_trace(1, false);
  Segment& send = add_child(producer.segments[3], "SQS", make_id(1, 40), 0.15, 0.16);
  send.namespace_ = "aws";
  send.aws = {{"operation", "SendMessage"}, {"queue_url", "http://localhost:4566/000000000000/xray-queue"}};

  Trace consumer;
  consumer.id = testing::make_trace_id(2);
  Segment lambda = make_segment(consumer.id, "sqs_subscribe", make_id(2, 1), "AWS::Lambda", "", 1.0, 1.2);
  lambda.links = nlohmann::json::array({{{"trace_id", producer.id},
                                         {"id", make_id(1, 40)},
                                         {"attributes", {{"aws.xray.reserved.reference_type", "parent"}}}}});
  consumer.segments.push_back(lambda);

  ServiceGraph g = build_service_graph({producer, consumer});
  const ServiceNode& queue = node(g, "AWS::SQS::Queue", "xray-queue");
  const ServiceNode& subscriber = node(g, "AWS::Lambda", "sqs_subscribe");
  const Edge& link = edge(g, queue, subscriber, "link");
  EXPECT_EQ(link.summary.total_count, 1);
  EXPECT_TRUE(subscriber.root) << "no parent_id: still a root of its own trace";
  EXPECT_NO_THROW(edge(g, node(g, "AWS::Lambda::Function", "dynamo"), queue));

  // Without the producer trace the link leads nowhere.
  ServiceGraph alone = build_service_graph({consumer});
  EXPECT_EQ(edges(alone), std::vector<std::string>{"client:sqs_subscribe -> AWS::Lambda:sqs_subscribe"});
}

// localray's form: the consumer hangs off the queue segment by parent_id and keeps the links.
TEST(ServiceGraphTest, ParentIdWinsOverLinks) {
  Trace t = pattern_trace(1, false);
  Segment& send = add_child(t.segments[3], "SQS", make_id(1, 40), 0.15, 0.16);
  send.namespace_ = "aws";
  send.aws = {{"queue_url", "http://localhost:4566/000000000000/xray-queue"}};
  t.segments.push_back(make_segment(t.id, "xray-queue", make_id(1, 41), "AWS::SQS::Queue", make_id(1, 40), 0.16, 1.0));
  Segment lambda = make_segment(t.id, "sqs_subscribe", make_id(1, 42), "AWS::Lambda", make_id(1, 41), 1.0, 1.2);
  lambda.links = nlohmann::json::array(
      {{{"trace_id", t.id}, {"id", make_id(1, 40)}, {"attributes", {{"aws.xray.reserved.reference_type", "parent"}}}}});
  t.segments.push_back(lambda);

  ServiceGraph g = build_service_graph({t});
  const ServiceNode& queue = node(g, "AWS::SQS::Queue", "xray-queue");
  EXPECT_EQ(queue.state, "active") << "the queue records a segment: a real node";
  const ServiceNode& subscriber = node(g, "AWS::Lambda", "sqs_subscribe");
  EXPECT_FALSE(subscriber.root);
  ASSERT_EQ(queue.edges.size(), 1u);
  EXPECT_EQ(queue.edges[0].reference_id, subscriber.reference_id);
  EXPECT_EQ(queue.edges[0].edge_type, "");
  EXPECT_NO_THROW(edge(g, node(g, "AWS::Lambda::Function", "dynamo"), queue));
}

TEST(ServiceGraphTest, SegmentOrderDoesNotChangeTheGraph) {
  Trace t = pattern_trace(1, true);
  Trace reversed = t;
  std::reverse(reversed.segments.begin(), reversed.segments.end());
  ServiceGraph a = build_service_graph({t});
  ServiceGraph b = build_service_graph({reversed});
  EXPECT_EQ(edges(a), edges(b));
  ASSERT_EQ(a.services.size(), b.services.size());
  for (std::size_t i = 0; i < a.services.size(); ++i) {
    EXPECT_EQ(label(a.services[i]), label(b.services[i]));
    EXPECT_EQ(a.services[i].summary.fault.total_count, b.services[i].summary.fault.total_count);
    EXPECT_EQ(a.services[i].response_time_histogram, b.services[i].response_time_histogram);
  }
}

TEST(ServiceGraphTest, CallsWithinOneServiceDrawNoSelfEdge) {
  Trace t;
  t.id = testing::make_trace_id(5);
  Segment outer = make_segment(t.id, "svc", make_id(5, 1), "AWS::EC2::Instance", "", 0, 1);
  add_child(outer, "work", make_id(5, 2), 0.1, 0.9);
  t.segments.push_back(outer);
  t.segments.push_back(make_segment(t.id, "svc", make_id(5, 3), "AWS::EC2::Instance", make_id(5, 2), 0.2, 0.8));
  ServiceGraph g = build_service_graph({t});
  EXPECT_EQ(edges(g), std::vector<std::string>{"client:svc -> AWS::EC2::Instance:svc"});
  EXPECT_EQ(node(g, "AWS::EC2::Instance", "svc").summary.total_count, 2);
}

TEST(ServiceGraphTest, NoTracesGiveAnEmptyGraph) {
  ServiceGraph g = build_trace_graph({});
  EXPECT_TRUE(g.services.empty());
  EXPECT_EQ(g.start, 0);
  EXPECT_EQ(g.end, 0);
}

TEST(HistogramTest, EqualRoundedValuesShareABucketSortedByValue) {
  EXPECT_EQ(make_histogram({0.2, 0.1, 0.1004, 0.3, 0.0996}),
            (std::vector<HistogramEntry>{{0.1, 3}, {0.2, 1}, {0.3, 1}}));
  EXPECT_TRUE(make_histogram({}).empty());
}

}  // namespace
}  // namespace localray::tracing
