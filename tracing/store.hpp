#pragma once
// SQLite storage of segment documents. One Store owns the single writer connection; readers use
// connections of their own from a ReaderPool (WAL lets them read while the writer commits).
//
// Invariants:
//  1. `segments` holds one row per (trace_id, id); a later document with the same id replaces the
//     earlier one (an in-progress segment completed later).
//  2. `traces` holds one row per trace id present in `segments`, its start the earliest
//     start_time and its end the latest end_time seen, maintained by the writer in the same
//     transaction as the segments.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tracing/error.hpp"
#include "tracing/segment.hpp"

struct sqlite3;

namespace localray::tracing {

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const std::string& uri, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  sqlite3* handle() const { return db_; }
  Result<void> exec(const char* sql);

 private:
  explicit Connection(sqlite3* db) : db_{db} {}
  sqlite3* db_;
};

// ":memory:" becomes a named shared-cache database so that readers see what the writer wrote.
std::string database_uri(const std::string& path);

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  // One transaction for the whole batch.
  Result<void> write(const std::vector<Segment>& batch);
  const std::string& uri() const { return uri_; }

 private:
  Store(std::unique_ptr<Connection> c, std::string uri) : conn_{std::move(c)}, uri_{std::move(uri)} {}
  std::unique_ptr<Connection> conn_;
  std::string uri_;
};

struct TraceRow {
  std::string id;
  double start_time = 0;
  double end_time = 0;
};

class StoreReader {
 public:
  explicit StoreReader(std::unique_ptr<Connection> c) : conn_{std::move(c)} {}
  // Traces whose first segment started in [start, end], newest first.
  Result<std::vector<TraceRow>> traces_between(double start, double end, std::size_t limit);
  // Every stored document of the trace; subsegments sent on their own are merged into their
  // parent, so the result holds whole segments only. Empty when the trace is unknown.
  Result<std::vector<Segment>> trace_segments(const std::string& trace_id);

 private:
  std::unique_ptr<Connection> conn_;
};

// Readers are not thread-safe; the pool hands each query a connection of its own.
class ReaderPool {
 public:
  explicit ReaderPool(std::string uri) : uri_{std::move(uri)} {}
  class Lease {
   public:
    Lease(ReaderPool& p, std::unique_ptr<StoreReader> r) : pool_{p}, reader_{std::move(r)} {}
    ~Lease();
    Lease(Lease&&) = default;
    StoreReader* operator->() { return reader_.get(); }
    StoreReader& operator*() { return *reader_; }

   private:
    ReaderPool& pool_;
    std::unique_ptr<StoreReader> reader_;
  };
  Result<Lease> acquire();

 private:
  std::string uri_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<StoreReader>> idle_;
};

}  // namespace localray::tracing
