#include "config/topology.hpp"

#include <gtest/gtest.h>

namespace localray::config {
namespace {

TEST(TopologyTest, EmbeddedPatternHasTheSeedsResources) {
  auto t = parse_topology(default_topology_json());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->topics.size(), 2u);
  EXPECT_EQ(t->queues.size(), 1u);
  ASSERT_EQ(t->tables.size(), 1u);
  EXPECT_EQ(t->tables[0].name, "hits");
  EXPECT_EQ(t->tables[0].hash_key.name, "path");
  EXPECT_EQ(t->functions.size(), 6u);
  EXPECT_EQ(t->subscriptions.size(), 5u);
  ASSERT_EQ(t->apis.size(), 1u);
  EXPECT_EQ(t->apis[0].name, "xrayTracerAPI");
  EXPECT_EQ(t->apis[0].stages, (std::vector<std::string>{"prod"}));
  ASSERT_EQ(t->apis[0].routes.size(), 2u) << "the short form: ANY on / and on /{proxy+}";
  EXPECT_EQ(t->apis[0].routes[1].path, "/{proxy+}");
  EXPECT_EQ(t->apis[0].routes[1].method, "ANY");
  const auto& integ = t->apis[0].routes[1].integration;
  EXPECT_EQ(integ.type, "sns");
  EXPECT_EQ(integ.message, "$context.path");
  EXPECT_EQ(integ.message_attributes.at("status"), "$input.path('$.status')");
}

TEST(TopologyTest, ApisDeclareStagesAndRoutesToLambdaProxiesOrTopics) {
  auto t = parse_topology(R"({
    "topics": [{"name": "events"}],
    "functions": [{"name": "items", "handler": "sns_subscribe"}],
    "apis": [{"name": "shop", "stages": ["prod", "dev"], "routes": [
      {"path": "/items/{id}", "method": "GET", "integration": {"type": "lambda_proxy", "function": "items"}},
      {"path": "/events", "method": "POST",
       "integration": {"service": "sns", "action": "Publish", "topic": "events", "message": "$input.body"}}]}]})");
  ASSERT_TRUE(t) << t.error().message;
  const auto& api = t->apis.at(0);
  EXPECT_EQ(api.stages, (std::vector<std::string>{"prod", "dev"}));
  ASSERT_EQ(api.routes.size(), 2u);
  EXPECT_EQ(api.routes[0].integration.type, "lambda_proxy");
  EXPECT_EQ(api.routes[0].integration.function, "items");
  EXPECT_EQ(api.routes[1].integration.topic, "events");
  auto ghost = parse_topology(R"({"apis": [{"name": "a", "stage": "s", "routes": [
      {"path": "/x", "integration": {"type": "lambda_proxy", "function": "ghost"}}]}]})");
  ASSERT_FALSE(ghost);
  EXPECT_EQ(ghost.error().message, "apis[0].routes[0].integration.function: no function named 'ghost'");
  auto relative = parse_topology(R"({"functions": [{"name": "f", "handler": "http"}], "apis": [{"name": "a", "stage": "s",
      "routes": [{"path": "x", "integration": {"type": "lambda_proxy", "function": "f"}}]}]})");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().message, "apis[0].routes[0].path: must start with '/'");
}

TEST(TopologyTest, ErrorsNameTheOffendingField) {
  auto bad_ref = parse_topology(R"({"topics":[{"name":"t"}],"functions":[],"subscriptions":[{"topic":"t","protocol":"lambda","endpoint":"ghost"}]})");
  ASSERT_FALSE(bad_ref);
  EXPECT_EQ(bad_ref.error().message, "subscriptions[0].endpoint: no function named 'ghost'");
  auto bad_type = parse_topology(R"({"queues":[{"name":"q","visibility_timeout":"soon"}]})");
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().message, "queues[0].visibility_timeout: must be an integer from 0 to 43200");
  auto missing = parse_topology(R"({"tables":[{"name":"t"}]})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "tables[0].hash_key: must be an object");
  auto twice = parse_topology(R"({"topics":[{"name":"t"},{"name":"t"}]})");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "topic 't' is declared twice");
  EXPECT_FALSE(parse_topology("{not json"));
  EXPECT_FALSE(parse_topology("[]"));
}

TEST(TopologyTest, TopicsAndSubscriptionsCarryTheirDeliveryPolicies) {
  auto t = parse_topology(R"({"topics":[{"name":"t","delivery_policy":{"http":{"defaultHealthyRetryPolicy":{"numRetries":4}}}}],
                              "subscriptions":[{"topic":"t","protocol":"https","endpoint":"https://hooks.example.com/sns",
                                                "delivery_policy":{"healthyRetryPolicy":{"numRetries":9}}}]})");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->topics[0].delivery_policy, R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":4}}})");
  EXPECT_EQ(t->subscriptions[0].delivery_policy, R"({"healthyRetryPolicy":{"numRetries":9}})");
  auto bad = parse_topology(R"({"topics":[{"name":"t","delivery_policy":"numRetries=4"}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "topics[0].delivery_policy: must be an object (a DeliveryPolicy document)");
}

}  // namespace
}  // namespace localray::config
