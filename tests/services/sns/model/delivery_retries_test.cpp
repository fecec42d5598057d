#include "services/sns/model/delivery_retries.hpp"

#include <gtest/gtest.h>

namespace localray::sns::model {
namespace {

using namespace std::chrono_literals;

TEST(SnsRetryScheduleTest, ManagedEndpointsFollowAwsPhases) {
  auto s = RetrySchedule::managed();
  // Three at once, two a second apart.
  EXPECT_EQ(s.delay_before(1), 0ms);
  EXPECT_EQ(s.delay_before(3), 0ms);
  EXPECT_EQ(s.delay_before(4), 1000ms);
  EXPECT_EQ(s.delay_before(5), 1000ms);
  // Ten backing off from 1 s to 20 s, each longer than the one before.
  EXPECT_EQ(s.delay_before(6), 1000ms);
  EXPECT_EQ(s.delay_before(15), 20000ms);
  for (int r = 7; r <= 15; ++r) EXPECT_GT(*s.delay_before(r), *s.delay_before(r - 1)) << "retry " << r;
  // Then 100,000 every 20 s: 100,015 retries in all, about 23 days.
  EXPECT_EQ(s.delay_before(16), 20000ms);
  EXPECT_EQ(s.delay_before(s.total_retries()), 20000ms);
  EXPECT_FALSE(s.delay_before(s.total_retries() + 1));
  EXPECT_EQ(s.total_retries(), 100015);
  std::chrono::milliseconds total{0};
  for (int r = 1; r <= s.total_retries(); ++r) total += *s.delay_before(r);
  using days = std::chrono::duration<double, std::ratio<86400>>;
  EXPECT_NEAR(days{total}.count(), 23.15, 0.05);
}

TEST(SnsRetryScheduleTest, AShortScheduleEndsWhenItsPhasesAreSpent) {
  RetrySchedule s{1, 1, 5ms, 2, 10ms, 40ms, 1};
  EXPECT_EQ(s.delay_before(1), 0ms);
  EXPECT_EQ(s.delay_before(2), 5ms);
  EXPECT_EQ(s.delay_before(3), 10ms);
  EXPECT_EQ(s.delay_before(4), 40ms);
  EXPECT_EQ(s.delay_before(5), 40ms);
  EXPECT_FALSE(s.delay_before(6));
}

}  // namespace
}  // namespace localray::sns::model
