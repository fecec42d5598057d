#pragma once
// A service graph as one comparable string: nodes with their counts, edges with theirs. Times are
// left out, since a graph read from tallies keeps spans a removed trace had widened.
#include <string>

#include "tracing/service_graph.hpp"

namespace localray::testing {

inline std::string graph_shape(const tracing::ServiceGraph& g) {
  std::string out;
  for (const auto& n : g.services) {
    out += n.type + ":" + n.name + " n=" + std::to_string(n.summary.total_count) + " f=" + std::to_string(n.summary.fault.total_count);
    for (const auto& e : n.edges) out += " ->" + std::to_string(e.reference_id) + "x" + std::to_string(e.summary.total_count);
    out += "\n";
  }
  return out;
}

}  // namespace localray::testing
