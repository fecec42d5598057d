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

using Key = GraphTally::Key;
Key key_of(const ServiceId& id) { return {id.type, id.name}; }

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

// A link naming an unanswered call (SendMessage to a queue that records nothing) starts at the
// inferred node, so the map reads queue -> consumer as AWS draws it.
ServiceId link_source(const TraceIndex& index, const Segment& owner, const Segment& linked) {
  bool call = linked.namespace_ == "aws" || linked.namespace_ == "remote";
  if (&linked != &owner && call && !index.answered(linked)) return inferred_service_id(linked);
  return service_id(owner);
}

double finite_or_zero(double v) { return std::isfinite(v) ? v : 0; }

std::vector<HistogramEntry> histogram_entries(const std::map<long long, long long>& buckets) {
  std::vector<HistogramEntry> out;
  out.reserve(buckets.size());
  for (const auto& [ms, count] : buckets)
    if (count > 0) out.push_back({static_cast<double>(ms) / 1000, static_cast<int>(count)});
  return out;
}

void add_statistics(Statistics& into, const Statistics& from, int sign) {
  into.ok_count += sign * from.ok_count;
  into.error.throttle_count += sign * from.error.throttle_count;
  into.error.other_count += sign * from.error.other_count;
  into.error.total_count += sign * from.error.total_count;
  into.fault.other_count += sign * from.fault.other_count;
  into.fault.total_count += sign * from.fault.total_count;
  into.total_count += sign * from.total_count;
  into.total_response_time += sign * from.total_response_time;
}

// [start, end, ok, throttle, error other, fault other, total response time, traces, [[ms, n]...]]
// Totals are sums of the parts, so they are not stored.
json counts_to_json(const GraphTally::Counts& c) {
  json h = json::array();
  for (const auto& [ms, n] : c.histogram) h.push_back({ms, n});
  return json::array({finite_or_zero(c.start), finite_or_zero(c.end), c.stats.ok_count, c.stats.error.throttle_count,
                      c.stats.error.other_count, c.stats.fault.other_count, c.stats.total_response_time, c.traces, std::move(h)});
}

GraphTally::Counts counts_from_json(const json& j) {
  GraphTally::Counts c;
  c.start = j.at(0).get<double>();
  c.end = j.at(1).get<double>();
  c.stats.ok_count = j.at(2).get<long long>();
  c.stats.error.throttle_count = j.at(3).get<long long>();
  c.stats.error.other_count = j.at(4).get<long long>();
  c.stats.error.total_count = c.stats.error.throttle_count + c.stats.error.other_count;
  c.stats.fault.other_count = j.at(5).get<long long>();
  c.stats.fault.total_count = c.stats.fault.other_count;
  c.stats.total_count = c.stats.ok_count + c.stats.error.total_count + c.stats.fault.total_count;
  c.stats.total_response_time = j.at(6).get<double>();
  c.traces = j.at(7).get<long long>();
  for (const auto& e : j.at(8)) c.histogram[e.at(0).get<long long>()] = e.at(1).get<long long>();
  return c;
}

}  // namespace

void GraphTally::Counts::widen(const Segment& e) {
  start = std::min(start, e.start_time);
  end = std::max(end, e.in_progress ? e.start_time : e.end_time);
}

void GraphTally::Counts::add(const Segment& e) {
  widen(e);
  if (e.in_progress) return;  // its duration is not known yet
  stats.add(e);
  ++histogram[std::llround(e.duration() * 1000)];
}

void GraphTally::Counts::merge(const Counts& other, int sign) {
  start = std::min(start, other.start);
  end = std::max(end, other.end);
  add_statistics(stats, other.stats, sign);
  for (const auto& [ms, n] : other.histogram) {
    histogram[ms] += sign * n;
  }
  traces += sign * other.traces;
}

GraphTally::Node& GraphTally::node(const ServiceId& id) {
  auto [it, inserted] = nodes_.try_emplace(key_of(id));
  if (inserted) it->second.id = id;
  if (it->second.id.account_id.empty()) it->second.id.account_id = id.account_id;
  return it->second;
}

void GraphTally::add_edge(const ServiceId& from, const ServiceId& to, const std::string& type, const Segment& called) {
  if (key_of(from) == key_of(to)) return;  // calls inside one service draw no edge
  node(from).edges[{key_of(to), type}].add(called);
}

void GraphTally::add_trace(const TraceIndex& index, const LinkResolver& resolve) {
  // Every node and edge this trace touches counts the trace once, whatever it adds to them.
  GraphTally one;
  for (const Segment* sp : index.segments()) {
    const Segment& s = *sp;
    ServiceId sid = service_id(s);
    Node& n = one.node(sid);
    n.active = 1;
    n.own.add(s);
    if (!index.is_root(s)) {
      one.add_edge(service_id(*index.owner_of(s.parent_id)), sid, "", s);
      continue;
    }
    n.root = 1;
    ServiceId client{s.name, {s.name}, "", "client"};
    one.node(client).own.widen(s);
    one.add_edge(client, sid, "", s);
    // The AWS form of an asynchronous hop: no parent in the trace, a link to the producer instead.
    if (!s.links.is_array()) continue;
    for (const auto& link : s.links) {
      if (!is_parent_link(link)) continue;
      std::string trace_id = link_field(link, "trace_id");
      const TraceIndex* target = trace_id.empty() || trace_id == index.trace().id ? &index : resolve ? resolve(trace_id) : nullptr;
      if (target == nullptr) continue;
      std::string id = link_field(link, "id");
      const Segment* producer = target->owner_of(id);
      if (producer == nullptr || producer == &s) continue;
      one.add_edge(link_source(*target, *producer, *target->entity(id)), sid, "link", s);
    }
  }
  for (const auto& call : index.inferred_calls()) {
    one.node(call.service).own.add(*call.subsegment);
    one.add_edge(service_id(*call.segment), call.service, "", *call.subsegment);
  }
  for (auto& [key, n] : one.nodes_) {
    n.own.traces = 1;
    for (auto& [target, e] : n.edges) e.traces = 1;
  }
  TimeSpan span = trace_span(index.trace());
  if (!index.trace().segments.empty()) {
    one.start_ = span.start;
    one.end_ = span.end;
  }
  merge(one, 1);
  compact();
}

void GraphTally::merge(const GraphTally& other, int sign) {
  for (const auto& [key, theirs] : other.nodes_) {
    Node& mine = node(theirs.id);
    mine.root += sign * theirs.root;
    mine.active += sign * theirs.active;
    mine.own.merge(theirs.own, sign);
    for (const auto& [target, e] : theirs.edges) {
      mine.edges[target].merge(e, sign);
    }
  }
  start_ = std::min(start_, other.start_);
  end_ = std::max(end_, other.end_);
}

void GraphTally::compact() {
  auto squeeze = [](Counts& c) { std::erase_if(c.histogram, [](const auto& kv) { return kv.second == 0; }); };
  std::erase_if(nodes_, [](const auto& kv) { return kv.second.own.traces <= 0; });
  for (auto& [key, n] : nodes_) {
    squeeze(n.own);
    std::erase_if(n.edges, [](const auto& kv) { return kv.second.traces <= 0; });
    for (auto& [target, e] : n.edges) squeeze(e);
  }
}

ServiceGraph GraphTally::finish() const {
  std::map<Key, int> reference;
  for (const auto& [key, n] : nodes_)
    if (n.own.traces > 0) reference.emplace(key, static_cast<int>(reference.size()));
  ServiceGraph g;
  g.start = finite_or_zero(start_);
  g.end = finite_or_zero(end_);
  for (const auto& [key, t] : nodes_) {
    if (t.own.traces <= 0) continue;
    ServiceNode n;
    n.reference_id = reference.at(key);
    n.name = t.id.name;
    n.names = t.id.names;
    n.root = t.root > 0;
    n.type = t.id.type;
    n.state = t.active > 0 ? kActive : kUnknown;
    n.account_id = t.id.account_id;
    n.start_time = finite_or_zero(t.own.start);
    n.end_time = finite_or_zero(t.own.end);
    n.summary = t.own.stats;
    n.response_time_histogram = histogram_entries(t.own.histogram);
    n.duration_histogram = n.response_time_histogram;
    for (const auto& [target, e] : t.edges) {
      auto ref = reference.find(target.first);
      if (ref == reference.end() || e.traces <= 0) continue;  // taken back out
      Edge edge;
      edge.reference_id = ref->second;
      edge.edge_type = target.second;
      edge.start_time = finite_or_zero(e.start);
      edge.end_time = finite_or_zero(e.end);
      edge.summary = e.stats;
      edge.response_time_histogram = histogram_entries(e.histogram);
      n.edges.push_back(std::move(edge));
    }
    g.services.push_back(std::move(n));
  }
  return g;
}

// {"s": [start, end], "n": [[type, name, [names], account, root, active, own, [[type, name, edge type, counts]...]]...]}
json GraphTally::to_json() const {
  json nodes = json::array();
  for (const auto& [key, n] : nodes_) {
    json edges = json::array();
    for (const auto& [target, e] : n.edges) edges.push_back({target.first.type, target.first.name, target.second, counts_to_json(e)});
    nodes.push_back({n.id.type, n.id.name, n.id.names, n.id.account_id, n.root, n.active, counts_to_json(n.own), std::move(edges)});
  }
  return json{{"s", {finite_or_zero(start_), finite_or_zero(end_)}}, {"n", std::move(nodes)}};
}

GraphTally GraphTally::from_json(const json& j) {
  GraphTally t;
  if (!j.is_object()) return t;
  if (auto s = j.find("s"); s != j.end() && s->is_array() && s->size() == 2) {
    t.start_ = s->at(0).get<double>();
    t.end_ = s->at(1).get<double>();
  }
  auto nodes = j.find("n");
  if (nodes == j.end()) return t;
  for (const auto& e : *nodes) {
    ServiceId id{e.at(1).get<std::string>(), e.at(2).get<std::vector<std::string>>(), e.at(3).get<std::string>(), e.at(0).get<std::string>()};
    Node& n = t.nodes_[key_of(id)];
    n.id = std::move(id);
    n.root = e.at(4).get<long long>();
    n.active = e.at(5).get<long long>();
    n.own = counts_from_json(e.at(6));
    for (const auto& edge : e.at(7))
      n.edges[{Key{edge.at(0).get<std::string>(), edge.at(1).get<std::string>()}, edge.at(2).get<std::string>()}] = counts_from_json(edge.at(3));
  }
  return t;
}

ServiceGraph build_service_graph(const std::vector<Trace>& traces) {
  std::vector<TraceIndex> indexes;
  indexes.reserve(traces.size());
  std::unordered_map<std::string, const TraceIndex*> by_id;
  for (const auto& t : traces) by_id.try_emplace(t.id, &indexes.emplace_back(t));
  GraphTally::LinkResolver resolve = [&](const std::string& id) -> const TraceIndex* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };
  GraphTally tally;
  for (const auto& index : indexes) tally.add_trace(index, resolve);
  return tally.finish();
}

ServiceGraph build_trace_graph(const std::vector<Trace>& traces) { return build_service_graph(traces); }

}  // namespace localray::tracing
