#include "services/xray/protocol/api.hpp"

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>

#include "base/offload.hpp"
#include "services/xray/protocol/query_json.hpp"
#include "services/xray/protocol/settings_json.hpp"

namespace localray::xray::protocol {

using nlohmann::json;

namespace {

http::Response error(unsigned status, const std::string& type, const std::string& message) {
  auto r = http::Response::json(status, json{{"__type", type}, {"Message", message}}.dump());
  r.headers.set("x-amzn-ErrorType", type);
  return r;
}

http::Response invalid(const std::string& message) { return error(400, "InvalidRequestException", message); }

// Timestamps arrive as epoch seconds (botocore, SDKs) or ISO 8601 (hand-written calls).
std::optional<double> timestamp(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (!it->is_string()) return std::nullopt;
  std::string s = it->get<std::string>();
  std::tm tm{};
  if (strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return static_cast<double>(timegm(&tm));
  try {
    return std::stod(s);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

using Handler = http::Response (*)(const json&, model::Backend&);

std::string group_key(const json& body);

// A string member, or `fallback` when absent or of another type (never throws on client input).
std::string string_member(const json& object, const char* key, std::string fallback = {}) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// Answers only once what it accepted is committed, so it is the one operation that awaits.
boost::asio::awaitable<http::Response> put_trace_segments(const json& body, model::Backend& backend) {
  auto it = body.find("TraceSegmentDocuments");
  if (it == body.end() || !it->is_array()) co_return invalid("TraceSegmentDocuments is required");
  std::vector<std::string> docs;
  for (const auto& d : *it) {
    if (!d.is_string()) co_return invalid("TraceSegmentDocuments must be strings");
    docs.push_back(d.get<std::string>());
  }
  auto rejected = co_await backend.put_trace_segments(std::move(docs));
  json unprocessed = json::array();
  for (const auto& u : rejected) unprocessed.push_back({{"Id", u.id}, {"ErrorCode", u.error_code}, {"Message", u.message}});
  co_return http::Response::json(200, json{{"UnprocessedTraceSegments", unprocessed}}.dump());
}

std::optional<http::Response> time_range(const json& body, double& start, double& end) {
  auto s = timestamp(body, "StartTime"), e = timestamp(body, "EndTime");
  if (!s || !e) return invalid("StartTime and EndTime are required");
  if (*e < *s) return invalid("EndTime must be after StartTime");
  start = *s;
  end = *e;
  return std::nullopt;
}

http::Response trace_summaries(const json& body, model::Backend& backend) {
  double start, end;
  if (auto bad = time_range(body, start, end)) return *bad;
  model::TraceSelection selection;
  if (auto f = body.find("FilterExpression"); f != body.end() && f->is_string()) selection.filter_expression = f->get<std::string>();
  model::SummaryQuery query;
  query.window = {start, end, tracing::TimeRange::TraceId};
  query.selection = std::move(selection);
  if (auto t = body.find("NextToken"); t != body.end() && t->is_string()) query.next_token = t->get<std::string>();
  if (auto t = body.find("TimeRangeType"); t != body.end()) {
    std::string type = t->is_string() ? t->get<std::string>() : "";
    // Service time is when the services recorded their segments: the events' time here.
    if (type == "Event" || type == "Service") query.window.range = tracing::TimeRange::Event;
    else if (type != "TraceId") return invalid("TimeRangeType must be one of TraceId, Event, Service");
  }
  if (auto smp = body.find("Sampling"); smp != body.end() && smp->is_boolean() && smp->get<bool>()) {
    // Without a strategy, a tenth of the window as the console samples; FixedRate and PartialScan
    // both take the share given, from a subset fixed by trace id.
    double rate = 0.1;
    if (auto st = body.find("SamplingStrategy"); st != body.end() && st->is_object()) {
      auto value = st->find("Value");
      if (value != st->end() && value->is_number()) rate = value->get<double>();
      if (rate < 0 || rate > 1) return invalid("SamplingStrategy.Value must be between 0 and 1");
    }
    query.sample_rate = rate;
  }
  auto page = backend.trace_summaries(query);
  if (!page) return invalid(page.error().message);
  json out = {{"TraceSummaries", json::array()}, {"ApproximateTime", end}, {"TracesProcessedCount", page->traces_processed}};
  for (const auto& s : page->summaries) out["TraceSummaries"].push_back(to_json(s));
  if (page->next_token) out["NextToken"] = *page->next_token;
  return http::Response::json(200, out.dump());
}

std::optional<std::vector<std::string>> trace_ids(const json& body, http::Response& bad) {
  auto it = body.find("TraceIds");
  if (it == body.end() || !it->is_array()) {
    bad = invalid("TraceIds is required");
    return std::nullopt;
  }
  std::vector<std::string> ids;
  for (const auto& id : *it) {
    if (!id.is_string()) {
      bad = invalid("TraceIds must be strings");
      return std::nullopt;
    }
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

http::Response batch_get_traces(const json& body, model::Backend& backend) {
  http::Response bad;
  auto ids = trace_ids(body, bad);
  if (!ids) return bad;
  if (ids->size() > model::kMaxBatchGetTraces) return invalid("TraceIds: at most 5 trace ids per request");
  std::vector<std::string> unprocessed;
  auto traces = backend.traces(*ids, unprocessed);
  if (!traces) return invalid(traces.error().message);
  json out = {{"Traces", json::array()}, {"UnprocessedTraceIds", unprocessed}};
  for (const auto& t : *traces) out["Traces"].push_back(trace_to_json(t));
  return http::Response::json(200, out.dump());
}

http::Response service_graph(const json& body, model::Backend& backend) {
  double start, end;
  if (auto bad = time_range(body, start, end)) return *bad;
  model::TraceSelection selection;
  if (auto key = group_key(body); !key.empty()) selection.group = key;
  auto graph = backend.service_graph(start, end, selection);
  if (!graph) return invalid(graph.error().message);
  return http::Response::json(200, to_json(*graph).dump());
}

http::Response trace_graph(const json& body, model::Backend& backend) {
  http::Response bad;
  auto ids = trace_ids(body, bad);
  if (!ids) return bad;
  std::vector<std::string> unprocessed;
  auto traces = backend.traces(*ids, unprocessed);
  if (!traces) return invalid(traces.error().message);
  auto out = to_json(tracing::build_trace_graph(*traces));
  out.erase("StartTime");
  out.erase("EndTime");
  out.erase("ContainsOldGroupVersions");
  return http::Response::json(200, out.dump());
}

http::Response model_error(const model::Error& e) {
  switch (e.code) {
    case model::Code::Storage: return error(500, "InternalFailure", e.message);
    case model::Code::RuleLimit: return error(400, "RuleLimitExceededException", e.message);
    case model::Code::NotFound:
    case model::Code::AlreadyExists:
    case model::Code::Invalid: break;
  }
  return invalid(e.message);
}

std::string group_key(const json& body) {
  if (auto it = body.find("GroupARN"); it != body.end() && it->is_string()) return it->get<std::string>();
  if (auto it = body.find("GroupName"); it != body.end() && it->is_string()) return it->get<std::string>();
  return {};
}

void read_insights(const json& body, std::optional<bool>& insights, std::optional<bool>& notifications) {
  auto it = body.find("InsightsConfiguration");
  if (it == body.end() || !it->is_object()) return;
  if (it->contains("InsightsEnabled") && (*it)["InsightsEnabled"].is_boolean()) insights = (*it)["InsightsEnabled"].get<bool>();
  if (it->contains("NotificationsEnabled") && (*it)["NotificationsEnabled"].is_boolean())
    notifications = (*it)["NotificationsEnabled"].get<bool>();
}

http::Response create_group(const json& body, model::Backend& backend) {
  auto name = body.find("GroupName");
  if (name == body.end() || !name->is_string()) return invalid("GroupName is required");
  model::Group g;
  g.name = name->get<std::string>();
  g.filter_expression = string_member(body, "FilterExpression");
  std::optional<bool> insights, notifications;
  read_insights(body, insights, notifications);
  g.insights_enabled = insights.value_or(false);
  g.notifications_enabled = notifications.value_or(false);
  auto created = backend.groups().create(std::move(g));
  if (!created) return model_error(created.error());
  return http::Response::json(200, json{{"Group", group_json(*created)}}.dump());
}

http::Response get_group(const json& body, model::Backend& backend) {
  auto key = group_key(body);
  if (key.empty()) return invalid("GroupName or GroupARN is required");
  auto g = backend.groups().get(key);
  if (!g) return model_error(g.error());
  return http::Response::json(200, json{{"Group", group_json(*g)}}.dump());
}

http::Response get_groups(const json&, model::Backend& backend) {
  json groups = json::array();
  for (const auto& g : backend.groups().list()) groups.push_back(group_json(g));
  return http::Response::json(200, json{{"Groups", groups}}.dump());
}

http::Response update_group(const json& body, model::Backend& backend) {
  auto key = group_key(body);
  if (key.empty()) return invalid("GroupName or GroupARN is required");
  std::optional<std::string> filter;
  if (auto f = body.find("FilterExpression"); f != body.end() && f->is_string()) filter = f->get<std::string>();
  std::optional<bool> insights, notifications;
  read_insights(body, insights, notifications);
  auto g = backend.groups().update(key, filter, insights, notifications);
  if (!g) return model_error(g.error());
  return http::Response::json(200, json{{"Group", group_json(*g)}}.dump());
}

http::Response delete_group(const json& body, model::Backend& backend) {
  auto key = group_key(body);
  if (key.empty()) return invalid("GroupName or GroupARN is required");
  auto r = backend.groups().remove(key);
  if (!r) return model_error(r.error());
  return http::Response::json(200, "{}");
}

http::Response get_sampling_rules(const json&, model::Backend& backend) {
  json records = json::array();
  for (const auto& r : backend.sampling_rules().list()) records.push_back(rule_record_json(r));
  return http::Response::json(200, json{{"SamplingRuleRecords", records}}.dump());
}

http::Response sampling_targets(const json& body, model::Backend& backend) {
  auto docs = body.find("SamplingStatisticsDocuments");
  if (docs == body.end()) return invalid("SamplingStatisticsDocuments is required");
  auto reports = statistics_from_json(*docs);
  if (!reports) return invalid(reports.error().message);
  return http::Response::json(200, targets_json(backend.sampling_rules().targets(*reports)).dump());
}

http::Response create_sampling_rule(const json& body, model::Backend& backend) {
  auto rule = body.find("SamplingRule");
  if (rule == body.end() || !rule->is_object()) return invalid("SamplingRule is required");
  auto parsed = rule_from_json(*rule);
  if (!parsed) return invalid(parsed.error().message);
  auto r = backend.sampling_rules().create(std::move(*parsed));
  if (!r) return model_error(r.error());
  return http::Response::json(200, json{{"SamplingRuleRecord", rule_record_json(*r)}}.dump());
}

http::Response update_sampling_rule(const json& body, model::Backend& backend) {
  auto update = body.find("SamplingRuleUpdate");
  if (update == body.end() || !update->is_object()) return invalid("SamplingRuleUpdate is required");
  auto parsed = rule_update_from_json(*update);
  if (!parsed) return invalid(parsed.error().message);
  auto r = backend.sampling_rules().update(*parsed);
  if (!r) return model_error(r.error());
  return http::Response::json(200, json{{"SamplingRuleRecord", rule_record_json(*r)}}.dump());
}

http::Response delete_sampling_rule(const json& body, model::Backend& backend) {
  std::string key = string_member(body, "RuleARN", string_member(body, "RuleName"));
  if (key.empty()) return invalid("RuleName or RuleARN is required");
  auto r = backend.sampling_rules().remove(key);
  if (!r) return model_error(r.error());
  return http::Response::json(200, json{{"SamplingRuleRecord", rule_record_json(*r)}}.dump());
}

// Blocking operations read the trace store or save settings (and may wait on SQLite's lock): they
// run on the backend's blocking executor, never on an I/O thread. Groups and rules are read from
// memory: the SDKs' sampling calls never wait behind a query.
struct Operation {
  Handler handler;
  bool blocking;
};

const std::map<std::string, Operation, std::less<>>& operations() {
  static const std::map<std::string, Operation, std::less<>> ops = {
      {"/TraceSummaries", {trace_summaries, true}},
      {"/Traces", {batch_get_traces, true}},
      {"/ServiceGraph", {service_graph, true}},
      {"/TraceGraph", {trace_graph, true}},
      {"/CreateGroup", {create_group, true}},
      {"/GetGroup", {get_group, false}},
      {"/Groups", {get_groups, false}},
      {"/UpdateGroup", {update_group, true}},
      {"/DeleteGroup", {delete_group, true}},
      {"/GetSamplingRules", {get_sampling_rules, false}},
      {"/SamplingTargets", {sampling_targets, false}},
      {"/CreateSamplingRule", {create_sampling_rule, true}},
      {"/UpdateSamplingRule", {update_sampling_rule, true}},
      {"/DeleteSamplingRule", {delete_sampling_rule, true}},
  };
  return ops;
}

}  // namespace

boost::asio::awaitable<std::optional<http::Response>> handle(const http::Request& request, model::Backend& backend,
                                                             http::CallContext call) {
  std::string_view path = request.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  auto op = operations().find(path);
  bool put_segments = path == "/TraceSegments";
  if (op == operations().end() && !put_segments) co_return std::nullopt;
  http::Response response;
  if (request.method != "POST") {
    response = error(405, "InvalidRequestException", "X-Ray operations take POST");
  } else {
    auto body = json::parse(request.body.empty() ? std::string_view{"{}"} : std::string_view{request.body}, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      response = invalid("the request body is not a JSON object");
    } else if (put_segments) {
      response = co_await put_trace_segments(body, backend);
    } else if (op->second.blocking) {
      const Handler handler = op->second.handler;
      response = co_await base::offload(backend.blocking_executor(), [&] { return handler(body, backend); });
    } else {
      response = op->second.handler(body, backend);
    }
  }
  response.headers.set("x-amzn-RequestId", call.request_id);
  co_return response;
}

}  // namespace localray::xray::protocol
