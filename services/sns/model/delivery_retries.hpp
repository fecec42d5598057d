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
  int immediate = 3;
  int pre_backoff = 2;
  std::chrono::milliseconds pre_backoff_delay{1000};
  int backoff = 10;
  std::chrono::milliseconds min_delay{1000};
  std::chrono::milliseconds max_delay{20000};
  int post_backoff = 100000;

  // AWS's policy for SQS and Lambda endpoints.
  static RetrySchedule managed() { return {}; }
  // The wait before retry number `retry` (1 is the first retry), or none once the policy is spent.
  std::optional<std::chrono::milliseconds> delay_before(int retry) const;
  int total_retries() const { return immediate + pre_backoff + backoff + post_backoff; }
};

// The message attributes SNS puts on what it sends to a subscription's dead-letter queue.
inline constexpr const char* kDeadLetterErrorCode = "ErrorCode";
inline constexpr const char* kDeadLetterErrorMessage = "ErrorMessage";
inline constexpr const char* kDeadLetterRequestId = "RequestID";

}  // namespace localray::sns::model
