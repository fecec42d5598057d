// The default pattern end to end against the real binary: 30 requests in, everything checked
// through the public APIs (X-Ray, DynamoDB) only.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/localray_process.hpp"
#include "tests/support/pattern_graph.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr int kRequests = 30;
constexpr double kSslFailureRate = 0.4;
const std::vector<std::string> kPaths = {"/alpha", "/beta", "/gamma"};
const std::vector<std::string>& kFunctions = pattern_functions();

double now_seconds() { return static_cast<double>(std::time(nullptr)); }

// Every trace id in the window (follows NextToken).
std::vector<json> all_summaries(const LocalrayProcess& lr) {
  std::vector<json> out;
  json req = {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}};
  for (;;) {
    auto page = lr.xray("/TraceSummaries", req);
    for (auto& s : page.at("TraceSummaries")) out.push_back(s);
    if (!page.contains("NextToken")) break;
    req["NextToken"] = page["NextToken"];
  }
  return out;
}

std::vector<json> documents(const LocalrayProcess& lr, const std::vector<std::string>& ids) {
  std::vector<json> docs;
  for (std::size_t i = 0; i < ids.size(); i += 5) {
    std::vector<std::string> chunk(ids.begin() + i, ids.begin() + std::min(ids.size(), i + 5));
    auto r = lr.xray("/Traces", {{"TraceIds", chunk}});
    EXPECT_TRUE(r.at("UnprocessedTraceIds").empty());
    for (const auto& t : r.at("Traces"))
      for (const auto& s : t.at("Segments")) {
        auto d = json::parse(s.at("Document").get<std::string>());
        d["_trace"] = t.at("Id");
        docs.push_back(std::move(d));
      }
  }
  return docs;
}

class PatternTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lr_ = new LocalrayProcess({"--db", ":memory:", "--seed", "20261125", "--ssl-failure-rate", std::to_string(kSslFailureRate)});
    for (int i = 0; i < kRequests; ++i) {
      const auto& path = kPaths[i % kPaths.size()];
      auto r = lr_->post_json(lr_->invoke_path() + path, {{"status", i % 2 ? "ok" : "degraded"}});
      responses_.push_back(r);
    }
    // The fan-out is asynchronous (the queue delays its message by a second): wait until every
    // trace holds its SQS consumer, or give up after 30 s and let the assertions say what is missing.
    eventually([] {
      auto s = all_summaries(*lr_);
      if (s.size() < kRequests) return false;
      std::vector<std::string> ids;
      for (const auto& x : s) ids.push_back(x.at("Id"));
      int consumers = 0;
      for (const auto& d : documents(*lr_, ids)) consumers += d.value("origin", "") == "AWS::Lambda::Function" && d.at("name") == "sqs_subscribe";
      return consumers >= kRequests;
    }, 30s);
    // Failed http runs are retried after 1 s and 2 s: let the retries land too.
    std::this_thread::sleep_for(3500ms);
  }
  static void TearDownTestSuite() {
    delete lr_;
    lr_ = nullptr;
  }
  static LocalrayProcess* lr_;
  static std::vector<HttpResult> responses_;
};

LocalrayProcess* PatternTest::lr_ = nullptr;
std::vector<HttpResult> PatternTest::responses_;

TEST_F(PatternTest, ApiGatewayAnswersAtOnceWithTheSeedsBodyAndATraceHeader) {
  ASSERT_EQ(responses_.size(), static_cast<std::size_t>(kRequests));
  std::set<std::string> roots;
  for (const auto& r : responses_) {
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(json::parse(r.body), json({{"message", "message added to topic"}}));
    ASSERT_TRUE(r.headers.count("x-amzn-trace-id"));
    auto h = r.headers.at("x-amzn-trace-id");
    EXPECT_EQ(h.rfind("Root=1-", 0), 0u) << h;
    roots.insert(h.substr(5, 35));
  }
  EXPECT_EQ(roots.size(), static_cast<std::size_t>(kRequests)) << "one trace per request";
}

TEST_F(PatternTest, OneTracePerRequestHoldingEveryHopIncludingTheSqsConsumer) {
  auto summaries = all_summaries(*lr_);
  ASSERT_EQ(summaries.size(), static_cast<std::size_t>(kRequests));
  std::vector<std::string> ids;
  for (const auto& s : summaries) ids.push_back(s.at("Id"));
  std::map<std::string, std::multiset<std::string>> per_trace;  // trace -> "origin name"
  for (const auto& d : documents(*lr_, ids)) {
    if (d.value("inferred", false)) continue;
    per_trace[d.at("_trace")].insert(d.value("origin", "") + " " + d.at("name").get<std::string>());
  }
  ASSERT_EQ(per_trace.size(), static_cast<std::size_t>(kRequests));
  for (const auto& [trace, seen] : per_trace) {
    EXPECT_EQ(seen.count("AWS::ApiGateway::Stage xrayTracerAPI/prod"), 1u) << trace;
    EXPECT_EQ(seen.count("AWS::SNS::Topic xrayTracerTopic"), 1u) << trace;
    EXPECT_EQ(seen.count("AWS::SNS::Topic snsFlowTopic"), 1u) << trace;
    EXPECT_EQ(seen.count("AWS::SQS::Queue sqsFlowQueue"), 1u) << trace;
    for (const auto& f : kFunctions) {
      EXPECT_GE(seen.count("AWS::Lambda " + f), 1u) << trace << " " << f;
      EXPECT_GE(seen.count("AWS::Lambda::Function " + f), 1u) << trace << " " << f;
    }
  }
}

// Every `aws` subsegment names the request id the service it called used: the id the called
// service's own segment records, where it records one.
TEST_F(PatternTest, EachCallsRequestIdIsTheOneTheCalledServiceUsed) {
  auto summaries = all_summaries(*lr_);
  std::vector<std::string> ids;
  for (const auto& s : summaries) ids.push_back(s.at("Id"));
  std::map<std::string, json> by_id;  // segment and subsegment id -> document
  std::function<void(const json&)> index = [&](const json& d) {
    by_id[d.at("id")] = d;
    if (d.contains("subsegments"))
      for (const auto& c : d.at("subsegments")) index(c);
  };
  auto docs = documents(*lr_, ids);
  for (const auto& d : docs) index(d);
  int checked_topics = 0, checked_functions = 0, checked_tables = 0;
  for (const auto& d : docs) {
    if (d.value("inferred", false) || !d.contains("parent_id")) continue;
    auto parent = by_id.find(d.at("parent_id"));
    if (parent == by_id.end()) continue;
    const json& call = parent->second;
    if (d.value("origin", "") == "AWS::SNS::Topic") {
      ASSERT_TRUE(call.contains("aws") && call["aws"].contains("request_id")) << call.dump();
      EXPECT_EQ(call["aws"]["request_id"], d.at("aws").at("request_id")) << "the Publish call and the topic agree";
      ++checked_topics;
    }
    if (d.value("origin", "") == "AWS::Lambda" && call.value("name", "") == "Lambda") {
      EXPECT_EQ(call.at("aws").at("request_id"), d.at("aws").at("request_id")) << "the delivery names the invocation";
      ++checked_functions;
    }
  }
  for (const auto& [id, d] : by_id)
    if (d.value("name", "") == "DynamoDB" && d.value("namespace", "") == "aws") {
      auto rid = d.at("aws").at("request_id").get<std::string>();
      // DynamoDB's shape of request id: 52 characters of base32hex.
      EXPECT_EQ(rid.size(), 52u) << rid;
      EXPECT_EQ(rid.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUV"), std::string::npos) << rid;
      ++checked_tables;
    }
  EXPECT_EQ(checked_topics, 2 * kRequests) << "two topics per request";
  EXPECT_GE(checked_functions, 5 * kRequests) << "five SNS deliveries per request";
  EXPECT_EQ(checked_tables, kRequests);
}

TEST_F(PatternTest, ServiceGraphHasTheSeedsShapeNodeByNodeAndEdgeByEdge) {
  auto g = lr_->xray("/ServiceGraph", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}});
  auto [nodes, edges] = graph_sets(g);
  EXPECT_EQ(nodes, pattern_nodes());
  EXPECT_EQ(edges, pattern_edges());

  // Counts: every request went through the stage and the topic once.
  for (const auto& s : g.at("Services")) {
    if (s.at("Name") == "xrayTracerAPI/prod" && s.at("Type") == "AWS::ApiGateway::Stage") {
      EXPECT_EQ(s.at("SummaryStatistics").at("TotalCount"), kRequests);
      EXPECT_EQ(s.at("SummaryStatistics").at("OkCount"), kRequests);
      EXPECT_TRUE(s.value("Root", false));
    }
    if (s.at("Name") == "sqs_subscribe" && s.at("Type") == "AWS::Lambda::Function")
      EXPECT_EQ(s.at("SummaryStatistics").at("TotalCount"), kRequests);
  }
}

TEST_F(PatternTest, SslFailuresFollowTheConfiguredRate) {
  auto summaries = all_summaries(*lr_);
  std::vector<std::string> ids;
  for (const auto& s : summaries) ids.push_back(s.at("Id"));
  int runs = 0, faults = 0;
  for (const auto& d : documents(*lr_, ids)) {
    if (d.value("origin", "") != "AWS::Lambda::Function" || d.at("name") != "http") continue;
    ++runs;
    if (d.value("fault", false)) {
      ++faults;
      EXPECT_EQ(d.at("cause").at("exceptions").at(0).at("message"), "SSL Cert Exception");
    }
  }
  // Each request runs http once, plus a retry per failure (at most two).
  EXPECT_GE(runs, kRequests);
  EXPECT_LE(runs, 3 * kRequests);
  double mean = runs * kSslFailureRate, sd = std::sqrt(runs * kSslFailureRate * (1 - kSslFailureRate));
  EXPECT_GE(faults, mean - 4 * sd) << faults << " faults in " << runs << " runs";
  EXPECT_LE(faults, mean + 4 * sd) << faults << " faults in " << runs << " runs";
  // Every request's summary reports the fault of its first run when it failed.
  int with_fault = 0;
  for (const auto& s : summaries) with_fault += s.at("HasFault").get<bool>();
  EXPECT_GT(with_fault, 0);
}

std::set<std::string> ids_matching(const LocalrayProcess& lr, const std::string& filter) {
  json req = {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}, {"FilterExpression", filter}};
  std::set<std::string> ids;
  for (;;) {
    auto page = lr.xray("/TraceSummaries", req);
    for (const auto& s : page.at("TraceSummaries")) ids.insert(s.at("Id"));
    if (!page.contains("NextToken")) break;
    req["NextToken"] = page["NextToken"];
  }
  return ids;
}

TEST_F(PatternTest, FilterExpressionsAndGroupsSelectTheTracesThatMatch) {
  // Traces whose http function faulted, found from the documents themselves.
  auto summaries = all_summaries(*lr_);
  std::vector<std::string> ids;
  for (const auto& s : summaries) ids.push_back(s.at("Id"));
  std::set<std::string> faulted;
  for (const auto& d : documents(*lr_, ids))
    if (d.value("origin", "") == "AWS::Lambda::Function" && d.at("name") == "http" && d.value("fault", false)) faulted.insert(d.at("_trace"));
  ASSERT_FALSE(faulted.empty());
  EXPECT_EQ(ids_matching(*lr_, R"(service("http") { fault })"), faulted);
  EXPECT_EQ(ids_matching(*lr_, R"(annotation.path = "/prod/alpha")").size(), static_cast<std::size_t>(kRequests / 3));
  EXPECT_EQ(ids_matching(*lr_, R"(edge("sqsFlowQueue", "sqs_subscribe") AND http.status = 200)").size(), static_cast<std::size_t>(kRequests));
  EXPECT_TRUE(ids_matching(*lr_, "fault").empty()) << "API Gateway answered 200 to every client";

  auto bad = lr_->post_json("/TraceSummaries", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds()}, {"FilterExpression", "duration >"}});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.headers.at("x-amzn-errortype"), "InvalidRequestException");
  EXPECT_NE(bad.body.find("column"), std::string::npos) << bad.body;

  // A group scopes the service graph: only traces with a faulted http run, so no other function
  // is missing, but every node counts only those traces.
  lr_->xray("/CreateGroup", {{"GroupName", "ssl-failures"}, {"FilterExpression", R"(service("http") { fault })"}});
  auto g = lr_->xray("/ServiceGraph", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}, {"GroupName", "ssl-failures"}});
  for (const auto& s : g.at("Services"))
    if (s.at("Name") == "xrayTracerAPI/prod" && s.at("Type") == "AWS::ApiGateway::Stage")
      EXPECT_EQ(s.at("SummaryStatistics").at("TotalCount"), faulted.size());
  auto badgroup = lr_->post_json("/CreateGroup", {{"GroupName", "broken"}, {"FilterExpression", "service(\"x\" {"}});
  EXPECT_EQ(badgroup.status, 400u);
}

TEST_F(PatternTest, DynamoDbCountsHitsPerPath) {
  std::map<std::string, int> sent;
  for (int i = 0; i < kRequests; ++i) ++sent["/prod" + kPaths[i % kPaths.size()]];
  for (const auto& [path, count] : sent) {
    auto r = http_request(lr_->port(), "POST", "/", json{{"TableName", "hits"}, {"Key", {{"path", {{"S", path}}}}}}.dump(),
                          {{"X-Amz-Target", "DynamoDB_20120810.GetItem"}, {"Content-Type", "application/x-amz-json-1.0"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    auto item = json::parse(r.body);
    ASSERT_TRUE(item.contains("Item")) << path << ": " << r.body;
    EXPECT_EQ(item["Item"]["hits"]["N"], std::to_string(count)) << path;
  }
}

}  // namespace
}  // namespace localray::testing

namespace localray::testing {
namespace {

// One sample line of the Prometheus text: its name and labels as written, and its value.
std::map<std::string, double> samples(const std::string& text, std::set<std::string>& typed) {
  std::map<std::string, double> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      typed.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

TEST(MetricsTest, ThePatternsRequestsInvocationsQueuesAndStoreInPrometheusText) {
  LocalrayProcess lr{{"--db", ":memory:", "--seed", "3", "--ssl-failure-rate", "0"}};
  for (int i = 0; i < 5; ++i) ASSERT_EQ(lr.post_json(lr.invoke_path() + "/metrics", {{"status", "ok"}}).status, 200u);
  auto metrics = [&] { return http_request(lr.port(), "GET", "/_localray/metrics"); };
  // The SQS consumer runs a second after each request (the pattern delays its message).
  ASSERT_TRUE(eventually([&] {
    std::set<std::string> typed;
    auto m = samples(metrics().body, typed);
    return m[R"(localray_lambda_invocations_total{function="sqs_subscribe",outcome="success",scope="000000000000:us-east-1"})"] == 5;
  }, 10s));
  auto r = metrics();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  std::set<std::string> typed;
  auto m = samples(r.body, typed);
  EXPECT_EQ((m[R"(localray_requests_total{code="2xx",operation="Invoke",service="apigateway"})"]), 5);
  EXPECT_EQ((m[R"(localray_request_duration_seconds_count{operation="Invoke",service="apigateway"})"]), 5);
  EXPECT_EQ((m[R"(localray_request_duration_seconds_bucket{le="+Inf",operation="Invoke",service="apigateway"})"]), 5);
  EXPECT_EQ((m[R"(localray_lambda_invocations_total{function="sns_publish",outcome="success",scope="000000000000:us-east-1"})"]), 5);
  EXPECT_EQ((m[R"(localray_sqs_messages{queue="sqsFlowQueue",scope="000000000000:us-east-1",state="visible"})"]), 0);
  EXPECT_EQ(m.count("localray_trace_pipeline_lag_seconds"), 1u);
  EXPECT_GT(m["localray_trace_segments_stored_total"], 5 * 10.0);
  EXPECT_EQ((m[R"(localray_trace_segments_lost_total{reason="refused"})"]), 0);
  EXPECT_EQ(m["localray_store_traces"], 5);
  // Every sample belongs to a family that says its type.
  for (const auto& [series, value] : m) {
    auto name = series.substr(0, series.find('{'));
    bool known = typed.count(name) || (name.size() > 7 && typed.count(name.substr(0, name.rfind('_'))));
    EXPECT_TRUE(known) << series;
  }
}

}  // namespace
}  // namespace localray::testing
