#pragma once
// DLQ redrive as StartMessageMoveTask runs it: a task moves the messages a dead-letter queue holds
// when it starts, at a given rate, to one destination or back to the queues they came from, and
// can be listed and cancelled while it runs. Tasks are kept per source queue, newest first; one
// runs at a time per source.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "services/sqs/model/error.hpp"
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"

namespace localray::sqs::model {

struct QueueHandle;

enum class MoveStatus { Running, Completed, Cancelling, Cancelled, Failed };
std::string_view to_string(MoveStatus s);

struct MoveTaskView {
  std::string handle;  // TaskHandle: base64 of {"taskId","sourceArn"}
  MoveStatus status = MoveStatus::Running;
  std::string source_arn;
  std::optional<std::string> destination_arn;
  std::optional<int> max_per_second;
  std::int64_t moved = 0, to_move = 0;
  std::string failure_reason;
  tracing::TimePoint started_at;
};

struct MoveTaskStart {
  std::shared_ptr<QueueHandle> source;
  std::optional<std::string> destination_arn;  // absent: each message back to DeadLetterQueueSourceArn
  std::optional<int> max_per_second;
  std::int64_t to_move = 0;  // what the source holds visible at the start
};

constexpr int kMaxMovesPerSecond = 500;    // SQS: MaxNumberOfMessagesPerSecond's ceiling
constexpr std::size_t kMoveTasksKept = 10;  // per source, as ListMessageMoveTasks reports at most 10

class MoveTasks : public std::enable_shared_from_this<MoveTasks> {
 public:
  // `find` resolves a queue ARN to its queue (or nothing); it is called only while this registry
  // is alive (see stop()).
  using Finder = std::function<std::shared_ptr<QueueHandle>(const std::string& arn)>;
  MoveTasks(boost::asio::any_io_executor ex, const tracing::Clock& clock, tracing::IdGenerator& ids, Finder find);

  // InvalidParameterValue when a task already runs for the source.
  Result<std::string> start(MoveTaskStart start);
  // Newest first, at most `max`.
  std::vector<MoveTaskView> list(const std::string& source_arn, std::size_t max) const;
  // The number moved so far; ResourceNotFound for a task it does not know.
  Result<std::int64_t> cancel(const std::string& source_arn, const std::string& task_id);
  // Ends every running task at its next step and never calls `find` again (the backend is going).
  void stop();

 private:
  struct Task;
  Result<void> add(const std::shared_ptr<Task>& task, MoveTaskStart start);  // under mutex_
  void run(std::shared_ptr<Task> task);

  boost::asio::any_io_executor ex_;
  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  Finder find_;
  mutable std::mutex mutex_;
  bool alive_ = true;
  std::map<std::string, std::deque<std::shared_ptr<Task>>> by_source_;  // newest first
};

// The task id and source ARN a TaskHandle names, if it is one.
std::optional<std::pair<std::string, std::string>> parse_task_handle(std::string_view handle);

}  // namespace localray::sqs::model
