#include "services/sqs/model/queue.hpp"

#include <algorithm>
#include <cctype>

#include <unordered_set>

#include "base/base64.hpp"
#include "services/sqs/model/limits.hpp"

namespace localray::sqs::model {
namespace {

// SQS accepts #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF, checked on the decoded UTF-8.
bool valid_body(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::uint32_t cp;
    int len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c >> 5) == 6) { cp = c & 0x1f; len = 2; }
    else if ((c >> 4) == 14) { cp = c & 0x0f; len = 3; }
    else if ((c >> 3) == 30) { cp = c & 0x07; len = 4; }
    else return false;
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = s[i + k];
      if ((cc >> 6) != 2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
              (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return false;
    i += len;
  }
  return true;
}

// `[A-Za-z0-9_.-]{1,256}`, no reserved prefix, no leading, trailing or doubled period.
bool valid_attribute_name(std::string_view n) {
  if (n.empty() || n.size() > kMaxAttributeNameLength || n.front() == '.' || n.back() == '.') return false;
  if (n.find("..") != std::string_view::npos) return false;
  auto lower_starts = [&](std::string_view prefix) {
    return n.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), n.begin(), [](char p, char c) {
             return p == std::tolower(static_cast<unsigned char>(c));
           });
  };
  if (lower_starts("aws.") || lower_starts("amazon.")) return false;
  return std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; });
}

// `String`, `String.custom`: the base type exactly, or followed by a '.' and a label.
bool typed(std::string_view data_type, std::string_view base) {
  return data_type == base || (data_type.size() > base.size() + 1 && data_type.starts_with(base) && data_type[base.size()] == '.');
}

}  // namespace

Result<void> validate_message(const OutgoingMessage& m, std::size_t max_size) {
  if (m.body.empty())
    return Error{Code::InvalidParameterValue, "The request must contain the parameter MessageBody."};
  if (!valid_body(m.body))
    return Error{Code::InvalidMessageContents, "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"};
  if (m.delay && (m.delay->count() < 0 || *m.delay > kMaxDelay))
    return Error{Code::InvalidParameterValue, "Value " + std::to_string(m.delay->count()) +
                                                  " for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."};
  if (m.attributes.size() > static_cast<std::size_t>(kMaxMessageAttributes))
    return Error{Code::InvalidParameterValue, "Number of message attributes [" + std::to_string(m.attributes.size()) +
                                                  "] exceeds the allowed maximum [10]."};
  std::size_t size = m.body.size();
  for (const auto& [name, a] : m.attributes) {
    size += name.size() + a.data_type.size() + a.value.size();
    if (!valid_attribute_name(name))
      return Error{Code::InvalidParameterValue, "Message (user) attribute name '" + name + "' is invalid. The attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters, must not start or end with a period, must not contain consecutive periods, must not start with AWS. or Amazon., and must be at most 256 characters."};
    if (!typed(a.data_type, "String") && !typed(a.data_type, "Number") && !typed(a.data_type, "Binary"))
      return Error{Code::InvalidParameterValue, "The type of message (user) attribute '" + name + "' is invalid. You must use only the following supported type prefixes: Binary, Number, String."};
    if (a.value.empty())
      return Error{Code::InvalidParameterValue, "Message (user) attribute '" + name + "' must contain a non-empty value of type '" + a.data_type + "'."};
    if (!typed(a.data_type, "Binary") && !valid_body(a.value))
      return Error{Code::InvalidParameterValue, "Message (user) attribute '" + name + "' value contains invalid characters."};
  }
  if (size > max_size)
    return Error{Code::InvalidParameterValue, "One or more parameters are invalid. Reason: Message must be shorter than " +
                                                  std::to_string(max_size) + " bytes."};
  if (m.group_id && !base::valid_fifo_id(*m.group_id))
    return Error{Code::InvalidParameterValue, "Value " + *m.group_id + " for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."};
  if (m.deduplication_id && !base::valid_fifo_id(*m.deduplication_id))
    return Error{Code::InvalidParameterValue, "Value " + *m.deduplication_id + " for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length."};
  return {};
}

Queue::Queue(std::string name, std::string arn, std::string url, QueueSettings settings, const tracing::Clock& clock,
             tracing::IdGenerator& ids, std::size_t max_bytes, std::size_t max_in_flight)
    : name_{std::move(name)}, arn_{std::move(arn)}, url_{std::move(url)}, settings_{std::move(settings)}, fifo_{settings_.fifo.has_value()},
      clock_{clock}, ids_{ids},
      created_at_{clock.now()}, last_modified_at_{created_at_}, max_bytes_{max_bytes}, max_in_flight_{max_in_flight} {}

namespace {
std::size_t held_bytes(const Message& m) {
  std::size_t n = m.body.size();
  for (const auto& [name, a] : m.attributes) n += name.size() + a.data_type.size() + a.value.size();
  return n;
}
}  // namespace

Queue::Messages::iterator Queue::erase(Messages::iterator it) {
  const Message& m = it->second;
  bytes_ -= std::min(bytes_, held_bytes(m));
  if (!m.receipt_handle.empty()) by_handle_.erase(m.receipt_handle);
  if (fifo_) {
    if (auto g = groups_.find(m.group_id); g != groups_.end()) {
      g->second.erase(it->first);
      if (g->second.empty()) groups_.erase(g);
    }
  }
  if (changes_) changes_->message_removed(*this, it->first);
  return messages_.erase(it);
}

Queue::Messages::iterator Queue::emplace(std::uint64_t seq, Message m) {
  bytes_ += held_bytes(m);
  if (!m.receipt_handle.empty()) by_handle_[m.receipt_handle] = seq;
  if (fifo_) groups_[m.group_id].insert(seq);
  auto [at, added] = messages_.insert_or_assign(seq, std::move(m));
  return at;
}

void Queue::restore(std::uint64_t seq, Message m) {
  next_seq_ = std::max(next_seq_, seq + 1);
  if (!m.sequence_number.empty()) last_sequence_ = std::max<std::uint64_t>(last_sequence_, std::strtoull(m.sequence_number.c_str(), nullptr, 10));
  emplace(seq, std::move(m));
}

std::string Queue::next_sequence_number(tracing::TimePoint now) {
  last_sequence_ = base::next_sequence(last_sequence_, std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()));
  return base::sequence_number_text(last_sequence_);
}

std::string Queue::new_receipt_handle(const std::string& message_id) {
  // Says which queue and message it was issued for, so that a handle this queue issued before can
  // be told from one it never did (SQS accepts the first, refuses the second).
  return base::base64_encode(arn_ + "|" + message_id + "|" + ids_.uuid());
}

namespace {
bool issued_by(std::string_view handle, const std::string& arn) {
  auto decoded = base::base64_decode(handle);
  return decoded && decoded->size() > arn.size() && decoded->starts_with(arn) && (*decoded)[arn.size()] == '|';
}
Error expired_handle(const std::string& handle) {
  return Error{Code::InvalidParameterValue, "Value " + handle + " for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."};
}
Error invalid_handle(const std::string& handle) {
  return Error{Code::ReceiptHandleIsInvalid, "The input receipt handle \"" + handle + "\" is not a valid receipt handle."};
}
}  // namespace

Result<void> Queue::check_fifo_entry(const OutgoingMessage& m) const {
  if (!fifo()) return {};
  if (!m.group_id) return Error{Code::MissingParameter, "The request must contain the parameter MessageGroupId."};
  if (!m.deduplication_id && !settings_.fifo->content_based_deduplication)
    return Error{Code::InvalidParameterValue, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"};
  return {};
}

Result<void> Queue::check_fifo_send(const OutgoingMessage& m) const {
  if (!fifo()) {
    if (m.deduplication_id)
      return Error{Code::InvalidParameterValue, "Value " + *m.deduplication_id + " for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type."};
    return {};
  }
  if (auto v = check_fifo_entry(m); !v) return v;
  // DelaySeconds 0 is allowed: the queue's delay then applies.
  if (m.delay && m.delay->count() != 0)
    return Error{Code::InvalidParameterValue, "Value " + std::to_string(m.delay->count()) +
                                                  " for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."};
  return {};
}

Result<SendReceipt> Queue::send(OutgoingMessage m) {
  if (auto v = validate_message(m, settings_.maximum_message_size); !v) return v.error();
  if (auto v = check_fifo_send(m); !v) return v.error();
  if (bytes_ >= max_bytes_)
    return Error{Code::RequestThrottled, "Queue " + name_ + " holds " + std::to_string(bytes_ >> 20) +
                                             " MiB of messages, localray's limit per queue: the request was throttled; send it again once consumers catch up."};
  auto now = clock_.now();
  Message msg;
  std::string dedup_key;
  if (fifo()) {
    msg.deduplication_id = m.deduplication_id ? *m.deduplication_id : base::content_deduplication_id(m.body);
    dedup_key = base::deduplication_key(settings_.fifo->deduplication_scope == DeduplicationScope::MessageGroup, *m.group_id, msg.deduplication_id);
    if (auto earlier = deduplicated_.find(dedup_key, now))
      return SendReceipt{earlier->message_id, md5_hex(m.body), md5_of_attributes(m.attributes), earlier->sequence_number};
    msg.sequence_number = next_sequence_number(now);
    m.delay.reset();
  }
  msg.group_id = m.group_id.value_or("");
  msg.id = ids_.uuid();
  msg.md5_of_body = md5_hex(m.body);
  msg.md5_of_attributes = md5_of_attributes(m.attributes);
  msg.body = std::move(m.body);
  msg.attributes = std::move(m.attributes);
  msg.trace_header = std::move(m.trace_header);
  msg.sender_id = std::move(m.sender_id);
  msg.sent_at = now;
  msg.visible_at = now + m.delay.value_or(settings_.delay);
  SendReceipt receipt{msg.id, msg.md5_of_body, msg.md5_of_attributes, msg.sequence_number};
  if (fifo()) deduplicated_.remember(dedup_key, base::Deduplicated{msg.id, msg.sequence_number}, now);
  auto at = emplace(next_seq_++, std::move(msg));
  if (changes_) changes_->message_changed(*this, at->first, at->second);
  return receipt;
}

void Queue::accept_dead_letter(Message m) {
  m.visible_at = clock_.now();
  m.receipt_handle.clear();
  auto at = emplace(next_seq_++, std::move(m));
  if (changes_) changes_->message_changed(*this, at->first, at->second);
}

std::vector<Message> Queue::take_for_move(std::size_t n) {
  auto now = clock_.now();
  expire_old_messages(now);
  std::vector<Message> out;
  std::unordered_set<std::string> locked;  // FIFO groups with a message hidden before this one
  for (auto it = messages_.begin(); it != messages_.end() && out.size() < n;) {
    if (it->second.visible_at > now || (fifo_ && locked.contains(it->second.group_id))) {
      if (fifo_) locked.insert(it->second.group_id);
      ++it;
      continue;
    }
    Message m = it->second;
    m.receipt_handle.clear();
    it = erase(it);
    out.push_back(std::move(m));
  }
  return out;
}

void Queue::accept_moved(Message m) {
  auto now = clock_.now();
  m.sent_at = now;
  m.visible_at = now;
  m.receive_count = 0;
  m.first_received_at.reset();
  m.receipt_handle.clear();
  m.dead_letter_source_arn.clear();
  if (fifo_) {
    if (m.group_id.empty()) m.group_id = m.id;  // from a standard queue: each message its own group
    if (m.deduplication_id.empty()) m.deduplication_id = m.id;
    m.sequence_number = next_sequence_number(now);
  } else {
    m.sequence_number.clear();
    m.deduplication_id.clear();
  }
  auto at = emplace(next_seq_++, std::move(m));
  if (changes_) changes_->message_changed(*this, at->first, at->second);
}

void Queue::expire_old_messages(tracing::TimePoint now) {
  // Messages are kept in arrival order, so the oldest come first: the scan stops at the first one
  // still within the retention period instead of reading every message on every receive. (A clock
  // set back could put a younger message first; the older ones behind it go at a later receive.)
  for (auto it = messages_.begin(); it != messages_.end() && it->second.sent_at + settings_.retention <= now;) it = erase(it);
}

ReceiveResult Queue::receive(int max_messages, std::optional<std::chrono::seconds> visibility_timeout, const std::string& attempt_id) {
  auto now = clock_.now();
  expire_old_messages(now);
  ReceiveResult result;
  auto timeout = visibility_timeout.value_or(settings_.visibility_timeout);
  if (fifo() && !attempt_id.empty() && repeat_attempt(attempt_id, timeout, now, result)) return result;
  // Every message in flight holds a receipt handle, so the count is only taken near the quota.
  if (by_handle_.size() + static_cast<std::size_t>(std::max(max_messages, 0)) > max_in_flight_) {
    auto in_flight = in_flight_count();
    if (in_flight >= max_in_flight_) {
      result.over_limit = true;
      return result;
    }
    max_messages = std::min(max_messages, static_cast<int>(max_in_flight_ - in_flight));
  }
  if (fifo()) receive_fifo(max_messages, timeout, now, result);
  else receive_standard(max_messages, timeout, now, result);
  if (fifo() && !attempt_id.empty() && !result.messages.empty()) {
    for (auto it = attempts_.begin(); it != attempts_.end();) it = it->second.expires_at <= now ? attempts_.erase(it) : std::next(it);
    Attempt attempt{{}, now + base::kDeduplicationWindow};
    for (const auto& m : result.messages) attempt.handed_out.emplace_back(by_handle_.at(m.receipt_handle), m.receipt_handle);
    attempts_.insert_or_assign(attempt_id, std::move(attempt));
  }
  return result;
}

bool Queue::dead_letter_due(const Message& m) const {
  return settings_.redrive && m.receive_count >= settings_.redrive->max_receive_count;
}

void Queue::hand_out(std::uint64_t seq, Message& m, tracing::TimePoint now, std::chrono::seconds timeout) {
  if (!m.receipt_handle.empty()) by_handle_.erase(m.receipt_handle);
  ++m.receive_count;
  if (!m.first_received_at) m.first_received_at = now;
  m.visible_at = now + timeout;
  m.receipt_handle = new_receipt_handle(m.id);
  by_handle_[m.receipt_handle] = seq;
  if (changes_) changes_->message_changed(*this, seq, m);
}

void Queue::receive_standard(int max_messages, std::chrono::seconds timeout, tracing::TimePoint now, ReceiveResult& result) {
  for (auto it = messages_.begin(); it != messages_.end() && static_cast<int>(result.messages.size()) < max_messages;) {
    Message& m = it->second;
    if (m.visible_at > now) {
      ++it;
      continue;
    }
    if (dead_letter_due(m)) {
      Message dead = m;
      dead.receipt_handle.clear();
      it = erase(it);
      result.dead_letters.push_back(std::move(dead));
      continue;
    }
    hand_out(it->first, m, now, timeout);
    result.messages.push_back(m);
    ++it;
  }
}

// Groups are taken in the order of their oldest message; from each, as many messages in a row as
// are visible, so that one consumer gets one group's run and the next consumer another group.
void Queue::receive_fifo(int max_messages, std::chrono::seconds timeout, tracing::TimePoint now, ReceiveResult& result) {
  std::unordered_set<std::string> seen;  // groups already taken or found locked
  for (auto it = messages_.begin(); it != messages_.end() && static_cast<int>(result.messages.size()) < max_messages;) {
    const std::string group = it->second.group_id;
    auto next = std::next(it);
    if (!seen.insert(group).second) {
      it = next;
      continue;
    }
    // The group's messages in order up to the first hidden one. SQS does the same: a message
    // whose timeout ended is received again even while later ones of its run are in flight.
    auto g = groups_.find(group);
    if (g == groups_.end()) {
      it = next;
      continue;
    }
    auto& members = g->second;
    for (auto m = members.begin(); m != members.end() && static_cast<int>(result.messages.size()) < max_messages;) {
      auto at = messages_.find(*m);
      if (at->second.visible_at > now) break;
      if (dead_letter_due(at->second)) {
        Message dead = at->second;
        dead.receipt_handle.clear();
        ++m;
        if (next == at) next = std::next(at);
        erase(at);
        result.dead_letters.push_back(std::move(dead));
        if (!groups_.contains(group)) break;  // that was its last message: `members` is gone
        continue;
      }
      hand_out(at->first, at->second, now, timeout);
      result.messages.push_back(at->second);
      ++m;
    }
    it = next;
  }
}

bool Queue::repeat_attempt(const std::string& attempt_id, std::chrono::seconds timeout, tracing::TimePoint now, ReceiveResult& result) {
  auto a = attempts_.find(attempt_id);
  if (a == attempts_.end() || a->second.expires_at <= now || a->second.handed_out.empty()) return false;
  for (const auto& [seq, handle] : a->second.handed_out) {
    auto m = messages_.find(seq);
    if (m == messages_.end() || m->second.receipt_handle != handle || m->second.visible_at <= now) return false;
  }
  for (const auto& [seq, handle] : a->second.handed_out) {
    Message& m = messages_.at(seq);
    m.visible_at = now + timeout;
    if (changes_) changes_->message_changed(*this, seq, m);
    result.messages.push_back(m);
  }
  return true;
}

Result<void> Queue::delete_message(const std::string& receipt_handle) {
  auto h = by_handle_.find(receipt_handle);
  if (h == by_handle_.end()) {
    // Issued here before: the message was received again since, or is gone. SQS answers success.
    if (issued_by(receipt_handle, arn_)) return {};
    return invalid_handle(receipt_handle);
  }
  auto at = messages_.find(h->second);
  // A FIFO message back in its group's line may be received by another consumer: the handle of
  // the receive that lapsed no longer deletes it.
  if (fifo_ && at->second.visible_at <= clock_.now()) return expired_handle(receipt_handle);
  erase(at);
  return {};
}

Result<void> Queue::change_visibility(const std::string& receipt_handle, std::chrono::seconds timeout) {
  if (timeout.count() < 0 || timeout > kMaxVisibilityTimeout)
    return Error{Code::InvalidParameterValue, "Value " + std::to_string(timeout.count()) +
                                                  " for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200."};
  auto h = by_handle_.find(receipt_handle);
  if (h == by_handle_.end()) {
    if (issued_by(receipt_handle, arn_))
      return Error{Code::InvalidParameterValue, "Value " + receipt_handle + " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."};
    return invalid_handle(receipt_handle);
  }
  auto& m = messages_.at(h->second);
  auto now = clock_.now();
  // A standard message whose timeout lapsed may still be given a new one (SQS answers success);
  // a FIFO one is back in its group's line.
  if (fifo_ && m.visible_at <= now) return expired_handle(receipt_handle);
  m.visible_at = now + timeout;
  if (changes_) changes_->message_changed(*this, h->second, m);
  return {};
}

Result<void> Queue::purge() {
  auto now = clock_.now();
  if (last_purge_at_ && now < *last_purge_at_ + kPurgeInterval)
    return Error{Code::PurgeQueueInProgress, "Only one PurgeQueue operation on " + name_ + " is allowed every 60 seconds."};
  last_purge_at_ = now;
  clear();
  return {};
}

void Queue::clear() {
  if (changes_ && !messages_.empty()) changes_->messages_cleared(*this);
  messages_.clear();
  by_handle_.clear();
  groups_.clear();
  attempts_.clear();
  bytes_ = 0;
}

std::optional<tracing::TimePoint> Queue::next_visible_at() const {
  std::optional<tracing::TimePoint> next;
  auto now = clock_.now();
  for (const auto& [seq, m] : messages_)
    if (m.visible_at > now && (!next || m.visible_at < *next)) next = m.visible_at;
  return next;
}

std::size_t Queue::visible_count() const {
  auto now = clock_.now();
  std::size_t n = 0;
  for (const auto& [seq, m] : messages_) n += m.visible_at <= now;
  return n;
}

std::size_t Queue::in_flight_count() const {
  auto now = clock_.now();
  std::size_t n = 0;
  for (const auto& [seq, m] : messages_) n += m.visible_at > now && m.receive_count > 0;
  return n;
}

std::size_t Queue::delayed_count() const {
  auto now = clock_.now();
  std::size_t n = 0;
  for (const auto& [seq, m] : messages_) n += m.visible_at > now && m.receive_count == 0;
  return n;
}

}  // namespace localray::sqs::model
