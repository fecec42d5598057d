#include "services/xray/model/sampling_rules.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "tracing/store.hpp"

namespace localray::xray::model {
namespace {

tracing::SamplingRule rule(std::string name, int priority, double rate, int reservoir, std::string service = "*") {
  tracing::SamplingRule r;
  r.name = std::move(name);
  r.priority = priority;
  r.fixed_rate = rate;
  r.reservoir_size = reservoir;
  r.service_name = std::move(service);
  return r;
}

tracing::SamplingRequest request(std::string service) {
  tracing::SamplingRequest r;
  r.service_name = std::move(service);
  return r;
}

class SamplingRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("localray-xray-rules-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store_ = std::move(*tracing::Store::open((dir_ / "traces.db").string()));
    settings_ = std::move(*tracing::SettingsStore::open(store_->uri()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<SamplingRules> load() {
    return std::move(*SamplingRules::load(*settings_, base::Scope{"000000000000", "us-east-1"}, clock_, sampler_));
  }
  std::filesystem::path dir_;
  std::unique_ptr<tracing::Store> store_;
  std::unique_ptr<tracing::SettingsStore> settings_;
  tracing::ManualClock clock_;
  tracing::IdGenerator ids_{clock_, tracing::Rng{4}};
  tracing::Sampler sampler_{clock_, ids_, tracing::Rng{9}};
};

TEST_F(SamplingRulesTest, RulesSurviveAReloadOrderedByPriorityWithDefaultLast) {
  {
    auto rules = load();
    ASSERT_TRUE(rules->create(rule("b", 5, 0.5, 2)));
    ASSERT_TRUE(rules->create(rule("a", 9, 0.5, 2)));
    ASSERT_TRUE(rules->create(rule("c", 5, 0.5, 2)));
  }
  auto list = load()->list();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].rule.name, "b");
  EXPECT_EQ(list[1].rule.name, "c");
  EXPECT_EQ(list[2].rule.name, "a");
  EXPECT_EQ(list[3].rule.name, "Default");
  EXPECT_EQ(list[3].rule.fixed_rate, 1.0) << "localray's Default samples every request";
  EXPECT_EQ(list[0].rule.arn, "arn:aws:xray:us-east-1:000000000000:sampling-rule/b");
}

TEST_F(SamplingRulesTest, OutOfBoundsMembersAreRefused) {
  auto rules = load();
  EXPECT_FALSE(rules->create(rule("r", 0, 0.5, 1)));
  EXPECT_FALSE(rules->create(rule("r", 1, 1.5, 1)));
  EXPECT_FALSE(rules->create(rule("r", 1, 0.5, -1)));
  EXPECT_FALSE(rules->create(rule("has space", 1, 0.5, 1)));
  EXPECT_FALSE(rules->create(rule("Default", 1, 0.5, 1)));
  ASSERT_TRUE(rules->create(rule("r", 1, 0.5, 1)));
  auto dup = rules->create(rule("r", 1, 0.5, 1));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Code::AlreadyExists);
}

TEST_F(SamplingRulesTest, TheDefaultRuleTakesARateAndAReservoirOnly) {
  auto rules = load();
  SamplingRuleUpdate u;
  u.name_or_arn = "Default";
  u.fixed_rate = 0.0;
  u.reservoir_size = 0;
  ASSERT_TRUE(rules->update(u));
  u.service_name = "x";
  EXPECT_FALSE(rules->update(u));
  EXPECT_FALSE(rules->remove("Default"));
  // The changed Default is saved and applied: nothing is sampled now.
  EXPECT_EQ(load()->list().back().rule.fixed_rate, 0.0);
  EXPECT_FALSE(sampler_.sample(request("anything")));
}

TEST_F(SamplingRulesTest, ChangesReachTheSampler) {
  auto rules = load();
  ASSERT_TRUE(rules->create(rule("quiet", 1, 0.0, 0, "quiet-*")));
  EXPECT_FALSE(sampler_.sample(request("quiet-api")));
  EXPECT_TRUE(sampler_.sample(request("loud-api"))) << "falls through to Default";
  ASSERT_TRUE(rules->remove("quiet"));
  EXPECT_TRUE(sampler_.sample(request("quiet-api")));
}

TEST_F(SamplingRulesTest, TheReservoirIsSplitInProportionToEachClientsRequests) {
  auto rules = load();
  ASSERT_TRUE(rules->create(rule("api", 1, 0.1, 10)));
  auto t = rules->targets({{"api", "a", 0, 30, 3, 0}, {"api", "b", 0, 10, 1, 0}, {"nope", "a", 0, 1, 1, 0}});
  ASSERT_EQ(t.targets.size(), 2u);
  EXPECT_EQ(t.targets[0].reservoir_quota, 8) << "30 of 40 requests: 7.5, and the larger remainder";
  EXPECT_EQ(t.targets[1].reservoir_quota, 2);
  EXPECT_EQ(t.targets[0].fixed_rate, 0.1);
  EXPECT_EQ(t.targets[0].interval, kTargetIntervalSeconds);
  EXPECT_DOUBLE_EQ(t.targets[0].reservoir_quota_ttl, tracing::epoch_seconds(clock_.now()) + kTargetIntervalSeconds);
  ASSERT_EQ(t.unprocessed.size(), 1u);
  EXPECT_EQ(t.unprocessed[0].rule_name, "nope");
  // A client silent for two intervals no longer holds a share.
  clock_.advance(std::chrono::seconds{25});
  auto later = rules->targets({{"api", "a", 0, 5, 1, 0}});
  ASSERT_EQ(later.targets.size(), 1u);
  EXPECT_EQ(later.targets[0].reservoir_quota, 10);
}

TEST_F(SamplingRulesTest, LocalrayCountsAsAClientOfItsOwn) {
  auto rules = load();
  ASSERT_TRUE(rules->create(rule("api", 1, 0.0, 4, "api")));
  for (int i = 0; i < 30; ++i) (void)sampler_.sample(request("api"));  // localray saw 30 requests
  auto t = rules->targets({{"api", "sdk", 0, 10, 1, 0}});
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].reservoir_quota, 1) << "the SDK saw 10 of 40 requests";
  // localray's share (3 a second) now bounds what it samples itself.
  clock_.advance(std::chrono::seconds{1});
  int sampled = 0;
  for (int i = 0; i < 10; ++i) sampled += sampler_.sample(request("api"));
  EXPECT_EQ(sampled, 3);
}

}  // namespace
}  // namespace localray::xray::model
