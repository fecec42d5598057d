#pragma once
// The X-Ray Tracer pattern's service graph as the seed draws it (with its two quirks fixed), node
// by node and edge by edge: what the built-in pattern and its Node.js twin must both produce.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace localray::testing {

inline const std::vector<std::string>& pattern_functions() {
  static const std::vector<std::string> names = {"http", "dynamo", "sns_publish", "sns_subscribe", "sqs", "sqs_subscribe"};
  return names;
}

// "Type Name" of every node.
inline std::set<std::string> pattern_nodes() {
  std::set<std::string> nodes = {"client xrayTracerAPI/prod",       "AWS::ApiGateway::Stage xrayTracerAPI/prod",
                                 "AWS::SNS::Topic xrayTracerTopic", "AWS::SNS::Topic snsFlowTopic",
                                 "AWS::SQS::Queue sqsFlowQueue",    "AWS::DynamoDB::Table hits",
                                 "remote 127.0.0.1"};
  for (const auto& f : pattern_functions()) {
    nodes.insert("AWS::Lambda " + f);
    nodes.insert("AWS::Lambda::Function " + f);
  }
  return nodes;
}

// "from -> to" of every edge.
inline std::set<std::string> pattern_edges() {
  std::set<std::string> edges = {
      "client xrayTracerAPI/prod -> AWS::ApiGateway::Stage xrayTracerAPI/prod",
      "AWS::ApiGateway::Stage xrayTracerAPI/prod -> AWS::SNS::Topic xrayTracerTopic",
      "AWS::SNS::Topic xrayTracerTopic -> AWS::Lambda http",
      "AWS::SNS::Topic xrayTracerTopic -> AWS::Lambda dynamo",
      "AWS::SNS::Topic xrayTracerTopic -> AWS::Lambda sns_publish",
      "AWS::SNS::Topic xrayTracerTopic -> AWS::Lambda sqs",
      "AWS::Lambda::Function http -> remote 127.0.0.1",
      "AWS::Lambda::Function dynamo -> AWS::DynamoDB::Table hits",
      "AWS::Lambda::Function sns_publish -> AWS::SNS::Topic snsFlowTopic",
      "AWS::SNS::Topic snsFlowTopic -> AWS::Lambda sns_subscribe",
      "AWS::Lambda::Function sqs -> AWS::SQS::Queue sqsFlowQueue",
      "AWS::SQS::Queue sqsFlowQueue -> AWS::Lambda sqs_subscribe",
  };
  for (const auto& f : pattern_functions()) edges.insert("AWS::Lambda " + f + " -> AWS::Lambda::Function " + f);
  return edges;
}

// A GetServiceGraph answer as "Type Name" nodes and "from -> to" edges.
struct GraphSets {
  std::set<std::string> nodes, edges;
};
inline GraphSets graph_sets(const nlohmann::json& service_graph) {
  std::map<int, std::string> by_ref;
  for (const auto& s : service_graph.at("Services"))
    by_ref[s.at("ReferenceId")] = s.at("Type").get<std::string>() + " " + s.at("Name").get<std::string>();
  GraphSets out;
  for (const auto& [ref, n] : by_ref) out.nodes.insert(n);
  for (const auto& s : service_graph.at("Services"))
    for (const auto& e : s.at("Edges")) out.edges.insert(by_ref.at(s.at("ReferenceId")) + " -> " + by_ref.at(e.at("ReferenceId")));
  return out;
}

}  // namespace localray::testing
