#include "tracing/service_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

namespace localray::tracing {

using nlohmann::json;

void Statistics::add(const Segment& e) {
  ++total_count;
  total_response_time += e.duration();
  if (e.fault) {
    ++fault.total_count;
    ++fault.other_count;
  } else if (e.error || e.throttle) {
    ++error.total_count;
    ++(e.throttle ? error.throttle_count : error.other_count);
  } else {
    ++ok_count;
  }
}

std::vector<HistogramEntry> make_histogram(std::vector<double> response_times) {
  // Integer milliseconds as the key: equal rounded values must meet in one bucket, which
  // comparing rounded doubles does not promise.
  std::map<long long, int> buckets;
  for (double t : response_times) ++buckets[std::llround(t * 1000)];
  std::vector<HistogramEntry> out;
  out.reserve(buckets.size());
  for (const auto& [ms, count] : buckets) out.push_back({static_cast<double>(ms) / 1000, count});
  return out;
}

namespace {

constexpr const char* kActive = "active";
constexpr const char* kUnknown = "unknown";

// Nodes are told apart by (type, name); this order also numbers them.
struct NodeKey {
  std::string type;
  std::string name;
  auto operator<=>(const NodeKey&) const = default;
};

NodeKey key_of(const ServiceId& id) { return {id.type, id.name}; }

// Timing, counts and response times of whatever a node or an edge stands for.
struct Tally {
  double start = std::numeric_limits<double>::infinity();
  double end = -std::numeric_limits<double>::infinity();
  Statistics stats;
  std::vector<double> response_times;

  void widen(const Segment& e) {
    start = std::min(start, e.start_time);
    end = std::max(end, e.in_progress ? e.start_time : e.end_time);
  }
  void add(const Segment& e) {
    widen(e);
    if (e.in_progress) return;  // its duration is not known yet
    stats.add(e);
    response_times.push_back(e.duration());
  }
  double first() const { return std::isfinite(start) ? start : 0; }
  double last() const { return std::isfinite(end) ? end : 0; }
};

struct NodeTally {
  ServiceId id;
  bool root = false;
  std::string state = kUnknown;
  Tally own;
  std::map<std::pair<NodeKey, std::string>, Tally> edges;  // (target, edge type)
};

bool is_parent_link(const json& link) {
  if (!link.is_object()) return false;
  auto attributes = link.find("attributes");
  if (attributes == link.end() || !attributes->is_object()) return false;
  for (const auto& [key, value] : attributes->items())
    if (key.ends_with("reference_type") && value == "parent") return true;
  return false;
}

std::string link_field(const json& link, const char* key) {
  auto it = link.find(key);
  return it != link.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

class GraphBuilder {
 public:
  explicit GraphBuilder(const std::vector<Trace>& traces) {
    indexes_.reserve(traces.size());
    for (const auto& t : traces) {
      const TraceIndex& index = indexes_.emplace_back(t);
      by_trace_id_.try_emplace(t.id, &index);
      TimeSpan span = trace_span(t);
      if (t.segments.empty()) continue;
      span_.start = std::min(span_.start, span.start);
      span_.end = std::max(span_.end, span.end);
    }
  }

  ServiceGraph build() {
    for (const auto& index : indexes_) add_trace(index);
    return finish();
  }

 private:
  NodeTally& node(const ServiceId& id) {
    auto [it, inserted] = nodes_.try_emplace(key_of(id));
    if (inserted) it->second.id = id;
    if (it->second.id.account_id.empty()) it->second.id.account_id = id.account_id;
    return it->second;
  }

  void add_trace(const TraceIndex& index) {
    for (const Segment* s : index.segments()) add_segment(index, *s);
    for (const auto& call : index.inferred_calls()) add_inferred(call);
  }

  void add_segment(const TraceIndex& index, const Segment& s) {
    ServiceId sid = service_id(s);
    NodeTally& n = node(sid);
    n.state = kActive;
    n.own.add(s);
    if (!index.is_root(s)) {
      add_edge(service_id(*index.owner_of(s.parent_id)), sid, "", s);
      return;
    }
    n.root = true;
    ServiceId client{s.name, {s.name}, "", "client"};
    node(client).own.widen(s);
    add_edge(client, sid, "", s);
    add_links(index, s, sid);
  }

  // The AWS form of an asynchronous hop: no parent in the trace, a link to the producer instead.
  void add_links(const TraceIndex& index, const Segment& s, const ServiceId& sid) {
    if (!s.links.is_array()) return;
    for (const auto& link : s.links) {
      if (!is_parent_link(link)) continue;
      std::string trace_id = link_field(link, "trace_id");
      const TraceIndex* target = trace_id.empty() ? &index : find_index(trace_id);
      if (target == nullptr) continue;
      std::string id = link_field(link, "id");
      const Segment* producer = target->owner_of(id);
      if (producer == nullptr || producer == &s) continue;
      add_edge(link_source(*target, *producer, *target->entity(id)), sid, "link", s);
    }
  }

  // A link naming an unanswered call (SendMessage to a queue that records nothing) starts at the
  // inferred node, so the map reads queue -> consumer as AWS draws it.
  static ServiceId link_source(const TraceIndex& index, const Segment& owner, const Segment& linked) {
    bool call = linked.namespace_ == "aws" || linked.namespace_ == "remote";
    if (&linked != &owner && call && !index.answered(linked)) return inferred_service_id(linked);
    return service_id(owner);
  }

  void add_inferred(const InferredCall& call) {
    node(call.service).own.add(*call.subsegment);
    add_edge(service_id(*call.segment), call.service, "", *call.subsegment);
  }

  void add_edge(const ServiceId& from, const ServiceId& to, const std::string& type, const Segment& called) {
    if (key_of(from) == key_of(to)) return;  // calls inside one service draw no edge
    node(from).edges[{key_of(to), type}].add(called);
  }

  const TraceIndex* find_index(const std::string& trace_id) const {
    auto it = by_trace_id_.find(trace_id);
    return it == by_trace_id_.end() ? nullptr : it->second;
  }

  ServiceGraph finish() const {
    std::map<NodeKey, int> reference;
    for (const auto& [key, tally] : nodes_) reference.emplace(key, static_cast<int>(reference.size()));
    ServiceGraph g;
    g.start = std::isfinite(span_.start) ? span_.start : 0;
    g.end = std::isfinite(span_.end) ? span_.end : 0;
    for (const auto& [key, tally] : nodes_) g.services.push_back(to_node(reference.at(key), tally, reference));
    return g;
  }

  static ServiceNode to_node(int ref, const NodeTally& t, const std::map<NodeKey, int>& reference) {
    ServiceNode n;
    n.reference_id = ref;
    n.name = t.id.name;
    n.names = t.id.names;
    n.root = t.root;
    n.type = t.id.type;
    n.state = t.state;
    n.account_id = t.id.account_id;
    n.start_time = t.own.first();
    n.end_time = t.own.last();
    n.summary = t.own.stats;
    n.response_time_histogram = make_histogram(t.own.response_times);
    n.duration_histogram = n.response_time_histogram;
    for (const auto& [target, e] : t.edges) {
      Edge edge;
      edge.reference_id = reference.at(target.first);
      edge.edge_type = target.second;
      edge.start_time = e.first();
      edge.end_time = e.last();
      edge.summary = e.stats;
      edge.response_time_histogram = make_histogram(e.response_times);
      n.edges.push_back(std::move(edge));
    }
    return n;
  }

  std::vector<TraceIndex> indexes_;
  std::unordered_map<std::string, const TraceIndex*> by_trace_id_;
  std::map<NodeKey, NodeTally> nodes_;
  TimeSpan span_{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
};

}  // namespace

ServiceGraph build_service_graph(const std::vector<Trace>& traces) { return GraphBuilder{traces}.build(); }

ServiceGraph build_trace_graph(const std::vector<Trace>& traces) { return build_service_graph(traces); }

}  // namespace localray::tracing
