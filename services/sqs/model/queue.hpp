#pragma once
// One standard SQS queue: state and semantics only, driven by an injected clock.
//
// Message lifecycle (each edge names the method that takes it):
//   send()              -> DELAYED (visible_at = sent + delay) or VISIBLE
//   time passes         DELAYED -> VISIBLE
//   receive()           VISIBLE -> IN FLIGHT (receive_count + 1, new receipt handle,
//                                  visible_at = now + visibility timeout)
//   time passes         IN FLIGHT -> VISIBLE (the consumer did not delete it in time)
//   change_visibility() IN FLIGHT -> IN FLIGHT with a new deadline (0: VISIBLE at once)
//   delete_message()    IN FLIGHT -> gone
//   receive()           VISIBLE with receive_count >= maxReceiveCount -> DEAD-LETTERED: handed
//                       back to the caller to move to the dead-letter queue, never delivered here
//   purge()             any -> gone
// Invariant: a receipt handle names exactly one message and only its latest receive.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/sqs/model/error.hpp"
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"

namespace localray::sqs::model {

struct MessageAttribute {
  std::string data_type;  // String, Number, Binary, with optional ".custom" suffix
  std::string value;      // string value, or raw bytes of a binary value
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

struct OutgoingMessage {
  std::string body;
  MessageAttributes attributes;
  std::optional<std::chrono::seconds> delay;  // queue default when absent
  std::string trace_header;                   // AWSTraceHeader system attribute, empty when none
  std::string sender_id = "AIDAIT2UOQQY3AUEKVGXU";
};

struct SendReceipt {
  std::string message_id;
  std::string md5_of_body;
  std::string md5_of_attributes;  // empty when there are no attributes
};

struct Message {
  std::string id;
  std::string body;
  MessageAttributes attributes;
  std::string md5_of_body;
  std::string md5_of_attributes;
  std::string trace_header;
  std::string sender_id;
  tracing::TimePoint sent_at;
  tracing::TimePoint visible_at;
  std::optional<tracing::TimePoint> first_received_at;
  int receive_count = 0;
  std::string receipt_handle;  // of the latest receive
};

struct RedrivePolicy {
  std::string dead_letter_target_arn;
  int max_receive_count = 0;
};

struct QueueSettings {
  std::chrono::seconds visibility_timeout{30};
  std::chrono::seconds delay{0};
  std::chrono::seconds retention{345600};
  std::chrono::seconds receive_wait{0};
  std::size_t maximum_message_size = 262144;
  std::optional<RedrivePolicy> redrive;
};

struct ReceiveResult {
  std::vector<Message> messages;      // as received: handle, count, timestamps updated
  std::vector<Message> dead_letters;  // to be moved to the dead-letter queue by the caller
};

class Queue {
 public:
  Queue(std::string name, std::string arn, std::string url, QueueSettings settings, const tracing::Clock& clock,
        tracing::IdGenerator& ids);

  Result<SendReceipt> send(OutgoingMessage m);
  // Takes a message moved here from another queue's redrive, keeping its id and history.
  void accept_dead_letter(Message m);
  ReceiveResult receive(int max_messages, std::optional<std::chrono::seconds> visibility_timeout);
  Result<void> delete_message(const std::string& receipt_handle);
  Result<void> change_visibility(const std::string& receipt_handle, std::chrono::seconds timeout);
  void purge();

  // When the next delayed or in-flight message becomes visible, if any.
  std::optional<tracing::TimePoint> next_visible_at() const;
  std::size_t visible_count() const;
  std::size_t in_flight_count() const;
  std::size_t delayed_count() const;

  const std::string& name() const { return name_; }
  const std::string& arn() const { return arn_; }
  const std::string& url() const { return url_; }
  const QueueSettings& settings() const { return settings_; }
  void set_settings(QueueSettings s) { settings_ = std::move(s); }
  tracing::TimePoint created_at() const { return created_at_; }

 private:
  void expire_old_messages(tracing::TimePoint now);

  std::string name_, arn_, url_;
  QueueSettings settings_;
  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  tracing::TimePoint created_at_;
  std::uint64_t next_seq_ = 0;
  std::map<std::uint64_t, Message> messages_;                  // by arrival order
  std::unordered_map<std::string, std::uint64_t> by_handle_;  // latest receipt handle -> seq
};

std::string md5_hex(std::string_view data);
// The MD5 the SDKs verify: names sorted, each as length-prefixed name, type, transport byte and value.
std::string md5_of_attributes(const MessageAttributes& attrs);
Result<void> validate_message(const OutgoingMessage& m, std::size_t max_size);

}  // namespace localray::sqs::model
