#pragma once
// What SNS sent where localray cannot deliver: email, email-json and sms subscriptions, and
// publishes to a phone number. Each is kept (the newest kKept) so that a test can read what a
// recipient would have got (GET /_localray/sns/deliveries). Thread-safe: topics record from their
// strands, the edge reads from its threads.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/sns/model/message_attribute.hpp"
#include "tracing/clock.hpp"

namespace localray::sns::model {

struct SentMessage {
  std::string protocol;  // email, email-json, sms
  std::string endpoint;  // the address or phone number
  std::string topic_arn;  // empty: published straight to a phone number
  std::string subscription_arn;
  std::string type;  // Notification, SubscriptionConfirmation, UnsubscribeConfirmation
  std::string message_id;
  std::optional<std::string> subject;
  std::string body;  // what the recipient gets: the text, or email-json's JSON
  MessageAttributes attributes;
  tracing::TimePoint timestamp;
  std::string token{};  // a confirmation's
};

class SentMessages {
 public:
  static constexpr std::size_t kKept = 10000;
  static constexpr std::size_t kKeptBytes = 64 * 1024 * 1024;  // bodies and attributes, whichever bound comes first

  void add(SentMessage m);
  // Newest first; an empty `topic` or `endpoint` matches every message.
  std::vector<SentMessage> newest_first(std::string_view topic, std::string_view endpoint, std::size_t limit) const;

 private:
  mutable std::mutex mutex_;
  std::deque<SentMessage> kept_;  // oldest first
  std::size_t bytes_ = 0;
};

}  // namespace localray::sns::model
