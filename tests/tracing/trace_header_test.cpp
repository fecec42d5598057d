#include "tracing/trace_header.hpp"
#include "tracing/ids.hpp"

#include <gtest/gtest.h>

namespace localray::tracing {
namespace {

TEST(TraceHeaderTest, ParsesTheThreeStandardPairs) {
  auto h = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->root, "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(h->parent, "53995c3f42cd8ad8");
  EXPECT_EQ(h->sampled, Sampled::Yes);
}

TEST(TraceHeaderTest, KeysAreCaseInsensitiveAndOrderFree) {
  auto h = TraceHeader::parse(" sampled=0; PARENT=53995c3f42cd8ad8 ;root=1-5759e988-bd862e3fe1be46a994272793");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->root, "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(h->parent, "53995c3f42cd8ad8");
  EXPECT_EQ(h->sampled, Sampled::No);
}

TEST(TraceHeaderTest, QuestionMarkLeavesTheDecisionToTheCallee) {
  auto h = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->sampled, Sampled::Requested);
  EXPECT_TRUE(h->parent.empty());
  EXPECT_TRUE(h->is_sampled());
}

TEST(TraceHeaderTest, UnknownPairsAreCarriedUnchanged) {
  auto h = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Self=1-abc;Lineage=a87bd80c:0;Sampled=1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->to_string(), "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1;Self=1-abc;Lineage=a87bd80c:0");
  EXPECT_EQ(h->child("0123456789abcdef").to_string(),
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0123456789abcdef;Sampled=1;Self=1-abc;Lineage=a87bd80c:0");
}

TEST(TraceHeaderTest, RejectsAMissingOrMalformedRoot) {
  EXPECT_FALSE(TraceHeader::parse("Parent=53995c3f42cd8ad8;Sampled=1"));
  EXPECT_FALSE(TraceHeader::parse("Root=1-5759e988-XYZ"));
  EXPECT_FALSE(TraceHeader::parse("Root=2-5759e988-bd862e3fe1be46a994272793"));
  EXPECT_FALSE(TraceHeader::parse(""));
}

TEST(TraceHeaderTest, IgnoresAMalformedParent) {
  auto h = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=nothex!;Sampled=1");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->parent.empty());
}

TEST(IdsTest, TraceIdsCarryTheEpochSecondAndSegmentIdsAre16Hex) {
  ManualClock clock{TimePoint{std::chrono::seconds{0x5759e988}}};
  IdGenerator ids{clock, Rng{42}};
  auto t = ids.trace_id();
  EXPECT_TRUE(is_valid_trace_id(t)) << t;
  EXPECT_EQ(t.substr(0, 11), "1-5759e988-");
  auto s = ids.segment_id();
  EXPECT_TRUE(is_valid_segment_id(s)) << s;
  EXPECT_NE(s, ids.segment_id());
}

TEST(RngTest, ForkedStreamsDependOnlyOnSeedAndName) {
  Rng a{7}, b{7};
  a.next_u64();  // drawing from the parent must not shift a fork
  Rng fa = a.fork("http"), fb = b.fork("http"), other = b.fork("dynamo");
  auto x = fa.next_u64();
  EXPECT_EQ(x, fb.next_u64());
  EXPECT_NE(x, other.next_u64());
}

}  // namespace
}  // namespace localray::tracing
