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
  EXPECT_EQ(t->apis[0].stage, "prod");
  EXPECT_EQ(t->apis[0].message, "$context.path");
  EXPECT_EQ(t->apis[0].message_attributes.at("status"), "$input.path('$.status')");
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

}  // namespace
}  // namespace localray::config
