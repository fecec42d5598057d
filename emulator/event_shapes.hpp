#pragma once
// The JSON documents AWS hands to Lambda functions and SQS subscribers.
#include <string>
#include <vector>

#include "services/sns/model/notification.hpp"
#include "services/sns/model/subscription.hpp"
#include "services/sqs/model/queue.hpp"

namespace localray::emulator {

// {"Records":[{"EventSource":"aws:sns", ..., "Sns":{...}}]}
std::string sns_lambda_event(const sns::model::Notification& n, const sns::model::Subscription& s);
// The JSON envelope an SQS subscriber receives (field order as AWS sends it).
std::string sns_sqs_envelope(const sns::model::Notification& n, const sns::model::Subscription& s, const std::string& endpoint);
// One record of the SQS event: {"messageId", "receiptHandle", "body", "attributes", ...}.
std::string sqs_event_record(const sqs::model::Message& message, const std::string& queue_arn, const std::string& region);
// {"Records":[...]} of records already rendered as JSON objects (SQS's, a DynamoDB stream's).
std::string records_event(const std::vector<std::string>& records);
inline std::string sqs_event(const std::vector<std::string>& records) { return records_event(records); }

}  // namespace localray::emulator
