#include "services/lambda/model/async_invocation.hpp"

#include <nlohmann/json.hpp>

#include "tracing/timestamps.hpp"

namespace localray::lambda::model {

using nlohmann::json;

Result<void> validate(const EventInvokeConfig& c) {
  if (c.maximum_retry_attempts < 0 || c.maximum_retry_attempts > kMaxRetryAttempts)
    return Error{Code::InvalidParameterValue, "1 validation error detected: Value '" + std::to_string(c.maximum_retry_attempts) +
                                                  "' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"};
  if (c.maximum_event_age < kMinEventAge || c.maximum_event_age > kMaxEventAge)
    return Error{Code::InvalidParameterValue, "1 validation error detected: Value '" + std::to_string(c.maximum_event_age.count()) +
                                                  "' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value " +
                                                  (c.maximum_event_age < kMinEventAge ? "greater than or equal to 60" : "less than or equal to 21600")};
  return {};
}

const char* condition_name(Condition c) {
  switch (c) {
    case Condition::Success: return "Success";
    case Condition::RetriesExhausted: return "RetriesExhausted";
    case Condition::EventAgeExceeded: return "EventAgeExceeded";
  }
  return "";
}

namespace {

json embedded(const std::string& payload) {
  auto j = json::parse(payload, nullptr, false);
  return j.is_discarded() ? json(payload) : j;
}

}  // namespace

std::string render(const InvocationRecord& r) {
  json out{{"version", "1.0"},
           {"timestamp", tracing::iso8601_millis(r.timestamp)},
           {"requestContext",
            {{"requestId", r.request_id},
             {"functionArn", r.function_arn},
             {"condition", condition_name(r.condition)},
             {"approximateInvokeCount", r.approximate_invoke_count}}},
           {"requestPayload", embedded(r.request_payload)}};
  if (r.ran) {
    json context{{"statusCode", 200}, {"executedVersion", "$LATEST"}};
    if (r.function_error) context["functionError"] = "Unhandled";
    out["responseContext"] = std::move(context);
    out["responsePayload"] = r.response_payload.empty() ? json(nullptr) : embedded(r.response_payload);
  }
  return out.dump();
}

AsyncDelivery dead_letter(const InvocationRecord& r, const std::string& target_arn, const std::string& error_message) {
  AsyncDelivery d;
  d.target_arn = target_arn;
  d.body = r.request_payload;
  d.attributes["RequestID"] = {"String", r.request_id};
  d.attributes["ErrorCode"] = {"Number", "200"};
  // Lambda cuts the message to 1 KB.
  d.attributes["ErrorMessage"] = {"String", error_message.substr(0, 1024)};
  return d;
}

}  // namespace localray::lambda::model
