#pragma once
// Pure computations over one stored trace: how X-Ray reads it (its root, the services it touched,
// the downstream calls nobody answered) and the per-trace summary GetTraceSummaries returns.
//
// Reading rules, shared with the service graph (tracing/service_graph.hpp):
//  1. A trace holds whole segments (subsegments nested). A segment's parent is the segment or
//     subsegment, anywhere in the trace, whose id equals its `parent_id`.
//  2. A root is a segment with no `parent_id`, or whose parent is not in the trace.
//  3. An `aws` or `remote` subsegment is a call to another service. When no segment of the trace
//     names it (or a subsegment nested in it) as parent, the callee recorded nothing and X-Ray
//     infers a node for it from the call's `aws`/`http` fields. Only the outermost such
//     subsegment counts: what it holds is the call's own detail.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tracing/segment.hpp"

namespace localray::tracing {

struct Trace {
  std::string id;
  std::vector<Segment> segments;  // whole segments, subsegments nested
};

// A node of the service map as X-Ray names it.
struct ServiceId {
  std::string name;
  std::vector<std::string> names;
  std::string account_id;  // empty: unknown
  std::string type;        // origin, inferred type, or "client"
  bool operator==(const ServiceId&) const = default;
};

// The service a real segment stands for: (name, origin, aws.account_id).
ServiceId service_id(const Segment& segment);
// The service X-Ray infers from an unanswered `aws`/`remote` subsegment.
ServiceId inferred_service_id(const Segment& subsegment);

// An `aws`/`remote` subsegment no segment answered.
struct InferredCall {
  const Segment* segment;     // the top-level segment holding the call
  const Segment* subsegment;  // the call itself
  ServiceId service;
};

// Lookups over one trace; pointers refer into the Trace, which must outlive the index.
class TraceIndex {
 public:
  explicit TraceIndex(const Trace& trace);
  explicit TraceIndex(Trace&&) = delete;  // the index points into the trace

  const Trace& trace() const { return trace_; }
  // The top-level segment that is `id` or holds a subsegment `id`; null when absent.
  const Segment* owner_of(std::string_view id) const;
  // The segment or subsegment `id`; null when absent.
  const Segment* entity(std::string_view id) const;
  // Top-level segments whose parent_id is `id`.
  std::vector<const Segment*> children_of(std::string_view id) const;
  // Segments that stand for a service: standalone subsegments not yet merged are left out.
  const std::vector<const Segment*>& segments() const { return segments_; }
  bool is_root(const Segment& segment) const;
  // The segment the client called: among roots, the API Gateway stage if any, else the earliest.
  const Segment* entry() const;
  const std::vector<InferredCall>& inferred_calls() const { return inferred_; }
  // Whether a segment names `subsegment`, or a subsegment nested in it, as parent.
  bool answered(const Segment& subsegment) const;

 private:
  struct Place {
    const Segment* owner;
    const Segment* entity;
  };
  void index_entity(const Segment& owner, const Segment& entity);
  void collect_inferred(const Segment& owner, const Segment& entity);

  const Trace& trace_;
  std::vector<const Segment*> segments_;
  std::unordered_map<std::string, Place> places_;
  std::unordered_multimap<std::string, const Segment*> children_;
  std::vector<InferredCall> inferred_;
};

// Earliest start and latest end over the trace's segments; an in-progress segment ends at its
// start as far as we know.
struct TimeSpan {
  double start = 0;
  double end = 0;
};
TimeSpan trace_span(const Trace& trace);

// The segment document BatchGetTraces shows for an inferred node: `inferred: true`, parent = the
// call, timing, flags, `http` and `aws` copied from the call, and an id derived from the call's
// id so the same trace always yields the same documents.
Segment inferred_segment(const std::string& trace_id, const InferredCall& call);
std::string inferred_segment_id(std::string_view subsegment_id);

// ---- GetTraceSummaries --------------------------------------------------------------------

struct AnnotationEntry {
  AnnotationValue value;
  std::vector<ServiceId> service_ids;  // services whose segments carry this value
};

struct TraceUser {
  std::string user_name;
  std::vector<ServiceId> service_ids;
};

struct HttpSummary {
  std::string url;
  std::optional<int> status;
  std::string method;
  std::string user_agent;
  std::string client_ip;
};

struct RootCauseException {
  std::string name;  // exception type
  std::string message;
  bool operator==(const RootCauseException&) const = default;
};

struct RootCauseEntity {
  std::string name;
  std::vector<RootCauseException> exceptions;
  bool remote = false;
  bool operator==(const RootCauseEntity&) const = default;
};

struct RootCauseService {
  ServiceId service;
  std::vector<RootCauseEntity> entity_path;  // from the service's segment down to the culprit
  bool inferred = false;
  bool operator==(const RootCauseService&) const = default;
};

struct RootCause {
  std::vector<RootCauseService> services;
  bool client_impacting = false;  // the entry segment itself carries the flag
  bool operator==(const RootCause&) const = default;
};

// The services the client's wait went to (ResponseTimeRootCauses), with each entity's share of it.
struct ResponseTimeEntity {
  std::string name;
  double coverage = 0;  // the entity's duration over the entry segment's
  bool remote = false;
  bool operator==(const ResponseTimeEntity&) const = default;
};

struct ResponseTimeRootCauseService {
  ServiceId service;
  std::vector<ResponseTimeEntity> entity_path;
  bool inferred = false;
  bool operator==(const ResponseTimeRootCauseService&) const = default;
};

struct ResponseTimeRootCause {
  std::vector<ResponseTimeRootCauseService> services;
  bool client_impacting = true;  // the path starts at what the client called
  bool operator==(const ResponseTimeRootCause&) const = default;
};

struct TraceSummary {
  std::string id;
  double start_time = 0;
  double duration = 0;                 // earliest start -> latest end
  std::optional<double> response_time; // the entry segment's duration, once it has ended
  // Any segment or subsegment of the trace, not only the root as X-Ray documents for HasFault and
  // HasError: in the default pattern API Gateway answers 200 before a subscriber fails.
  bool has_fault = false;
  bool has_error = false;
  bool has_throttle = false;
  bool is_partial = false;
  HttpSummary http;  // from the entry segment
  std::map<std::string, std::vector<AnnotationEntry>> annotations;
  std::vector<TraceUser> users;
  std::vector<ServiceId> service_ids;  // real and inferred services, sorted by (type, name)
  std::vector<std::string> resource_arns;
  std::optional<ServiceId> entry_point;
  std::vector<RootCause> fault_root_causes;
  std::vector<RootCause> error_root_causes;
  std::vector<ResponseTimeRootCause> response_time_root_causes;  // empty while the entry is open
  int revision = 0;  // number of segment documents: grows as the trace fills in
};

TraceSummary summarize(const Trace& trace);

}  // namespace localray::tracing
