#pragma once
// The SQS operations, one function each, over the protocol-neutral Tree; the table that names
// them is the only dispatch. Each reads its members, calls the model, and builds its output.
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "services/sqs/model/backend.hpp"
#include "services/sqs/protocol/tree.hpp"

namespace localray::sqs::protocol {

struct Call {
  const Tree& input;
  model::Backend& backend;
  std::string_view path;     // the request path: a queue URL path stands in for a missing QueueUrl
  std::string trace_header;  // the request's X-Amzn-Trace-Id, empty when it sent none
  std::string sender_id;     // SenderId of what this call sends: the caller's account
};

using Outcome = model::Result<Tree>;
// A Tree converts to anything, model::Error included, so a successful Outcome is built explicitly.
inline Outcome ok(Tree output) { return Outcome{boost::system::in_place_value, std::move(output)}; }
using OperationFn = boost::asio::awaitable<Outcome> (*)(const Call&);

struct Operation {
  std::string_view name;
  OperationFn run;
  bool has_result;  // false: the JSON answer is `{}` and the query answer has no <OpResult>
};

// Nothing for an operation SQS does not have or localray does not serve.
const Operation* find_operation(std::string_view name);

namespace ops {
// Queues (queue_operations.cpp).
boost::asio::awaitable<Outcome> create_queue(const Call& c);
boost::asio::awaitable<Outcome> get_queue_url(const Call& c);
boost::asio::awaitable<Outcome> list_queues(const Call& c);
boost::asio::awaitable<Outcome> delete_queue(const Call& c);
boost::asio::awaitable<Outcome> purge_queue(const Call& c);
boost::asio::awaitable<Outcome> get_queue_attributes(const Call& c);
boost::asio::awaitable<Outcome> set_queue_attributes(const Call& c);
// Messages (message_operations.cpp).
boost::asio::awaitable<Outcome> send_message(const Call& c);
boost::asio::awaitable<Outcome> send_message_batch(const Call& c);
boost::asio::awaitable<Outcome> receive_message(const Call& c);
boost::asio::awaitable<Outcome> delete_message(const Call& c);
boost::asio::awaitable<Outcome> delete_message_batch(const Call& c);
boost::asio::awaitable<Outcome> change_message_visibility(const Call& c);
boost::asio::awaitable<Outcome> change_message_visibility_batch(const Call& c);
// Tags and permissions (queue_admin_operations.cpp).
boost::asio::awaitable<Outcome> tag_queue(const Call& c);
boost::asio::awaitable<Outcome> untag_queue(const Call& c);
boost::asio::awaitable<Outcome> list_queue_tags(const Call& c);
boost::asio::awaitable<Outcome> add_permission(const Call& c);
boost::asio::awaitable<Outcome> remove_permission(const Call& c);
// Dead-letter queues (redrive_operations.cpp).
boost::asio::awaitable<Outcome> list_dead_letter_source_queues(const Call& c);
boost::asio::awaitable<Outcome> start_message_move_task(const Call& c);
boost::asio::awaitable<Outcome> list_message_move_tasks(const Call& c);
boost::asio::awaitable<Outcome> cancel_message_move_task(const Call& c);
}  // namespace ops

}  // namespace localray::sqs::protocol
