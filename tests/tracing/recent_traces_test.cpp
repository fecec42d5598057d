// The writer's memory of recent traces: bounded, expiring, and merging documents as the store does.
#include <gtest/gtest.h>

#include "tracing/recent_traces.hpp"

namespace localray::tracing {
namespace {

Segment doc(std::string id, double start = 0, std::string name = "n") {
  Segment s;
  s.id = std::move(id);
  s.name = std::move(name);
  s.start_time = start;
  return s;
}

RecentTraces::Entry entry(int documents, std::int64_t row = 1) {
  RecentTraces::Entry e;
  for (int i = 0; i < documents; ++i) e.documents.push_back(doc("d" + std::to_string(i)));
  e.digest.row = row;
  return e;
}

TEST(RecentTracesTest, TakeHandsBackWhatWasPutAndForgetsIt) {
  RecentTraces recent{100, 10};
  recent.put("t1", entry(3, 42), 0);
  auto e = recent.take("t1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->documents.size(), 3u);
  EXPECT_EQ(e->digest.row, 42);
  EXPECT_FALSE(recent.take("t1")) << "taken out until the writer puts it back";
  EXPECT_EQ(recent.documents(), 0u);
}

TEST(RecentTracesTest, TheLeastRecentlyWrittenTracesGoFirstWhenDocumentsExceedTheBound) {
  RecentTraces recent{10, 100};
  recent.put("a", entry(2), 0);
  recent.put("b", entry(2), 1);
  recent.put("c", entry(2), 2);
  recent.put("a", entry(2), 3);  // written again: now the most recent
  recent.put("d", entry(2), 4);
  recent.put("e", entry(2), 5);
  EXPECT_EQ(recent.documents(), 10u);
  recent.put("f", entry(2), 6);
  EXPECT_EQ(recent.documents(), 10u);
  EXPECT_FALSE(recent.take("b")) << "the oldest write went";
  EXPECT_TRUE(recent.take("a"));
  EXPECT_TRUE(recent.take("f"));
}

TEST(RecentTracesTest, ATraceOverAQuarterOfTheBoundIsNotKeptAndNothingIsKeptWithABoundOfZero) {
  RecentTraces recent{8, 100};
  recent.put("big", entry(3), 0);
  EXPECT_FALSE(recent.take("big"));
  recent.put("small", entry(2), 0);
  EXPECT_TRUE(recent.take("small"));
  RecentTraces none{0, 100};
  none.put("t", entry(1), 0);
  EXPECT_EQ(none.size(), 0u);
}

TEST(RecentTracesTest, EntriesIdleLongerThanTheLimitExpire) {
  RecentTraces recent{100, 5};
  recent.put("old", entry(1), 0);
  recent.put("new", entry(1), 4);
  recent.expire(6);
  EXPECT_FALSE(recent.take("old"));
  EXPECT_TRUE(recent.take("new"));
  recent.put("x", entry(1), 10);
  recent.clear();
  EXPECT_EQ(recent.size(), 0u);
  EXPECT_EQ(recent.documents(), 0u);
}

TEST(RecentTracesTest, NewTracesAreRememberedSparinglyWhileNoneComesBackAndFullyOnceTheyDo) {
  RecentTraces recent{1000000, 100};
  auto first = [] {
    auto e = entry(1);
    e.first_write = true;
    return e;
  };
  int remembered = 0;
  for (int i = 0; i < 1024; ++i) {
    ASSERT_TRUE(recent.remember_new()) << "every new trace while nothing says they do not come back";
    recent.put("t" + std::to_string(i), first(), 0);
  }
  for (int i = 0; i < 1600; ++i) {
    if (!recent.remember_new()) continue;
    ++remembered;
    recent.put("u" + std::to_string(i), first(), 0);
  }
  EXPECT_EQ(remembered, 100) << "one in sixteen once 1,024 remembered traces never came back";
  // They start coming back: every one of the sampled traces is taken again.
  int taken = 0;
  for (int round = 0; taken < 1024 && round < 100000; ++round) {
    if (!recent.remember_new()) continue;
    std::string id = "v" + std::to_string(round);
    recent.put(id, first(), 0);
    ASSERT_TRUE(recent.take(id));
    ++taken;
  }
  EXPECT_TRUE(recent.remember_new());
  EXPECT_TRUE(recent.remember_new()) << "every new trace again";
}

TEST(RecentTracesTest, MergeReplacesDocumentsWithTheSameIdAndAddsTheOthers) {
  std::vector<Segment> stored{doc("a", 1, "first"), doc("b", 2)};
  std::vector<Segment> fresh{doc("c", 3), doc("a", 1, "completed"), doc("d", 4)};
  RecentTraces::merge(stored, std::move(fresh));
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[0].name, "completed");
  EXPECT_EQ(stored[1].id, "b");
  EXPECT_EQ(stored[2].id, "c");
  EXPECT_EQ(stored[3].id, "d");
}

}  // namespace
}  // namespace localray::tracing
