// Publish and PublishBatch.
#include "services/sns/protocol/error_shapes.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/protocol/request_params.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol::ops {

namespace asio = boost::asio;

asio::awaitable<Outcome> publish(const Call& c) {
  auto arn = c.params.get("TopicArn");
  if (!arn || arn->empty()) arn = c.params.get("TargetArn");
  if (auto phone = c.params.get("PhoneNumber"); (!arn || arn->empty()) && phone && !phone->empty()) {
    auto text = publish_request(c.params, "", "");
    if (!text) co_return text.error();
    std::string number{*phone};  // named: GCC 12 destroys temporaries made inside a co_await twice
    auto receipt = co_await c.backend.publish_sms(std::move(*text), std::move(number));
    if (!receipt) co_return receipt.error();
    co_return XmlWriter{}.element("MessageId", receipt->message_id).str();
  }
  if (!arn || arn->empty()) co_return missing_arn("TopicArn or TargetArn");
  if (std::string target{*arn}; !model::platform_of_endpoint(target).empty()) {
    auto push = publish_request(c.params, "", "");
    if (!push) co_return push.error();
    auto receipt = co_await c.backend.publish_to_endpoint(std::move(*push), std::move(target));
    if (!receipt) co_return receipt.error();
    co_return XmlWriter{}.element("MessageId", receipt->message_id).str();
  }
  auto request = publish_request(c.params, std::string{*arn}, "");
  if (!request) co_return request.error();
  auto receipt = co_await c.backend.publish(std::move(*request), c.trace, c.request_id);
  if (!receipt) co_return receipt.error();
  XmlWriter xml;
  xml.element("MessageId", receipt->message_id);
  if (!receipt->sequence_number.empty()) xml.element("SequenceNumber", receipt->sequence_number);
  co_return xml.str();
}

asio::awaitable<Outcome> publish_batch(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  std::vector<model::PublishBatchEntry> entries;
  for (const auto& [n, entry] : c.params.members("PublishBatchRequestEntries.member")) {
    std::string path = "publishBatchRequestEntries." + std::to_string(n) + ".member.";
    auto id = entry.get("Id");
    if (!id) co_return missing_member(path + "id");
    // A malformed entry fails the whole call, as on SNS; entries SNS refuses come back as Failed.
    auto request = publish_request(entry, *arn, path);
    if (!request) co_return request.error();
    entries.push_back({std::string{*id}, std::move(*request)});
  }
  auto receipt = co_await c.backend.publish_batch(*arn, std::move(entries), c.trace, c.request_id);
  if (!receipt) co_return receipt.error();
  XmlWriter xml;
  xml.open("Successful");
  for (const auto& s : receipt->successful) {
    xml.open("member").element("Id", s.id).element("MessageId", s.message_id);
    if (!s.sequence_number.empty()) xml.element("SequenceNumber", s.sequence_number);
    xml.close("member");
  }
  xml.close("Successful").open("Failed");
  for (const auto& f : receipt->failed)
    xml.open("member")
        .element("Id", f.id)
        .element("Code", error_shape(f.error.code).code)
        .element("Message", f.error.message)
        .element("SenderFault", f.sender_fault ? "true" : "false")
        .close("member");
  xml.close("Failed");
  co_return xml.str();
}

}  // namespace localray::sns::protocol::ops
