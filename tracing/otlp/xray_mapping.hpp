#pragma once
// OpenTelemetry spans <-> X-Ray segment documents, the way AWS's X-Ray exporter reads spans:
// a SERVER or CONSUMER span (or a root) becomes a segment named after the resource's
// `service.name`; any other span an independent subsegment under its parent, `aws` when it calls
// an AWS API, `remote` for other CLIENT and PRODUCER spans. The README's mapping table lists
// every field. Facts X-Ray has no field for travel under `aws.xray.*` attributes one way and the
// `otel` metadata namespace the other, so either conversion followed by the other gives back
// what it was given.
#include <string>
#include <vector>

#include "tracing/error.hpp"
#include "tracing/otlp/spans.hpp"
#include "tracing/segment.hpp"

namespace localray::tracing::otlp {

struct Converted {
  std::vector<Segment> segments;  // one document per span accepted
  std::size_t rejected = 0;       // spans that could not become a valid document
  std::string first_error;        // why the first of them was rejected
};

Converted to_segments(const TraceData& data);
Result<Segment> span_to_segment(const Attributes& resource, const ScopeSpans& scope, const Span& span);

// Every finished document (in-progress ones are left for their final version) with its nested
// subsegments as spans, one ResourceSpans per document. `scope_name`/`scope_version` name the
// instrumentation for spans that did not come from OpenTelemetry.
TraceData from_segments(const std::vector<Segment>& documents, const std::string& scope_name, const std::string& scope_version);

// `1-5759e988-bd862e3fe1be46a994272793` <-> `5759e988bd862e3fe1be46a994272793`.
std::string xray_trace_id(std::string_view otel_hex);
std::string otel_trace_id(std::string_view xray_id);

}  // namespace localray::tracing::otlp
