// DeliveryPolicy documents as SNS stores and answers them; the expected strings are the documents
// AWS answered in LocalStack's recorded snapshots (test_subscribe_external_http_endpoint_content_type).
#include <gtest/gtest.h>

#include "services/sns/model/delivery_policy.hpp"

namespace localray::sns::model {
namespace {

constexpr const char* kDefaultRetry =
    R"({"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"})";
constexpr const char* kFastRetry =
    R"({"minDelayTarget":1,"maxDelayTarget":1,"numRetries":0,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"})";

TEST(DeliveryPolicyTest, ASubscriptionsPolicyIsStoredWholeInSnsOrder) {
  // Given in another member order, as LocalStack's fixture gives it.
  auto stored = normalise_subscription_delivery_policy(
      R"({"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"numMaxDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":{"maxReceivesPerSecond":1000},"guaranteed":false})",
      "Invalid parameter: ");
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(*stored, std::string{R"({"healthyRetryPolicy":)"} + kFastRetry +
                         R"(,"sicklyRetryPolicy":null,"throttlePolicy":{"maxReceivesPerSecond":1000},"requestPolicy":null,"guaranteed":false})");
  // A new policy replaces the old one whole.
  auto request_only = normalise_subscription_delivery_policy(R"({"requestPolicy":{"headerContentType":"text/csv"}})", "");
  ASSERT_TRUE(request_only);
  EXPECT_EQ(*request_only,
            R"({"healthyRetryPolicy":null,"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"text/csv"},"guaranteed":false})");
  EXPECT_EQ(effective_subscription_delivery_policy("", *request_only),
            std::string{R"({"healthyRetryPolicy":)"} + kDefaultRetry +
                R"(,"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"text/csv"},"guaranteed":false})");
}

TEST(DeliveryPolicyTest, ATopicsHttpDefaultsAreFilledInAndInheritedBySubscriptions) {
  auto topic = normalise_topic_delivery_policy(R"({"http":{"defaultRequestPolicy":{"headerContentType":"application/json"}}})", "");
  ASSERT_TRUE(topic) << topic.error().message;
  EXPECT_EQ(*topic, R"({"http":{"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"application/json"}}})");
  EXPECT_EQ(effective_topic_delivery_policy(*topic),
            std::string{R"({"http":{"defaultHealthyRetryPolicy":)"} + kDefaultRetry +
                R"(,"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"application/json"}}})");
  EXPECT_EQ(effective_topic_delivery_policy(""),
            std::string{R"({"http":{"defaultHealthyRetryPolicy":)"} + kDefaultRetry +
                R"(,"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}})");
  auto sub = normalise_subscription_delivery_policy(std::string{R"({"healthyRetryPolicy":)"} + kFastRetry + R"(,"throttlePolicy":{"maxReceivesPerSecond":1000}})", "");
  ASSERT_TRUE(sub);
  EXPECT_EQ(effective_subscription_delivery_policy(*topic, *sub),
            std::string{R"({"healthyRetryPolicy":)"} + kFastRetry +
                R"(,"sicklyRetryPolicy":null,"throttlePolicy":{"maxReceivesPerSecond":1000},"requestPolicy":{"headerContentType":"application/json"},"guaranteed":false})");
  // With overrides disabled, the topic's retry policy is the one in force.
  auto strict = normalise_topic_delivery_policy(R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":5},"disableSubscriptionOverrides":true}})", "");
  ASSERT_TRUE(strict);
  EXPECT_NE(effective_subscription_delivery_policy(*strict, *sub).find(R"("healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":5,)"),
            std::string::npos);
}

TEST(DeliveryPolicyTest, PoliciesOutsideSnsLimitsAreRefused) {
  auto refused = [](const std::string& policy) {
    auto r = normalise_subscription_delivery_policy(policy, "Invalid parameter: ");
    return r ? std::string{"accepted"} : r.error().message;
  };
  EXPECT_EQ(refused("not json"), "Invalid parameter: DeliveryPolicy: must be a JSON object");
  EXPECT_EQ(refused(R"({"healthyRetryPolicy":{"numRetries":101}})"), "Invalid parameter: DeliveryPolicy: healthyRetryPolicy.numRetries must be at most 100");
  EXPECT_EQ(refused(R"({"healthyRetryPolicy":{"minDelayTarget":30}})"),
            "Invalid parameter: DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be from 1 to maxDelayTarget");
  EXPECT_EQ(refused(R"({"healthyRetryPolicy":{"backoffFunction":"cubic"}})"),
            "Invalid parameter: DeliveryPolicy: healthyRetryPolicy.backoffFunction must be one of arithmetic, exponential, geometric, linear");
  EXPECT_EQ(refused(R"({"healthyRetryPolicy":{"numRetries":2,"numNoDelayRetries":3}})"),
            "Invalid parameter: DeliveryPolicy: healthyRetryPolicy: numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries together must be at most numRetries");
  EXPECT_EQ(refused(R"({"retries":3})"), "Invalid parameter: DeliveryPolicy: retries is not a member of a subscription's delivery policy");
  EXPECT_EQ(refused(R"({"throttlePolicy":{"maxReceivesPerSecond":0}})"),
            "Invalid parameter: DeliveryPolicy: throttlePolicy.maxReceivesPerSecond must be a whole number from 1 to 1000000");
  auto topic = normalise_topic_delivery_policy(R"({"http":{"disableSubscriptionOverrides":"true"}})", "Invalid parameter: ");
  ASSERT_FALSE(topic);
  EXPECT_EQ(topic.error().message, "Invalid parameter: DeliveryPolicy: http.disableSubscriptionOverrides must be true or false");
  auto throttled = normalise_topic_delivery_policy(R"({"http":{"defaultThrottlePolicy":{"maxReceivesPerSecond":"ten"}}})", "Invalid parameter: ");
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().message,
            "Invalid parameter: DeliveryPolicy: http.defaultThrottlePolicy.maxReceivesPerSecond must be a whole number from 1 to 1000000");
}

TEST(DeliveryPolicyTest, TheThrottleInForceIsTheSubscriptionsThenTheTopics) {
  EXPECT_EQ(max_receives_per_second("", ""), std::nullopt) << "SNS sets no bound of its own";
  auto topic = normalise_topic_delivery_policy(R"({"http":{"defaultThrottlePolicy":{"maxReceivesPerSecond":5}}})", "");
  ASSERT_TRUE(topic) << topic.error().message;
  auto sub = normalise_subscription_delivery_policy(R"({"throttlePolicy":{"maxReceivesPerSecond":2}})", "");
  ASSERT_TRUE(sub) << sub.error().message;
  EXPECT_EQ(max_receives_per_second(*topic, ""), 5);
  EXPECT_EQ(max_receives_per_second("", *sub), 2);
  EXPECT_EQ(max_receives_per_second(*topic, *sub), 2);
  auto strict = normalise_topic_delivery_policy(R"({"http":{"defaultThrottlePolicy":{"maxReceivesPerSecond":5},"disableSubscriptionOverrides":true}})", "");
  ASSERT_TRUE(strict);
  EXPECT_EQ(max_receives_per_second(*strict, *sub), 5) << "overrides disabled: the topic's";
}

}  // namespace
}  // namespace localray::sns::model
