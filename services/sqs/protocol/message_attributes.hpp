#pragma once
// Message attributes between the wire shape (`{"Name": {"DataType", "StringValue"|"BinaryValue"}}`,
// binary values base64) and the model's (raw bytes), and the attribute selections of ReceiveMessage.
#include <string>
#include <string_view>
#include <vector>

#include "services/sqs/model/queue.hpp"
#include "services/sqs/protocol/tree.hpp"

namespace localray::sqs::protocol {

// `member` is MessageAttributes or MessageSystemAttributes; empty when absent.
model::Result<model::MessageAttributes> read_message_attributes(const Tree& in, std::string_view member);
Tree write_message_attributes(const model::MessageAttributes& attributes);

// The trace header a SendMessage(Batch) entry carries in MessageSystemAttributes.AWSTraceHeader,
// empty when it carries none; the only system attribute SQS takes from a sender.
model::Result<std::string> trace_header_attribute(const model::MessageAttributes& system_attributes);

// ReceiveMessage's MessageAttributeNames: `All`, `.*`, exact names, `prefix.*`.
model::MessageAttributes select_message_attributes(const model::MessageAttributes& attributes, const std::vector<std::string>& names);
// ReceiveMessage's AttributeNames + MessageSystemAttributeNames: `All` or names; timestamps in
// epoch milliseconds; AWSTraceHeader only when the message has one.
Tree system_attributes(const model::Message& m, const std::vector<std::string>& names);

}  // namespace localray::sqs::protocol
