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

TEST(SnsRetryScheduleTest, HttpEndpointsDefaultToThreeRetriesTwentySecondsApart) {
  auto s = RetrySchedule::http("", "");
  EXPECT_EQ(s.total_retries(), 3);
  EXPECT_EQ(s.delay_before(1), 20000ms);
  EXPECT_EQ(s.delay_before(3), 20000ms);
  EXPECT_FALSE(s.delay_before(4));
  // An unreadable policy counts as none.
  EXPECT_EQ(RetrySchedule::http("{not json", "[]").total_retries(), 3);
}

TEST(SnsRetryScheduleTest, HttpPolicyPhasesAndTheTopicsSayOverSubscriptions) {
  auto s = RetrySchedule::http("", R"({"healthyRetryPolicy":{"minDelayTarget":2,"maxDelayTarget":10,"numRetries":6,
      "numNoDelayRetries":1,"numMinDelayRetries":1,"numMaxDelayRetries":1,"backoffFunction":"linear"}})");
  EXPECT_EQ(s.total_retries(), 6);
  EXPECT_EQ(s.delay_before(1), 0ms);      // no delay
  EXPECT_EQ(s.delay_before(2), 2000ms);   // at the minimum
  EXPECT_EQ(s.delay_before(3), 2000ms);   // backoff, 2 s ...
  EXPECT_EQ(s.delay_before(4), 6000ms);   // ... in equal steps ...
  EXPECT_EQ(s.delay_before(5), 10000ms);  // ... to 10 s
  EXPECT_EQ(s.delay_before(6), 10000ms);  // at the maximum
  EXPECT_FALSE(s.delay_before(7));
  auto exponential = RetrySchedule::http("", R"({"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":16,"numRetries":5,"backoffFunction":"exponential"}})");
  EXPECT_EQ(exponential.delay_before(3), 4000ms);

  const std::string topic = R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":1},"disableSubscriptionOverrides":false}})";
  const std::string sub = R"({"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":2}})";
  EXPECT_EQ(RetrySchedule::http(topic, "").total_retries(), 1);
  EXPECT_EQ(RetrySchedule::http(topic, sub).total_retries(), 2);
  const std::string locked = R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":1},"disableSubscriptionOverrides":true}})";
  EXPECT_EQ(RetrySchedule::http(locked, sub).total_retries(), 1);
}

TEST(SnsRetryScheduleTest, HttpPolicyMembersOfTheWrongTypeCountAsLeftOut) {
  // Stored as given (not validated), so a delivery must never fail on reading them.
  auto s = RetrySchedule::http(R"({"http":{"disableSubscriptionOverrides":"true","defaultHealthyRetryPolicy":{"numRetries":1}}})",
                               R"({"healthyRetryPolicy":{"backoffFunction":1,"numRetries":"2","minDelayTarget":1,"maxDelayTarget":1}})");
  EXPECT_EQ(s.total_retries(), 3) << "the subscription's policy, numRetries defaulted";
  EXPECT_EQ(s.delay_before(1), 1000ms);
  EXPECT_EQ(http_content_type(R"({"http":{"defaultRequestPolicy":{"headerContentType":5}}})", R"({"requestPolicy":[]})"),
            "text/plain; charset=UTF-8");
}

TEST(SnsRetryScheduleTest, HttpAnswersAndContentType) {
  EXPECT_TRUE(http_delivered(200));
  EXPECT_TRUE(http_delivered(404));
  EXPECT_FALSE(http_delivered(429));
  EXPECT_FALSE(http_delivered(500));
  EXPECT_FALSE(http_delivered(302 - 200));
  EXPECT_EQ(http_content_type("", ""), "text/plain; charset=UTF-8");
  EXPECT_EQ(http_content_type(R"({"http":{"defaultRequestPolicy":{"headerContentType":"application/json"}}})", ""), "application/json");
  EXPECT_EQ(http_content_type(R"({"http":{"defaultRequestPolicy":{"headerContentType":"application/json"}}})",
                              R"({"requestPolicy":{"headerContentType":"text/csv"}})"),
            "text/csv");
}

}  // namespace
}  // namespace localray::sns::model
