#pragma once
// The queues of one account and region. Each queue works on its own strand: every method below
// hops onto the queue's strand, so no two threads ever touch one Queue at once.
#include <list>
#include <memory>
#include <shared_mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "services/sqs/model/queue.hpp"

namespace localray::sqs::model {

struct QueueHandle {
  QueueHandle(boost::asio::any_io_executor ex, Queue q) : strand{boost::asio::make_strand(ex)}, queue{std::move(q)} {}
  boost::asio::strand<boost::asio::any_io_executor> strand;
  Queue queue;                                      // strand only
  std::list<boost::asio::steady_timer*> waiters;  // long polls to wake on send; strand only
};

struct ReceiveOptions {
  int max_messages = 1;
  std::optional<std::chrono::seconds> visibility_timeout;
  std::optional<std::chrono::seconds> wait;  // queue's ReceiveMessageWaitTimeSeconds when absent
};

class Backend {
 public:
  Backend(boost::asio::any_io_executor ex, const tracing::Clock& clock, tracing::IdGenerator& ids, std::string region,
          std::string account, std::string endpoint);

  Result<std::shared_ptr<QueueHandle>> create_queue(const std::string& name, QueueSettings settings);
  // Looks a queue up by name, URL (any host: the last two path segments count) or ARN.
  Result<std::shared_ptr<QueueHandle>> find(std::string_view name_url_or_arn) const;
  std::vector<std::shared_ptr<QueueHandle>> queues() const;

  boost::asio::awaitable<Result<SendReceipt>> send(std::shared_ptr<QueueHandle> q, OutgoingMessage m);
  // Long polls up to the wait time; returns as soon as one message is visible.
  boost::asio::awaitable<Result<std::vector<Message>>> receive(std::shared_ptr<QueueHandle> q, ReceiveOptions options);
  boost::asio::awaitable<Result<void>> delete_message(std::shared_ptr<QueueHandle> q, std::string receipt_handle);
  boost::asio::awaitable<Result<void>> change_visibility(std::shared_ptr<QueueHandle> q, std::string receipt_handle,
                                                         std::chrono::seconds timeout);

  std::string queue_url(const std::string& name) const { return endpoint_ + "/" + account_ + "/" + name; }
  std::string queue_arn(const std::string& name) const { return "arn:aws:sqs:" + region_ + ":" + account_ + ":" + name; }

 private:
  boost::asio::awaitable<Result<std::vector<Message>>> receive_on_strand(std::shared_ptr<QueueHandle> q, ReceiveOptions options);
  void dead_letter(std::vector<Message> messages, const std::string& dlq_arn);

  boost::asio::any_io_executor ex_;
  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  std::string region_, account_, endpoint_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<QueueHandle>> queues_;  // by name
};

}  // namespace localray::sqs::model
