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
//                       (any other state: MessageNotInflight)
//   delete_message()    IN FLIGHT -> gone
//   receive()           VISIBLE with receive_count >= maxReceiveCount -> DEAD-LETTERED: handed
//                       back to the caller to move to the dead-letter queue, never delivered here
//   purge()             any -> gone (at most once per kPurgeInterval, else PurgeQueueInProgress)
//   send() past kMaxQueueBytes held: RequestThrottled (localray's memory bound)
//   receive() with kMaxInFlight in flight: nothing, over_limit set (SQS's OverLimit)
//   clear()             any -> gone (no rate limit: the queue itself is being deleted,
//                       Backend::delete_queue())
// FIFO queues (settings.fifo) add: a message of a group is received only once every message of
// the group before it is deleted, and never while another of its group is in flight (the group is
// locked); a send whose deduplication id was seen within base::kDeduplicationWindow is acknowledged
// with the first send's id and sequence number and stores nothing.
// Invariant: a receipt handle names exactly one message and only its latest receive. An older
// handle of this queue is still well-formed: deleting with it succeeds and deletes nothing.
// Counts (visible_count, in_flight_count, delayed_count) partition the stored messages:
// visible = visible_at <= now; in flight = hidden after a receive; delayed = hidden, never received.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/deduplication.hpp"
#include "services/sqs/model/error.hpp"
#include "services/sqs/model/limits.hpp"
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
  std::string sender_id;                      // who sent it: an account, a role's unique id, SNS's own id
  std::optional<std::string> group_id;        // MessageGroupId: FIFO's group, a standard queue's fair-queue tenant
  std::optional<std::string> deduplication_id;  // FIFO: absent means the body's SHA-256 (ContentBasedDeduplication)
};

struct SendReceipt {
  std::string message_id;
  std::string md5_of_body;
  std::string md5_of_attributes;  // empty when there are no attributes
  std::string sequence_number;    // FIFO queues only
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
  std::string group_id;                            // MessageGroupId, empty when none
  std::string deduplication_id, sequence_number;   // FIFO queues only
  std::string dead_letter_source_arn;              // the queue it was dead-lettered from, if it was
};

struct RedrivePolicy {
  std::string dead_letter_target_arn;
  int max_receive_count = 0;
  friend bool operator==(const RedrivePolicy&, const RedrivePolicy&) = default;
};

enum class DeduplicationScope { Queue, MessageGroup };
enum class ThroughputLimit { PerQueue, PerMessageGroupId };

// What only a FIFO queue has. The throughput limit changes nothing here (localray throttles no
// group); it is kept because clients read it back.
struct FifoSettings {
  bool content_based_deduplication = false;
  DeduplicationScope deduplication_scope = DeduplicationScope::Queue;
  ThroughputLimit throughput_limit = ThroughputLimit::PerQueue;
  friend bool operator==(const FifoSettings&, const FifoSettings&) = default;
};

struct QueueSettings {
  std::chrono::seconds visibility_timeout{30};
  std::chrono::seconds delay{0};
  std::chrono::seconds retention{345600};
  std::chrono::seconds receive_wait{0};
  std::size_t maximum_message_size = kMaxMessageBytes;
  std::optional<RedrivePolicy> redrive;
  std::optional<FifoSettings> fifo;  // a FIFO queue; fixed when the queue is created
  std::map<std::string, std::string> tags;  // TagQueue; no part of what CreateQueue compares
  // Attributes kept and returned as given, with no behaviour here (Policy, KMS and SSE
  // settings, RedriveAllowPolicy): by attribute name.
  std::map<std::string, std::string> other;
  friend bool operator==(const QueueSettings&, const QueueSettings&) = default;
};

struct ReceiveResult {
  std::vector<Message> messages;      // as received: handle, count, timestamps updated
  std::vector<Message> dead_letters;  // to be moved to the dead-letter queue by the caller
  bool over_limit = false;            // nothing received: the queue has its quota in flight
};

class Queue;

// Told of each change to what a queue holds, on the queue's strand and in order, so that a copy
// can be kept elsewhere (--persist). `seq` orders a queue's messages, oldest first.
class QueueChanges {
 public:
  virtual ~QueueChanges() = default;
  virtual void queue_changed(const Queue& q) = 0;  // created, restored or its settings changed
  virtual void queue_removed(const Queue& q) = 0;
  virtual void message_changed(const Queue& q, std::uint64_t seq, const Message& m) = 0;
  virtual void message_removed(const Queue& q, std::uint64_t seq) = 0;
  virtual void messages_cleared(const Queue& q) = 0;
};

class Queue {
 public:
  // `max_bytes`: what the queue may hold before SendMessage is throttled (kMaxQueueBytes);
  // `max_in_flight`: received and not yet deleted or visible again before ReceiveMessage is refused.
  Queue(std::string name, std::string arn, std::string url, QueueSettings settings, const tracing::Clock& clock,
        tracing::IdGenerator& ids, std::size_t max_bytes = kMaxQueueBytes, std::size_t max_in_flight = kMaxInFlight);

  Result<SendReceipt> send(OutgoingMessage m);
  // Takes a message moved here from another queue's redrive, keeping its id and history.
  void accept_dead_letter(Message m);
  // A message move task's two halves: takes up to `n` visible messages out, oldest first (a FIFO
  // queue's only from groups with none in flight), and takes one in as if sent now, keeping its
  // id, body, attributes and FIFO ids.
  std::vector<Message> take_for_move(std::size_t n);
  void accept_moved(Message m);
  // `attempt_id` (FIFO only, ReceiveRequestAttemptId): a retry within base::kDeduplicationWindow whose
  // messages are all still in flight under the handles it was given gets them again, their
  // visibility timeout started anew.
  ReceiveResult receive(int max_messages, std::optional<std::chrono::seconds> visibility_timeout,
                        const std::string& attempt_id = {});
  Result<void> delete_message(const std::string& receipt_handle);
  Result<void> change_visibility(const std::string& receipt_handle, std::chrono::seconds timeout);
  // Drops every message; at most once per kPurgeInterval.
  Result<void> purge();
  // Drops every message, no rate limit (the queue is being deleted).
  void clear();

  // Where changes are reported from now on; null: nowhere.
  void set_changes(QueueChanges* changes) { changes_ = changes; }
  // Puts back a message as a copy kept it (its receipt handle still valid); reports nothing.
  void restore(std::uint64_t seq, Message m);
  // Puts back the times a copy kept; reports nothing.
  void restore_times(tracing::TimePoint created_at, tracing::TimePoint last_modified_at) {
    created_at_ = created_at;
    last_modified_at_ = last_modified_at;
  }

  // When the next delayed or in-flight message becomes visible, if any.
  std::optional<tracing::TimePoint> next_visible_at() const;
  std::size_t visible_count() const;
  std::size_t in_flight_count() const;
  std::size_t delayed_count() const;
  std::size_t bytes() const { return bytes_; }
  // Fixed at construction, so readable from any thread (the settings are the strand's).
  bool fifo() const { return fifo_; }
  // What a FIFO batch checks of every entry before sending any: the group, and a deduplication id
  // unless the queue derives it. Nothing for a standard queue.
  Result<void> check_fifo_entry(const OutgoingMessage& m) const;

  const std::string& name() const { return name_; }
  const std::string& arn() const { return arn_; }
  const std::string& url() const { return url_; }
  const QueueSettings& settings() const { return settings_; }
  void set_settings(QueueSettings s) {
    settings_ = std::move(s);
    last_modified_at_ = clock_.now();
    if (changes_) changes_->queue_changed(*this);
  }
  tracing::TimePoint created_at() const { return created_at_; }
  tracing::TimePoint last_modified_at() const { return last_modified_at_; }

 private:
  using Messages = std::map<std::uint64_t, Message>;
  void expire_old_messages(tracing::TimePoint now);
  // Removes a message, its handle and its place in its group.
  Messages::iterator erase(Messages::iterator it);
  Messages::iterator emplace(std::uint64_t seq, Message m);
  Result<void> check_fifo_send(const OutgoingMessage& m) const;
  // Gives the message a receive: count, timestamps and a new handle.
  void hand_out(std::uint64_t seq, Message& m, tracing::TimePoint now, std::chrono::seconds timeout);
  // Takes `it` out for the dead-letter queue when it has been received maxReceiveCount times.
  bool dead_letter_due(const Message& m) const;
  void receive_standard(int max_messages, std::chrono::seconds timeout, tracing::TimePoint now, ReceiveResult& result);
  void receive_fifo(int max_messages, std::chrono::seconds timeout, tracing::TimePoint now, ReceiveResult& result);
  bool repeat_attempt(const std::string& attempt_id, std::chrono::seconds timeout, tracing::TimePoint now, ReceiveResult& result);
  std::string next_sequence_number(tracing::TimePoint now);
  std::string new_receipt_handle(const std::string& message_id);

  std::string name_, arn_, url_;
  QueueSettings settings_;
  bool fifo_;
  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  tracing::TimePoint created_at_;
  tracing::TimePoint last_modified_at_;
  std::optional<tracing::TimePoint> last_purge_at_;
  std::uint64_t next_seq_ = 0;
  std::size_t bytes_ = 0;  // bodies and attributes held
  std::size_t max_bytes_;
  std::size_t max_in_flight_;
  Messages messages_;                                          // by arrival order
  std::unordered_map<std::string, std::uint64_t> by_handle_;  // latest receipt handle -> seq
  // FIFO: each group's messages, oldest first; its first is the only one that may be received.
  std::unordered_map<std::string, std::set<std::uint64_t>> groups_;
  base::DeduplicationWindow<tracing::TimePoint> deduplicated_;
  std::uint64_t last_sequence_ = 0;
  struct Attempt {
    std::vector<std::pair<std::uint64_t, std::string>> handed_out;  // seq, receipt handle
    tracing::TimePoint expires_at;
  };
  std::unordered_map<std::string, Attempt> attempts_;  // FIFO: by ReceiveRequestAttemptId
  QueueChanges* changes_ = nullptr;
};

std::string md5_hex(std::string_view data);
// The MD5 the SDKs verify: names sorted, each as length-prefixed name, type, transport byte and value.
std::string md5_of_attributes(const MessageAttributes& attrs);
// Body characters, delay, attribute count, names (`[A-Za-z0-9_.-]{1,256}`, no `AWS.`/`Amazon.`
// prefix, no leading, trailing or doubled '.'), types (String|Number|Binary[.custom]), values and
// the total size. The trace header counts for none of them.
// Also MessageGroupId and MessageDeduplicationId when given: 1 to 128 of `[!-~]`.
Result<void> validate_message(const OutgoingMessage& m, std::size_t max_size);

}  // namespace localray::sqs::model
