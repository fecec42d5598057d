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
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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

// The graph's raw material, before reference ids and histograms are drawn from it: counts,
// response-time buckets and time spans per node and edge. Tallies add and subtract, so the store
// keeps one per trace and one per minute and a graph over any window merges a few of them.
// Time spans only widen: a subtracted trace leaves the span as it was.
class GraphTally {
 public:
  // Resolves a link's trace id to another trace of the same query; null when not at hand.
  using LinkResolver = std::function<const TraceIndex*(const std::string& trace_id)>;

  void add_trace(const TraceIndex& index, const LinkResolver& resolve = {});
  // sign +1 adds `other`, -1 takes it back out. A tally of changes may hold negative and zero
  // counts until it is merged into the total it changes; compact() then drops what reached zero.
  void merge(const GraphTally& other, int sign = 1);
  void compact();
  bool empty() const { return nodes_.empty(); }
  ServiceGraph finish() const;

  // Compact JSON (arrays, no field names): this is what the store keeps per trace and per minute.
  nlohmann::json to_json() const;
  static GraphTally from_json(const nlohmann::json& j);

  struct Key {
    std::string type;
    std::string name;
    auto operator<=>(const Key&) const = default;
  };
  struct Counts {
    double start = std::numeric_limits<double>::infinity();
    double end = -std::numeric_limits<double>::infinity();
    Statistics stats;
    std::map<long long, long long> histogram;  // response time in ms -> count
    long long traces = 0;                      // contributing traces: at zero the entry goes
    void widen(const Segment& e);
    void add(const Segment& e);
    void merge(const Counts& other, int sign);
  };
  struct Node {
    ServiceId id;
    long long root = 0;    // traces in which the node is a root
    long long active = 0;  // traces in which the node recorded a segment of its own
    Counts own;
    std::map<std::pair<Key, std::string>, Counts> edges;  // (target, edge type)
  };

 private:
  Node& node(const ServiceId& id);
  void add_edge(const ServiceId& from, const ServiceId& to, const std::string& type, const Segment& called);

  std::map<Key, Node> nodes_;
  double start_ = std::numeric_limits<double>::infinity();
  double end_ = -std::numeric_limits<double>::infinity();
};

ServiceGraph build_service_graph(const std::vector<Trace>& traces);
// GetTraceGraph: the same inference over the requested traces only.
ServiceGraph build_trace_graph(const std::vector<Trace>& traces);

// Counts equal response times (rounded to the millisecond) together, sorted by value.
std::vector<HistogramEntry> make_histogram(std::vector<double> response_times);

}  // namespace localray::tracing
