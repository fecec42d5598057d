#include "services/sqs/model/queue.hpp"

#include <algorithm>
#include <cctype>

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
  return {};
}

Queue::Queue(std::string name, std::string arn, std::string url, QueueSettings settings, const tracing::Clock& clock,
             tracing::IdGenerator& ids, std::size_t max_bytes, std::size_t max_in_flight)
    : name_{std::move(name)}, arn_{std::move(arn)}, url_{std::move(url)}, settings_{std::move(settings)}, clock_{clock}, ids_{ids},
      created_at_{clock.now()}, last_modified_at_{created_at_}, max_bytes_{max_bytes}, max_in_flight_{max_in_flight} {}

namespace {
std::size_t held_bytes(const Message& m) {
  std::size_t n = m.body.size();
  for (const auto& [name, a] : m.attributes) n += name.size() + a.data_type.size() + a.value.size();
  return n;
}
}  // namespace

std::map<std::uint64_t, Message>::iterator Queue::erase(std::map<std::uint64_t, Message>::iterator it) {
  bytes_ -= std::min(bytes_, held_bytes(it->second));
  if (changes_) changes_->message_removed(*this, it->first);
  return messages_.erase(it);
}

void Queue::restore(std::uint64_t seq, Message m) {
  bytes_ += held_bytes(m);
  if (!m.receipt_handle.empty()) by_handle_[m.receipt_handle] = seq;
  next_seq_ = std::max(next_seq_, seq + 1);
  messages_.insert_or_assign(seq, std::move(m));
}

Result<SendReceipt> Queue::send(OutgoingMessage m) {
  if (auto v = validate_message(m, settings_.maximum_message_size); !v) return v.error();
  if (bytes_ >= max_bytes_)
    return Error{Code::RequestThrottled, "Queue " + name_ + " holds " + std::to_string(bytes_ >> 20) +
                                             " MiB of messages, localray's limit per queue: the request was throttled; send it again once consumers catch up."};
  auto now = clock_.now();
  Message msg;
  msg.id = ids_.uuid();
  msg.md5_of_body = md5_hex(m.body);
  msg.md5_of_attributes = md5_of_attributes(m.attributes);
  msg.body = std::move(m.body);
  msg.attributes = std::move(m.attributes);
  msg.trace_header = std::move(m.trace_header);
  msg.sender_id = std::move(m.sender_id);
  msg.sent_at = now;
  msg.visible_at = now + m.delay.value_or(settings_.delay);
  SendReceipt receipt{msg.id, msg.md5_of_body, msg.md5_of_attributes};
  bytes_ += held_bytes(msg);
  auto [at, added] = messages_.emplace(next_seq_++, std::move(msg));
  if (changes_) changes_->message_changed(*this, at->first, at->second);
  return receipt;
}

void Queue::accept_dead_letter(Message m) {
  m.visible_at = clock_.now();
  m.receipt_handle.clear();
  bytes_ += held_bytes(m);
  auto [at, added] = messages_.emplace(next_seq_++, std::move(m));
  if (changes_) changes_->message_changed(*this, at->first, at->second);
}

void Queue::expire_old_messages(tracing::TimePoint now) {
  // Messages are kept in arrival order, so the oldest come first: the scan stops at the first one
  // still within the retention period instead of reading every message on every receive. (A clock
  // set back could put a younger message first; the older ones behind it go at a later receive.)
  for (auto it = messages_.begin(); it != messages_.end() && it->second.sent_at + settings_.retention <= now;) {
    if (!it->second.receipt_handle.empty()) by_handle_.erase(it->second.receipt_handle);
    it = erase(it);
  }
}

ReceiveResult Queue::receive(int max_messages, std::optional<std::chrono::seconds> visibility_timeout) {
  auto now = clock_.now();
  expire_old_messages(now);
  ReceiveResult result;
  // Every message in flight holds a receipt handle, so the count is only taken near the quota.
  if (by_handle_.size() + static_cast<std::size_t>(std::max(max_messages, 0)) > max_in_flight_) {
    auto in_flight = in_flight_count();
    if (in_flight >= max_in_flight_) {
      result.over_limit = true;
      return result;
    }
    max_messages = std::min(max_messages, static_cast<int>(max_in_flight_ - in_flight));
  }
  auto timeout = visibility_timeout.value_or(settings_.visibility_timeout);
  for (auto it = messages_.begin(); it != messages_.end() && static_cast<int>(result.messages.size()) < max_messages;) {
    Message& m = it->second;
    if (m.visible_at > now) {
      ++it;
      continue;
    }
    if (!m.receipt_handle.empty()) by_handle_.erase(m.receipt_handle);
    if (settings_.redrive && m.receive_count >= settings_.redrive->max_receive_count) {
      m.receipt_handle.clear();
      bytes_ -= std::min(bytes_, held_bytes(m));
      result.dead_letters.push_back(std::move(m));
      if (changes_) changes_->message_removed(*this, it->first);
      it = messages_.erase(it);
      continue;
    }
    ++m.receive_count;
    if (!m.first_received_at) m.first_received_at = now;
    m.visible_at = now + timeout;
    m.receipt_handle = ids_.uuid() + "#" + m.id;
    by_handle_[m.receipt_handle] = it->first;
    if (changes_) changes_->message_changed(*this, it->first, m);
    result.messages.push_back(m);
    ++it;
  }
  return result;
}

Result<void> Queue::delete_message(const std::string& receipt_handle) {
  auto h = by_handle_.find(receipt_handle);
  if (h == by_handle_.end())
    return Error{Code::ReceiptHandleIsInvalid, "The input receipt handle \"" + receipt_handle + "\" is not a valid receipt handle."};
  erase(messages_.find(h->second));
  by_handle_.erase(h);
  return {};
}

Result<void> Queue::change_visibility(const std::string& receipt_handle, std::chrono::seconds timeout) {
  if (timeout.count() < 0 || timeout > kMaxVisibilityTimeout)
    return Error{Code::InvalidParameterValue, "Value " + std::to_string(timeout.count()) +
                                                  " for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200."};
  auto h = by_handle_.find(receipt_handle);
  if (h == by_handle_.end())
    return Error{Code::ReceiptHandleIsInvalid, "The input receipt handle \"" + receipt_handle + "\" is not a valid receipt handle."};
  auto& m = messages_.at(h->second);
  auto now = clock_.now();
  if (m.visible_at <= now)
    return Error{Code::MessageNotInflight, "Value " + receipt_handle + " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."};
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
