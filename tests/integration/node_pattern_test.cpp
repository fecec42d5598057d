// config/xray-tracer-nodejs.json end to end: the pattern's six functions as Node.js handlers
// (aws-sdk v2 captured by aws-xray-sdk) in worker processes give the built-in pattern's service
// graph, and the X-Ray SDK's own subsegments sit in the right traces under the right functions.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include "tests/integration/localray_process.hpp"
#include "tests/integration/nodejs_pattern.hpp"
#include "tests/support/pattern_graph.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr int kRequests = 6;

double now_seconds() { return static_cast<double>(std::time(nullptr)); }

class NodePatternTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto config = nodejs_pattern_config(std::filesystem::temp_directory_path() / ("localray-node-pattern-" + std::to_string(::getpid())), 30s);
    lr_ = new LocalrayProcess({"--db", ":memory:", "--config", config, "--ssl-failure-rate", "0"});
    for (int i = 0; i < kRequests; ++i) {
      auto r = lr_->post_json(lr_->invoke_path() + "/node/" + std::to_string(i), {{"status", "ok"}});
      EXPECT_EQ(r.status, 200u) << r.body;
    }
    // Every trace complete: the queue's consumer runs a second after the send.
    bool complete = eventually([] {
      traces_ = load();
      if (traces_.size() < kRequests) return false;
      for (const auto& [id, docs] : traces_) {
        if (!function_segment(docs, "sqs_subscribe") || !function_segment(docs, "sns_subscribe")) return false;
        // The SDK's subsegments arrive over UDP on their own; wait until they are merged in.
        for (const auto* names : {"dynamo", "sqs", "sns_publish"}) {
          const json* fn = function_segment(docs, names);
          if (!fn || !find_subsegment(*fn, [](const json& s) { return s.value("namespace", "") == "aws"; })) return false;
        }
        // And the handlers' own subsegments, which the SDK sends on their own too.
        for (const auto& [fn_name, sub] : std::vector<std::pair<const char*, const char*>>{{"dynamo", "DynamoDB Query"},
                                                                                          {"sqs", "SQS Logic"},
                                                                                          {"sns_publish", "SNS Publish Logic"},
                                                                                          {"sns_subscribe", "process_message"},
                                                                                          {"sqs_subscribe", "Logging SQS Message"},
                                                                                          {"http", "external HTTP Request"}}) {
          const json* fn = function_segment(docs, fn_name);
          if (!fn || !named(*fn, sub)) return false;
        }
      }
      return true;
    }, 30s);
    if (!complete) ADD_FAILURE() << "after 30 s some traces lack a function segment or a handler's subsegment:\n" << describe_function_segments();
  }
  // Each function segment of each trace: its name, whether it failed and why, and the names under it.
  static std::string describe_function_segments() {
    std::string out;
    for (const auto& [id, docs] : traces_) {
      out += id + "\n";
      for (const auto& d : docs) {
        if (d.value("origin", "") != "AWS::Lambda::Function") continue;
        out += "  " + d.value("name", "?") + (d.value("fault", false) ? " fault" : "") + (d.value("error", false) ? " error" : "");
        if (d.contains("cause")) out += " cause=" + d.at("cause").dump();
        out += ":";
        std::function<void(const json&)> names = [&](const json& e) {
          if (!e.contains("subsegments")) return;
          for (const auto& s : e.at("subsegments")) {
            out += " " + s.value("name", "?");
            names(s);
          }
        };
        names(d);
        out += "\n";
      }
    }
    return out;
  }
  static void TearDownTestSuite() {
    delete lr_;
    std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("localray-node-pattern-" + std::to_string(::getpid())));
  }

  static std::map<std::string, std::vector<json>> load() {
    std::map<std::string, std::vector<json>> out;
    auto summaries = lr_->xray("/TraceSummaries", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}});
    std::vector<std::string> ids;
    for (const auto& s : summaries.at("TraceSummaries")) ids.push_back(s.at("Id"));
    for (std::size_t i = 0; i < ids.size(); i += 5) {
      std::vector<std::string> chunk(ids.begin() + i, ids.begin() + std::min(ids.size(), i + 5));
      auto batch = lr_->xray("/Traces", {{"TraceIds", chunk}});
      for (const auto& t : batch.at("Traces"))
        for (const auto& s : t.at("Segments")) out[t.at("Id")].push_back(json::parse(s.at("Document").get<std::string>()));
    }
    return out;
  }
  static const json* function_segment(const std::vector<json>& docs, const std::string& name) {
    for (const auto& d : docs)
      if (d.value("origin", "") == "AWS::Lambda::Function" && d.at("name") == name) return &d;
    return nullptr;
  }
  static const json* find_subsegment(const json& entity, const std::function<bool(const json&)>& match) {
    auto subs = entity.find("subsegments");
    if (subs == entity.end()) return nullptr;
    for (const auto& s : *subs) {
      if (match(s)) return &s;
      if (const json* deeper = find_subsegment(s, match)) return deeper;
    }
    return nullptr;
  }
  static const json* named(const json& entity, const std::string& name) {
    return find_subsegment(entity, [&](const json& s) { return s.at("name") == name; });
  }

  static LocalrayProcess* lr_;
  static std::map<std::string, std::vector<json>> traces_;
};

LocalrayProcess* NodePatternTest::lr_ = nullptr;
std::map<std::string, std::vector<json>> NodePatternTest::traces_;

TEST_F(NodePatternTest, ServiceGraphIsTheBuiltInPatterns) {
  auto g = lr_->xray("/ServiceGraph", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}});
  auto [nodes, edges] = graph_sets(g);
  EXPECT_EQ(nodes, pattern_nodes());
  EXPECT_EQ(edges, pattern_edges());
}

TEST_F(NodePatternTest, EachTraceHoldsTheHandlersSubsegmentsUnderTheirFunctions) {
  ASSERT_EQ(traces_.size(), static_cast<std::size_t>(kRequests));
  std::set<std::string> paths;
  for (const auto& [id, docs] : traces_) {
    SCOPED_TRACE(id);
    const json* dynamo = function_segment(docs, "dynamo");
    ASSERT_NE(dynamo, nullptr);
    const json* query = named(*dynamo, "DynamoDB Query");
    ASSERT_NE(query, nullptr);
    std::string path = query->at("annotations").at("path");
    paths.insert(path);
    const json* update = find_subsegment(*query, [](const json& s) { return s.value("namespace", "") == "aws"; });
    ASSERT_NE(update, nullptr) << "the captured SDK call nests in the handler's own subsegment";
    EXPECT_EQ(update->at("aws").at("operation"), "UpdateItem");
    EXPECT_EQ(update->at("aws").at("table_name"), "hits");

    const json* sqs = function_segment(docs, "sqs");
    ASSERT_NE(sqs, nullptr);
    const json* sqs_logic = named(*sqs, "SQS Logic");
    ASSERT_NE(sqs_logic, nullptr);
    const json* send = find_subsegment(*sqs_logic, [](const json& s) { return s.value("namespace", "") == "aws"; });
    ASSERT_NE(send, nullptr);
    EXPECT_EQ(send->at("aws").at("operation"), "SendMessage");

    const json* publisher = function_segment(docs, "sns_publish");
    ASSERT_NE(publisher, nullptr);
    const json* publish_logic = named(*publisher, "SNS Publish Logic");
    ASSERT_NE(publish_logic, nullptr);
    const json* publish = find_subsegment(*publish_logic, [](const json& s) { return s.value("namespace", "") == "aws"; });
    ASSERT_NE(publish, nullptr);
    EXPECT_EQ(publish->at("aws").at("operation"), "Publish");

    const json* subscriber = function_segment(docs, "sns_subscribe");
    ASSERT_NE(subscriber, nullptr);
    ASSERT_NE(named(*subscriber, "process_message"), nullptr);
    EXPECT_EQ(named(*subscriber, "process_message")->at("annotations").at("message_content"), "Simulated Message");

    const json* consumer = function_segment(docs, "sqs_subscribe");
    ASSERT_NE(consumer, nullptr);
    ASSERT_NE(named(*consumer, "Logging SQS Message"), nullptr);
    EXPECT_EQ(named(*consumer, "Logging SQS Message")->at("metadata").at("default").at("message"), "hello from " + path);

    const json* http = function_segment(docs, "http");
    ASSERT_NE(http, nullptr);
    const json* request = named(*http, "external HTTP Request");
    ASSERT_NE(request, nullptr);
    EXPECT_TRUE(request->at("metadata").at("default").contains("response"));
  }
  EXPECT_EQ(paths.size(), static_cast<std::size_t>(kRequests)) << "each trace has its own request's path";
}

TEST_F(NodePatternTest, TheHandlersAnnotationsAreSearchable) {
  auto found = lr_->xray("/TraceSummaries", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60},
                                             {"FilterExpression", "annotation.message_content = \"Simulated Message\""}});
  EXPECT_EQ(found.at("TraceSummaries").size(), static_cast<std::size_t>(kRequests));
  auto one = lr_->xray("/TraceSummaries", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60},
                                           {"FilterExpression", "annotation.path = \"/prod/node/3\""}});
  EXPECT_EQ(one.at("TraceSummaries").size(), 1u);
}

}  // namespace
}  // namespace localray::testing
