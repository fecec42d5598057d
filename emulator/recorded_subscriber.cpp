#include "emulator/recorded_subscriber.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <nlohmann/json.hpp>

#include "base/offload.hpp"
#include "emulator/sns_http_messages.hpp"

namespace localray::emulator {

namespace asio = boost::asio;

RecordedSubscriber::RecordedSubscriber(asio::any_io_executor ex, asio::any_io_executor blocking, std::string protocol, sns::model::Backend& sns,
                                       std::string edge, std::shared_ptr<base::SigningKey> key)
    : ex_{std::move(ex)}, blocking_{std::move(blocking)}, protocol_{std::move(protocol)}, sent_{sns.sent()}, sms_{sns.sms()},
      platforms_{sns.platforms()}, edge_{std::move(edge)}, key_{std::move(key)} {}

void RecordedSubscriber::describe_target(nlohmann::json& aws) const { aws["protocol"] = protocol_; }

std::string RecordedSubscriber::deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader&) {
  if (protocol_ == "sms" && sms_.opted_out(s.endpoint)) return {};
  // A push endpoint deleted since the subscription, or disabled, is not pushed to; the
  // subscription stays, as on SNS.
  if (protocol_ == "application") {
    auto endpoint = platforms_.endpoint(s.endpoint);
    if (!endpoint || !endpoint->enabled()) return {};
  }
  sns::model::SentMessage m{protocol_, s.endpoint, s.topic_arn, s.arn, "Notification", n.message_id, n.subject, n.message, n.attributes, n.timestamp};
  if (protocol_ != "email-json") {
    sent_.add(std::move(m));
    return {};
  }
  // The log outlives every subscriber (it is the topic's backend's); the key is shared.
  asio::co_spawn(
      ex_,
      [blocking = blocking_, key = key_, edge = edge_, n, s, m = std::move(m), &sent = sent_]() mutable -> asio::awaitable<void> {
        m.body = co_await base::offload(blocking, [&] { return sns_http_notification(n, s, edge, *key); });
        sent.add(std::move(m));
      },
      asio::detached);
  return {};
}

void RecordedSubscriber::request_confirmation(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) { confirm(true, s, m); }

void RecordedSubscriber::confirm_unsubscription(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) { confirm(false, s, m); }

void RecordedSubscriber::confirm(bool subscribe, const sns::model::Subscription& s, const sns::model::ConfirmationMessage& c) {
  sns::model::SentMessage m{protocol_, s.endpoint, s.topic_arn, subscribe ? std::string{} : s.arn,
                            subscribe ? "SubscriptionConfirmation" : "UnsubscribeConfirmation", c.message_id, std::nullopt, {}, {}, c.timestamp,
                            c.token};
  asio::co_spawn(
      ex_,
      [blocking = blocking_, key = key_, edge = edge_, s, c, m = std::move(m), subscribe, email = protocol_ == "email",
       &sent = sent_]() mutable -> asio::awaitable<void> {
        auto kind = subscribe ? SnsConfirmationType::subscribe : SnsConfirmationType::unsubscribe;
        auto json = co_await base::offload(blocking, [&] { return sns_http_confirmation(kind, s, c, edge, *key); });
        if (email) {
          // What the email says: the confirmation's text and the link to follow.
          auto parsed = nlohmann::json::parse(json);
          m.body = parsed["Message"].get<std::string>() + "\n" + parsed["SubscribeURL"].get<std::string>();
        } else {
          m.body = std::move(json);
        }
        sent.add(std::move(m));
      },
      asio::detached);
}

}  // namespace localray::emulator
