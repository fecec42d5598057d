#pragma once
// X-Ray wire JSON (botocore xray 2016-04-12) for the query results of tracing/: TraceSummary,
// Service graph and Trace. Timestamps are epoch seconds as JSON numbers; optional members
// that have no value are left out, as X-Ray does.
#include <nlohmann/json.hpp>

#include "tracing/service_graph.hpp"
#include "tracing/trace_summary.hpp"

namespace localray::xray::protocol {

// One element of GetTraceSummaries' `TraceSummaries`.
nlohmann::json to_json(const tracing::TraceSummary& summary);
// `{Services, StartTime, EndTime, ContainsOldGroupVersions}` of GetServiceGraph; GetTraceGraph
// answers with `Services` alone.
nlohmann::json to_json(const tracing::ServiceGraph& graph);
// One element of BatchGetTraces' `Traces`: every stored segment plus one inferred document per
// unanswered `aws`/`remote` call, each document as a JSON string.
nlohmann::json trace_to_json(const tracing::Trace& trace);

}  // namespace localray::xray::protocol
