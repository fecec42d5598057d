#pragma once
// X-Ray's read and write operations over the trace store: what the wire codec calls.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "services/xray/model/groups.hpp"
#include "services/xray/model/sampling_rules.hpp"
#include "tracing/error.hpp"
#include "tracing/service_graph.hpp"
#include "tracing/sink.hpp"
#include "tracing/store.hpp"
#include "tracing/store_reader.hpp"
#include "tracing/trace_summary.hpp"

namespace localray::xray::model {

struct Unprocessed {
  std::string id;
  std::string error_code;
  std::string message;
};

// Which traces a query covers: those of a group (its filter expression) and of a filter
// expression, both optional. The error says what was wrong, in X-Ray's words.
struct TraceSelection {
  std::optional<std::string> group;              // name or ARN; Default = every trace
  std::optional<std::string> filter_expression;  // GetTraceSummaries' FilterExpression
};

struct SummaryQuery {
  tracing::Window window;
  TraceSelection selection;
  std::optional<std::string> next_token;
  // Sampling: keep this share of the window's traces (a fixed, id-derived subset).
  std::optional<double> sample_rate;
};

struct SummaryPage {
  std::vector<tracing::TraceSummary> summaries;
  std::size_t traces_processed = 0;
  std::optional<std::string> next_token;
};

// The query methods below read SQLite and may scan thousands of stored traces: they block, and
// callers on I/O threads run them on blocking_executor() (base::offload).
class Backend {
 public:
  Backend(tracing::ReaderPool& readers, tracing::SegmentSink& sink, Groups& groups, SamplingRules& rules,
          boost::asio::any_io_executor blocking)
      : readers_{readers}, sink_{sink}, groups_{groups}, rules_{rules}, blocking_{std::move(blocking)} {}

  Groups& groups() { return groups_; }
  SamplingRules& sampling_rules() { return rules_; }
  const boost::asio::any_io_executor& blocking_executor() const { return blocking_; }

  // Each document is validated on its own; the rejected ones are reported, the rest recorded.
  // Completes once the recorded ones are committed (a client told they were accepted finds them
  // after any crash), or reports those the store could not take.
  boost::asio::awaitable<std::vector<Unprocessed>> put_trace_segments(std::vector<std::string> documents);
  // Segments already checked (OTLP spans mapped to documents): completes once they are committed,
  // with how many the store could not take.
  boost::asio::awaitable<std::size_t> record_segments(std::vector<tracing::Segment> segments);
  tracing::Result<SummaryPage> trace_summaries(const SummaryQuery& query);
  // Unknown ids are returned in `unprocessed`.
  tracing::Result<std::vector<tracing::Trace>> traces(const std::vector<std::string>& ids, std::vector<std::string>& unprocessed);
  tracing::Result<tracing::ServiceGraph> service_graph(double start, double end, const TraceSelection& selection);

 private:
  struct Selector;
  tracing::Result<Selector> selector(const TraceSelection& selection);
  // The window's traces the selection's terms let through, newest first, after `after`; null
  // when the selection narrows nothing (every trace of the window is a candidate).
  tracing::Result<std::optional<std::vector<tracing::TraceRow>>> candidates(tracing::StoreReader& reader, const Selector& selector,
                                                                            const tracing::Window& window);
  tracing::ReaderPool& readers_;
  tracing::SegmentSink& sink_;
  Groups& groups_;
  SamplingRules& rules_;
  boost::asio::any_io_executor blocking_;
};

constexpr std::size_t kSummaryPageSize = 100;
// A filtered graph evaluates at most this many traces, the newest of the window.
constexpr std::size_t kMaxGraphTraces = 20000;
// A summaries call evaluates at most this many traces, then answers with what it found and a
// NextToken, as X-Ray does when a scan takes long.
constexpr std::size_t kMaxScannedPerPage = 5000;
// Index terms narrow a query only when they leave fewer traces than this; a term most traces
// carry (a service every request crosses) is cheaper to check trace by trace in time order.
constexpr std::size_t kMaxNarrowedCandidates = 10000;
constexpr std::size_t kMaxBatchGetTraces = 5;    // BatchGetTraces quota

}  // namespace localray::xray::model
