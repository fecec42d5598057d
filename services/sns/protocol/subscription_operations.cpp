// Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions[ByTopic], Get/SetSubscriptionAttributes.
#include <algorithm>
#include <cctype>

#include "services/sns/protocol/attribute_lists.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/protocol/request_params.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol::ops {

namespace asio = boost::asio;
using model::Code;
using model::Error;

asio::awaitable<Outcome> subscribe(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  auto protocol = required(c.params, "Protocol", "protocol");
  if (!protocol) co_return protocol.error();
  // The topic first, so that a missing topic is NotFound before any subscriber is made.
  auto topic = co_await c.backend.get_topic_attributes(*arn);
  if (!topic) co_return topic.error();
  // A FIFO topic delivers to SQS only, whatever else the protocol names.
  if (topic->fifo && *protocol != "sqs") co_return Error{Code::InvalidParameter, "Invalid parameter: Invalid protocol type: " + std::string{*protocol}};
  if (*protocol == "firehose")
    co_return Error{Code::InvalidParameter, "Invalid parameter: Protocol Reason: localray does not deliver to " + std::string{*protocol} + " yet"};
  auto endpoint = c.params.get("Endpoint");
  if (!endpoint || endpoint->empty()) co_return missing_arn("Endpoint");
  // Checked here, not where subscribers are made: a subscription kept by --persist comes back even
  // if its endpoint was deleted since, as it stays while running.
  if (*protocol == "application" && !c.backend.platforms().endpoint(std::string{*endpoint}))
    co_return Error{Code::InvalidParameter, "Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn" + std::string{*endpoint}};

  model::SubscribeRequest request{*arn, *protocol, std::string{*endpoint}, std::nullopt, std::nullopt, {}};
  for (const auto& [name, value] : string_map(c.params, "Attributes"))
    if (auto ok = read_subscription_attribute(name, value, "Invalid parameter: Attributes Reason: ", request); !ok) co_return ok.error();
  auto target = c.subscribers.make(request.topic_arn, request.protocol, request.endpoint);
  if (!target) co_return target.error();
  auto sub = co_await c.backend.subscribe(std::move(request), std::move(*target));
  if (!sub) co_return sub.error();
  // A subscription waiting for its endpoint's confirmation is not named, unless asked for.
  bool return_arn = c.params.get("ReturnSubscriptionArn").value_or("") == "true";
  if (!return_arn) {
    auto made = co_await c.backend.get_subscription(*sub);
    if (made && made->pending_confirmation) co_return XmlWriter{}.element("SubscriptionArn", "pending confirmation").str();
  }
  co_return XmlWriter{}.element("SubscriptionArn", *sub).str();
}

asio::awaitable<Outcome> confirm_subscription(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  auto token = required(c.params, "Token", "token");
  if (!token) co_return token.error();
  // SNS's tokens are hex; anything else is refused before any lookup, in SNS's words.
  if (token->empty() || !std::all_of(token->begin(), token->end(), [](unsigned char ch) { return std::isxdigit(ch); }))
    co_return Error{Code::InvalidParameter, "Invalid token"};
  bool authenticate_on_unsubscribe = c.params.get("AuthenticateOnUnsubscribe").value_or("") == "true";
  auto sub = co_await c.backend.confirm_subscription(*arn, *token, c.signed_request, authenticate_on_unsubscribe);
  // A topic that is not there has no such token; a malformed ARN names no topic.
  if (!sub && sub.error().code == Code::NotFound) co_return Error{Code::InvalidParameter, "Invalid parameter: Token"};
  if (!sub && sub.error().message.starts_with("Invalid parameter: TopicArn")) co_return Error{Code::InvalidParameter, "Invalid parameter: Topic"};
  if (!sub) co_return sub.error();
  co_return XmlWriter{}.element("SubscriptionArn", *sub).str();
}

asio::awaitable<Outcome> unsubscribe(const Call& c) {
  auto arn = required_arn(c.params, "SubscriptionArn");
  if (!arn) co_return arn.error();
  // Only the UnsubscribeURL's unsigned GET is recorded telling the endpoint (UnsubscribeConfirmation).
  if (auto r = co_await c.backend.unsubscribe(*arn, /*tell_endpoint=*/!c.signed_request); !r) co_return r.error();
  co_return std::string{};
}

asio::awaitable<Outcome> list_subscriptions(const Call& c) {
  auto start = page_start(c.params);
  if (!start) co_return start.error();
  auto subs = co_await c.backend.list_subscriptions();
  XmlWriter xml;
  write_subscriptions(xml, subs, *start, c.backend.account());
  co_return xml.str();
}

asio::awaitable<Outcome> list_subscriptions_by_topic(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  auto start = page_start(c.params);
  if (!start) co_return start.error();
  auto subs = co_await c.backend.list_subscriptions_by_topic(*arn);
  if (!subs) co_return subs.error();
  XmlWriter xml;
  write_subscriptions(xml, *subs, *start, c.backend.account());
  co_return xml.str();
}

asio::awaitable<Outcome> get_subscription_attributes(const Call& c) {
  auto arn = required_arn(c.params, "SubscriptionArn");
  if (!arn) co_return arn.error();
  auto s = co_await c.backend.get_subscription(*arn);
  if (!s) co_return s.error();
  std::string topic_policy;
  if (auto t = co_await c.backend.get_topic_attributes(s->topic_arn)) {
    if (auto p = t->stored_attributes.find("DeliveryPolicy"); p != t->stored_attributes.end()) topic_policy = p->second;
  }
  XmlWriter xml;
  write_attributes(xml, subscription_attributes(*s, c.backend.account(), topic_policy));
  co_return xml.str();
}

asio::awaitable<Outcome> set_subscription_attributes(const Call& c) {
  auto arn = required_arn(c.params, "SubscriptionArn");
  if (!arn) co_return arn.error();
  auto name = required(c.params, "AttributeName", "attributeName");
  if (!name) co_return name.error();
  std::string value{c.params.get("AttributeValue").value_or("")};
  if (auto s = co_await c.backend.get_subscription(*arn); !s) co_return s.error();
  model::SubscribeRequest read;
  if (auto ok = read_subscription_attribute(*name, value, "Invalid parameter: ", read); !ok) co_return ok.error();
  model::SubscriptionChange change;
  if (*name == "RawMessageDelivery") change.raw_message_delivery = read.raw_message_delivery;
  else if (*name == "FilterPolicy") change.filter_policy = std::move(read.filter_policy);
  else {
    // As read: a DeliveryPolicy is kept in its normalised form.
    auto as_read = read.stored_attributes.find(*name);
    change.stored = std::pair{*name, as_read != read.stored_attributes.end() ? as_read->second : value};
  }
  if (*name == "RedrivePolicy") change.dead_letter_target_arn = read.dead_letter_target_arn;
  if (auto r = co_await c.backend.change_subscription(*arn, std::move(change)); !r) co_return r.error();
  co_return std::string{};
}

}  // namespace localray::sns::protocol::ops
