#include "tracing/sampling.hpp"

#include <gtest/gtest.h>

namespace localray::tracing {
namespace {

SamplingRule rule(std::string name, int priority, double rate, int reservoir) {
  SamplingRule r;
  r.name = std::move(name);
  r.priority = priority;
  r.fixed_rate = rate;
  r.reservoir_size = reservoir;
  return r;
}

TEST(WildcardMatchTest, StarsQuestionMarksAndCase) {
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("*", "anything"));
  EXPECT_TRUE(wildcard_match("/api/*", "/api/items/1"));
  EXPECT_FALSE(wildcard_match("/api/*", "/apix"));
  EXPECT_TRUE(wildcard_match("GET", "get"));
  EXPECT_TRUE(wildcard_match("a?c", "abc"));
  EXPECT_FALSE(wildcard_match("a?c", "ac"));
  EXPECT_TRUE(wildcard_match("*.example.*", "api.example.com"));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "aXbYbZ"));
  EXPECT_FALSE(wildcard_match("", "x"));
}

TEST(RuleMatchTest, EveryFieldAndEveryAttributeMustMatch) {
  SamplingRule r = rule("r", 1, 0, 0);
  r.service_name = "shop-*";
  r.http_method = "POST";
  r.attributes = {{"tier", "gold"}};
  SamplingRequest q{"shop-api", "AWS::ApiGateway::Stage", "localhost", "POST", "/cart", "arn:aws:apigateway:x", {{"tier", "GOLD"}}};
  EXPECT_TRUE(rule_matches(r, q));
  q.http_method = "GET";
  EXPECT_FALSE(rule_matches(r, q));
  q.http_method = "POST";
  q.attributes.clear();
  EXPECT_FALSE(rule_matches(r, q)) << "a rule's attribute must be present";
}

class SamplerTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  IdGenerator ids_{clock_, Rng{1}};
  Sampler sampler_{clock_, ids_, Rng{2}};
};

TEST_F(SamplerTest, TheReservoirTakesTheFirstRequestsOfEachSecondThenTheRateDecides) {
  sampler_.set_rules({rule("Default", 10000, 0.0, 3)});
  int sampled = 0;
  for (int i = 0; i < 10; ++i) sampled += sampler_.sample({});
  EXPECT_EQ(sampled, 3);
  clock_.advance(std::chrono::seconds{1});
  EXPECT_TRUE(sampler_.sample({})) << "a new second, a full reservoir";
  auto stats = sampler_.take_statistics();
  EXPECT_EQ(stats["Default"].requests, 11u);
  EXPECT_EQ(stats["Default"].sampled, 4u);
  EXPECT_EQ(sampler_.take_statistics()["Default"].requests, 0u) << "taken means reset";
}

TEST_F(SamplerTest, TheFixedRateSamplesItsShare) {
  sampler_.set_rules({rule("Default", 10000, 0.25, 0)});
  int sampled = 0;
  for (int i = 0; i < 4000; ++i) sampled += sampler_.sample({});
  EXPECT_NEAR(sampled, 1000, 100);
}

TEST_F(SamplerTest, TheFirstMatchingRuleByPriorityDecides) {
  auto quiet = rule("quiet", 5, 0.0, 0);
  quiet.service_name = "quiet";
  sampler_.set_rules({rule("Default", 10000, 1.0, 1), quiet});
  EXPECT_FALSE(sampler_.sample({.service_name = "quiet"}));
  EXPECT_TRUE(sampler_.sample({.service_name = "other"}));
}

TEST_F(SamplerTest, AGrantedQuotaHoldsUntilItExpires) {
  sampler_.set_rules({rule("Default", 10000, 0.0, 5)});
  sampler_.set_quota("Default", 1, epoch_seconds(clock_.now()) + 10);
  EXPECT_TRUE(sampler_.sample({}));
  EXPECT_FALSE(sampler_.sample({}));
  clock_.advance(std::chrono::seconds{11});
  int sampled = 0;
  for (int i = 0; i < 10; ++i) sampled += sampler_.sample({});
  EXPECT_EQ(sampled, 5) << "expired: the whole reservoir again";
}

TEST_F(SamplerTest, EnterFollowsACallersDecisionAndDecidesOnlyWhenAsked) {
  sampler_.set_rules({rule("Default", 10000, 0.0, 0)});  // would never sample
  auto yes = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  EXPECT_EQ(sampler_.enter(yes, {}).sampled, Sampled::Yes);
  auto ask = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?");
  auto decided = sampler_.enter(ask, {});
  EXPECT_EQ(decided.root, ask->root) << "the caller's trace is kept";
  EXPECT_EQ(decided.sampled, Sampled::No);
  auto fresh = sampler_.enter(std::nullopt, {});
  EXPECT_TRUE(is_valid_trace_id(fresh.root));
  EXPECT_TRUE(fresh.parent.empty());
  EXPECT_EQ(fresh.sampled, Sampled::No) << "unsampled, not absent: later hops must not decide again";
}

TEST_F(SamplerTest, WithoutRulesAHopContinuesItsCallersTraceOrStartsASampledOne) {
  TraceHeader caller{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", Sampled::No, {}};
  TraceHeader kept = sampler_.enter(caller, {});
  EXPECT_EQ(kept.root, caller.root);
  EXPECT_EQ(kept.parent, caller.parent);
  EXPECT_EQ(kept.sampled, Sampled::No) << "the caller's decision stands";
  TraceHeader fresh = sampler_.enter(std::nullopt, {});
  EXPECT_TRUE(is_valid_trace_id(fresh.root)) << fresh.root;
  EXPECT_TRUE(fresh.parent.empty());
  EXPECT_EQ(fresh.sampled, Sampled::Yes);
  EXPECT_NE(sampler_.enter(std::nullopt, {}).root, fresh.root);
}

}  // namespace
}  // namespace localray::tracing
