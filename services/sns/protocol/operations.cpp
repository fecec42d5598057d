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
    {"ConfirmSubscription", &ops::confirm_subscription, true},
    {"TagResource", &ops::tag_resource, true},
    {"UntagResource", &ops::untag_resource, true},
    {"ListTagsForResource", &ops::list_tags_for_resource, true},
    {"AddPermission", &ops::add_permission, false},
    {"RemovePermission", &ops::remove_permission, false},
    {"Unsubscribe", &ops::unsubscribe, false},
    {"ListSubscriptions", &ops::list_subscriptions, true},
    {"ListSubscriptionsByTopic", &ops::list_subscriptions_by_topic, true},
    {"GetSubscriptionAttributes", &ops::get_subscription_attributes, true},
    {"SetSubscriptionAttributes", &ops::set_subscription_attributes, false},
    {"SetSMSAttributes", &ops::set_sms_attributes, true},
    {"GetSMSAttributes", &ops::get_sms_attributes, true},
    {"CheckIfPhoneNumberIsOptedOut", &ops::check_if_phone_number_is_opted_out, true},
    {"ListPhoneNumbersOptedOut", &ops::list_phone_numbers_opted_out, true},
    {"OptInPhoneNumber", &ops::opt_in_phone_number, true},
    {"GetSMSSandboxAccountStatus", &ops::get_sms_sandbox_account_status, true},
    {"CreateSMSSandboxPhoneNumber", &ops::create_sms_sandbox_phone_number, true},
    {"VerifySMSSandboxPhoneNumber", &ops::verify_sms_sandbox_phone_number, true},
    {"DeleteSMSSandboxPhoneNumber", &ops::delete_sms_sandbox_phone_number, true},
    {"ListSMSSandboxPhoneNumbers", &ops::list_sms_sandbox_phone_numbers, true},
    {"ListOriginationNumbers", &ops::list_origination_numbers, true},
    {"PutDataProtectionPolicy", &ops::put_data_protection_policy, false},
    {"GetDataProtectionPolicy", &ops::get_data_protection_policy, true},
    {"CreatePlatformApplication", &ops::create_platform_application, true},
    {"GetPlatformApplicationAttributes", &ops::get_platform_application_attributes, true},
    {"SetPlatformApplicationAttributes", &ops::set_platform_application_attributes, false},
    {"ListPlatformApplications", &ops::list_platform_applications, true},
    {"DeletePlatformApplication", &ops::delete_platform_application, false},
    {"CreatePlatformEndpoint", &ops::create_platform_endpoint, true},
    {"ListEndpointsByPlatformApplication", &ops::list_endpoints_by_platform_application, true},
    {"GetEndpointAttributes", &ops::get_endpoint_attributes, true},
    {"SetEndpointAttributes", &ops::set_endpoint_attributes, false},
    {"DeleteEndpoint", &ops::delete_endpoint, false},
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
