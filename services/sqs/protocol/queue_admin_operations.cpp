// TagQueue, UntagQueue, ListQueueTags, AddPermission, RemovePermission.
#include <functional>

#include "services/sqs/protocol/operations.hpp"
#include "services/sqs/protocol/params.hpp"
#include "services/sqs/protocol/queue_policy.hpp"
#include "services/sqs/protocol/queue_tags.hpp"

namespace localray::sqs::protocol::ops {

namespace asio = boost::asio;

namespace {

// These operations answer nothing and change the queue's settings by `edit`, which may refuse.
template <class Edit>
asio::awaitable<Outcome> edit_settings(const Call& c, std::shared_ptr<model::QueueHandle> q, Edit edit) {
  // Named, not made inside the co_await: GCC 12 destroys such temporaries twice.
  std::function<model::Result<model::QueueSettings>(const model::QueueSettings&)> change =
      [&](const model::QueueSettings& current) -> model::Result<model::QueueSettings> {
    auto next = current;
    if (auto edited = edit(next); !edited) return edited.error();
    return next;
  };
  auto r = co_await c.backend.update_settings(std::move(q), std::move(change));
  if (!r) co_return r.error();
  co_return ok(Tree::object());
}

}  // namespace

asio::awaitable<Outcome> tag_queue(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  // JSON sends `Tags`; the query codec files `Tag.N.Key|Value` under CreateQueue's `tags`.
  auto tags = string_map(c.input, c.input.contains("Tags") ? "Tags" : "tags");
  if (!tags) co_return tags.error();
  if (tags->empty()) co_return missing_parameter("Tags");
  const std::string name = (*q)->queue.name();
  co_return co_await edit_settings(c, *q, [&](model::QueueSettings& next) { return merge_tags(next.tags, *tags, name); });
}

asio::awaitable<Outcome> untag_queue(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto keys = string_list(c.input, "TagKeys");
  if (!keys) co_return keys.error();
  if (keys->empty()) co_return missing_parameter("TagKeys");
  for (const auto& k : *keys)
    if (k.empty() || k.size() > kMaxTagKeyLength)
      co_return model::Error{model::Code::InvalidParameterValue, "Tag keys must be between 1 and 128 characters in length."};
  co_return co_await edit_settings(c, *q, [&](model::QueueSettings& next) -> model::Result<void> {
    for (const auto& k : *keys) next.tags.erase(k);  // an unknown key is no error
    return {};
  });
}

asio::awaitable<Outcome> list_queue_tags(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto snapshot = co_await c.backend.describe(*q);
  Tree out = Tree::object();
  if (!snapshot.settings.tags.empty()) out["Tags"] = snapshot.settings.tags;  // absent when none
  co_return ok(out);
}

asio::awaitable<Outcome> add_permission(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto label = required_string(c.input, "Label");
  if (!label) co_return label.error();
  auto accounts = string_list(c.input, "AWSAccountIds");
  if (!accounts) co_return accounts.error();
  auto actions = string_list(c.input, "Actions");
  if (!actions) co_return actions.error();
  const std::string arn = (*q)->queue.arn();
  co_return co_await edit_settings(c, *q, [&](model::QueueSettings& next) -> model::Result<void> {
    auto it = next.other.find("Policy");
    auto policy = policy_with_permission(it == next.other.end() ? std::string{} : it->second, arn, *label, *accounts, *actions);
    if (!policy) return policy.error();
    next.other["Policy"] = std::move(*policy);
    return {};
  });
}

asio::awaitable<Outcome> remove_permission(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto label = required_string(c.input, "Label");
  if (!label) co_return label.error();
  co_return co_await edit_settings(c, *q, [&](model::QueueSettings& next) -> model::Result<void> {
    auto it = next.other.find("Policy");
    auto policy = policy_without_permission(it == next.other.end() ? std::string{} : it->second, *label);
    if (!policy) return policy.error();
    if (*policy) next.other["Policy"] = std::move(**policy);
    else next.other.erase("Policy");
    return {};
  });
}

}  // namespace localray::sqs::protocol::ops
