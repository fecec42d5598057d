#pragma once
// The SNS operations, one coroutine each over the decoded query parameters; the table that names
// them (operations.cpp) is the only dispatch. Each reads its members, calls the model, and writes
// the content of its <OperationResult> element.
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "services/sns/model/backend.hpp"
#include "services/sns/protocol/query_params.hpp"
#include "tracing/trace_header.hpp"

namespace localray::sns::protocol {

struct Call {
  const QueryParams& params;
  model::Backend& backend;
  model::SubscriberFactory& subscribers;
  const std::optional<tracing::TraceHeader>& trace;  // the caller's, read once at the edge
  const std::string& request_id;
  bool signed_request = false;  // the call carried SigV4 (the SubscribeURL's GET does not)
};

using Outcome = model::Result<std::string>;
using OperationFn = boost::asio::awaitable<Outcome> (*)(const Call&);

struct Operation {
  std::string_view name;
  OperationFn run;
  bool has_result;  // no-output operations answer ResponseMetadata only
};

// Nothing for an operation SNS does not have or localray does not serve.
const Operation* find_operation(std::string_view name);

constexpr std::size_t kPageSize = 100;  // ListTopics and ListSubscriptions[ByTopic] pages

namespace ops {
// Topics (topic_operations.cpp).
boost::asio::awaitable<Outcome> create_topic(const Call& c);
boost::asio::awaitable<Outcome> delete_topic(const Call& c);
boost::asio::awaitable<Outcome> list_topics(const Call& c);
boost::asio::awaitable<Outcome> get_topic_attributes(const Call& c);
boost::asio::awaitable<Outcome> set_topic_attributes(const Call& c);
// Subscriptions (subscription_operations.cpp).
boost::asio::awaitable<Outcome> subscribe(const Call& c);
boost::asio::awaitable<Outcome> confirm_subscription(const Call& c);
boost::asio::awaitable<Outcome> unsubscribe(const Call& c);
boost::asio::awaitable<Outcome> list_subscriptions(const Call& c);
boost::asio::awaitable<Outcome> list_subscriptions_by_topic(const Call& c);
boost::asio::awaitable<Outcome> get_subscription_attributes(const Call& c);
boost::asio::awaitable<Outcome> set_subscription_attributes(const Call& c);
// Tags, permissions and data protection policies (topic_admin_operations.cpp).
boost::asio::awaitable<Outcome> tag_resource(const Call& c);
boost::asio::awaitable<Outcome> untag_resource(const Call& c);
boost::asio::awaitable<Outcome> list_tags_for_resource(const Call& c);
boost::asio::awaitable<Outcome> add_permission(const Call& c);
boost::asio::awaitable<Outcome> remove_permission(const Call& c);
boost::asio::awaitable<Outcome> put_data_protection_policy(const Call& c);
boost::asio::awaitable<Outcome> get_data_protection_policy(const Call& c);
// SMS settings, opt-outs, the SMS sandbox and origination numbers (sms_operations.cpp).
boost::asio::awaitable<Outcome> set_sms_attributes(const Call& c);
boost::asio::awaitable<Outcome> get_sms_attributes(const Call& c);
boost::asio::awaitable<Outcome> check_if_phone_number_is_opted_out(const Call& c);
boost::asio::awaitable<Outcome> list_phone_numbers_opted_out(const Call& c);
boost::asio::awaitable<Outcome> opt_in_phone_number(const Call& c);
boost::asio::awaitable<Outcome> get_sms_sandbox_account_status(const Call& c);
boost::asio::awaitable<Outcome> create_sms_sandbox_phone_number(const Call& c);
boost::asio::awaitable<Outcome> verify_sms_sandbox_phone_number(const Call& c);
boost::asio::awaitable<Outcome> delete_sms_sandbox_phone_number(const Call& c);
boost::asio::awaitable<Outcome> list_sms_sandbox_phone_numbers(const Call& c);
boost::asio::awaitable<Outcome> list_origination_numbers(const Call& c);
// Platform applications and endpoints (platform_operations.cpp).
boost::asio::awaitable<Outcome> create_platform_application(const Call& c);
boost::asio::awaitable<Outcome> get_platform_application_attributes(const Call& c);
boost::asio::awaitable<Outcome> set_platform_application_attributes(const Call& c);
boost::asio::awaitable<Outcome> list_platform_applications(const Call& c);
boost::asio::awaitable<Outcome> delete_platform_application(const Call& c);
boost::asio::awaitable<Outcome> create_platform_endpoint(const Call& c);
boost::asio::awaitable<Outcome> list_endpoints_by_platform_application(const Call& c);
boost::asio::awaitable<Outcome> get_endpoint_attributes(const Call& c);
boost::asio::awaitable<Outcome> set_endpoint_attributes(const Call& c);
boost::asio::awaitable<Outcome> delete_endpoint(const Call& c);
// Publishing (publish_operations.cpp).
boost::asio::awaitable<Outcome> publish(const Call& c);
boost::asio::awaitable<Outcome> publish_batch(const Call& c);
}  // namespace ops

}  // namespace localray::sns::protocol
