#pragma once
// SQS queues and their messages kept across restarts (--persist): each queue's settings and times
// as one row, each message as one row under its queue, written as they change.
//
// A queue's messages are filed under the queue's name and creation time, so that the rows of a
// queue deleted and created again under the same name never mix with the new queue's.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/scope.hpp"
#include "services/sqs/model/backend.hpp"
#include "tracing/state_journal.hpp"

namespace localray::emulator::persist {

class SqsState final : public sqs::model::QueueChanges {
 public:
  SqsState(tracing::StateJournal& journal, base::Scope scope);
  void queue_changed(const sqs::model::Queue& q) override;
  void queue_removed(const sqs::model::Queue& q) override;
  void message_changed(const sqs::model::Queue& q, std::uint64_t seq, const sqs::model::Message& m) override;
  void message_removed(const sqs::model::Queue& q, std::uint64_t seq) override;
  void messages_cleared(const sqs::model::Queue& q) override;

 private:
  tracing::StateJournal& journal_;
  std::string scope_owner_;
};

inline constexpr const char* kSqsQueueRows = "sqs.queue";
inline constexpr const char* kSqsMessageRows = "sqs.message";

// What a restore put back, and what it could not.
struct RestoreCounts {
  std::size_t resources = 0;  // queues, tables, topics, ...
  std::size_t items = 0;      // messages, items, subscriptions, ...
  std::size_t skipped = 0;    // rows that no longer fit (each is logged) or whose owner is gone
};

// Puts back the queues and messages of `scope` the rows hold, in the backend whose changes `state`
// reports (queues the topology already made keep their place and take the stored settings and
// messages). Rows that fit nothing are erased from the journal.
boost::asio::awaitable<RestoreCounts> restore_sqs(sqs::model::Backend& backend, const base::Scope& scope,
                                                  const std::vector<tracing::StateRow>& rows, tracing::StateJournal& journal,
                                                  std::shared_ptr<spdlog::logger> log);

// "account/region": how every service's rows name their scope.
std::string scope_owner(const base::Scope& scope);
// The scope a row's owner starts with.
base::Scope scope_of_owner(const std::string& owner);

}  // namespace localray::emulator::persist
