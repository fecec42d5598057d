#pragma once
// The writer's memory of the traces it stored last. A trace usually reaches the store over several
// batches (its queue hop arrives a second after its first function); without this, each later
// batch reads the trace's documents back from SQLite and parses them again to recompute its
// digest, which was the larger part of the writer's time. An entry is exactly what the store holds
// for the trace: its documents, one per id, and the digest row as written.
//
// A trace that came back has its graph tally written to its row only when it leaves this memory
// (its tally changes with each batch, and packing it took a fifth of the writer's time); until
// then the row's tally is NULL, which the store reads as "compute it from the documents", so a
// crash or a rolled-back transaction loses time, never correctness.
//
// Bounded by documents and by idleness, so memory follows the load and is returned when it stops.
// Owned by the store's writer and used on its thread only.
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tracing/segment.hpp"
#include "tracing/service_graph.hpp"

namespace localray::tracing {

// A trace's row in `traces` as the writer needs it to replace it.
struct StoredDigest {
  double start_time = 0;
  std::vector<std::int64_t> terms;  // term ids, sorted
  std::int64_t row = 0;             // the trace's rowid, which postings name
  std::optional<GraphTally> tally;  // what it added to the graph tallies; unknown for schema 2 rows
};

class RecentTraces {
 public:
  struct Entry {
    // As stored, one per id, in digest_copy's form; subsegments sent on their own keep type "subsegment".
    std::vector<Segment> documents;
    StoredDigest digest;
    bool tally_pending = false;  // digest.tally is not in the trace's row yet
    bool first_write = false;    // put after the trace's first batch
  };
  // A trace pushed out of memory whose tally its row still lacks.
  struct Leaving {
    std::int64_t row = 0;
    GraphTally tally;
  };
  // max_documents 0 keeps nothing. A trace larger than a quarter of the bound is not kept: it
  // would push out many small ones.
  RecentTraces(std::size_t max_documents, double max_idle_seconds) : max_documents_{max_documents}, max_idle_{max_idle_seconds} {}

  // Whether to remember a trace written for the first time. Remembering costs a copy of its
  // documents, which only pays when traces come back: when fewer than one in fifty of the last
  // 1,024 remembered new traces came back (a loader writing each trace whole), only one in sixteen
  // is remembered, enough to notice when they start coming back again.
  bool remember_new() { return remember_all_ || ++skipped_ % 16 == 0; }
  // Whether put() keeps a trace of that many documents.
  bool keeps(std::size_t documents) const { return documents > 0 && documents <= max_documents_ / 4; }
  // The entry of a trace, taken out: the caller puts it back once the trace is written.
  std::optional<Entry> take(const std::string& trace_id);
  void put(const std::string& trace_id, Entry entry, double now);
  // Forgets the trace, pending tally included: the trace is being removed.
  void erase(const std::string& trace_id);
  // Forgets everything, pending tallies included: after a rollback.
  void clear();
  // Drops what has not been written for max_idle_seconds; with `all`, everything.
  void expire(double now, bool all = false);
  // The traces put() and expire() pushed out with a tally pending, for the store to write.
  std::vector<Leaving> take_leaving() { return std::exchange(leaving_, {}); }
  bool has_leaving() const { return !leaving_.empty(); }
  std::size_t documents() const { return documents_; }
  std::size_t size() const { return index_.size(); }

  // Replaces the documents with the same id and adds the others: what INSERT OR REPLACE does to
  // the trace's rows.
  static void merge(std::vector<Segment>& stored, std::vector<Segment>&& fresh);

 private:
  struct Slot {
    std::string trace_id;
    double written = 0;
    Entry entry;
  };
  void evict_oldest();
  std::size_t max_documents_;
  double max_idle_;
  std::size_t documents_ = 0;
  std::list<Slot> order_;  // most recently written first
  std::unordered_map<std::string, std::list<Slot>::iterator> index_;
  std::vector<Leaving> leaving_;
  bool remember_all_ = true;
  std::size_t skipped_ = 0, first_puts_ = 0, first_returns_ = 0;
};

}  // namespace localray::tracing
