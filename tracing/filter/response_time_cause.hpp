#pragma once
// The response time root cause of one trace: the entity that spent the time the client waited.
// The filter's rootcause.responsetime keywords read it, and tracing::summarize reports it as
// ResponseTimeRootCauses.
//
// From the entry segment, step into the child that took longest: a subsegment, or a segment that
// names the current entity as parent. Only children that ended before their parent did count: a
// child that outlives its parent ran after the answer was sent (an SNS subscriber of API Gateway)
// and never made the client wait. The path ends at an entity with no such child. Its service is
// the root cause: the segment's service, or the inferred service when it is an unanswered call.
// Coverage, per entity, is its duration over the entry's (X-Ray: "entity response time over root
// segment response time").
#include <optional>
#include <vector>

#include "tracing/trace_summary.hpp"

namespace localray::tracing::filter {

struct ResponseTimeCause {
  RootCauseService service;     // entity path from the service's segment to the culprit
  std::vector<double> coverage;  // one per entity of service.entity_path
  double service_coverage = 0;   // the first entity's: how much of the wait this service held
};

// None while the entry is in progress or took no time.
std::optional<ResponseTimeCause> find_response_time_cause(const TraceIndex& index);

}  // namespace localray::tracing::filter
