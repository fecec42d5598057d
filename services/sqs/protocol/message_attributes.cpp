#include "services/sqs/protocol/message_attributes.hpp"

#include <algorithm>
#include <chrono>

#include "http/base64.hpp"
#include "services/sqs/protocol/params.hpp"

namespace localray::sqs::protocol {
namespace {

bool is_binary(std::string_view data_type) { return data_type == "Binary" || data_type.starts_with("Binary."); }

std::string epoch_ms(tracing::TimePoint t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

}  // namespace

model::Result<model::MessageAttributes> read_message_attributes(const Tree& in, std::string_view member) {
  model::MessageAttributes out;
  if (!in.is_object()) return out;
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return out;
  if (!it->is_object()) return invalid_parameter(member, "", "must be a map of message attribute values.");
  for (const auto& [name, value] : it->items()) {
    if (!value.is_object()) return invalid_parameter(member, name, "the attribute value must be a structure.");
    auto data_type = optional_string(value, "DataType");
    if (!data_type) return data_type.error();
    if (!*data_type || (*data_type)->empty())
      return model::Error{model::Code::InvalidParameterValue,
                          "The message attribute '" + name + "' must contain non-empty message attribute type."};
    model::MessageAttribute a{**data_type, {}};
    if (is_binary(a.data_type)) {
      auto text = optional_string(value, "BinaryValue");
      if (!text) return text.error();
      if (*text) {
        auto bytes = http::base64_decode(**text);
        if (!bytes) return invalid_parameter("BinaryValue", name, "the value is not valid base64.");
        a.value = std::move(*bytes);
      }
    } else {
      auto text = optional_string(value, "StringValue");
      if (!text) return text.error();
      if (*text) a.value = std::move(**text);
    }
    out.emplace(name, std::move(a));
  }
  return out;
}

Tree write_message_attributes(const model::MessageAttributes& attributes) {
  Tree out = Tree::object();
  for (const auto& [name, a] : attributes) {
    Tree v = Tree::object();
    if (is_binary(a.data_type)) v["BinaryValue"] = http::base64_encode(a.value);
    else v["StringValue"] = a.value;
    v["DataType"] = a.data_type;
    out[name] = std::move(v);
  }
  return out;
}

model::Result<std::string> trace_header_attribute(const model::MessageAttributes& system_attributes) {
  std::string header;
  for (const auto& [name, a] : system_attributes) {
    if (name != "AWSTraceHeader")
      return model::Error{model::Code::InvalidParameterValue, "Message system attribute name '" + name + "' is invalid."};
    if (a.data_type != "String")
      return model::Error{model::Code::InvalidParameterValue,
                          "Message system attribute 'AWSTraceHeader' must be of type String, not '" + a.data_type + "'."};
    if (a.value.empty())
      return model::Error{model::Code::InvalidParameterValue, "Message system attribute 'AWSTraceHeader' must contain a non-empty value."};
    header = a.value;
  }
  return header;
}

model::MessageAttributes select_message_attributes(const model::MessageAttributes& attributes, const std::vector<std::string>& names) {
  model::MessageAttributes out;
  for (const auto& [key, a] : attributes) {
    const std::string& name = key;  // a plain reference: lambdas may not capture structured bindings before clang 16
    bool wanted = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      if (n == "All" || n == ".*") return true;
      if (n.size() >= 2 && n.ends_with(".*")) return name.starts_with(std::string_view{n}.substr(0, n.size() - 1));  // keeps the '.'
      return n == name;
    });
    if (wanted) out.emplace(name, a);
  }
  return out;
}

Tree system_attributes(const model::Message& m, const std::vector<std::string>& names) {
  auto wanted = [&](std::string_view n) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& x) { return x == "All" || x == n; });
  };
  Tree out = Tree::object();
  if (wanted("SenderId")) out["SenderId"] = m.sender_id;
  if (wanted("SentTimestamp")) out["SentTimestamp"] = epoch_ms(m.sent_at);
  if (wanted("ApproximateReceiveCount")) out["ApproximateReceiveCount"] = std::to_string(m.receive_count);
  if (wanted("ApproximateFirstReceiveTimestamp"))
    out["ApproximateFirstReceiveTimestamp"] = epoch_ms(m.first_received_at.value_or(m.sent_at));
  if (wanted("AWSTraceHeader") && !m.trace_header.empty()) out["AWSTraceHeader"] = m.trace_header;
  if (wanted("MessageGroupId") && !m.group_id.empty()) out["MessageGroupId"] = m.group_id;
  if (wanted("MessageDeduplicationId") && !m.deduplication_id.empty()) out["MessageDeduplicationId"] = m.deduplication_id;
  if (wanted("SequenceNumber") && !m.sequence_number.empty()) out["SequenceNumber"] = m.sequence_number;
  if (wanted("DeadLetterQueueSourceArn") && !m.dead_letter_source_arn.empty()) out["DeadLetterQueueSourceArn"] = m.dead_letter_source_arn;
  return out;
}

}  // namespace localray::sqs::protocol
