#include "tracing/state_journal.hpp"

#include <sqlite3.h>

#include <spdlog/spdlog.h>

namespace localray::tracing {
namespace {

constexpr const char* kJournalSchema = R"sql(
CREATE TABLE IF NOT EXISTS resource_state(
  kind TEXT NOT NULL, owner TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
  PRIMARY KEY (kind, owner, key)) WITHOUT ROWID;
)sql";

void bind_string(sqlite3_stmt* s, int i, std::string_view v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }

std::string column_blob(sqlite3_stmt* s, int i) {
  auto p = static_cast<const char*>(sqlite3_column_blob(s, i));
  return p ? std::string{p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))} : std::string{};
}

}  // namespace

std::string state_path_for(const std::string& db_path) {
  constexpr std::string_view ext = ".db";
  if (db_path.size() > ext.size() && db_path.ends_with(ext)) return db_path.substr(0, db_path.size() - ext.size()) + ".resources.db";
  return db_path + ".resources.db";
}

Result<std::unique_ptr<StateJournal>> StateJournal::open(const std::string& path, std::chrono::milliseconds interval,
                                                         std::shared_ptr<spdlog::logger> log) {
  auto conn = Connection::open(database_uri(path), true);
  if (!conn) return Error{"resource state " + path + ": " + conn.error().message};
  // WAL with NORMAL sync: a commit survives the process being killed, which is the promise; a
  // power cut may lose the last ones.
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", kJournalSchema})
    if (auto r = (*conn)->exec(sql); !r) return Error{"resource state " + path + ": " + r.error().message};
  std::vector<StateRow> rows;
  {
    Statement all;
    if (auto r = prepare_sql((*conn)->handle(), "SELECT kind, owner, key, value FROM resource_state ORDER BY kind, owner, key", &all.stmt); !r)
      return Error{"resource state " + path + ": " + r.error().message};
    int rc;
    while ((rc = sqlite3_step(all.stmt)) == SQLITE_ROW)
      rows.push_back({column_text(all.stmt, 0), column_text(all.stmt, 1), column_text(all.stmt, 2), column_blob(all.stmt, 3)});
    if (rc != SQLITE_DONE) return Error{"resource state " + path + ": " + sql_error((*conn)->handle(), "read").message};
  }
  std::unique_ptr<StateJournal> journal{new StateJournal{path, std::move(*conn), interval, std::move(log)}};
  journal->loaded_ = std::move(rows);
  journal->writer_ = std::thread{[j = journal.get()] { j->run(); }};
  return journal;
}

StateJournal::StateJournal(std::string path, std::unique_ptr<Connection> conn, std::chrono::milliseconds interval,
                           std::shared_ptr<spdlog::logger> log)
    : path_{std::move(path)}, conn_{std::move(conn)}, interval_{interval}, log_{std::move(log)} {}

StateJournal::~StateJournal() { stop(); }

std::vector<StateRow> StateJournal::take_loaded() { return std::move(loaded_); }

void StateJournal::put(std::string_view kind, std::string_view owner, std::string_view key, std::string value) {
  record({OpType::Put, std::string{kind}, std::string{owner}, std::string{key}, std::move(value)});
}

void StateJournal::erase(std::string_view kind, std::string_view owner, std::string_view key) {
  record({OpType::Erase, std::string{kind}, std::string{owner}, std::string{key}, {}});
}

void StateJournal::erase_owner(std::string_view kind, std::string_view owner) {
  record({OpType::EraseOwner, std::string{kind}, std::string{owner}, {}, {}});
}

void StateJournal::record(Op op) {
  std::lock_guard lock{mutex_};
  if (writer_done_) {
    ++failed_;
    return;
  }
  if (op.type == OpType::EraseOwner) {
    // Pending changes of the owner's rows stay before the erasure (it removes them); a change
    // made after it must come after it, so it no longer overwrites them in place.
    for (auto it = pending_row_.lower_bound({op.kind, op.owner, std::string{}});
         it != pending_row_.end() && std::get<0>(it->first) == op.kind && std::get<1>(it->first) == op.owner;)
      it = pending_row_.erase(it);
    pending_.push_back(std::move(op));
    return;
  }
  RowKey row{op.kind, op.owner, op.key};
  if (auto it = pending_row_.find(row); it != pending_row_.end()) {
    pending_[it->second] = std::move(op);
    return;
  }
  pending_row_.emplace(std::move(row), pending_.size());
  pending_.push_back(std::move(op));
}

void StateJournal::run() {
  std::unique_lock lock{mutex_};
  for (;;) {
    wake_.wait_for(lock, interval_, [this] { return flush_asked_ || stopping_; });
    bool asked = flush_asked_ || stopping_;
    if (pending_.empty() && !asked) continue;
    std::vector<Op> ops = std::move(pending_);
    pending_.clear();
    pending_row_.clear();
    flush_asked_ = false;
    auto batch = ++batches_started_;
    bool last = stopping_;
    lock.unlock();
    auto written = ops.empty() ? Result<void>{} : write(ops);
    if (!written) log_->error("resource state {}: {} changes not written: {}", path_, ops.size(), written.error().message);
    lock.lock();
    if (written) committed_ += ops.size();
    else failed_ += ops.size();
    batches_done_ = batch;
    written_.notify_all();
    if (last && pending_.empty()) {
      writer_done_ = true;
      return;
    }
  }
}

Result<void> StateJournal::write(const std::vector<Op>& ops) {
  sqlite3* db = conn_->handle();
  Statement put, erase, erase_owner;
  if (auto r = prepare_sql(db, "INSERT OR REPLACE INTO resource_state(kind, owner, key, value) VALUES (?, ?, ?, ?)", &put.stmt); !r) return r;
  if (auto r = prepare_sql(db, "DELETE FROM resource_state WHERE kind = ? AND owner = ? AND key = ?", &erase.stmt); !r) return r;
  if (auto r = prepare_sql(db, "DELETE FROM resource_state WHERE kind = ? AND owner = ?", &erase_owner.stmt); !r) return r;
  if (auto r = conn_->exec("BEGIN IMMEDIATE"); !r) return r;
  for (const auto& op : ops) {
    sqlite3_stmt* st = op.type == OpType::Put ? put.stmt : op.type == OpType::Erase ? erase.stmt : erase_owner.stmt;
    bind_string(st, 1, op.kind);
    bind_string(st, 2, op.owner);
    if (op.type != OpType::EraseOwner) bind_string(st, 3, op.key);
    if (op.type == OpType::Put) sqlite3_bind_blob(st, 4, op.value.data(), static_cast<int>(op.value.size()), SQLITE_STATIC);
    if (auto r = step_done(db, st, "write"); !r) {
      conn_->exec("ROLLBACK");
      return r;
    }
  }
  return conn_->exec("COMMIT");
}

void StateJournal::flush() {
  std::unique_lock lock{mutex_};
  if (writer_done_) return;
  auto target = batches_started_ + 1;
  flush_asked_ = true;
  wake_.notify_one();
  written_.wait(lock, [&] { return batches_done_ >= target; });
}

void StateJournal::stop() {
  {
    std::lock_guard lock{mutex_};
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

std::uint64_t StateJournal::committed() const {
  std::lock_guard lock{mutex_};
  return committed_;
}

std::uint64_t StateJournal::failed() const {
  std::lock_guard lock{mutex_};
  return failed_;
}

}  // namespace localray::tracing
