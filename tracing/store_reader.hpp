#pragma once
// Reading the trace store: each reader has a connection of its own (WAL lets readers read while
// the writer commits), and a pool hands one to each query.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tracing/error.hpp"
#include "tracing/segment.hpp"
#include "tracing/sqlite.hpp"

namespace localray::tracing {

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
  static constexpr std::size_t kMaxIdleReaders = 8;
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
