#pragma once
// Phase 3: whether one trace satisfies a parsed filter expression (reference §9). Pure: it reads
// the trace and the context, and never turns user text into anything but values to compare.
//
// Services and edges are the service map's (tracing/service_graph.hpp), read through TraceIndex:
// every segment is a member of its node (name, origin); every unanswered `aws`/`remote` call
// gives an inferred node; a segment whose parent lies in another node's segment is a call from
// that node to its own, as is each unanswered call to its inferred node. Client nodes and the
// `links` of asynchronous hops (which point into other traces) are not nodes or edges here.
#include <string>

#include "tracing/filter/ast.hpp"
#include "tracing/trace_summary.hpp"

namespace localray::tracing::filter {

// What the query runs in, for `group.name` and `group.arn`.
struct MatchContext {
  std::string group_name;  // empty: outside any group, so no group comparison holds
  std::string group_arn;
};

bool matches(const Expression& expression, const Trace& trace, const MatchContext& context = {});

}  // namespace localray::tracing::filter
