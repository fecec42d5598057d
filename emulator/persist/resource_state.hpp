#pragma once
// --persist: the state of queues, tables, topics and functions kept across restarts in a file beside the
// trace store (tracing::StateJournal). Each service reports its changes as they are acknowledged
// (sqs_state, dynamodb_state, sns_state, lambda_state); at start the rows are put back after the topology is
// applied, so that what the topology declares and what was made over the APIs meet as they were.
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <spdlog/fwd.h>

#include "emulator/options.hpp"
#include "emulator/persist/sqs_state.hpp"
#include "emulator/regions.hpp"
#include "tracing/error.hpp"

namespace localray::emulator {
struct Services;
}

namespace localray::emulator::persist {

// How often pending changes are committed: a kill -9 loses at most the changes of one interval.
inline constexpr std::chrono::milliseconds kCommitInterval{100};

// Opens the state file beside options.db and reads it; before any service is made.
tracing::Result<void> open_state(Services& s, const Options& options, std::shared_ptr<spdlog::logger> log);
// Makes a scope's queues, tables, topics and functions report their changes to the journal.
void record_changes(Region& region, tracing::StateJournal& journal);
// Puts back what the file held, every scope's, queues before the subscriptions that deliver to them.
boost::asio::awaitable<RestoreCounts> restore_resources(Services& s, std::shared_ptr<spdlog::logger> log);

}  // namespace localray::emulator::persist
