// SendMessage[Batch], ReceiveMessage, DeleteMessage[Batch], ChangeMessageVisibility[Batch].
#include <chrono>

#include "services/sqs/model/batch.hpp"
#include "services/sqs/model/limits.hpp"
#include "services/sqs/protocol/errors.hpp"
#include "services/sqs/protocol/message_attributes.hpp"
#include "services/sqs/protocol/operations.hpp"
#include "services/sqs/protocol/params.hpp"

namespace localray::sqs::protocol::ops {

namespace asio = boost::asio;

namespace {

struct Outgoing {
  model::OutgoingMessage message;
  std::string md5_of_system_attributes;  // empty unless the sender gave MessageSystemAttributes
};

// One SendMessage or one batch entry. AWSTraceHeader: the entry's system attribute, else the
// request's X-Amzn-Trace-Id; it is neither sized nor hashed into MD5OfMessageAttributes.
model::Result<Outgoing> read_outgoing(const Tree& in, const Call& call) {
  auto body = required_string(in, "MessageBody");
  if (!body) return body.error();
  auto delay = optional_int(in, "DelaySeconds");
  if (!delay) return delay.error();
  auto attributes = read_message_attributes(in, "MessageAttributes");
  if (!attributes) return attributes.error();
  auto system = read_message_attributes(in, "MessageSystemAttributes");
  if (!system) return system.error();
  auto trace = trace_header_attribute(*system);
  if (!trace) return trace.error();
  auto group = optional_string(in, "MessageGroupId");
  if (!group) return group.error();
  auto deduplication = optional_string(in, "MessageDeduplicationId");
  if (!deduplication) return deduplication.error();

  Outgoing out;
  out.message.body = std::move(*body);
  out.message.attributes = std::move(*attributes);
  if (*delay) out.message.delay = std::chrono::seconds{**delay};
  out.message.trace_header = trace->empty() ? call.trace_header : std::move(*trace);
  out.message.sender_id = call.sender_id;
  out.message.group_id = std::move(*group);
  out.message.deduplication_id = std::move(*deduplication);
  out.md5_of_system_attributes = model::md5_of_attributes(*system);
  return out;
}

std::size_t wire_size(const model::OutgoingMessage& m) {
  std::size_t n = m.body.size();
  for (const auto& [name, a] : m.attributes) n += name.size() + a.data_type.size() + a.value.size();
  return n;
}

Tree sent(const model::SendReceipt& r, const std::string& md5_of_system_attributes) {
  Tree out = Tree::object();
  out["MD5OfMessageBody"] = r.md5_of_body;
  // Only when there are attributes: an MD5 of nothing breaks some SDKs.
  if (!r.md5_of_attributes.empty()) out["MD5OfMessageAttributes"] = r.md5_of_attributes;
  if (!md5_of_system_attributes.empty()) out["MD5OfMessageSystemAttributes"] = md5_of_system_attributes;
  out["MessageId"] = r.message_id;
  if (!r.sequence_number.empty()) out["SequenceNumber"] = r.sequence_number;
  return out;
}

Tree failed(const std::string& id, const model::Error& e) {
  Tree out = Tree::object();
  out["Id"] = id;
  out["SenderFault"] = wire_error(e.code).sender_fault;
  out["Code"] = wire_error(e.code).query_code;
  out["Message"] = e.message;
  return out;
}

// A batch entry's validation failure is worded as SQS words it there: "cannot be validated"
// where SendMessage says "are invalid".
model::Error batch_entry_error(model::Error e) {
  constexpr std::string_view single = "One or more parameters are invalid.";
  if (std::string_view{e.message}.starts_with(single)) e.message = "One or more parameters cannot be validated." + e.message.substr(single.size());
  return e;
}

Tree succeeded(const std::string& id) {
  Tree out = Tree::object();
  out["Id"] = id;
  return out;
}

// The batch's entries and their ids, checked as SQS checks them before any entry runs.
struct Batch {
  std::vector<const Tree*> entries;
  std::vector<std::string> ids;
};
model::Result<Batch> read_batch(const Tree& in) {
  auto entries = structure_list(in, "Entries");
  if (!entries) return entries.error();
  Batch b{std::move(*entries), {}};
  for (const Tree* e : b.entries) {
    auto id = optional_string(*e, "Id");
    if (!id) return id.error();
    b.ids.push_back(id->value_or(""));
  }
  if (auto v = model::validate_batch_ids(b.ids); !v) return v.error();
  return b;
}

Tree batch_result(Tree successful, Tree failures) {
  Tree out = Tree::object();
  out["Successful"] = std::move(successful);
  out["Failed"] = std::move(failures);
  return out;
}

}  // namespace

asio::awaitable<Outcome> send_message(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto m = read_outgoing(c.input, c);
  if (!m) co_return m.error();
  auto r = co_await c.backend.send(*q, std::move(m->message));
  if (!r) co_return r.error();
  co_return ok(sent(*r, m->md5_of_system_attributes));
}

asio::awaitable<Outcome> send_message_batch(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto batch = read_batch(c.input);
  if (!batch) co_return batch.error();
  std::vector<model::Result<Outgoing>> messages;
  std::size_t total = 0;
  for (const Tree* e : batch->entries) {
    messages.push_back(read_outgoing(*e, c));
    if (messages.back()) total += wire_size(messages.back()->message);
  }
  if (total > model::kMaxMessageBytes)
    co_return model::Error{model::Code::BatchRequestTooLong, "Batch requests cannot be longer than " + std::to_string(model::kMaxMessageBytes) +
                                                                 " bytes. You have sent " + std::to_string(total) + " bytes."};
  std::vector<model::Result<model::OutgoingMessage>> entries;
  for (auto& m : messages) {
    if (m) entries.emplace_back(std::move(m->message));
    else entries.emplace_back(m.error());
  }
  auto results = co_await c.backend.send_batch(*q, std::move(entries));
  if (!results) co_return results.error();
  Tree successful = Tree::array(), failures = Tree::array();
  for (std::size_t i = 0; i < results->size(); ++i) {
    const std::string& id = batch->ids[i];
    const auto& r = (*results)[i];
    if (!r) {
      failures.push_back(failed(id, batch_entry_error(r.error())));
      continue;
    }
    Tree entry = Tree::object();
    entry["Id"] = id;
    entry.update(sent(*r, messages[i] ? messages[i]->md5_of_system_attributes : std::string{}));
    successful.push_back(std::move(entry));
  }
  co_return ok(batch_result(std::move(successful), std::move(failures)));
}

asio::awaitable<Outcome> receive_message(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto max = optional_int(c.input, "MaxNumberOfMessages");
  if (!max) co_return max.error();
  auto visibility = optional_int(c.input, "VisibilityTimeout");
  if (!visibility) co_return visibility.error();
  auto wait = optional_int(c.input, "WaitTimeSeconds");
  if (!wait) co_return wait.error();
  // Older clients name system attributes in AttributeNames, newer ones in MessageSystemAttributeNames.
  auto system_names = string_list(c.input, "AttributeNames");
  if (!system_names) co_return system_names.error();
  auto more_system_names = string_list(c.input, "MessageSystemAttributeNames");
  if (!more_system_names) co_return more_system_names.error();
  system_names->insert(system_names->end(), more_system_names->begin(), more_system_names->end());
  auto attribute_names = string_list(c.input, "MessageAttributeNames");
  if (!attribute_names) co_return attribute_names.error();
  auto attempt = optional_string(c.input, "ReceiveRequestAttemptId");
  if (!attempt) co_return attempt.error();

  model::ReceiveOptions options;
  options.max_messages = max->value_or(1);
  if (*visibility) options.visibility_timeout = std::chrono::seconds{**visibility};
  if (*wait) options.wait = std::chrono::seconds{**wait};
  options.attempt_id = attempt->value_or("");
  auto got = co_await c.backend.receive(*q, options);
  if (!got) co_return got.error();

  Tree messages = Tree::array();
  for (const auto& m : *got) {
    Tree out = Tree::object();
    out["MessageId"] = m.id;
    out["ReceiptHandle"] = m.receipt_handle;
    out["MD5OfBody"] = m.md5_of_body;
    out["Body"] = m.body;
    if (auto system = system_attributes(m, *system_names); !system.empty()) out["Attributes"] = std::move(system);
    // The MD5 the SDKs check is over the attributes returned, not all the message has.
    if (auto selected = select_message_attributes(m.attributes, *attribute_names); !selected.empty()) {
      out["MD5OfMessageAttributes"] = model::md5_of_attributes(selected);
      out["MessageAttributes"] = write_message_attributes(selected);
    }
    messages.push_back(std::move(out));
  }
  Tree out = Tree::object();
  if (!messages.empty()) out["Messages"] = std::move(messages);
  co_return ok(out);
}

asio::awaitable<Outcome> delete_message(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto handle = required_string(c.input, "ReceiptHandle");
  if (!handle) co_return handle.error();
  if (auto r = co_await c.backend.delete_message(*q, std::move(*handle)); !r) co_return r.error();
  co_return ok(Tree::object());
}

asio::awaitable<Outcome> delete_message_batch(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto batch = read_batch(c.input);
  if (!batch) co_return batch.error();
  Tree successful = Tree::array(), failures = Tree::array();
  for (std::size_t i = 0; i < batch->entries.size(); ++i) {
    const std::string& id = batch->ids[i];
    auto handle = required_string(*batch->entries[i], "ReceiptHandle");
    if (!handle) {
      failures.push_back(failed(id, handle.error()));
      continue;
    }
    if (auto r = co_await c.backend.delete_message(*q, std::move(*handle)); !r) failures.push_back(failed(id, r.error()));
    else successful.push_back(succeeded(id));
  }
  co_return ok(batch_result(std::move(successful), std::move(failures)));
}

asio::awaitable<Outcome> change_message_visibility(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto handle = required_string(c.input, "ReceiptHandle");
  if (!handle) co_return handle.error();
  auto timeout = required_int(c.input, "VisibilityTimeout");
  if (!timeout) co_return timeout.error();
  if (auto r = co_await c.backend.change_visibility(*q, std::move(*handle), std::chrono::seconds{*timeout}); !r) co_return r.error();
  co_return ok(Tree::object());
}

asio::awaitable<Outcome> change_message_visibility_batch(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto batch = read_batch(c.input);
  if (!batch) co_return batch.error();
  Tree successful = Tree::array(), failures = Tree::array();
  for (std::size_t i = 0; i < batch->entries.size(); ++i) {
    const std::string& id = batch->ids[i];
    auto handle = required_string(*batch->entries[i], "ReceiptHandle");
    if (!handle) {
      failures.push_back(failed(id, handle.error()));
      continue;
    }
    auto timeout = required_int(*batch->entries[i], "VisibilityTimeout");
    if (!timeout) {
      failures.push_back(failed(id, timeout.error()));
      continue;
    }
    auto r = co_await c.backend.change_visibility(*q, std::move(*handle), std::chrono::seconds{*timeout});
    if (!r) failures.push_back(failed(id, r.error()));
    else successful.push_back(succeeded(id));
  }
  co_return ok(batch_result(std::move(successful), std::move(failures)));
}

}  // namespace localray::sqs::protocol::ops
