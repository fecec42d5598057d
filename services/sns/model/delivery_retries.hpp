#pragma once
// How SNS retries a delivery to an endpoint AWS manages (an SQS queue, a Lambda function), and
// what it does with one that never gets through.
//
// AWS's policy for these endpoints: 3 retries at once, 2 a second apart, 10 backing off
// exponentially from 1 s to 20 s, then 100,000 every 20 s (about 23 days in all). Only server
// errors are retried (the endpoint is throttled or unavailable); a client error (the endpoint is
// gone, or refuses the message) ends the delivery at once. What ends undelivered goes to the
// subscription's dead-letter queue (its RedrivePolicy) or is discarded.
#include <chrono>
#include <optional>
#include <string>

namespace localray::sns::model {

enum class DeliveryFailure { client, server };

// One failed attempt, as the endpoint's service answered it.
struct FailedAttempt {
  DeliveryFailure kind = DeliveryFailure::server;
  std::string code;     // the endpoint service's error code, e.g. QueueDoesNotExist
  std::string message;
};

struct RetrySchedule {
  // How delays grow from min_delay to max_delay over the backoff retries. AWS names four
  // functions without their formulas: arithmetic and linear are taken as equal steps, geometric and
  // exponential as equal ratios.
  enum class Backoff { exponential, linear };
  int immediate = 3;
  int pre_backoff = 2;
  std::chrono::milliseconds pre_backoff_delay{1000};
  int backoff = 10;
  std::chrono::milliseconds min_delay{1000};
  std::chrono::milliseconds max_delay{20000};
  int post_backoff = 100000;
  Backoff backoff_function = Backoff::exponential;

  // AWS's policy for SQS and Lambda endpoints.
  static RetrySchedule managed() { return {}; }
  // An http/https subscription's: the subscription's DeliveryPolicy (healthyRetryPolicy), unless the
  // topic's DeliveryPolicy (http.defaultHealthyRetryPolicy) disables overrides or the subscription
  // sets none; without either, AWS's default of 3 retries 20 seconds apart. Policies are JSON text;
  // an empty or unreadable one counts as not set.
  static RetrySchedule http(const std::string& topic_policy, const std::string& subscription_policy);
  // The wait before retry number `retry` (1 is the first retry), or none once the policy is spent.
  std::optional<std::chrono::milliseconds> delay_before(int retry) const;
  int total_retries() const { return immediate + pre_backoff + backoff + post_backoff; }
};

// The message attributes SNS puts on what it sends to a subscription's dead-letter queue.
inline constexpr const char* kDeadLetterErrorCode = "ErrorCode";
inline constexpr const char* kDeadLetterErrorMessage = "ErrorMessage";
inline constexpr const char* kDeadLetterRequestId = "RequestID";

// How long SNS waits for an http/https endpoint's answer before the attempt counts as failed.
inline constexpr std::chrono::seconds kHttpDeliveryTimeout{15};
// An http/https endpoint's answer: a status from 200 to 499 means delivered, but for 429 (too many
// requests); a server error, any other status, or no answer means the attempt failed and is retried.
inline bool http_delivered(unsigned status) { return status >= 200 && status < 500 && status != 429; }
// The Content-Type of what is POSTed: the subscription's requestPolicy.headerContentType, else the
// topic's http.defaultRequestPolicy.headerContentType, else SNS's text/plain.
std::string http_content_type(const std::string& topic_policy, const std::string& subscription_policy);

}  // namespace localray::sns::model
