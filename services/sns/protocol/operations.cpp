#include "services/sns/protocol/operations.hpp"

namespace localray::sns::protocol {

namespace {

constexpr Operation kOperations[] = {
    {"CreateTopic", &ops::create_topic, true},
    {"DeleteTopic", &ops::delete_topic, false},
    {"ListTopics", &ops::list_topics, true},
    {"GetTopicAttributes", &ops::get_topic_attributes, true},
    {"SetTopicAttributes", &ops::set_topic_attributes, false},
    {"Subscribe", &ops::subscribe, true},
    {"Unsubscribe", &ops::unsubscribe, false},
    {"ListSubscriptions", &ops::list_subscriptions, true},
    {"ListSubscriptionsByTopic", &ops::list_subscriptions_by_topic, true},
    {"GetSubscriptionAttributes", &ops::get_subscription_attributes, true},
    {"SetSubscriptionAttributes", &ops::set_subscription_attributes, false},
    {"Publish", &ops::publish, true},
    {"PublishBatch", &ops::publish_batch, true},
};

}  // namespace

const Operation* find_operation(std::string_view name) {
  for (const auto& op : kOperations)
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace localray::sns::protocol
