#pragma once
// SQLite storage of segment documents. One Store owns the single writer connection; readers use
// connections of their own from a ReaderPool (WAL lets them read while the writer commits).
//
// Invariants, all kept by the writer in the transaction that stores the segments:
//  1. `segments` holds one row per (trace_id, id); a later document with the same id replaces the
//     earlier one (an in-progress segment completed later).
//  2. `traces` holds one row per trace id present in `segments`: its span, the time in its id, and
//     its digest (tracing/trace_digest.hpp) computed from every segment stored so far.
//  3. `trace_terms` holds exactly the terms of each trace's current digest, as (term id, trace
//     rowid); `terms` interns the term texts and keeps only those some trace carries.
//  4. `graph_buckets` holds, per ten seconds and per minute of trace start time, the sum of the graph
//     tallies of the traces starting in it; a bucket with no trace left has no row.
// Retention removes whole traces, oldest first, keeping all four.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "tracing/error.hpp"
#include "tracing/segment.hpp"
#include "tracing/service_graph.hpp"
#include "tracing/trace_digest.hpp"
#include "tracing/trace_summary.hpp"

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

// Graph tally buckets: by ten seconds (bucket = floor(start / 10)) and by minute (floor(start / 60)).
// Ten seconds, not one: a batch of traces spread over time touches few buckets.
constexpr int kTenSecondBuckets = 0;
constexpr int kMinuteBuckets = 1;

// Bounds on what the store keeps; 0 means no bound of that kind.
struct Retention {
  std::size_t max_traces = 0;
  double max_age_seconds = 0;
};

// A batch made ready for the writer off its thread: documents serialised, and for each trace the
// digest its documents in this batch give (the whole digest when the trace is new).
struct PreparedBatch {
  struct Document {
    std::string trace_id, id, parent_id, name, origin;
    bool standalone = false;
    double start_time = 0, end_time = 0;
    std::string json;
  };
  struct TraceUpdate {
    TraceDigest digest;
    bool has_segments = false;  // false: only subsegments sent on their own so far
  };
  std::vector<Document> documents;
  std::map<std::string, TraceUpdate> traces;
  std::size_t size() const { return documents.size(); }
};

class Store {
 public:
  // Pure work, safe on any thread: the writer's thread is then left with SQLite only.
  static PreparedBatch prepare(std::vector<Segment>&& batch);
  static Result<std::unique_ptr<Store>> open(const std::string& path, Retention retention = {});
  ~Store();
  // One transaction for the whole batch, digests and tallies included.
  Result<void> write(PreparedBatch&& batch);
  Result<void> write(std::vector<Segment>&& batch) { return write(prepare(std::move(batch))); }
  Result<void> write(const std::vector<Segment>& batch);
  // Removes at most `limit` traces beyond the retention bounds, in one transaction; returns how
  // many went. The writer calls it between batches so that writes never wait long.
  Result<std::size_t> prune(double now, std::size_t limit);
  const Retention& retention() const { return retention_; }
  const std::string& uri() const { return uri_; }

  struct Statements;

 private:
  Store(std::unique_ptr<Connection> c, std::string uri, Retention retention);
  using BucketDeltas = std::map<std::pair<int, long long>, GraphTally>;  // (level, bucket) -> change
  struct OldDigest {
    double start_time = 0;
    std::vector<std::int64_t> terms;  // term ids, sorted
    std::int64_t row = 0;             // the trace's rowid, which postings name
  };
  Result<void> migrate();
  Result<std::optional<OldDigest>> old_digest(const std::string& trace_id);
  Result<std::vector<Segment>> load_stored(const std::string& trace_id);
  void count_in_buckets(const Trace& trace, double start, int sign, BucketDeltas& deltas);
  // Writes the digest of `segments` (the trace as it now stands) in place of `old`'s, and adds
  // the trace's tally to `deltas` (the caller has taken the old tally out).
  Result<void> update_digest(const std::string& trace_id, std::vector<Segment> segments, const OldDigest& old, BucketDeltas& deltas);
  Result<void> write_digest(const std::string& trace_id, TraceDigest digest, bool has_segments, const OldDigest& old, BucketDeltas& deltas);
  Result<void> apply_buckets(BucketDeltas& deltas);
  // Terms are interned: postings hold two integers, not two strings.
  Result<std::int64_t> term_id(const std::string& term);
  void forget_term(std::int64_t id);
  static constexpr std::size_t kTermCacheSize = 100000;
  std::unordered_map<std::string, std::int64_t> term_ids_;
  std::unique_ptr<Connection> conn_;
  std::string uri_;
  Retention retention_;
  std::unique_ptr<Statements> st_;
  bool redigest_ = false;
};

struct TraceRow {
  std::string id;
  double start_time = 0;
  double end_time = 0;
  double sort_key = 0;  // what the page is ordered by: id time or start time
};

// How a window selects traces (GetTraceSummaries' TimeRangeType): by the time in the trace id,
// or by the trace's events (any segment's span overlaps the window).
enum class TimeRange { TraceId, Event };

struct Window {
  double start = 0;
  double end = 0;
  TimeRange range = TimeRange::Event;
};

// Resume point of a newest-first listing: rows strictly after this (key, id) come next.
struct Cursor {
  double key = 0;
  std::string id;
};

class StoreReader {
 public:
  explicit StoreReader(std::unique_ptr<Connection> c) : conn_{std::move(c)} {}
  // Traces whose first segment started in [start, end], newest first.
  Result<std::vector<TraceRow>> traces_between(double start, double end, std::size_t limit);
  // The window's traces newest first (by the window's time), after `after` when given.
  Result<std::vector<TraceRow>> traces_page(const Window& window, const Cursor* after, std::size_t limit);
  // Traces of the window carrying `term`, at most `limit`, in no order.
  Result<std::vector<TraceRow>> traces_with_term(const std::string& term, const Window& window, std::size_t limit = SIZE_MAX);
  // Graph tallies (JSON text) of the buckets [first, last] of a level.
  Result<std::vector<std::string>> bucket_tallies(int level, long long first, long long last);
  // Ids of the traces whose first segment started in [start, end).
  Result<std::vector<std::string>> traces_starting_in(double start, double end);
  Result<std::size_t> trace_count();
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
