#include "emulator/sqs_event_source.hpp"

#include "emulator/dynamodb_stream_source.hpp"
#include "emulator/event_shapes.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using lambda::model::SourceRecord;

lambda::model::SourceNode SqsEventSource::node() const {
  return {queue_->queue.name(), queue_->queue.arn(), "AWS::SQS::Queue", {{"operation", "ReceiveMessage"}, {"queue_url", queue_->queue.url()}}};
}

asio::awaitable<lambda::model::Result<std::vector<SourceRecord>>> SqsEventSource::poll(int max_records, std::chrono::milliseconds wait) {
  sqs::model::ReceiveOptions options{.max_messages = max_records, .wait = wait};
  auto got = co_await sqs_.receive(queue_, options);
  if (!got) co_return lambda::model::Error{lambda::model::Code::ServiceUnavailable, got.error().message};
  std::vector<SourceRecord> out;
  for (const auto& m : *got)
    out.push_back({m.id, tracing::TraceHeader::parse(m.trace_header), m.sent_at, m.receipt_handle, sqs_event_record(m, queue_->queue.arn(), region_),
                   m.visible_at});
  co_return out;
}

std::string SqsEventSource::event(const std::vector<SourceRecord>& records) const {
  std::vector<std::string> rendered;
  for (const auto& r : records) rendered.push_back(r.rendered);
  return sqs_event(rendered);
}

asio::awaitable<void> SqsEventSource::acknowledge(std::vector<SourceRecord> records) {
  for (const auto& r : records) {
    // A handle gone stale (the visibility timeout ran out first) leaves the message to be retried.
    (void)co_await sqs_.delete_message(queue_, r.receipt);
  }
}

asio::awaitable<void> SqsEventSource::release(std::vector<SourceRecord> records) {
  for (const auto& r : records) (void)co_await sqs_.change_visibility(queue_, r.receipt, std::chrono::seconds{0});
}

lambda::model::Result<std::shared_ptr<lambda::model::EventSource>> SqsEventSources::find(const std::string& arn,
                                                                                         const std::optional<std::string>& starting_position) {
  if (arn.rfind("arn:aws:dynamodb:", 0) == 0) {
    auto stream = dynamodb_.stream(arn);
    auto cut = arn.find("/stream/");
    if (!stream || cut == std::string::npos || !(*stream)->enabled())
      return lambda::model::Error{lambda::model::Code::InvalidParameterValue, "Stream not found: " + arn};
    return std::shared_ptr<lambda::model::EventSource>{
        std::make_shared<DynamoDbStreamSource>(*stream, arn.substr(0, cut), region_, starting_position == "LATEST", clock_)};
  }
  auto q = sqs_.find(arn);
  if (!q || arn.rfind("arn:aws:sqs:", 0) != 0)
    return lambda::model::Error{lambda::model::Code::InvalidParameterValue, "Invalid event source: " + arn};
  return std::shared_ptr<lambda::model::EventSource>{std::make_shared<SqsEventSource>(sqs_, *q, region_)};
}

}  // namespace localray::emulator
