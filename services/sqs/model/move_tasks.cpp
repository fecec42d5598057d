#include "services/sqs/model/move_tasks.hpp"

#include <algorithm>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "services/sqs/model/backend.hpp"

namespace localray::sqs::model {

namespace asio = boost::asio;

namespace {
constexpr std::string_view kNoQueueReason = "AWS.SimpleQueueService.NonExistentQueue";
}  // namespace

std::string_view to_string(MoveStatus s) {
  switch (s) {
    case MoveStatus::Running: return "RUNNING";
    case MoveStatus::Completed: return "COMPLETED";
    case MoveStatus::Cancelling: return "CANCELLING";
    case MoveStatus::Cancelled: return "CANCELLED";
    case MoveStatus::Failed: return "FAILED";
  }
  return "FAILED";
}

std::optional<std::pair<std::string, std::string>> parse_task_handle(std::string_view handle) {
  auto decoded = base::base64_decode(handle);
  if (!decoded) return std::nullopt;
  auto j = nlohmann::json::parse(*decoded, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto id = j.find("taskId");
  auto source = j.find("sourceArn");
  if (id == j.end() || source == j.end() || !id->is_string() || !source->is_string()) return std::nullopt;
  return std::pair{id->get<std::string>(), source->get<std::string>()};
}

struct MoveTasks::Task {
  std::string id;
  std::shared_ptr<QueueHandle> source;
  MoveTaskView view;  // under MoveTasks::mutex_
  bool cancel_requested = false;
};

MoveTasks::MoveTasks(asio::any_io_executor ex, const tracing::Clock& clock, tracing::IdGenerator& ids, Finder find)
    : ex_{std::move(ex)}, clock_{clock}, ids_{ids}, find_{std::move(find)} {}

Result<std::string> MoveTasks::start(MoveTaskStart start) {
  auto task = std::make_shared<Task>();
  {
    std::lock_guard lock{mutex_};
    if (auto r = add(task, std::move(start)); !r) return r.error();
  }
  // Outside the lock: the task's first step may run at once, on this thread, and takes it.
  run(task);
  return task->view.handle;
}

Result<void> MoveTasks::add(const std::shared_ptr<Task>& task, MoveTaskStart start) {
  const std::string source_arn = start.source->queue.arn();
  auto& tasks = by_source_[source_arn];
  if (!tasks.empty() && (tasks.front()->view.status == MoveStatus::Running || tasks.front()->view.status == MoveStatus::Cancelling))
    return Error{Code::InvalidParameterValue,
                 "There is already a task running. Only one active task is allowed for a source queue arn at a given time."};
  task->id = ids_.uuid();
  task->source = std::move(start.source);
  nlohmann::json handle{{"taskId", task->id}, {"sourceArn", source_arn}};
  task->view = MoveTaskView{base::base64_encode(handle.dump()), MoveStatus::Running, source_arn, std::move(start.destination_arn),
                            start.max_per_second, 0, start.to_move, {}, clock_.now()};
  tasks.push_front(task);
  if (tasks.size() > kMoveTasksKept) tasks.pop_back();
  return {};
}

std::vector<MoveTaskView> MoveTasks::list(const std::string& source_arn, std::size_t max) const {
  std::lock_guard lock{mutex_};
  std::vector<MoveTaskView> out;
  if (auto it = by_source_.find(source_arn); it != by_source_.end())
    for (const auto& t : it->second) {
      if (out.size() >= max) break;
      out.push_back(t->view);
    }
  return out;
}

Result<std::int64_t> MoveTasks::cancel(const std::string& source_arn, const std::string& task_id) {
  std::lock_guard lock{mutex_};
  auto it = by_source_.find(source_arn);
  if (it == by_source_.end()) return Error{Code::ResourceNotFound, "Task does not exist."};
  for (const auto& t : it->second) {
    if (t->id != task_id) continue;
    if (t->view.status != MoveStatus::Running)
      return Error{Code::InvalidParameterValue, "Value " + t->view.handle + " for parameter TaskHandle is invalid. Reason: Only a RUNNING task can be cancelled."};
    t->cancel_requested = true;
    t->view.status = MoveStatus::Cancelling;
    return t->view.moved;
  }
  return Error{Code::ResourceNotFound, "Task does not exist."};
}

void MoveTasks::stop() {
  std::lock_guard lock{mutex_};
  alive_ = false;
}

void MoveTasks::run(std::shared_ptr<Task> task) {
  auto self = shared_from_this();
  asio::co_spawn(
      ex_,
      [self, task]() -> asio::awaitable<void> {
        asio::steady_timer timer{self->ex_};
        const int rate = task->view.max_per_second.value_or(kMaxMovesPerSecond);
        // Steps of a tenth of the rate every tenth of a second, or of one message when that is less.
        const auto per_step = static_cast<std::int64_t>(std::max(1, rate / 10));
        const auto step = std::chrono::milliseconds{per_step * 1000 / rate};
        auto finish = [&](MoveStatus status, std::string reason = {}) {
          std::lock_guard lock{self->mutex_};
          task->view.status = status;
          task->view.failure_reason = std::move(reason);
        };
        for (;;) {
          std::int64_t want = 0;
          std::optional<std::string> destination;
          {
            std::lock_guard lock{self->mutex_};
            if (!self->alive_ || task->cancel_requested) {
              task->view.status = MoveStatus::Cancelled;
              co_return;
            }
            if (task->view.moved >= task->view.to_move) {
              task->view.status = MoveStatus::Completed;
              co_return;
            }
            want = std::min(per_step, task->view.to_move - task->view.moved);
            destination = task->view.destination_arn;
          }
          auto source = task->source;
          co_await asio::dispatch(asio::bind_executor(source->strand, asio::use_awaitable));
          auto taken = source->queue.take_for_move(static_cast<std::size_t>(want));
          if (taken.empty()) {
            finish(MoveStatus::Completed);
            co_return;
          }
          // Where each goes, resolved while the backend is there to ask.
          std::map<std::string, std::shared_ptr<QueueHandle>> targets;
          bool alive = true;
          {
            std::lock_guard lock{self->mutex_};
            alive = self->alive_;
            if (alive)
              for (const auto& m : taken) {
                const std::string& arn = destination ? *destination : m.dead_letter_source_arn;
                if (!targets.contains(arn)) targets[arn] = arn.empty() ? nullptr : self->find_(arn);
              }
          }
          std::map<std::shared_ptr<QueueHandle>, std::vector<Message>> moves;
          bool lost_destination = !alive;
          for (auto& m : taken) {
            auto target = alive ? targets[destination ? *destination : m.dead_letter_source_arn] : nullptr;
            if (!target) {
              // Nowhere to go: it stays in the dead-letter queue, and the task fails.
              source->queue.accept_dead_letter(std::move(m));
              lost_destination = true;
              continue;
            }
            moves[target].push_back(std::move(m));
          }
          std::int64_t moved = 0;
          for (auto& move : moves) {
            // A plain copy: lambdas may not capture structured bindings before clang 16.
            auto target = move.first;
            moved += static_cast<std::int64_t>(move.second.size());
            asio::post(target->strand, [target, messages = std::move(move.second)]() mutable {
              for (auto& m : messages) target->queue.accept_moved(std::move(m));
              for (auto* t : target->waiters) t->cancel();
            });
          }
          {
            std::lock_guard lock{self->mutex_};
            task->view.moved += moved;
          }
          if (lost_destination) {
            finish(alive ? MoveStatus::Failed : MoveStatus::Cancelled, alive ? std::string{kNoQueueReason} : std::string{});
            co_return;
          }
          timer.expires_after(step);
          co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
      },
      asio::detached);
}

}  // namespace localray::sqs::model
