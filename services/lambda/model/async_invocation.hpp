#pragma once
// What happens to an asynchronous invocation once it has run: the function's event invoke config
// (PutFunctionEventInvokeConfig) bounds its retries and its age, and on-success and on-failure
// destinations receive an invocation record; a function's dead-letter queue (DeadLetterConfig)
// receives the events it gave up on.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "services/lambda/model/error.hpp"
#include "tracing/clock.hpp"
#include "tracing/trace_header.hpp"

namespace localray::lambda::model {

constexpr int kMaxRetryAttempts = 2;
constexpr std::chrono::seconds kMinEventAge{60}, kMaxEventAge{21600};
// Events a function may hold queued or waiting for a retry, and their bytes: past either,
// an asynchronous Invoke is throttled (TooManyRequestsException) rather than held without bound.
constexpr std::size_t kMaxQueuedEvents = 100000;
constexpr std::size_t kMaxQueuedBytes = 256 * 1024 * 1024;

struct EventInvokeConfig {
  int maximum_retry_attempts = kMaxRetryAttempts;
  std::chrono::seconds maximum_event_age = kMaxEventAge;
  std::string on_success;  // destination ARNs; empty: none
  std::string on_failure;
  double last_modified = 0;  // epoch seconds
  friend bool operator==(const EventInvokeConfig&, const EventInvokeConfig&) = default;
};

Result<void> validate(const EventInvokeConfig& config);

// Why an event left the queue, as the invocation record's requestContext.condition says it.
enum class Condition { Success, RetriesExhausted, EventAgeExceeded };
const char* condition_name(Condition c);

struct InvocationRecord {
  std::string request_id;
  std::string function_arn;  // qualified, as Lambda writes it (…:$LATEST)
  Condition condition = Condition::Success;
  int approximate_invoke_count = 0;
  std::string request_payload;  // the event
  bool ran = false;             // false: never run (its age ran out first): no response
  bool function_error = false;
  std::string response_payload;
  tracing::TimePoint timestamp;
};

// The record as destinations receive it (version 1.0): requestContext, requestPayload and, when
// the function ran, responseContext and responsePayload; payloads that are JSON are embedded.
std::string render(const InvocationRecord& record);

// A message to a destination or a dead-letter queue. Attributes are SQS/SNS message attributes:
// name -> (data type, value).
struct AsyncDelivery {
  std::string target_arn;
  std::string body;
  std::map<std::string, std::pair<std::string, std::string>> attributes;
  tracing::TraceHeader trace;  // the delivery's own subsegment as parent
};

// The dead-letter message for an event given up on: the event itself, with RequestID,
// ErrorCode and ErrorMessage attributes as Lambda sends them.
AsyncDelivery dead_letter(const InvocationRecord& record, const std::string& target_arn, const std::string& error_message);

// Where destination records and dead letters go: SQS queues, SNS topics, Lambda functions. Other
// services own them, so the emulator implements it.
class AsyncDestinations {
 public:
  virtual ~AsyncDestinations() = default;
  // Whether `arn` names a kind of destination that can be delivered to (checked when configured).
  virtual Result<void> check(const std::string& arn) const = 0;
  // The X-Ray name and operation of a delivery to `arn` (e.g. "SQS", "SendMessage").
  virtual std::pair<std::string, std::string> describe(const std::string& arn) const = 0;
  virtual boost::asio::awaitable<Result<void>> deliver(AsyncDelivery delivery) = 0;
};

}  // namespace localray::lambda::model
