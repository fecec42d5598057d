#include "services/sqs/model/backend.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <vector>
#include <cctype>
#include <mutex>

#include "services/sqs/model/limits.hpp"

namespace localray::sqs::model {

namespace asio = boost::asio;

namespace {
Error no_queue() { return Error{Code::QueueDoesNotExist, "The specified queue does not exist."}; }
}  // namespace

Backend::Backend(asio::any_io_executor ex, const tracing::Clock& clock, tracing::IdGenerator& ids, std::string region,
                 std::string account, std::string endpoint)
    : ex_{std::move(ex)}, clock_{clock}, ids_{ids}, region_{std::move(region)}, account_{std::move(account)}, endpoint_{std::move(endpoint)},
      // The finder is called only until the destructor stops the tasks.
      move_tasks_{std::make_shared<MoveTasks>(ex_, clock, ids, [this](const std::string& arn) -> std::shared_ptr<QueueHandle> {
        auto q = find(arn);
        return q ? *q : nullptr;
      })} {}

Backend::~Backend() { move_tasks_->stop(); }

Result<void> validate_queue_name(std::string_view name, bool fifo) {
  auto stem = name;
  if (fifo) stem = name.ends_with(".fifo") ? name.substr(0, name.size() - 5) : std::string_view{};
  bool valid = !stem.empty() && name.size() <= 80 &&
               std::all_of(stem.begin(), stem.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
  if (valid) return {};
  if (fifo)
    return Error{Code::InvalidParameterValue,
                 "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."};
  return Error{Code::InvalidParameterValue, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"};
}

Result<std::shared_ptr<QueueHandle>> Backend::create_queue(const std::string& name, QueueSettings settings) {
  if (auto v = validate_queue_name(name, settings.fifo.has_value()); !v) return v.error();
  std::unique_lock lock{mutex_};
  if (auto it = queues_.find(name); it != queues_.end()) return it->second;
  auto h = std::make_shared<QueueHandle>(ex_, Queue{name, queue_arn(name), queue_url(name), std::move(settings), clock_, ids_});
  if (changes_) {
    h->queue.set_changes(changes_.get());
    changes_->queue_changed(h->queue);
  }
  queues_.emplace(name, h);
  return h;
}

std::optional<base::Scope> scope_of_queue_url(std::string_view url) {
  auto at = url.find("/queue/");
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = url.substr(at + 7);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string region{rest.substr(0, slash)};
  rest.remove_prefix(slash + 1);
  slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  return base::Scope{std::string{rest.substr(0, slash)}, region};
}

Result<std::shared_ptr<QueueHandle>> Backend::find(std::string_view key) const {
  std::string name;
  if (key.rfind("arn:", 0) == 0) {
    auto scope = base::scope_of_arn(std::string{key});
    if (scope.region != region_ || scope.account != account_) return no_queue();
    name = key.substr(key.rfind(':') + 1);
  } else if (key.find('/') != std::string_view::npos) {
    // The path's segments: `queue/{region}/{account}/{name}`, or the older `{account}/{name}`.
    auto path = key;
    if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
      path.remove_prefix(scheme + 3);
      path.remove_prefix(std::min(path.size(), path.find('/')));
    }
    std::vector<std::string_view> segments;
    for (std::size_t pos = 0; pos <= path.size();) {
      auto next = std::min(path.size(), path.find('/', pos));
      if (next > pos) segments.push_back(path.substr(pos, next - pos));
      pos = next + 1;
    }
    if (segments.empty()) return no_queue();
    std::size_t n = segments.size();
    if (n >= 4 && segments[n - 4] == "queue" && (segments[n - 3] != region_ || segments[n - 2] != account_)) return no_queue();
    if (n == 2 && segments[0] != account_) return no_queue();
    name = segments.back();
  } else {
    name = key;
  }
  std::shared_lock lock{mutex_};
  auto it = queues_.find(name);
  if (it == queues_.end()) return no_queue();
  return it->second;
}

Result<void> Backend::delete_queue(std::string_view key) {
  auto found = find(key);
  if (!found) return found.error();
  auto q = *found;
  {
    std::unique_lock lock{mutex_};
    auto it = queues_.find(q->queue.name());
    if (it == queues_.end() || it->second != q) return no_queue();  // deleted meanwhile
    queues_.erase(it);
    // Under the lock, as creation is reported: a queue made again under the name at once is
    // reported after this. What the old one still does on its strand is filed under its own
    // creation time, and no longer reported once the strand gets here:
    if (changes_) changes_->queue_removed(q->queue);
  }
  asio::post(q->strand, [q] {
    q->queue.set_changes(nullptr);
    q->queue.clear();
  });
  return {};
}

std::vector<std::shared_ptr<QueueHandle>> Backend::list_queues(std::string_view name_prefix) const {
  std::shared_lock lock{mutex_};
  std::vector<std::shared_ptr<QueueHandle>> out;
  for (auto it = queues_.lower_bound(std::string{name_prefix}); it != queues_.end() && it->first.starts_with(name_prefix); ++it)
    out.push_back(it->second);
  return out;
}

std::vector<std::shared_ptr<QueueHandle>> Backend::queues() const {
  std::shared_lock lock{mutex_};
  std::vector<std::shared_ptr<QueueHandle>> out;
  for (const auto& [n, q] : queues_) out.push_back(q);
  return out;
}

asio::awaitable<Result<SendReceipt>> Backend::send(std::shared_ptr<QueueHandle> q, OutgoingMessage m) {
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  auto r = q->queue.send(std::move(m));
  if (r) {
    for (auto* t : q->waiters) t->cancel();
  }
  co_return r;
}

asio::awaitable<Result<std::vector<Result<SendReceipt>>>> Backend::send_batch(std::shared_ptr<QueueHandle> q,
                                                                            std::vector<Result<OutgoingMessage>> entries) {
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  // A FIFO batch with an entry lacking its group or deduplication id fails as a whole.
  for (const auto& e : entries)
    if (e)
      if (auto v = q->queue.check_fifo_entry(*e); !v) co_return Error{Code::InvalidParameterValue, v.error().message};
  std::vector<Result<SendReceipt>> out;
  bool sent = false;
  for (auto& e : entries) {
    if (!e) {
      out.push_back(e.error());
      continue;
    }
    out.push_back(q->queue.send(std::move(*e)));
    sent = sent || out.back().has_value();
  }
  if (sent)
    for (auto* t : q->waiters) t->cancel();
  co_return out;
}

asio::awaitable<Result<std::vector<Message>>> Backend::receive(std::shared_ptr<QueueHandle> q, ReceiveOptions options) {
  if (options.max_messages < 1 || options.max_messages > kMaxReceiveBatch)
    co_return Error{Code::InvalidParameterValue, "Value " + std::to_string(options.max_messages) +
                                                     " for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."};
  if (options.visibility_timeout && (options.visibility_timeout->count() < 0 || *options.visibility_timeout > kMaxVisibilityTimeout))
    co_return Error{Code::InvalidParameterValue, "Value " + std::to_string(options.visibility_timeout->count()) +
                                                     " for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."};
  if (options.wait && (options.wait->count() < 0 || *options.wait > kMaxWait))
    co_return Error{Code::InvalidParameterValue, "Value " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(*options.wait).count()) +
                                                     " for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."};
  // The whole poll runs as a coroutine on the strand, so every resumption lands there.
  co_return co_await asio::co_spawn(q->strand, receive_on_strand(q, options), asio::use_awaitable);
}

asio::awaitable<Result<std::vector<Message>>> Backend::receive_on_strand(std::shared_ptr<QueueHandle> q, ReceiveOptions options) {
  auto deadline = std::chrono::steady_clock::now() + options.wait.value_or(q->queue.settings().receive_wait);
  for (;;) {
    auto got = q->queue.receive(options.max_messages, options.visibility_timeout, options.attempt_id);
    if (!got.dead_letters.empty() && q->queue.settings().redrive)
      dead_letter(std::move(got.dead_letters), q->queue.settings().redrive->dead_letter_target_arn, q->queue.arn());
    if (got.over_limit)
      co_return Error{Code::OverLimit, "Too many messages in flight: the queue has " + std::to_string(kMaxInFlight) +
                                           " received and neither deleted nor visible again."};
    auto now = std::chrono::steady_clock::now();
    if (!got.messages.empty() || now >= deadline) co_return std::move(got.messages);
    auto wake = deadline;
    if (auto next = q->queue.next_visible_at()) wake = std::min(wake, now + (*next - clock_.now()));
    asio::steady_timer timer{q->strand, wake};
    auto it = q->waiters.insert(q->waiters.end(), &timer);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    q->waiters.erase(it);
  }
}

void Backend::dead_letter(std::vector<Message> messages, const std::string& dlq_arn, const std::string& source_arn) {
  auto dlq = find(dlq_arn);
  if (!dlq) return;  // a redrive policy naming a deleted queue: SQS drops them too
  auto target = *dlq;
  for (auto& m : messages) m.dead_letter_source_arn = source_arn;
  asio::post(target->strand, [target, messages = std::move(messages)]() mutable {
    for (auto& m : messages) target->queue.accept_dead_letter(std::move(m));
    for (auto* t : target->waiters) t->cancel();
  });
}

asio::awaitable<Result<void>> Backend::delete_message(std::shared_ptr<QueueHandle> q, std::string receipt_handle) {
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  auto r = q->queue.delete_message(receipt_handle);
  // A FIFO delete may unlock a group: long polls waiting for it look again.
  if (r && q->queue.fifo())
    for (auto* t : q->waiters) t->cancel();
  co_return r;
}

asio::awaitable<Result<void>> Backend::change_visibility(std::shared_ptr<QueueHandle> q, std::string receipt_handle,
                                                        std::chrono::seconds timeout) {
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  auto r = q->queue.change_visibility(receipt_handle, timeout);
  if (r && timeout.count() == 0)
    for (auto* t : q->waiters) t->cancel();
  co_return r;
}

asio::awaitable<Result<void>> Backend::purge(std::shared_ptr<QueueHandle> q) {
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  co_return q->queue.purge();
}

asio::awaitable<QueueSnapshot> Backend::describe(std::shared_ptr<QueueHandle> q) {
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  const Queue& queue = q->queue;
  co_return QueueSnapshot{queue.name(),         queue.arn(),           queue.url(),       queue.settings(),
                          queue.created_at(),   queue.last_modified_at(), queue.visible_count(), queue.in_flight_count(),
                          queue.delayed_count()};
}

asio::awaitable<Result<void>> Backend::update_settings(std::shared_ptr<QueueHandle> q,
                                                      std::function<Result<QueueSettings>(const QueueSettings&)> change) {
  co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
  auto next = change(q->queue.settings());
  if (!next) co_return next.error();
  q->queue.set_settings(std::move(*next));
  co_return Result<void>{};
}

}  // namespace localray::sqs::model
