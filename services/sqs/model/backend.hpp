#pragma once
// The queues of one account and region. Each queue works on its own strand: every method below
// that takes a QueueHandle hops onto the queue's strand, so no two threads ever touch one Queue
// at once. The name -> queue map (create, find, list, delete) has its own lock and never touches
// a Queue's mutable state (name, ARN and URL are fixed at construction).
#include <functional>
#include <list>
#include <memory>
#include <shared_mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "base/scope.hpp"
#include "services/sqs/model/move_tasks.hpp"
#include "services/sqs/model/queue.hpp"

namespace localray::sqs::model {

// 1 to 80 characters of `[A-Za-z0-9_-]`; a FIFO queue's end in `.fifo`, which counts.
Result<void> validate_queue_name(std::string_view name, bool fifo = false);

// The account and region a queue URL's path names (`.../queue/{region}/{account}/{name}`), if it
// names them.
std::optional<base::Scope> scope_of_queue_url(std::string_view url);

struct QueueHandle {
  QueueHandle(boost::asio::any_io_executor ex, Queue q) : strand{boost::asio::make_strand(ex)}, queue{std::move(q)} {}
  boost::asio::strand<boost::asio::any_io_executor> strand;
  Queue queue;                                      // strand only
  std::list<boost::asio::steady_timer*> waiters;  // long polls to wake on send; strand only
};

// What GetQueueAttributes reports, read on the queue's strand.
struct QueueSnapshot {
  std::string name, arn, url;
  QueueSettings settings;
  tracing::TimePoint created_at, last_modified_at;
  std::size_t visible = 0, in_flight = 0, delayed = 0;
};

struct ReceiveOptions {
  int max_messages = 1;
  std::optional<std::chrono::seconds> visibility_timeout;
  std::optional<std::chrono::milliseconds> wait;  // queue's ReceiveMessageWaitTimeSeconds when absent
  std::string attempt_id;                         // ReceiveRequestAttemptId (FIFO)
};

class Backend {
 public:
  Backend(boost::asio::any_io_executor ex, const tracing::Clock& clock, tracing::IdGenerator& ids, std::string region,
          std::string account, std::string endpoint);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // Returns the existing queue when the name is taken (callers compare settings through describe()).
  Result<std::shared_ptr<QueueHandle>> create_queue(const std::string& name, QueueSettings settings);
  // Forgets the queue and drops its messages; long polls already waiting on it end empty at
  // their deadline.
  Result<void> delete_queue(std::string_view name_url_or_arn);
  // Looks a queue up by name, URL (any host; `/queue/{region}/{account}/{name}` or the older
  // `/{account}/{name}`) or ARN. A URL or ARN of another account or region names no queue here.
  Result<std::shared_ptr<QueueHandle>> find(std::string_view name_url_or_arn) const;
  std::vector<std::shared_ptr<QueueHandle>> queues() const;
  // Queues whose name starts with `name_prefix`, ordered by name.
  std::vector<std::shared_ptr<QueueHandle>> list_queues(std::string_view name_prefix) const;

  boost::asio::awaitable<Result<SendReceipt>> send(std::shared_ptr<QueueHandle> q, OutgoingMessage m);
  // The entries of one SendMessageBatch in one turn on the strand; an entry the codec could not
  // read comes in as its error and goes out as it. A FIFO entry without its group or
  // deduplication id fails the whole batch, as SQS fails it.
  boost::asio::awaitable<Result<std::vector<Result<SendReceipt>>>> send_batch(std::shared_ptr<QueueHandle> q,
                                                                               std::vector<Result<OutgoingMessage>> entries);
  // Long polls up to the wait time; returns as soon as one message is visible.
  boost::asio::awaitable<Result<std::vector<Message>>> receive(std::shared_ptr<QueueHandle> q, ReceiveOptions options);
  boost::asio::awaitable<Result<void>> delete_message(std::shared_ptr<QueueHandle> q, std::string receipt_handle);
  boost::asio::awaitable<Result<void>> change_visibility(std::shared_ptr<QueueHandle> q, std::string receipt_handle,
                                                         std::chrono::seconds timeout);
  boost::asio::awaitable<Result<void>> purge(std::shared_ptr<QueueHandle> q);
  boost::asio::awaitable<QueueSnapshot> describe(std::shared_ptr<QueueHandle> q);
  // Replaces the settings with change(current) in one step on the queue's strand; a failed
  // change leaves them as they were.
  boost::asio::awaitable<Result<void>> update_settings(std::shared_ptr<QueueHandle> q,
                                                       std::function<Result<QueueSettings>(const QueueSettings&)> change);

  // The queues whose RedrivePolicy names `dlq_arn`, ordered by name (redrive.cpp).
  boost::asio::awaitable<std::vector<std::shared_ptr<QueueHandle>>> dead_letter_sources(std::string dlq_arn);
  // StartMessageMoveTask: the source must be some queue's dead-letter queue; the destination, when
  // given, must exist. What the source holds visible now is what the task moves.
  boost::asio::awaitable<Result<std::string>> start_move_task(std::string source_arn, std::optional<std::string> destination_arn,
                                                              std::optional<int> max_per_second);
  MoveTasks& move_tasks() { return *move_tasks_; }

  // `{endpoint}/queue/{region}/{account}/{name}`: reachable on the edge port, and saying where the
  // queue lives, as LocalStack's path-style URLs do.
  std::string queue_url(const std::string& name) const { return endpoint_ + "/queue/" + region_ + "/" + account_ + "/" + name; }
  std::string queue_arn(const std::string& name) const { return "arn:aws:sqs:" + region_ + ":" + account_ + ":" + name; }

  // Where every queue created from now on reports its changes (--persist); set before the first.
  void set_changes(std::shared_ptr<QueueChanges> changes) { changes_ = std::move(changes); }
  const std::shared_ptr<QueueChanges>& changes() const { return changes_; }

 private:
  boost::asio::awaitable<Result<std::vector<Message>>> receive_on_strand(std::shared_ptr<QueueHandle> q, ReceiveOptions options);
  void dead_letter(std::vector<Message> messages, const std::string& dlq_arn, const std::string& source_arn);

  boost::asio::any_io_executor ex_;
  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  std::string region_, account_, endpoint_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<QueueHandle>> queues_;  // by name
  std::shared_ptr<QueueChanges> changes_;
  std::shared_ptr<MoveTasks> move_tasks_;
};

}  // namespace localray::sqs::model
