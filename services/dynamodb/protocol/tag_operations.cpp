// TagResource, UntagResource, ListTagsOfResource (a table's tags, by its ARN) and DescribeLimits.
// What DynamoDB answers to bad input here, and in which order, follows the responses recorded
// against AWS by dynalite's test suite (the typo "ResourcArn" included: it is AWS's).
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

namespace {

// The ARN of a tagging request: absent is "Invalid TableArn"; one IAM would refuse, AccessDenied.
auto resource_arn(const json& request, std::string_view operation, const model::Backend& backend) -> Result<std::string> {
  auto arn = string_member(request, "ResourceArn");
  if (!arn) return arn.error();
  if (!*arn) return model::validation_error("Invalid TableArn");
  if (auto shaped = model::check_arn_shape(**arn, operation, backend.account_id()); !shaped) return shaped.error();
  return **arn;
}

Result<void> null_member(std::string_view member) {
  return model::validation_error("1 validation error detected: Value null at '" + std::string{member} +
                                 "' failed to satisfy constraint: Member must not be null");
}

// The table the ARN names here (this region and account), or ResourceNotFound in `not_found`'s words.
auto tagged_table(const std::string& arn, const model::Backend& backend, const std::string& not_found)
    -> Result<std::shared_ptr<model::TableHandle>> {
  auto name = model::table_of_arn(arn);
  if (!name) return name.error();
  if (backend.table_arn(*name) != arn) return model::Error{model::Code::ResourceNotFound, not_found};
  auto h = backend.handle(*name);
  if (!h) return model::Error{model::Code::ResourceNotFound, not_found};
  return *h;
}

std::string not_found_message(const std::string& arn) { return "Requested resource not found: ResourcArn: " + arn + " not found"; }

// Changes the table's tags on its strand and reports the change, as writes to its items are.
template <class Change>
auto change_tags(const std::shared_ptr<model::TableHandle>& h, Change& change) -> boost::asio::awaitable<Result<json>> {
  auto held = co_await model::enter(h);
  model::Tags tags = h->table->tags();
  change(tags);
  h->table->set_tags(std::move(tags));
  if (auto* changes = h->table->changes()) changes->table_changed(*h->table, h->id);
  co_return success(json::object());
}

}  // namespace

auto tag_list(const json& request, std::string_view name, std::string_view member) -> Result<std::optional<std::vector<model::Tag>>> {
  auto list = array_member(request, name);
  if (!list) return list.error();
  if (!*list) return std::optional<std::vector<model::Tag>>{};
  std::vector<model::Tag> tags;
  for (const auto& element : **list) {
    if (!element.is_object()) return type_mismatch(element, "Tag");
    auto key = string_member(element, "Key");
    if (!key) return key.error();
    auto value = string_member(element, "Value");
    if (!value) return value.error();
    std::string at = std::string{member} + "." + std::to_string(tags.size() + 1) + ".member.";
    if (!*key) return null_member(at + "key").error();
    if (!*value) return null_member(at + "value").error();
    tags.push_back({std::move(**key), std::move(**value)});
  }
  if (auto checked = model::check_tags(tags, member); !checked) return checked.error();
  return std::optional<std::vector<model::Tag>>{std::move(tags)};
}

auto tag_resource(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto arn = resource_arn(request, "TagResource", backend);
  if (!arn) co_return arn.error();
  auto tags = tag_list(request, "Tags", "tags");
  if (!tags) co_return tags.error();
  if (!*tags) co_return null_member("tags").error();
  if (auto name = model::table_of_arn(*arn); !name) co_return name.error();
  if ((*tags)->empty()) co_return model::validation_error("Atleast one Tag needs to be provided as Input.");
  auto h = tagged_table(*arn, backend, not_found_message(*arn));
  if (!h) co_return h.error();
  // Named, not made inside the co_await: GCC 12 destroys such temporaries twice.
  std::shared_ptr<model::TableHandle> table = std::move(*h);
  auto add = [&](model::Tags& now) {
    for (auto& tag : **tags) now[tag.key] = std::move(tag.value);
  };
  co_return co_await change_tags(table, add);
}

auto untag_resource(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto arn = resource_arn(request, "UntagResource", backend);
  if (!arn) co_return arn.error();
  auto keys = array_member(request, "TagKeys");
  if (!keys) co_return keys.error();
  if (!*keys) co_return null_member("tagKeys").error();
  auto names = string_list(**keys);
  if (!names) co_return names.error();
  if (auto name = model::table_of_arn(*arn); !name) co_return name.error();
  if (names->empty()) co_return model::validation_error("Atleast one Tag Key needs to be provided as Input.");
  auto h = tagged_table(*arn, backend, "Requested resource not found");
  if (!h) co_return h.error();
  std::shared_ptr<model::TableHandle> table = std::move(*h);
  auto remove = [&](model::Tags& now) {
    for (const auto& key : *names) now.erase(key);
  };
  co_return co_await change_tags(table, remove);
}

auto list_tags_of_resource(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto arn = resource_arn(request, "ListTagsOfResource", backend);
  if (!arn) co_return arn.error();
  if (auto token = string_member(request, "NextToken"); !token) co_return token.error();
  if (auto name = model::table_of_arn(*arn); !name) co_return name.error();
  auto h = tagged_table(*arn, backend, not_found_message(*arn));
  if (!h) co_return h.error();
  auto held = co_await model::enter(*h);
  // A table holds at most 50 tags: one page, never a NextToken.
  json tags = json::array();
  for (const auto& [key, value] : (*h)->table->tags()) tags.push_back({{"Key", key}, {"Value", value}});
  co_return success(json{{"Tags", std::move(tags)}});
}

auto describe_limits(const json&, model::TableScope&) -> Result<json> {
  // AWS's default quotas for a new account, in capacity units.
  return success(json{{"AccountMaxReadCapacityUnits", 80000},
                      {"AccountMaxWriteCapacityUnits", 80000},
                      {"TableMaxReadCapacityUnits", 40000},
                      {"TableMaxWriteCapacityUnits", 40000}});
}

}  // namespace localray::dynamodb::protocol
