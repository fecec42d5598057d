#pragma once
// X-Ray's read and write operations over the trace store: what the wire codec calls.
#include <optional>
#include <string>
#include <vector>

#include "services/xray/model/groups.hpp"
#include "tracing/error.hpp"
#include "tracing/service_graph.hpp"
#include "tracing/sink.hpp"
#include "tracing/store.hpp"
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

struct SummaryPage {
  std::vector<tracing::TraceSummary> summaries;
  std::size_t traces_processed = 0;
  std::optional<std::string> next_token;
};

class Backend {
 public:
  Backend(tracing::ReaderPool& readers, tracing::SegmentSink& sink, XrayConfig& config) : readers_{readers}, sink_{sink}, config_{config} {}

  XrayConfig& config() { return config_; }

  // Each document is validated on its own; the rejected ones are reported, the rest recorded.
  std::vector<Unprocessed> put_trace_segments(const std::vector<std::string>& documents);
  tracing::Result<SummaryPage> trace_summaries(double start, double end, const TraceSelection& selection,
                                               const std::optional<std::string>& next_token);
  // Unknown ids are returned in `unprocessed`.
  tracing::Result<std::vector<tracing::Trace>> traces(const std::vector<std::string>& ids, std::vector<std::string>& unprocessed);
  tracing::Result<tracing::ServiceGraph> service_graph(double start, double end, const TraceSelection& selection);

 private:
  tracing::Result<std::vector<tracing::Trace>> traces_between(double start, double end, std::size_t limit);
  // Keeps the traces the selection covers.
  tracing::Result<std::vector<tracing::Trace>> select(std::vector<tracing::Trace> traces, const TraceSelection& selection);
  tracing::ReaderPool& readers_;
  tracing::SegmentSink& sink_;
  XrayConfig& config_;
};

constexpr std::size_t kSummaryPageSize = 100;
constexpr std::size_t kMaxGraphTraces = 20000;  // a graph over more traces than this reads the newest ones
constexpr std::size_t kMaxBatchGetTraces = 5;    // BatchGetTraces quota

}  // namespace localray::xray::model
