// What a reloaded or updated topology changes: unchanged resources are kept with their handles,
// changed ones replaced, and what holds a replaced one by handle replaced with it.
#include <gtest/gtest.h>

#include "emulator/topology_delta.hpp"

namespace localray::emulator {
namespace {

config::Topology app() {
  config::Topology t;
  t.topics = {{"events"}};
  config::Queue work;
  work.name = "work";
  t.queues = {work};
  config::Table table;
  table.name = "items";
  table.hash_key = {"id", "S"};
  t.tables = {table};
  config::Function fn;
  fn.name = "worker";
  fn.handler = "index.handler";
  fn.runtime = "nodejs20.x";
  fn.code = "/src";
  t.functions = {fn};
  t.subscriptions = {{"events", "sqs", "work", false, ""}, {"events", "lambda", "worker", false, ""}};
  t.event_source_mappings = {{"work", "worker", 10}};
  config::Api api;
  api.id = "abcdefghij";
  api.name = "api";
  api.stages = {"prod"};
  t.apis = {api};
  return t;
}

AppliedResources made_for(const config::Topology& t) {
  AppliedResources m;
  for (const auto& x : t.topics) m.topics.push_back("arn:aws:sns:us-east-1:000000000000:" + x.name);
  for (const auto& x : t.queues) m.queues.push_back(x.name);
  for (const auto& x : t.tables) m.tables.push_back(x.name);
  for (const auto& x : t.functions) m.functions.push_back(x.name);
  for (const auto& x : t.apis) m.apis.push_back(x.id);
  for (const auto& x : t.subscriptions) m.subscriptions[subscription_key(x)] = "arn:sub:" + x.endpoint;
  for (const auto& x : t.event_source_mappings) m.mappings[mapping_key(x)] = "uuid-" + x.queue;
  return m;
}

TEST(TopologyDelta, NothingChangedKeepsEverything) {
  auto t = app();
  auto d = topology_delta(t, made_for(t), t);
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.keep.queues, std::vector<std::string>{"work"});
  EXPECT_EQ(d.keep.subscriptions.size(), 2u);
  EXPECT_EQ(d.keep.mappings.size(), 1u);
}

TEST(TopologyDelta, AChangedFunctionIsReplacedWithItsMappingOnly) {
  auto before = app(), after = app();
  after.functions[0].timeout = 30;
  auto d = topology_delta(before, made_for(before), after);
  EXPECT_EQ(d.remove.functions, std::vector<std::string>{"worker"});
  ASSERT_EQ(d.create.functions.size(), 1u);
  EXPECT_EQ(d.create.functions[0].timeout, 30);
  EXPECT_EQ(d.remove.mappings.size(), 1u) << "a mapping holds its function";
  EXPECT_EQ(d.create.event_source_mappings.size(), 1u);
  EXPECT_EQ(d.keep.subscriptions.size(), 2u) << "a Lambda subscription reaches its function by name";
  EXPECT_EQ(d.keep.queues, std::vector<std::string>{"work"}) << "the queue keeps its messages";
  EXPECT_EQ(d.keep.tables, std::vector<std::string>{"items"});
}

TEST(TopologyDelta, AChangedQueueTakesItsSubscriptionAndMappingAlong) {
  auto before = app(), after = app();
  after.queues[0].visibility_timeout = 60;
  auto d = topology_delta(before, made_for(before), after);
  EXPECT_EQ(d.remove.queues, std::vector<std::string>{"work"});
  EXPECT_EQ(d.remove.subscriptions.count("events sqs work"), 1u);
  EXPECT_EQ(d.keep.subscriptions.count("events lambda worker"), 1u);
  EXPECT_EQ(d.remove.mappings.size(), 1u);
  EXPECT_EQ(d.create.subscriptions.size(), 1u);
  EXPECT_EQ(d.keep.functions, std::vector<std::string>{"worker"});
}

TEST(TopologyDelta, AChangedLayerIsPublishedAgainAndItsFunctionsReplaced) {
  auto before = app();
  before.layers = {{"deps", "/layers/v1", "", {}}};
  before.functions[0].layers = {"deps"};
  auto after = before;
  after.layers[0].content = "/layers/v2";
  auto d = topology_delta(before, made_for(before), after);
  ASSERT_EQ(d.create.layers.size(), 1u);
  EXPECT_EQ(d.remove.functions, std::vector<std::string>{"worker"});
  ASSERT_EQ(d.create.functions.size(), 1u);
  EXPECT_EQ(d.remove.mappings.size(), 1u) << "the mapping follows its replaced function";
  auto same = topology_delta(before, made_for(before), before);
  EXPECT_TRUE(same.empty());
}

TEST(TopologyDelta, RemovedAndAddedResources) {
  auto before = app(), after = app();
  after.tables.clear();
  after.topics.push_back({"audit"});
  after.apis[0].stages.push_back("dev");
  auto d = topology_delta(before, made_for(before), after);
  EXPECT_EQ(d.remove.tables, std::vector<std::string>{"items"});
  ASSERT_EQ(d.create.topics.size(), 1u);
  EXPECT_EQ(d.create.topics[0].name, "audit");
  EXPECT_EQ(d.keep.topics, std::vector<std::string>{"arn:aws:sns:us-east-1:000000000000:events"});
  EXPECT_EQ(d.remove.apis, std::vector<std::string>{"abcdefghij"});
  ASSERT_EQ(d.create.apis.size(), 1u);
  auto merged = merge(d.keep, AppliedResources{{"arn:aws:sns:us-east-1:000000000000:audit"}, {}, {}, {}, {"abcdefghij"}, {}, {}});
  EXPECT_EQ(merged.topics.size(), 2u);
  EXPECT_EQ(merged.apis, std::vector<std::string>{"abcdefghij"});
}

}  // namespace
}  // namespace localray::emulator
