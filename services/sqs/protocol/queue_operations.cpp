// CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue, Get/SetQueueAttributes.
#include "services/sqs/protocol/operations.hpp"
#include "services/sqs/protocol/params.hpp"
#include "services/sqs/protocol/queue_attributes.hpp"
#include "services/sqs/protocol/queue_tags.hpp"

namespace localray::sqs::protocol::ops {

namespace asio = boost::asio;

// Idempotent: an existing queue is returned when the requested attributes match its own.
asio::awaitable<Outcome> create_queue(const Call& c) {
  auto name = required_string(c.input, "QueueName");
  if (!name) co_return name.error();
  auto attributes = string_map(c.input, "Attributes");
  if (!attributes) co_return attributes.error();
  auto tags = string_map(c.input, "tags");
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
  // Named: GCC 12 destroys a temporary made inside a co_await expression twice.
  std::string arn = c.backend.queue_arn(*name);
  auto redrive = co_await redrive_check(c.backend, *attributes, arn);
  auto settings = create_settings(*name, *attributes, c.backend, redrive);
  if (!settings) co_return settings.error();
  if (auto t = merge_tags(settings->tags, *tags, *name); !t) co_return t.error();
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

asio::awaitable<Outcome> list_queues(const Call& c) {
  auto prefix = optional_string(c.input, "QueueNamePrefix");
  if (!prefix) co_return prefix.error();
  auto page = queue_page(c.input, c.backend.list_queues(prefix->value_or("")));
  if (!page) co_return page.error();
  Tree out = Tree::object();
  if (!page->urls.empty()) out["QueueUrls"] = std::move(page->urls);  // absent, not empty, when none
  if (page->next_token) out["NextToken"] = std::move(*page->next_token);
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
  std::string arn = (*q)->queue.arn();
  auto redrive = co_await redrive_check(backend, *attributes, arn);
  auto r = co_await backend.update_settings(*q, [&](const model::QueueSettings& current) {
    return apply_queue_attributes(current, *attributes, backend, redrive);
  });
  if (!r) co_return r.error();
  co_return ok(Tree::object());
}

}  // namespace localray::sqs::protocol::ops
