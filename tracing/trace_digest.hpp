#pragma once
// What the store keeps about a trace beside its documents, recomputed by the writer each time the
// trace changes: the scalars queries sort and window on, the index terms filter expressions are
// narrowed with, and the trace's share of the service graph.
//
// Terms are necessary conditions only: a trace matching a filter always carries the terms the
// filter asks for (tracing/filter/pushdown.hpp), so narrowing by terms never loses a match; the
// filter itself is still evaluated on what the terms let through.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracing/service_graph.hpp"
#include "tracing/trace_summary.hpp"

namespace localray::tracing {

struct TraceDigest {
  double start_time = 0;
  double end_time = 0;
  double id_time = 0;  // the epoch second written in the trace id
  int segment_count = 0;
  std::vector<std::string> terms;  // sorted, unique
  GraphTally tally;
};

TraceDigest digest_trace(const Trace& trace);

// The digest of the trace its documents make, and whether any of them is a whole segment. The
// documents stay as they are but for their order: they are copied only when loose subsegments
// must be put under their parents, which the stored form keeps apart.
std::pair<TraceDigest, bool> digest_documents(const std::string& trace_id, std::vector<Segment>& documents);

// A copy of a document (subsegments included) holding only what digest_trace reads: the writer
// remembers recent traces in this form (tracing/recent_traces.hpp). Leaves out the cause, the
// metadata and the fields localray does not interpret.
Segment digest_copy(const Segment& s);

// How far a trace id's time may be from its segments' and still be the time the trace is found by
// (GetTraceSummaries' TraceId range): X-Ray's own horizon for ids.
constexpr double kIdTimeHorizonSeconds = 30 * 86400;

// The epoch second of a trace id "1-5f84c7a3-..."; 0 when the id is not of that form.
double trace_id_time(std::string_view trace_id);

// Index terms. The 0x1f separator cannot appear in a filter's literal text unescaped, and the
// value keeps its type, so `annotation.n = 5` and `annotation.n = "5"` are different terms.
namespace terms {
std::string service(std::string_view name);
std::string annotation_key(std::string_view key);
std::string annotation(std::string_view key, const AnnotationValue& value);
std::string http_status(int status);
inline constexpr std::string_view kFault = "f\x1f" "fault";
inline constexpr std::string_view kError = "f\x1f" "error";
inline constexpr std::string_view kThrottle = "f\x1f" "throttle";
}  // namespace terms

}  // namespace localray::tracing
