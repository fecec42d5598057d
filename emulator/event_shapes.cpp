#include "emulator/event_shapes.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "emulator/sns_http_messages.hpp"
#include "http/base64.hpp"
#include "tracing/timestamps.hpp"

namespace localray::emulator {

using ordered = nlohmann::ordered_json;

namespace {


std::string epoch_millis(tracing::TimePoint t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

// SQS and Lambda deliveries are not signed (signing costs an RSA operation per delivery, and
// only http/https endpoints are commonly verified); a fixed, well-formed value keeps parsers happy.
constexpr const char* kSignature = "bG9jYWxyYXkgZG9lcyBub3Qgc2lnbiBub3RpZmljYXRpb25z";

std::string signing_cert_url(const std::string& endpoint) { return sns_signing_cert_url(endpoint); }
std::string unsubscribe_url(const std::string& endpoint, const std::string& arn) {
  return endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + arn;
}

}  // namespace

std::string sns_lambda_event(const sns::model::Notification& n, const sns::model::Subscription& s) {
  ordered sns = {{"Type", "Notification"},
                 {"MessageId", n.message_id},
                 {"TopicArn", n.topic_arn},
                 {"Subject", n.subject ? ordered(*n.subject) : ordered(nullptr)},
                 {"Message", n.message},
                 {"Timestamp", tracing::iso8601_millis(n.timestamp)},
                 {"SignatureVersion", "1"},
                 {"Signature", kSignature},
                 {"SigningCertUrl", signing_cert_url("https://sns.localhost")},
                 {"UnsubscribeUrl", unsubscribe_url("https://sns.localhost", s.arn)},
                 {"MessageAttributes", sns_message_attributes(n.attributes)}};
  ordered record = {{"EventSource", "aws:sns"}, {"EventVersion", "1.0"}, {"EventSubscriptionArn", s.arn}, {"Sns", std::move(sns)}};
  return ordered{{"Records", ordered::array({std::move(record)})}}.dump(-1, ' ', false, ordered::error_handler_t::replace);
}

std::string sns_sqs_envelope(const sns::model::Notification& n, const sns::model::Subscription& s, const std::string& endpoint) {
  ordered e = {{"Type", "Notification"}, {"MessageId", n.message_id}};
  // A FIFO topic's notification carries its sequence number and, as on SNS, is not signed.
  if (!n.sequence_number.empty()) e["SequenceNumber"] = n.sequence_number;
  e["TopicArn"] = n.topic_arn;
  if (n.subject) e["Subject"] = *n.subject;
  e["Message"] = n.message;
  e["Timestamp"] = tracing::iso8601_millis(n.timestamp);
  if (n.sequence_number.empty()) {
    e["SignatureVersion"] = "1";
    e["Signature"] = kSignature;
    e["SigningCertURL"] = signing_cert_url(endpoint);
  }
  e["UnsubscribeURL"] = unsubscribe_url(endpoint, s.arn);
  if (!n.attributes.empty()) e["MessageAttributes"] = sns_message_attributes(n.attributes);
  return e.dump(-1, ' ', false, ordered::error_handler_t::replace);
}

std::string sqs_event_record(const sqs::model::Message& m, const std::string& queue_arn, const std::string& region) {
  ordered attributes = {{"ApproximateReceiveCount", std::to_string(m.receive_count)},
                        {"SentTimestamp", epoch_millis(m.sent_at)},
                        {"SenderId", m.sender_id},
                        {"ApproximateFirstReceiveTimestamp", epoch_millis(m.first_received_at.value_or(m.sent_at))}};
  if (!m.trace_header.empty()) attributes["AWSTraceHeader"] = m.trace_header;
  // Lambda's record of a FIFO message carries its place: sequence, group and deduplication id.
  if (!m.sequence_number.empty()) attributes["SequenceNumber"] = m.sequence_number;
  if (!m.group_id.empty()) attributes["MessageGroupId"] = m.group_id;
  if (!m.deduplication_id.empty()) attributes["MessageDeduplicationId"] = m.deduplication_id;
  if (!m.dead_letter_source_arn.empty()) attributes["DeadLetterQueueSourceArn"] = m.dead_letter_source_arn;
  ordered message_attributes = ordered::object();
  for (const auto& [name, a] : m.attributes) {
    bool binary = a.data_type.rfind("Binary", 0) == 0;
    ordered v = ordered::object();
    if (binary) v["binaryValue"] = http::base64_encode(a.value);
    else v["stringValue"] = a.value;
    v["stringListValues"] = ordered::array();
    v["binaryListValues"] = ordered::array();
    v["dataType"] = a.data_type;
    message_attributes[name] = std::move(v);
  }
  ordered r = {{"messageId", m.id},        {"receiptHandle", m.receipt_handle}, {"body", m.body},
               {"attributes", attributes}, {"messageAttributes", message_attributes}, {"md5OfBody", m.md5_of_body}};
  if (!m.md5_of_attributes.empty()) r["md5OfMessageAttributes"] = m.md5_of_attributes;
  r["eventSource"] = "aws:sqs";
  r["eventSourceARN"] = queue_arn;
  r["awsRegion"] = region;
  return r.dump(-1, ' ', false, ordered::error_handler_t::replace);
}

std::string records_event(const std::vector<std::string>& records) {
  // Each record is a JSON object already: the event is their list.
  std::string out = R"({"Records":[)";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i) out += ',';
    out += records[i];
  }
  return out + "]}";
}

}  // namespace localray::emulator
