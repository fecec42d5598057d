#include "tracing/trace_digest.hpp"

#include "tracing/trace_documents.hpp"

#include <algorithm>
#include <cmath>
#include <charconv>
#include <cstdio>

namespace localray::tracing {

namespace terms {
std::string service(std::string_view name) { return "s\x1f" + std::string{name}; }
std::string annotation_key(std::string_view key) { return "k\x1f" + std::string{key}; }
std::string annotation(std::string_view key, const AnnotationValue& value) {
  std::string out = "a\x1f" + std::string{key} + "\x1f";
  if (auto* s = std::get_if<std::string>(&value)) return out + "s" + *s;
  if (auto* b = std::get_if<bool>(&value)) return out + (*b ? "btrue" : "bfalse");
  // Shortest text that reads back as the same double: 5 and 5.0 meet in one term.
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::get<double>(value));
  return out + "n" + std::string{buf, end};
}
std::string http_status(int status) { return "h\x1f" + std::to_string(status); }
}  // namespace terms

double trace_id_time(std::string_view id) {
  if (id.size() < 10 || id.substr(0, 2) != "1-") return 0;
  unsigned long value = 0;
  auto [p, ec] = std::from_chars(id.data() + 2, id.data() + 10, value, 16);
  return ec == std::errc{} && p == id.data() + 10 ? static_cast<double>(value) : 0;
}

namespace {

void collect_entity_terms(const Segment& e, std::vector<std::string>& out) {
  for (const auto& [key, value] : e.annotations) {
    out.push_back(terms::annotation_key(key));
    out.push_back(terms::annotation(key, value));
  }
  std::optional<int> status;
  if (e.http.is_object()) {
    auto response = e.http.find("response");
    if (response != e.http.end() && response->is_object()) {
      auto value = response->find("status");
      if (value != response->end() && value->is_number()) status = value->get<int>();
    }
  }
  if (status) out.push_back(terms::http_status(*status));
  // As the filter language reads them: a 5xx is a fault, a 429 a throttle, a 4xx an error.
  auto in = [&](int lo, int hi) { return status && *status >= lo && *status < hi; };
  bool throttle = e.throttle || in(429, 430);
  if (e.fault || in(500, 600)) out.emplace_back(terms::kFault);
  if (e.error || throttle || in(400, 500)) out.emplace_back(terms::kError);
  if (throttle) out.emplace_back(terms::kThrottle);
  for (const auto& c : e.subsegments) collect_entity_terms(c, out);
}

int count_documents(const Segment& s) {
  int n = 1;
  for (const auto& c : s.subsegments) n += count_documents(c);
  return n;
}

}  // namespace

Segment digest_copy(const Segment& s) {
  Segment out;
  out.name = s.name;
  out.id = s.id;
  out.trace_id = s.trace_id;
  out.parent_id = s.parent_id;
  out.start_time = s.start_time;
  out.end_time = s.end_time;
  out.in_progress = s.in_progress;
  out.type = s.type;
  out.origin = s.origin;
  out.namespace_ = s.namespace_;
  out.resource_arn = s.resource_arn;
  out.error = s.error;
  out.throttle = s.throttle;
  out.fault = s.fault;
  out.inferred = s.inferred;
  out.http = s.http;
  out.aws = s.aws;
  out.links = s.links;
  out.annotations = s.annotations;
  for (const auto& c : s.subsegments) out.subsegments.push_back(digest_copy(c));
  return out;
}

std::pair<TraceDigest, bool> digest_documents(const std::string& trace_id, std::vector<Segment>& documents) {
  if (std::any_of(documents.begin(), documents.end(), [](const Segment& d) { return d.type == "subsegment"; })) {
    Trace trace{trace_id, assemble_documents(documents)};
    return {digest_trace(trace), !trace.segments.empty()};
  }
  // What assemble_documents does when nothing is loose.
  std::stable_sort(documents.begin(), documents.end(), [](const Segment& a, const Segment& b) { return a.start_time < b.start_time; });
  Trace trace{trace_id, std::move(documents)};
  TraceDigest digest = digest_trace(trace);
  documents = std::move(trace.segments);
  return {std::move(digest), !documents.empty()};
}

TraceDigest digest_trace(const Trace& trace) {
  TraceDigest d;
  TraceIndex index{trace};
  TimeSpan span = trace_span(trace);
  d.start_time = span.start;
  d.end_time = span.end;
  d.id_time = trace_id_time(trace.id);
  // X-Ray refuses ids more than 30 days from their segments; such an id (a W3C id an OpenTelemetry
  // SDK drew at random, its first 32 bits no time at all) is looked up by its segments' time.
  if (std::abs(d.id_time - d.start_time) > kIdTimeHorizonSeconds) d.id_time = std::floor(d.start_time);
  for (const auto& s : trace.segments) {
    d.segment_count += count_documents(s);
    d.terms.push_back(terms::service(service_id(s).name));
    collect_entity_terms(s, d.terms);
  }
  for (const auto& call : index.inferred_calls()) {
    d.terms.push_back(terms::service(call.service.name));
    // The inferred node's segment copies the call's flags and http: the call's terms are already in.
  }
  std::sort(d.terms.begin(), d.terms.end());
  d.terms.erase(std::unique(d.terms.begin(), d.terms.end()), d.terms.end());
  d.tally.add_trace(index);
  return d;
}

}  // namespace localray::tracing
