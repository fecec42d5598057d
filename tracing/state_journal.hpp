#pragma once
// Resource state kept across restarts (--persist): rows of (kind, owner, key) -> value in an
// SQLite file of their own, beside the trace store, so that their writes never wait on the
// trace writer's lock. Callers record each change as it is acknowledged; a writer thread commits
// what is pending every `interval` in one transaction, so a kill -9 loses at most the changes of
// the last interval. Changes to one row coalesce while pending: a message received a hundred
// times between two commits is written once.
//
// The journal knows nothing of services: a kind is a service's name for a sort of row ("sqs.queue",
// "dynamodb.item"), an owner what the rows belong to (an account, region and queue), a key one row
// of it. Values are opaque bytes.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include <spdlog/fwd.h>

#include "tracing/error.hpp"
#include "tracing/sqlite.hpp"

namespace localray::tracing {

struct StateRow {
  std::string kind, owner, key, value;
};

class StateJournal {
 public:
  // Opens (creating) the file and reads every row it holds; the writer starts at once.
  static Result<std::unique_ptr<StateJournal>> open(const std::string& path, std::chrono::milliseconds interval,
                                                    std::shared_ptr<spdlog::logger> log);
  ~StateJournal();
  StateJournal(const StateJournal&) = delete;
  StateJournal& operator=(const StateJournal&) = delete;

  // The rows the file held when it was opened, ordered by kind, owner and key. Handed out once.
  std::vector<StateRow> take_loaded();

  // Safe from any thread; none of them waits for SQLite.
  void put(std::string_view kind, std::string_view owner, std::string_view key, std::string value);
  void erase(std::string_view kind, std::string_view owner, std::string_view key);
  // Every row of `kind` under `owner`: a queue's messages when the queue goes.
  void erase_owner(std::string_view kind, std::string_view owner);

  // Commits what is pending now and returns once it is written (or failed).
  void flush();
  // Flushes and ends the writer; later changes are dropped and counted.
  void stop();

  std::uint64_t committed() const;  // changes written since start
  std::uint64_t failed() const;     // changes that could not be written (each failure is logged)
  const std::string& path() const { return path_; }

 private:
  enum class OpType { Put, Erase, EraseOwner };
  struct Op {
    OpType type;
    std::string kind, owner, key;
    std::string value;
  };
  using RowKey = std::tuple<std::string, std::string, std::string>;

  StateJournal(std::string path, std::unique_ptr<Connection> conn, std::chrono::milliseconds interval, std::shared_ptr<spdlog::logger> log);
  void record(Op op);
  void run();
  Result<void> write(const std::vector<Op>& ops);

  std::string path_;
  std::unique_ptr<Connection> conn_;  // the writer thread's only
  std::chrono::milliseconds interval_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<StateRow> loaded_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;     // the writer: a flush was asked for, or stop
  std::condition_variable written_;  // flush(): a batch was committed
  std::vector<Op> pending_;
  // Where each row's latest put or erase sits in pending_, so a later change overwrites it in place.
  std::map<RowKey, std::size_t> pending_row_;
  std::uint64_t batches_started_ = 0, batches_done_ = 0;
  bool flush_asked_ = false;
  bool stopping_ = false;
  bool writer_done_ = false;  // after stop(): changes are counted as failed
  std::uint64_t committed_ = 0, failed_ = 0;
  std::thread writer_;
};

// Where --persist keeps resource state for a trace store at `db_path`: beside it, named after it
// (`traces.db` -> `traces.resources.db`).
std::string state_path_for(const std::string& db_path);

}  // namespace localray::tracing
