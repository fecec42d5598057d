#include "services/xray/protocol/query_json.hpp"

#include <variant>

#include "tracing/segment_json.hpp"

namespace localray::xray::protocol {

using nlohmann::json;
namespace t = localray::tracing;

namespace {

json service_id_json(const t::ServiceId& id) {
  json j = {{"Name", id.name}, {"Names", id.names}};
  if (!id.account_id.empty()) j["AccountId"] = id.account_id;
  if (!id.type.empty()) j["Type"] = id.type;
  return j;
}

json service_ids_json(const std::vector<t::ServiceId>& ids) {
  json out = json::array();
  for (const auto& id : ids) out.push_back(service_id_json(id));
  return out;
}

json annotation_value_json(const t::AnnotationValue& v) {
  struct Visitor {
    json operator()(const std::string& s) const { return {{"StringValue", s}}; }
    json operator()(double d) const { return {{"NumberValue", d}}; }
    json operator()(bool b) const { return {{"BooleanValue", b}}; }
  };
  return std::visit(Visitor{}, v);
}

json annotations_json(const std::map<std::string, std::vector<t::AnnotationEntry>>& annotations) {
  json out = json::object();
  for (const auto& [key, entries] : annotations) {
    json values = json::array();
    for (const auto& e : entries)
      values.push_back({{"AnnotationValue", annotation_value_json(e.value)}, {"ServiceIds", service_ids_json(e.service_ids)}});
    out[key] = std::move(values);
  }
  return out;
}

json http_json(const t::HttpSummary& http) {
  json j = json::object();
  if (!http.url.empty()) j["HttpURL"] = http.url;
  if (http.status) j["HttpStatus"] = *http.status;
  if (!http.method.empty()) j["HttpMethod"] = http.method;
  if (!http.user_agent.empty()) j["UserAgent"] = http.user_agent;
  if (!http.client_ip.empty()) j["ClientIp"] = http.client_ip;
  return j;
}

json users_json(const std::vector<t::TraceUser>& users) {
  json out = json::array();
  for (const auto& u : users) out.push_back({{"UserName", u.user_name}, {"ServiceIds", service_ids_json(u.service_ids)}});
  return out;
}

json root_cause_service_json(const t::RootCauseService& s) {
  json path = json::array();
  for (const auto& e : s.entity_path) {
    json exceptions = json::array();
    for (const auto& x : e.exceptions) exceptions.push_back({{"Name", x.name}, {"Message", x.message}});
    path.push_back({{"Name", e.name}, {"Exceptions", std::move(exceptions)}, {"Remote", e.remote}});
  }
  json j = service_id_json(s.service);
  j["EntityPath"] = std::move(path);
  j["Inferred"] = s.inferred;
  return j;
}

// FaultRootCause and ErrorRootCause share one shape.
json root_causes_json(const std::vector<t::RootCause>& causes) {
  json out = json::array();
  for (const auto& c : causes) {
    json services = json::array();
    for (const auto& s : c.services) services.push_back(root_cause_service_json(s));
    out.push_back({{"Services", std::move(services)}, {"ClientImpacting", c.client_impacting}});
  }
  return out;
}

json response_time_root_causes_json(const std::vector<t::ResponseTimeRootCause>& causes) {
  json out = json::array();
  for (const auto& c : causes) {
    json services = json::array();
    for (const auto& s : c.services) {
      json path = json::array();
      for (const auto& e : s.entity_path) path.push_back({{"Name", e.name}, {"Coverage", e.coverage}, {"Remote", e.remote}});
      json j = service_id_json(s.service);
      j["EntityPath"] = std::move(path);
      j["Inferred"] = s.inferred;
      services.push_back(std::move(j));
    }
    out.push_back({{"Services", std::move(services)}, {"ClientImpacting", c.client_impacting}});
  }
  return out;
}

// EdgeStatistics and ServiceStatistics share one shape.
json statistics_json(const t::Statistics& s) {
  return {
      {"OkCount", s.ok_count},
      {"ErrorStatistics",
       {{"ThrottleCount", s.error.throttle_count}, {"OtherCount", s.error.other_count}, {"TotalCount", s.error.total_count}}},
      {"FaultStatistics", {{"OtherCount", s.fault.other_count}, {"TotalCount", s.fault.total_count}}},
      {"TotalCount", s.total_count},
      {"TotalResponseTime", s.total_response_time},
  };
}

json histogram_json(const std::vector<t::HistogramEntry>& h) {
  json out = json::array();
  for (const auto& e : h) out.push_back({{"Value", e.value}, {"Count", e.count}});
  return out;
}

json edge_json(const t::Edge& e) {
  json aliases = json::array();
  for (const auto& a : e.aliases) {
    json alias = {{"Name", a.name}, {"Names", a.names}};
    if (!a.type.empty()) alias["Type"] = a.type;
    aliases.push_back(std::move(alias));
  }
  json j = {
      {"ReferenceId", e.reference_id},
      {"StartTime", e.start_time},
      {"EndTime", e.end_time},
      {"SummaryStatistics", statistics_json(e.summary)},
      {"ResponseTimeHistogram", histogram_json(e.response_time_histogram)},
      {"Aliases", std::move(aliases)},
  };
  if (!e.edge_type.empty()) j["EdgeType"] = e.edge_type;
  return j;
}

json service_json(const t::ServiceNode& n) {
  json edges = json::array();
  for (const auto& e : n.edges) edges.push_back(edge_json(e));
  json j = {
      {"ReferenceId", n.reference_id},
      {"Name", n.name},
      {"Names", n.names},
      {"Root", n.root},
      {"Type", n.type},
      {"State", n.state},
      {"StartTime", n.start_time},
      {"EndTime", n.end_time},
      {"Edges", std::move(edges)},
      {"SummaryStatistics", statistics_json(n.summary)},
      {"DurationHistogram", histogram_json(n.duration_histogram)},
      {"ResponseTimeHistogram", histogram_json(n.response_time_histogram)},
  };
  if (!n.account_id.empty()) j["AccountId"] = n.account_id;
  return j;
}

json segment_entry(const t::Segment& s) { return {{"Id", s.id}, {"Document", t::to_json(s).dump()}}; }

}  // namespace

json to_json(const t::TraceSummary& s) {
  json resource_arns = json::array();
  for (const auto& arn : s.resource_arns) resource_arns.push_back({{"ARN", arn}});
  json j = {
      {"Id", s.id},
      {"StartTime", s.start_time},
      {"Duration", s.duration},
      {"HasFault", s.has_fault},
      {"HasError", s.has_error},
      {"HasThrottle", s.has_throttle},
      {"IsPartial", s.is_partial},
      {"Http", http_json(s.http)},
      {"Annotations", annotations_json(s.annotations)},
      {"Users", users_json(s.users)},
      {"ServiceIds", service_ids_json(s.service_ids)},
      {"ResourceARNs", std::move(resource_arns)},
      {"InstanceIds", json::array()},
      {"AvailabilityZones", json::array()},
      {"FaultRootCauses", root_causes_json(s.fault_root_causes)},
      {"ErrorRootCauses", root_causes_json(s.error_root_causes)},
      {"ResponseTimeRootCauses", response_time_root_causes_json(s.response_time_root_causes)},
      {"Revision", s.revision},
  };
  if (s.response_time) j["ResponseTime"] = *s.response_time;
  if (s.entry_point) j["EntryPoint"] = service_id_json(*s.entry_point);
  return j;
}

json to_json(const t::ServiceGraph& g) {
  json services = json::array();
  for (const auto& n : g.services) services.push_back(service_json(n));
  return {
      {"Services", std::move(services)},
      {"StartTime", g.start},
      {"EndTime", g.end},
      {"ContainsOldGroupVersions", false},
  };
}

json trace_to_json(const t::Trace& trace) {
  json segments = json::array();
  for (const auto& s : trace.segments) segments.push_back(segment_entry(s));
  t::TraceIndex index{trace};
  for (const auto& call : index.inferred_calls()) segments.push_back(segment_entry(t::inferred_segment(trace.id, call)));
  t::TimeSpan span = t::trace_span(trace);
  return {
      {"Id", trace.id},
      {"Duration", span.end - span.start},
      {"LimitExceeded", false},
      {"Segments", std::move(segments)},
  };
}

}  // namespace localray::xray::protocol
