#include "tracing/trace_summary.hpp"

#include "tracing/filter/response_time_cause.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <tuple>
#include <unordered_map>

namespace localray::tracing {

using nlohmann::json;

namespace {

constexpr std::string_view kApiGatewayStage = "AWS::ApiGateway::Stage";

std::string string_field(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool is_call(const Segment& s) { return s.namespace_ == "aws" || s.namespace_ == "remote"; }

ServiceId make_service_id(std::string name, std::string type, std::string account_id = {}) {
  ServiceId id;
  id.names = {name};
  id.name = std::move(name);
  id.type = std::move(type);
  id.account_id = std::move(account_id);
  return id;
}

// "https://user@api.example.com:443/v1?q" -> "api.example.com": remote nodes are named by host,
// as the SDKs name their HTTP subsegments.
std::string url_host(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (url.starts_with('[')) return std::string{url.substr(0, url.find(']') + 1)};
  return std::string{url.substr(0, url.find(':'))};
}

// "http://host/000000000000/my-queue" -> "my-queue".
std::string last_path_segment(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  while (url.ends_with('/')) url.remove_suffix(1);
  auto slash = url.rfind('/');
  return std::string{slash == std::string_view::npos ? url : url.substr(slash + 1)};
}

std::string after_last_colon(std::string_view arn) {
  auto colon = arn.rfind(':');
  return std::string{colon == std::string_view::npos ? arn : arn.substr(colon + 1)};
}

bool by_type_then_name(const ServiceId& a, const ServiceId& b) {
  return std::tie(a.type, a.name, a.account_id) < std::tie(b.type, b.name, b.account_id);
}

void add_distinct(std::vector<ServiceId>& ids, const ServiceId& id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

// Visits a segment and every subsegment nested in it, parents first.
void for_each_entity(const Segment& s, const std::function<void(const Segment&)>& visit) {
  visit(s);
  for (const auto& c : s.subsegments) for_each_entity(c, visit);
}

}  // namespace

ServiceId service_id(const Segment& segment) {
  return make_service_id(segment.name, segment.origin, string_field(segment.aws, "account_id"));
}

ServiceId inferred_service_id(const Segment& sub) {
  if (sub.namespace_ == "remote") {
    std::string host = url_host(string_field(sub.http.is_object() ? sub.http.value("request", json{}) : json{}, "url"));
    return make_service_id(host.empty() ? sub.name : host, "remote");
  }
  if (auto table = string_field(sub.aws, "table_name"); !table.empty())
    return make_service_id(table, "AWS::DynamoDB::Table");
  if (auto queue = string_field(sub.aws, "queue_url"); !queue.empty())
    return make_service_id(last_path_segment(queue), "AWS::SQS::Queue");
  if (auto topic = string_field(sub.aws, "topic_arn"); !topic.empty())
    return make_service_id(after_last_colon(topic), "AWS::SNS");
  if (sub.name == "SNS") return make_service_id("SNS", "AWS::SNS");
  return make_service_id(sub.name, "AWS::" + sub.name);
}

// ---- TraceIndex ---------------------------------------------------------------------------

TraceIndex::TraceIndex(const Trace& trace) : trace_{trace} {
  for (const auto& s : trace.segments) {
    // A subsegment sent on its own and not merged yet (its segment has not arrived) is no
    // service; counting it would make it a root.
    if (s.type == "subsegment") continue;
    segments_.push_back(&s);
    index_entity(s, s);
  }
  for (const Segment* s : segments_)
    if (!s->parent_id.empty()) children_.emplace(s->parent_id, s);
  for (const Segment* s : segments_) collect_inferred(*s, *s);
}

void TraceIndex::index_entity(const Segment& owner, const Segment& entity) {
  places_.emplace(entity.id, Place{&owner, &entity});  // first wins: ids are unique in valid traces
  for (const auto& c : entity.subsegments) index_entity(owner, c);
}

void TraceIndex::collect_inferred(const Segment& owner, const Segment& entity) {
  for (const auto& c : entity.subsegments) {
    if (!is_call(c)) {
      collect_inferred(owner, c);
      continue;
    }
    if (!answered(c)) inferred_.push_back(InferredCall{&owner, &c, inferred_service_id(c)});
  }
}

const Segment* TraceIndex::owner_of(std::string_view id) const {
  auto it = places_.find(std::string{id});
  return it == places_.end() ? nullptr : it->second.owner;
}

const Segment* TraceIndex::entity(std::string_view id) const {
  auto it = places_.find(std::string{id});
  return it == places_.end() ? nullptr : it->second.entity;
}

std::vector<const Segment*> TraceIndex::children_of(std::string_view id) const {
  std::vector<const Segment*> out;
  auto [first, last] = children_.equal_range(std::string{id});
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  // The multimap's order is unspecified; callers rely on the trace's order.
  std::sort(out.begin(), out.end());
  return out;
}

bool TraceIndex::is_root(const Segment& segment) const {
  if (segment.parent_id.empty()) return true;
  const Segment* owner = owner_of(segment.parent_id);
  // A segment naming itself (or its own subsegment) as parent has no caller either.
  return owner == nullptr || owner == &segment;
}

const Segment* TraceIndex::entry() const {
  const Segment* best = nullptr;
  auto better = [](const Segment& a, const Segment& b) {
    bool a_stage = a.origin == kApiGatewayStage, b_stage = b.origin == kApiGatewayStage;
    if (a_stage != b_stage) return a_stage;
    return std::tie(a.start_time, a.id) < std::tie(b.start_time, b.id);
  };
  for (const Segment* s : segments_)
    if (is_root(*s) && (best == nullptr || better(*s, *best))) best = s;
  return best;
}

bool TraceIndex::answered(const Segment& subsegment) const {
  if (children_.contains(subsegment.id)) return true;
  return std::any_of(subsegment.subsegments.begin(), subsegment.subsegments.end(),
                     [&](const Segment& c) { return answered(c); });
}

// ---- Timing and inferred documents --------------------------------------------------------

TimeSpan trace_span(const Trace& trace) {
  if (trace.segments.empty()) return {};
  TimeSpan span{trace.segments.front().start_time, trace.segments.front().start_time};
  for (const auto& s : trace.segments) {
    span.start = std::min(span.start, s.start_time);
    span.end = std::max(span.end, s.in_progress ? s.start_time : s.end_time);
  }
  return span;
}

std::string inferred_segment_id(std::string_view subsegment_id) {
  // FNV-1a over a salted id: stable across runs and distinct from the call's own id.
  std::uint64_t h = 14695981039346656037ull;
  for (char c : std::string{"inferred:"} + std::string{subsegment_id}) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Segment inferred_segment(const std::string& trace_id, const InferredCall& call) {
  const Segment& sub = *call.subsegment;
  Segment s;
  s.name = call.service.name;
  s.id = inferred_segment_id(sub.id);
  s.trace_id = trace_id;
  s.parent_id = sub.id;
  s.start_time = sub.start_time;
  s.end_time = sub.end_time;
  s.in_progress = sub.in_progress;
  s.origin = call.service.type;
  s.error = sub.error;
  s.throttle = sub.throttle;
  s.fault = sub.fault;
  s.inferred = true;
  s.http = sub.http;
  s.aws = sub.aws;
  return s;
}

// ---- Summary ------------------------------------------------------------------------------

namespace {

HttpSummary http_summary(const json& http) {
  HttpSummary out;
  if (!http.is_object()) return out;
  const json request = http.value("request", json{});
  const json response = http.value("response", json{});
  out.url = string_field(request, "url");
  out.method = string_field(request, "method");
  out.user_agent = string_field(request, "user_agent");
  out.client_ip = string_field(request, "client_ip");
  if (response.is_object()) {
    auto it = response.find("status");
    if (it != response.end() && it->is_number()) out.status = it->get<int>();
  }
  return out;
}

void add_annotation(std::vector<AnnotationEntry>& entries, const AnnotationValue& v, const ServiceId& sid) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const AnnotationEntry& e) { return e.value == v; });
  if (it == entries.end()) it = entries.insert(entries.end(), AnnotationEntry{v, {}});
  add_distinct(it->service_ids, sid);
}

void add_user(std::vector<TraceUser>& users, const std::string& name, const ServiceId& sid) {
  auto it = std::find_if(users.begin(), users.end(), [&](const TraceUser& u) { return u.user_name == name; });
  if (it == users.end()) it = users.insert(users.end(), TraceUser{name, {}});
  add_distinct(it->service_ids, sid);
}

std::vector<RootCauseException> exceptions_of(const Segment& e) {
  std::vector<RootCauseException> out;
  if (!e.cause.is_object()) return out;  // a bare exception id refers to another entity's cause
  auto list = e.cause.find("exceptions");
  if (list == e.cause.end() || !list->is_array()) return out;
  for (const auto& x : *list) {
    std::string name = string_field(x, "type");
    if (name.empty()) name = string_field(x, "name");
    out.push_back({std::move(name), string_field(x, "message")});
  }
  return out;
}

RootCauseEntity cause_entity(const Segment& e, std::string name) {
  return RootCauseEntity{std::move(name), exceptions_of(e), is_call(e)};
}

// Finds the entities that carry a flag (fault, or error) while nothing below them does: the
// deepest point of each flagged chain, following subsegments and the segments they called.
class RootCauseFinder {
 public:
  using Flag = bool (*)(const Segment&);
  RootCauseFinder(const TraceIndex& index, Flag flag) : index_{index}, flag_{flag} {}

  std::vector<RootCause> find() {
    const Segment* entry = index_.entry();
    bool client_impacting = entry != nullptr && flag_(*entry);
    std::vector<RootCause> causes;
    for (const Segment* s : index_.segments()) {
      std::vector<const Segment*> path;
      walk(*s, *s, path, [&](RootCauseService svc) {
        RootCause c{{std::move(svc)}, client_impacting};
        if (std::find(causes.begin(), causes.end(), c) == causes.end()) causes.push_back(std::move(c));
      });
    }
    return causes;
  }

 private:
  template <class Emit>
  void walk(const Segment& owner, const Segment& e, std::vector<const Segment*>& path, Emit&& emit) {
    path.push_back(&e);
    if (flag_(e) && !flagged_below(e)) emit(service_for(owner, path));
    for (const auto& c : e.subsegments) walk(owner, c, path, emit);
    path.pop_back();
  }

  RootCauseService service_for(const Segment& owner, const std::vector<const Segment*>& path) {
    const Segment& culprit = *path.back();
    if (is_call(culprit) && !index_.answered(culprit)) {
      // The callee recorded nothing: blame the inferred service, as the map shows it.
      ServiceId sid = inferred_service_id(culprit);
      return RootCauseService{sid, {cause_entity(culprit, sid.name)}, true};
    }
    RootCauseService svc{service_id(owner), {}, false};
    for (const Segment* e : path) svc.entity_path.push_back(cause_entity(*e, e->name));
    return svc;
  }

  bool flagged_below(const Segment& e) {
    auto [it, inserted] = memo_.try_emplace(&e, State::Visiting);
    if (!inserted) return it->second == State::Yes;  // Visiting: a parent_id cycle, stop there
    bool below = false;
    for (const auto& c : e.subsegments) below = below || flag_(c) || flagged_below(c);
    for (const Segment* child : index_.children_of(e.id))
      if (child != &e) below = below || flag_(*child) || flagged_below(*child);
    memo_[&e] = below ? State::Yes : State::No;
    return below;
  }

  enum class State { Visiting, Yes, No };
  const TraceIndex& index_;
  Flag flag_;
  std::unordered_map<const Segment*, State> memo_;
};

bool has_fault(const Segment& s) { return s.fault; }
bool has_error(const Segment& s) { return s.error || s.throttle; }

void summarize_flags(const Trace& trace, TraceSummary& out) {
  for (const auto& s : trace.segments)
    for_each_entity(s, [&](const Segment& e) {
      out.has_fault = out.has_fault || e.fault;
      out.has_error = out.has_error || e.error;
      out.has_throttle = out.has_throttle || e.throttle;
      out.is_partial = out.is_partial || e.in_progress;
    });
}

void summarize_entry(const TraceIndex& index, TraceSummary& out) {
  const Segment* entry = index.entry();
  if (entry == nullptr) return;
  if (!entry->in_progress) out.response_time = entry->duration();
  out.http = http_summary(entry->http);
  out.entry_point = service_id(*entry);
}

void summarize_services(const TraceIndex& index, TraceSummary& out) {
  for (const Segment* s : index.segments()) {
    ServiceId sid = service_id(*s);
    add_distinct(out.service_ids, sid);
    for_each_entity(*s, [&](const Segment& e) {
      for (const auto& [key, value] : e.annotations) add_annotation(out.annotations[key], value, sid);
    });
    if (auto user = string_field(s->extra, "user"); !user.empty()) add_user(out.users, user, sid);
    if (!s->resource_arn.empty() &&
        std::find(out.resource_arns.begin(), out.resource_arns.end(), s->resource_arn) == out.resource_arns.end())
      out.resource_arns.push_back(s->resource_arn);
  }
  for (const auto& call : index.inferred_calls()) add_distinct(out.service_ids, call.service);
  std::sort(out.service_ids.begin(), out.service_ids.end(), by_type_then_name);
}

}  // namespace

TraceSummary summarize(const Trace& trace) {
  TraceIndex index{trace};
  TraceSummary out;
  out.id = trace.id;
  TimeSpan span = trace_span(trace);
  out.start_time = span.start;
  out.duration = span.end - span.start;
  out.revision = static_cast<int>(trace.segments.size());
  summarize_flags(trace, out);
  summarize_entry(index, out);
  summarize_services(index, out);
  out.fault_root_causes = RootCauseFinder{index, has_fault}.find();
  out.error_root_causes = RootCauseFinder{index, has_error}.find();
  if (auto cause = filter::find_response_time_cause(index)) {
    ResponseTimeRootCauseService service{cause->service.service, {}, cause->service.inferred};
    for (std::size_t i = 0; i < cause->service.entity_path.size(); ++i) {
      const auto& e = cause->service.entity_path[i];
      service.entity_path.push_back({e.name, i < cause->coverage.size() ? cause->coverage[i] : 0, e.remote});
    }
    out.response_time_root_causes.push_back({{std::move(service)}, true});
  }
  return out;
}

}  // namespace localray::tracing
