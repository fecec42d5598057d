// TagResource, UntagResource, ListTagsForResource, AddPermission, RemovePermission,
// PutDataProtectionPolicy, GetDataProtectionPolicy.
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "services/sns/model/limits.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/protocol/request_params.hpp"
#include "services/sns/protocol/topic_policy.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol::ops {

namespace asio = boost::asio;
using model::Code;
using model::Error;

namespace {

// Only topics take tags here; anything else named is not a resource SNS has.
model::Result<std::string> tagged_topic(const Call& c) {
  auto arn = required_arn(c.params, "ResourceArn");
  if (!arn) return arn.error();
  return *arn;
}

// The topic's lookup errors, as the tagging calls word a topic that is not there.
Error as_tagging_error(Error e) {
  if (e.code == Code::NotFound || e.message.starts_with("Invalid parameter: TopicArn")) return {Code::ResourceNotFound, "Resource does not exist"};
  return e;
}

}  // namespace

asio::awaitable<Outcome> tag_resource(const Call& c) {
  auto arn = tagged_topic(c);
  if (!arn) co_return arn.error();
  model::Tags tags;
  std::set<std::string> seen;
  for (const auto& [n, tag] : c.params.members("Tags.member")) {
    auto key = tag.get("Key");
    if (!key) co_return missing_member("tags." + std::to_string(n) + ".member.key");
    auto value = tag.get("Value");
    if (!value) co_return missing_member("tags." + std::to_string(n) + ".member.value");
    if (key->empty() || key->size() > model::kMaxTagKeyChars || value->size() > model::kMaxTagValueChars)
      co_return Error{Code::InvalidParameter, "Invalid parameter: Tags Reason: a tag key is 1 to 128 characters and a value at most 256"};
    if (!seen.emplace(*key).second) co_return Error{Code::InvalidParameter, "Invalid parameter: Duplicated keys are not allowed."};
    tags[std::string{*key}] = std::string{*value};
  }
  if (tags.empty()) co_return missing_member("tags");
  // Named, not made inside the co_await: GCC 12 destroys such temporaries twice.
  std::function<model::Result<void>(model::Topic&)> edit = [&](model::Topic& t) { return t.tag(tags); };
  auto r = co_await c.backend.edit_topic(*arn, std::move(edit));
  if (!r) co_return as_tagging_error(r.error());
  co_return std::string{};
}

asio::awaitable<Outcome> untag_resource(const Call& c) {
  auto arn = tagged_topic(c);
  if (!arn) co_return arn.error();
  auto keys = c.params.list("TagKeys.member");
  if (keys.empty()) co_return missing_member("tagKeys");
  std::function<model::Result<void>(model::Topic&)> edit = [&](model::Topic& t) -> model::Result<void> {
    t.untag(keys);
    return {};
  };
  auto r = co_await c.backend.edit_topic(*arn, std::move(edit));
  if (!r) co_return as_tagging_error(r.error());
  co_return std::string{};
}

asio::awaitable<Outcome> list_tags_for_resource(const Call& c) {
  auto arn = tagged_topic(c);
  if (!arn) co_return arn.error();
  auto t = co_await c.backend.get_topic_attributes(*arn);
  if (!t) co_return as_tagging_error(t.error());
  XmlWriter xml;
  xml.open("Tags");
  for (const auto& [k, v] : t->tags) xml.open("member").element("Key", k).element("Value", v).close("member");
  xml.close("Tags");
  co_return xml.str();
}

asio::awaitable<Outcome> add_permission(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  auto label = required(c.params, "Label", "label");
  if (!label) co_return label.error();
  auto accounts = c.params.list("AWSAccountId.member");
  if (accounts.empty()) co_return missing_member("aWSAccountId");
  auto actions = c.params.list("ActionName.member");
  if (actions.empty()) co_return missing_member("actionName");
  const std::string owner = c.backend.account();
  std::function<model::Result<void>(model::Topic&)> edit = [&](model::Topic& t) -> model::Result<void> {
    auto policy = policy_with_permission(t.describe().stored_attributes["Policy"], t.arn(), owner, *label, accounts, actions);
    if (!policy) return policy.error();
    return t.set_attribute("Policy", *policy);
  };
  auto r = co_await c.backend.edit_topic(*arn, std::move(edit));
  if (!r) co_return r.error();
  co_return std::string{};
}

asio::awaitable<Outcome> remove_permission(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  auto label = required(c.params, "Label", "label");
  if (!label) co_return label.error();
  const std::string owner = c.backend.account();
  std::function<model::Result<void>(model::Topic&)> edit = [&](model::Topic& t) -> model::Result<void> {
    return t.set_attribute("Policy", policy_without_permission(t.describe().stored_attributes["Policy"], t.arn(), owner, *label));
  };
  auto r = co_await c.backend.edit_topic(*arn, std::move(edit));
  if (!r) co_return r.error();
  co_return std::string{};
}

asio::awaitable<Outcome> put_data_protection_policy(const Call& c) {
  auto arn = required_arn(c.params, "ResourceArn");
  if (!arn) co_return arn.error();
  auto policy = required(c.params, "DataProtectionPolicy", "dataProtectionPolicy");
  if (!policy) co_return policy.error();
  auto parsed = nlohmann::json::parse(*policy, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) co_return Error{Code::InvalidParameter, "Invalid parameter: DataProtectionPolicy Reason: must be a JSON object"};
  std::function<model::Result<void>(model::Topic&)> edit = [&](model::Topic& t) -> model::Result<void> {
    t.set_data_protection_policy(*policy);
    return {};
  };
  auto r = co_await c.backend.edit_topic(*arn, std::move(edit));
  if (!r) co_return r.error();
  co_return std::string{};
}

asio::awaitable<Outcome> get_data_protection_policy(const Call& c) {
  auto arn = required_arn(c.params, "ResourceArn");
  if (!arn) co_return arn.error();
  auto t = co_await c.backend.get_topic_attributes(*arn);
  if (!t) co_return t.error();
  co_return XmlWriter{}.element("DataProtectionPolicy", t->data_protection_policy).str();
}

}  // namespace localray::sns::protocol::ops
