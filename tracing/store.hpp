#pragma once
// SQLite storage of segment documents: the writer. One Store owns the single writer connection;
// readers use connections of their own (tracing/store_reader.hpp); the schema and its migrations
// are in store_schema.cpp.
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
#include <string_view>
#include <vector>

#include "tracing/error.hpp"
#include "tracing/recent_traces.hpp"
#include "tracing/sqlite.hpp"
#include "tracing/segment.hpp"
#include "tracing/service_graph.hpp"
#include "tracing/trace_digest.hpp"
#include "tracing/trace_summary.hpp"



namespace localray::tracing {

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
    std::vector<Segment> documents;  // this batch's documents of the trace, one per id, unassembled, as digest_copy makes them
  };
  std::vector<Document> documents;
  std::map<std::string, TraceUpdate> traces;
  std::size_t size() const { return documents.size(); }
};

// A trace's graph tally as the store keeps it (deflated), back to its JSON text.
std::optional<std::string> unpack_tally(std::string_view packed);

class Store {
 public:
  // Pure work, safe on any thread: the writer's thread is then left with SQLite only.
  static PreparedBatch prepare(std::vector<Segment>&& batch);
  // The writer keeps up to `recent_documents` documents of the traces it wrote in the last few
  // seconds (tracing/recent_traces.hpp); 0 reads every trace seen before back from SQLite.
  static constexpr std::size_t kRecentDocuments = 40000;
  static Result<std::unique_ptr<Store>> open(const std::string& path, Retention retention = {},
                                             std::size_t recent_documents = kRecentDocuments);
  ~Store();
  // One transaction for the whole batch, digests and tallies included.
  Result<void> write(PreparedBatch&& batch);
  Result<void> write(std::vector<Segment>&& batch) { return write(prepare(std::move(batch))); }
  Result<void> write(const std::vector<Segment>& batch);
  // Removes at most `limit` traces beyond the retention bounds, in one transaction; returns how
  // many went. The writer calls it between batches so that writes never wait long.
  Result<std::size_t> prune(double now, std::size_t limit);
  // Lets go of the remembered traces no write touched for a while: the writer calls it between
  // batches, so that the memory a load took is returned once it stops.
  Result<void> forget_idle_traces();
  const Retention& retention() const { return retention_; }
  const std::string& uri() const { return uri_; }

  struct Statements;

 private:
  Store(std::unique_ptr<Connection> c, std::string uri, Retention retention, std::size_t recent_documents);
  using BucketDeltas = std::map<std::pair<int, long long>, GraphTally>;  // (level, bucket) -> change
  using OldDigest = StoredDigest;
  // Takes the trace's contribution out of the graph tallies: the one kept with it, else one
  // computed from its stored documents.
  Result<void> take_out_of_buckets(const std::string& trace_id, const OldDigest& old, BucketDeltas& deltas);
  Result<void> migrate();
  // After a migration: digests, terms and tallies of every stored trace, as if each had just arrived.
  Result<void> redigest_migrated();
  Result<std::optional<OldDigest>> old_digest(const std::string& trace_id);
  Result<std::vector<Segment>> load_stored(const std::string& trace_id);
  void count_in_buckets(const Trace& trace, double start, int sign, BucketDeltas& deltas);
  // Writes the digest of `segments` (the trace as it now stands) in place of `old`'s, and adds
  // the trace's tally to `deltas` (the caller has taken the old tally out).
  Result<void> update_digest(const std::string& trace_id, std::vector<Segment> segments, const OldDigest& old, BucketDeltas& deltas);
  // `written`, when given, receives the row as now stored. With `defer_tally` the row's tally is
  // left NULL: the caller remembers it and writes it later (write_leaving).
  Result<void> write_digest(const std::string& trace_id, TraceDigest digest, bool has_segments, const OldDigest& old, BucketDeltas& deltas,
                            StoredDigest* written = nullptr, bool defer_tally = false);
  // The tallies of traces the writer no longer remembers, into their rows.
  Result<void> write_leaving();
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
  RecentTraces recent_;
};

}  // namespace localray::tracing
