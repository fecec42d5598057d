// The Backend's dead-letter side: which queues send to a DLQ, and moving messages out of one.
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/sqs/model/backend.hpp"

namespace localray::sqs::model {

namespace asio = boost::asio;

asio::awaitable<std::vector<std::shared_ptr<QueueHandle>>> Backend::dead_letter_sources(std::string dlq_arn) {
  std::vector<std::shared_ptr<QueueHandle>> out;
  // Each queue's settings are its strand's: read there, one queue at a time.
  for (auto& q : queues()) {
    co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
    const auto& redrive = q->queue.settings().redrive;
    if (redrive && redrive->dead_letter_target_arn == dlq_arn) out.push_back(q);
  }
  co_return out;
}

asio::awaitable<Result<std::string>> Backend::start_move_task(std::string source_arn, std::optional<std::string> destination_arn,
                                                             std::optional<int> max_per_second) {
  auto source = find(source_arn);
  if (!source || !source_arn.starts_with("arn:"))
    co_return Error{Code::ResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist."};
  if (destination_arn && (!destination_arn->starts_with("arn:") || !find(*destination_arn)))
    co_return Error{Code::ResourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist."};
  if (max_per_second && (*max_per_second < 1 || *max_per_second > kMaxMovesPerSecond))
    co_return Error{Code::InvalidParameterValue, "Value " + std::to_string(*max_per_second) +
                                                     " for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500."};
  auto sources = co_await dead_letter_sources((*source)->queue.arn());
  if (sources.empty()) co_return Error{Code::InvalidParameterValue, "Source queue must be configured as a Dead Letter Queue."};
  auto q = *source;
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  auto to_move = static_cast<std::int64_t>(q->queue.visible_count());
  co_return move_tasks_->start(MoveTaskStart{q, std::move(destination_arn), max_per_second, to_move});
}

}  // namespace localray::sqs::model
