// CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue, Get/SetQueueAttributes.
#include <algorithm>

#include "http/base64.hpp"
#include "services/sqs/protocol/operations.hpp"
#include "services/sqs/protocol/params.hpp"
#include "services/sqs/protocol/queue_attributes.hpp"

namespace localray::sqs::protocol::ops {

namespace asio = boost::asio;

namespace {
constexpr int kMaxListResults = 1000;  // SQS: ListQueues answers at most 1,000 URLs
}  // namespace

// Idempotent: an existing queue is returned when the requested attributes match its own.
asio::awaitable<Outcome> create_queue(const Call& c) {
  auto name = required_string(c.input, "QueueName");
  if (!name) co_return name.error();
  auto attributes = string_map(c.input, "Attributes");
  if (!attributes) co_return attributes.error();
  auto tags = string_map(c.input, "tags");  // accepted; localray keeps no tags
  if (!tags) co_return tags.error();
  Tree out = Tree::object();
  if (auto existing = c.backend.find(*name); existing && model::validate_queue_name(*name, (*existing)->queue.fifo())) {
    auto current = co_await c.backend.describe(*existing);
    for (const auto& attribute : *attributes) {
      auto wanted = apply_queue_attributes(current.settings, {attribute}, c.backend);
      if (!wanted) co_return wanted.error();
      if (*wanted != current.settings)
        co_return model::Error{model::Code::QueueNameExists,
                               "A queue already exists with the same name and a different value for attribute " + attribute.first};
    }
    out["QueueUrl"] = current.url;
    co_return ok(out);
  }
  auto settings = create_settings(*name, *attributes, c.backend);
  if (!settings) co_return settings.error();
  auto q = c.backend.create_queue(*name, std::move(*settings));
  if (!q) co_return q.error();
  out["QueueUrl"] = (*q)->queue.url();
  co_return ok(out);
}

asio::awaitable<Outcome> get_queue_url(const Call& c) {
  auto name = required_string(c.input, "QueueName");
  if (!name) co_return name.error();
  // A name only: find() would also resolve URLs and ARNs.
  if (!model::validate_queue_name(*name, name->ends_with(".fifo"))) co_return model::Error{model::Code::QueueDoesNotExist, "The specified queue does not exist."};
  auto q = c.backend.find(*name);
  if (!q) co_return q.error();
  Tree out = Tree::object();
  out["QueueUrl"] = (*q)->queue.url();
  co_return ok(out);
}

// Pages are ordered by name; NextToken is the (base64) name the next page starts at.
asio::awaitable<Outcome> list_queues(const Call& c) {
  auto prefix = optional_string(c.input, "QueueNamePrefix");
  if (!prefix) co_return prefix.error();
  auto max = optional_int(c.input, "MaxResults");
  if (!max) co_return max.error();
  if (*max && (**max < 1 || **max > kMaxListResults))
    co_return invalid_parameter("MaxResults", std::to_string(**max), "MaxResults must be an integer between 1 and 1000.");
  auto token = optional_string(c.input, "NextToken");
  if (!token) co_return token.error();
  std::string start;
  if (*token) {
    auto decoded = http::base64_decode(**token);
    if (!decoded || decoded->empty()) co_return model::Error{model::Code::InvalidParameterValue, "Invalid NextToken value."};
    start = std::move(*decoded);
  }

  auto queues = c.backend.list_queues(prefix->value_or(""));
  auto it = std::find_if(queues.begin(), queues.end(), [&](const auto& q) { return q->queue.name() >= start; });
  auto limit = static_cast<std::size_t>(max->value_or(kMaxListResults));
  Tree urls = Tree::array();
  for (; it != queues.end() && urls.size() < limit; ++it) urls.push_back((*it)->queue.url());

  Tree out = Tree::object();
  if (!urls.empty()) out["QueueUrls"] = std::move(urls);  // absent, not empty, when none
  if (*max && it != queues.end()) out["NextToken"] = http::base64_encode((*it)->queue.name());
  co_return ok(out);
}

asio::awaitable<Outcome> delete_queue(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  if (auto r = c.backend.delete_queue((*q)->queue.arn()); !r) co_return r.error();
  co_return ok(Tree::object());
}

asio::awaitable<Outcome> purge_queue(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  if (auto r = co_await c.backend.purge(*q); !r) co_return r.error();
  co_return ok(Tree::object());
}

asio::awaitable<Outcome> get_queue_attributes(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto names = string_list(c.input, "AttributeNames");
  if (!names) co_return names.error();
  auto snapshot = co_await c.backend.describe(*q);
  auto attributes = queue_attributes(snapshot, *names);
  if (!attributes) co_return attributes.error();
  Tree out = Tree::object();
  if (!attributes->empty()) {
    Tree map = Tree::object();
    for (auto& [name, value] : *attributes) map[name] = std::move(value);
    out["Attributes"] = std::move(map);
  }
  co_return ok(out);
}

asio::awaitable<Outcome> set_queue_attributes(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  if (!c.input.contains("Attributes")) co_return missing_parameter("Attributes");
  auto attributes = string_map(c.input, "Attributes");
  if (!attributes) co_return attributes.error();
  auto& backend = c.backend;
  auto r = co_await backend.update_settings(*q, [&](const model::QueueSettings& current) {
    return apply_queue_attributes(current, *attributes, backend);
  });
  if (!r) co_return r.error();
  co_return ok(Tree::object());
}

}  // namespace localray::sqs::protocol::ops
