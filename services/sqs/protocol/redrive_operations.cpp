// ListDeadLetterSourceQueues, StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.
#include "services/sqs/protocol/operations.hpp"
#include "services/sqs/protocol/params.hpp"

namespace localray::sqs::protocol::ops {

namespace asio = boost::asio;

namespace {
constexpr int kMaxTasksListed = 10;     // ListMessageMoveTasks' MaxResults

model::Error no_source() {
  return {model::Code::ResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist."};
}

std::int64_t task_started_ms(tracing::TimePoint t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(); }
}  // namespace

asio::awaitable<Outcome> list_dead_letter_source_queues(const Call& c) {
  auto q = target_queue(c);
  if (!q) co_return q.error();
  auto sources = co_await c.backend.dead_letter_sources((*q)->queue.arn());
  auto page = queue_page(c.input, sources);
  if (!page) co_return page.error();
  Tree out = Tree::object();
  out["queueUrls"] = std::move(page->urls);  // required, so present when empty
  if (page->next_token) out["NextToken"] = std::move(*page->next_token);
  co_return ok(out);
}

asio::awaitable<Outcome> start_message_move_task(const Call& c) {
  auto source = required_string(c.input, "SourceArn");
  if (!source) co_return source.error();
  auto destination = optional_string(c.input, "DestinationArn");
  if (!destination) co_return destination.error();
  auto rate = optional_int(c.input, "MaxNumberOfMessagesPerSecond");
  if (!rate) co_return rate.error();
  auto handle = co_await c.backend.start_move_task(std::move(*source), std::move(*destination), *rate);
  if (!handle) co_return handle.error();
  Tree out = Tree::object();
  out["TaskHandle"] = std::move(*handle);
  co_return ok(out);
}

asio::awaitable<Outcome> list_message_move_tasks(const Call& c) {
  auto source = required_string(c.input, "SourceArn");
  if (!source) co_return source.error();
  auto max = optional_int(c.input, "MaxResults");
  if (!max) co_return max.error();
  if (*max && (**max < 1 || **max > kMaxTasksListed))
    co_return invalid_parameter("MaxResults", std::to_string(**max), "Must be between 1 and 10, if provided.");
  auto q = c.backend.find(*source);
  if (!q || !source->starts_with("arn:")) co_return no_source();
  Tree results = Tree::array();
  for (const auto& t : c.backend.move_tasks().list((*q)->queue.arn(), static_cast<std::size_t>(max->value_or(1)))) {
    Tree r = Tree::object();
    if (t.status == model::MoveStatus::Running) r["TaskHandle"] = t.handle;
    r["Status"] = std::string{model::to_string(t.status)};
    r["SourceArn"] = t.source_arn;
    if (t.destination_arn) r["DestinationArn"] = *t.destination_arn;
    if (t.max_per_second) r["MaxNumberOfMessagesPerSecond"] = *t.max_per_second;
    r["ApproximateNumberOfMessagesMoved"] = t.moved;
    r["ApproximateNumberOfMessagesToMove"] = t.to_move;
    if (t.status == model::MoveStatus::Failed) r["FailureReason"] = t.failure_reason;
    r["StartedTimestamp"] = task_started_ms(t.started_at);
    results.push_back(std::move(r));
  }
  Tree out = Tree::object();
  out["Results"] = std::move(results);
  co_return ok(out);
}

asio::awaitable<Outcome> cancel_message_move_task(const Call& c) {
  auto handle = required_string(c.input, "TaskHandle");
  if (!handle) co_return handle.error();
  auto parsed = model::parse_task_handle(*handle);
  if (!parsed) co_return model::Error{model::Code::InvalidParameterValue, "Value for parameter TaskHandle is invalid."};
  auto q = c.backend.find(parsed->second);
  if (!q) co_return no_source();
  auto moved = c.backend.move_tasks().cancel((*q)->queue.arn(), parsed->first);
  if (!moved) co_return moved.error();
  Tree out = Tree::object();
  out["ApproximateNumberOfMessagesMoved"] = *moved;
  co_return ok(out);
}

}  // namespace localray::sqs::protocol::ops
