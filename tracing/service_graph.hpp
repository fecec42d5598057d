#pragma once
// The service map X-Ray draws from a set of traces (GetServiceGraph, GetTraceGraph).
//
// Inference (reference §9), with the reading rules of tracing/trace_summary.hpp:
//  - every segment joins the node (name, origin);
//  - a root segment marks its node Root and gets a `client` node (same name, State "unknown")
//    with an edge to it;
//  - a segment whose parent lies in another node's segment gives an edge parent node -> its node;
//  - a segment with no parent in the trace but a `links` entry of reference type "parent" gives
//    an edge of type "link" from the node holding the linked id (looked up in every given trace;
//    the inferred node when the id is an unanswered call, e.g. queue -> consumer); it stays a root;
//  - each unanswered `aws`/`remote` call gives an inferred node (State "unknown") and an edge to it.
// Counting: fault if `fault`, else error if `error` (a throttle counts inside error), else ok.
// Node response time = its segment's duration; edge response time = the called segment's
// duration (the call subsegment's for inferred nodes); in-progress entries are not counted yet.
// Reference ids number the nodes sorted by (type, name), so the same traces give the same graph.
#include <string>
#include <vector>

#include "tracing/trace_summary.hpp"

namespace localray::tracing {

struct HistogramEntry {
  double value = 0;  // response time in seconds, rounded to the millisecond
  int count = 0;
  bool operator==(const HistogramEntry&) const = default;
};

struct ErrorStatistics {
  long long throttle_count = 0;
  long long other_count = 0;
  long long total_count = 0;
};

struct FaultStatistics {
  long long other_count = 0;
  long long total_count = 0;
};

struct Statistics {
  long long ok_count = 0;
  ErrorStatistics error;
  FaultStatistics fault;
  long long total_count = 0;
  double total_response_time = 0;

  void add(const Segment& entity);
};

struct Edge {
  int reference_id = 0;  // the target node
  double start_time = 0;
  double end_time = 0;
  Statistics summary;
  std::vector<HistogramEntry> response_time_histogram;
  std::vector<ServiceId> aliases;
  std::string edge_type;  // empty, or "link" for an edge known only from `links`
};

struct ServiceNode {
  int reference_id = 0;
  std::string name;
  std::vector<std::string> names;
  bool root = false;
  std::string type;
  std::string state;  // "active": records segments; "unknown": client or inferred node
  std::string account_id;
  double start_time = 0;
  double end_time = 0;
  std::vector<Edge> edges;  // sorted by (target reference id, edge type)
  Statistics summary;
  std::vector<HistogramEntry> duration_histogram;
  std::vector<HistogramEntry> response_time_histogram;
};

struct ServiceGraph {
  std::vector<ServiceNode> services;  // index == reference_id
  double start = 0;                   // earliest segment start over the traces
  double end = 0;                     // latest segment end
};

ServiceGraph build_service_graph(const std::vector<Trace>& traces);
// GetTraceGraph: the same inference over the requested traces only.
ServiceGraph build_trace_graph(const std::vector<Trace>& traces);

// Counts equal response times (rounded to the millisecond) together, sorted by value.
std::vector<HistogramEntry> make_histogram(std::vector<double> response_times);

}  // namespace localray::tracing
