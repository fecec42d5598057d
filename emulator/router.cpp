#include "emulator/cors.hpp"
#include "emulator/metrics_endpoint.hpp"
#include "http/xml.hpp"
#include "emulator/router.hpp"

#include "functions/runtime/runtimes.hpp"

#include "services/cloudformation/protocol/api.hpp"

#include "emulator/uninstrumented_calls.hpp"

#include <algorithm>

#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include "base/offload.hpp"
#include "emulator/sns_http_messages.hpp"
#include "emulator/version.hpp"
#include "tracing/timestamps.hpp"
#include "http/form.hpp"
#include "emulator/service_routing.hpp"
#include "services/apigateway/protocol/invoke.hpp"
#include "services/dynamodb/protocol/dispatch.hpp"
#include "services/dynamodb/protocol/streams_dispatch.hpp"
#include "services/lambda/protocol/api.hpp"
#include "services/sns/protocol/dispatch.hpp"
#include "services/sqs/protocol/dispatch.hpp"
#include "services/xray/protocol/api.hpp"
#include "services/xray/protocol/otlp.hpp"
#include "web/console.hpp"

namespace localray::emulator {

using nlohmann::json;
namespace asio = boost::asio;

namespace {

http::Response unknown_operation(const http::Request& r) {
  auto res = http::Response::json(
      404, json{{"__type", "UnknownOperationException"}, {"message", "localray serves no operation at " + r.method + " " + r.path}}.dump());
  res.headers.set("x-amzn-ErrorType", "UnknownOperationException");
  return res;
}

}  // namespace

Router::Router(Services& services, Endpoints endpoints, std::shared_ptr<spdlog::logger> log)
    : s_{services}, endpoints_{std::move(endpoints)}, log_{std::move(log)}, requests_log_{log_} {
  find_api_ = [this](std::string_view id) -> std::shared_ptr<const apigateway::model::RestApi> {
    for (auto* r : s_.regions.all())
      if (auto api = r->apis->find(id)) return api;
    return nullptr;
  };
}

namespace {

// Each CloudFormation stack the app came from: its outputs, and every resource's physical id, ARN
// and whether localray emulates it.
json stacks_json(const std::vector<config::Stack>& stacks) {
  json out = json::array();
  for (const auto& st : stacks) {
    json outputs = json::array(), resources = json::array();
    for (const auto& o : st.outputs) {
      json one{{"key", o.key}, {"value", o.value}};
      if (!o.description.empty()) one["description"] = o.description;
      if (!o.export_name.empty()) one["export"] = o.export_name;
      outputs.push_back(std::move(one));
    }
    for (const auto& r : st.resources) {
      json one{{"logical_id", r.logical_id}, {"type", r.type}, {"physical_id", r.physical_id}, {"status", r.status}};
      if (!r.arn.empty()) one["arn"] = r.arn;
      if (!r.note.empty()) one["note"] = r.note;
      resources.push_back(std::move(one));
    }
    out.push_back({{"name", st.name}, {"id", st.id}, {"file", st.file}, {"outputs", outputs}, {"resources", resources}});
  }
  return out;
}

}  // namespace

json Router::stacks_json() const {
  std::lock_guard lock{s_.stacks_mutex};
  return localray::emulator::stacks_json(s_.stacks);
}

asio::awaitable<http::Response> Router::resources() const {
  json apis = json::array(), topics = json::array(), queues = json::array(), tables = json::array(), functions = json::array(),
       mappings = json::array(), regions = json::array();
  for (auto* r : s_.regions.all()) {
    const auto& [account, region] = r->scope;
    regions.push_back({{"account", account}, {"region", region}});
    auto where = [&r](json entry) {
      entry["region"] = r->scope.region;
      entry["account"] = r->scope.account;
      return entry;
    };
    for (const auto& a : r->apis->list())
      for (const auto& stage : a->stages()) {
        json resources = json::array();
        for (const auto& res : a->resources().list()) {
          json methods = json::array();
          for (const auto& [name, m] : res.methods) methods.push_back(name);
          resources.push_back({{"path", res.path}, {"methods", methods}});
        }
        apis.push_back(where({{"name", a->name()},
                              {"id", a->id()},
                              {"stage", stage.name},
                              {"arn", a->stage_arn(stage.name)},
                              {"invoke_url", endpoints_.edge_url + apigateway::protocol::invoke_path(a->id(), stage.name)},
                              {"resources", resources}}));
      }
    for (const auto& arn : r->sns->topic_arns()) {
      json subs = json::array();
      auto listed = co_await r->sns->list_subscriptions_by_topic(arn);
      if (!listed) continue;  // deleted meanwhile
      for (const auto& sub : *listed) subs.push_back({{"arn", sub.arn}, {"protocol", sub.protocol}, {"endpoint", sub.endpoint}});
      topics.push_back(where({{"arn", arn}, {"name", arn.substr(arn.rfind(':') + 1)}, {"subscriptions", subs}}));
    }
    for (const auto& q : r->sqs->queues()) queues.push_back(where({{"name", q->queue.name()}, {"url", q->queue.url()}, {"arn", q->queue.arn()}}));
    for (std::optional<std::string> after;;) {
      auto page = r->dynamodb->list_tables(after, std::nullopt);
      if (!page) break;
      for (const auto& name : page->names) tables.push_back(where({{"name", name}, {"arn", r->dynamodb->table_arn(name)}}));
      if (!page->last_evaluated_table_name) break;
      after = page->last_evaluated_table_name;
    }
    for (const auto& f : r->lambda->functions())
      functions.push_back(where({{"name", f->config().name}, {"arn", f->arn()}, {"handler", f->config().handler}}));
    for (const auto& m : r->mappings->list())
      mappings.push_back(where({{"uuid", m.uuid}, {"event_source_arn", m.event_source_arn}, {"function_arn", m.function_arn},
                                {"batch_size", m.settings.batch_size}, {"batching_window_seconds", m.settings.batching_window.count()},
                                {"report_batch_item_failures", m.settings.report_batch_item_failures}}));
  }
  json out = {{"region", s_.home.region}, {"account", s_.home.account}, {"regions", regions},   {"apis", apis},
              {"topics", topics},         {"queues", queues},           {"tables", tables},     {"functions", functions},
              {"event_source_mappings", mappings}, {"stacks", stacks_json()},
              {"xray", {{"api", endpoints_.edge_url}, {"daemon_udp", endpoints_.udp_address}}}};
  co_return http::Response::json(200, out.dump(2));
}

// GET /_localray/logs?function=NAME|ARN[&trace_id=T][&request_id=R]: what the function's recent
// runs printed, oldest first. A name is the home scope's function.
http::Response Router::function_logs(const http::Request& r) const {
  std::string function, trace_id, request_id;
  for (const auto& [k, v] : http::parse_form(r.query).value_or(http::FormFields{})) {
    if (k == "function") function = v;
    else if (k == "trace_id") trace_id = v;
    else if (k == "request_id") request_id = v;
  }
  if (function.empty())
    return http::Response::json(400, json{{"__type", "ValidationException"}, {"message", "the query needs function=NAME or an ARN"}}.dump());
  std::string arn = function.rfind("arn:", 0) == 0 ? function : s_.regions.at(s_.home).lambda->function_arn(function);
  json runs = json::array();
  for (const auto& run : s_.function_logs.runs(arn, trace_id, request_id))
    runs.push_back({{"request_id", run.request_id},
                    {"trace_id", run.trace_id},
                    {"start_time", run.start_time},
                    {"end_time", run.end_time},
                    {"failed", run.failed},
                    {"log", run.text}});
  return http::Response::json(200, json{{"function_arn", arn}, {"runs", runs}}.dump());
}

// GET /_localray/sns/deliveries[?topic=ARN][&endpoint=ADDRESS][&limit=N]: what SNS sent to email,
// email-json, sms and application (mobile push) endpoints, and straight to phone numbers and push
// endpoints, newest first, from every scope.
http::Response Router::sns_deliveries(const http::Request& r) const {
  std::string topic, endpoint;
  std::size_t limit = 100;
  for (const auto& [k, v] : http::parse_form(r.query).value_or(http::FormFields{})) {
    if (k == "topic") topic = v;
    else if (k == "endpoint") endpoint = v;
    else if (k == "limit") {
      auto n = std::strtoull(v.c_str(), nullptr, 10);
      if (n == 0 || n > sns::model::SentMessages::kKept)
        return http::Response::json(400, json{{"__type", "ValidationException"}, {"message", "limit is 1 to 10000"}}.dump());
      limit = n;
    }
  }
  std::vector<sns::model::SentMessage> sent;
  for (Region* region : s_.regions.all()) {
    auto some = region->sns->sent().newest_first(topic, endpoint, limit);
    sent.insert(sent.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
  }
  std::stable_sort(sent.begin(), sent.end(), [](const auto& a, const auto& b) { return a.timestamp > b.timestamp; });
  if (sent.size() > limit) sent.resize(limit);
  json out = json::array();
  for (const auto& m : sent) {
    json attributes = json::object();
    for (const auto& [name, a] : m.attributes) attributes[name] = {{"Type", a.data_type}, {"Value", a.value}};
    json one{{"protocol", m.protocol},
             {"endpoint", m.endpoint},
             {"topic_arn", m.topic_arn.empty() ? json(nullptr) : json(m.topic_arn)},
             {"subscription_arn", m.subscription_arn.empty() ? json(nullptr) : json(m.subscription_arn)},
             {"type", m.type},
             {"message_id", m.message_id},
             {"subject", m.subject ? json(*m.subject) : json(nullptr)},
             {"message", m.body},
             {"message_attributes", std::move(attributes)},
             {"timestamp", tracing::iso8601_millis(m.timestamp)}};
    if (m.protocol == "application") one["platform"] = sns::model::platform_of_endpoint(m.endpoint);
    if (!m.token.empty()) {
      one["token"] = m.token;
      one["subscribe_url"] = sns_subscribe_url(endpoints_.edge_url, m.topic_arn, m.token);
    }
    out.push_back(std::move(one));
  }
  return http::Response::json(200, json{{"deliveries", std::move(out)}}.dump(-1, ' ', false, json::error_handler_t::replace));
}

// POST /_localray/sns/opt-outs {"phoneNumber": "+15550100"}: the number replies STOP, as a
// recipient would, in the home account and region.
http::Response Router::sns_opt_out(const http::Request& r) const {
  auto body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  auto given = body.is_object() ? body.find("phoneNumber") : body.end();
  std::string number = body.is_object() && given != body.end() && given->is_string() ? given->get<std::string>() : std::string{};
  if (!sns::model::valid_phone_number(number))
    return http::Response::json(400, json{{"__type", "ValidationException"}, {"message", "the body needs {\"phoneNumber\": \"+<E.164 number>\"}"}}.dump());
  s_.regions.at(s_.home).sns->sms().opt_out(number);
  return http::Response::json(200, json{{"phoneNumber", number}, {"optedOut", true}}.dump());
}

asio::awaitable<http::Response> Router::localray_endpoint(const http::Request& r) const {
  std::string_view path = r.path;
  if (path == "/_localray/events") {
    auto executor = co_await asio::this_coro::executor;
    co_return s_.live->subscribe(executor);
  }
  if (path == "/_localray/health" || path == "/_localray/health/") {
    auto report = s_.health.check();
    json services = json::object();
    for (const auto& [name, status] : report.components)
      services[name] = {{"status", status.ready ? "running" : "not ready"}, {"detail", status.detail}};
    bool ready = report.ready && s_.ready;
    co_return http::Response::json(ready ? 200 : 503, json{{"status", ready ? "running" : s_.ready ? "degraded" : "starting"},
                                                           {"version", kVersion},
                                                           {"services", services},
                                                           {"segments_written", s_.pipeline->written()}}
                                                          .dump());
  }
  if (path == "/_localray/resources" || path == "/_localray/resources/") {
    co_return co_await resources();
  }
  if (path == "/_localray/metrics" || path == "/_localray/metrics/") {
    auto text = co_await render_metrics(s_);
    http::Response res;
    res.status = 200;
    res.body = std::move(text);
    res.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    co_return res;
  }
  if (path == "/_localray/logs" || path == "/_localray/logs/") co_return function_logs(r);
  if (path == "/_localray/sns/deliveries" && r.method == "GET") co_return sns_deliveries(r);
  if (path == "/_localray/sns/opt-outs" && r.method == "POST") co_return sns_opt_out(r);
  if (path == kSnsSigningCertPath) {
    // The first request may make the key (tens of milliseconds): not on an I/O thread.
    // Named, not made inside the co_await: GCC 12 destroys such temporaries twice.
    auto key = s_.sns_signing_key;
    auto read_pem = [key] { return key->certificate_pem(); };
    auto pool = s_.blocking->executor();
    auto pem = co_await base::offload(pool, read_pem);
    if (pem.empty()) co_return http::Response::json(500, json{{"message", "localray could not make its SNS signing key: " + key->problem()}}.dump());
    http::Response res;
    res.status = 200;
    res.body = std::move(pem);
    res.headers.set("Content-Type", "application/x-x509-ca-cert");
    co_return res;
  }
  if (path.rfind("/_localray/stand-in/", 0) == 0) {
    // The http function's default target: an offline stand-in for a public JSON API.
    auto id = path.substr(path.rfind('/') + 1);
    co_return http::Response::json(200, json{{"id", std::string{id}}, {"title", "localray stand-in"}, {"completed", false},
                                             {"served_by", "localray"}}
                                            .dump());
  }
  if (auto page = web::serve_console(r)) co_return std::move(*page);
  co_return unknown_operation(r);
}

namespace {

// The query protocols' error document, for a form that does not decode.
http::Response malformed_query(Service service, const std::string& request_id) {
  const char* xmlns = service == Service::Sns              ? "http://sns.amazonaws.com/doc/2010-03-31/"
                      : service == Service::CloudFormation ? "http://cloudformation.amazonaws.com/doc/2010-05-15/"
                                                           : "http://queue.amazonaws.com/doc/2012-11-05/";
  http::XmlWriter xml;
  xml.raw("<ErrorResponse xmlns=\"").raw(xmlns).raw("\">");
  xml.open("Error").element("Type", "Sender").element("Code", "MalformedQueryString");
  xml.element("Message", "The request's form body is not valid application/x-www-form-urlencoded text").close("Error");
  xml.element("RequestId", request_id).close("ErrorResponse");
  return http::Response::json(400, xml.str(), "text/xml");
}

}  // namespace

asio::awaitable<http::Response> Router::call_service(const http::Request& request, const Routed& routed, const http::CallContext& call) {
  if (routed.malformed_form) co_return malformed_query(routed.service, call.request_id);
  base::Scope scope{call.account, call.region};
  // The SubscribeURL and UnsubscribeURL SNS sends are unsigned: the ARN they carry names the scope.
  if (routed.service == Service::Sns && !sigv4_scope(request))
    for (const char* member : {"TopicArn", "SubscriptionArn"})
      if (auto arn = http::form_value(routed.form, member)) {
        if (auto named = base::scope_of_arn(std::string{*arn}); !named.region.empty() && !named.account.empty()) scope = named;
        break;
      }
  Region& region = s_.regions.at(scope);
  // A queue URL names its own account and region: SQS is routed by it, as AWS routes by its host.
  sqs::protocol::Backends queues = [this](const base::Scope& scope, bool create) -> sqs::model::Backend* {
    Region* r = create ? &s_.regions.at(scope) : s_.regions.find(scope);
    return r ? r->sqs.get() : nullptr;
  };
  switch (routed.service) {
    case Service::DynamoDB:
      co_return co_await dynamodb::protocol::handle(request, *region.dynamodb, call);
    case Service::DynamoDBStreams:
      co_return co_await dynamodb::protocol::handle_streams(request, *region.dynamodb, call);
    case Service::SqsJson:
      co_return co_await sqs::protocol::handle(request, sqs::protocol::WireProtocol::Json, queues, call);
    case Service::SqsQuery:
      co_return co_await sqs::protocol::handle(request, sqs::protocol::WireProtocol::Query, queues, call);
    case Service::Sns:
      co_return co_await sns::protocol::handle(request, *region.sns, *s_.subscriber_factory, call);
    case Service::CloudFormation:
      if (s_.cloudformation) co_return co_await cloudformation::protocol::handle(request, routed.form, *s_.cloudformation, call);
      break;
    case Service::Unknown: break;
  }
  co_return unknown_operation(request);
}

asio::awaitable<std::optional<http::Response>> Router::lambda_call(const http::Request& request, const http::CallContext& call) {
  Region& region = s_.regions.at({call.account, call.region});
  http::CallContext traced = call;
  auto what = describe_aws_call(request, Routed{});
  std::optional<UninstrumentedCall> uninstrumented;
  if (what) uninstrumented = UninstrumentedCall::begin(s_.open_invocations, traced, s_.ids, s_.clock);
  auto response = co_await lambda::protocol::handle(request, *region.lambda, *region.mappings, traced);
  if (response && uninstrumented) uninstrumented->finish(*what, *response, *s_.pipeline, s_.ids, s_.clock);
  co_return response;
}

namespace {

// What /_localray/metrics counts a request as: the service and operation AWS would name.
std::string routed_service(Service s) {
  switch (s) {
    case Service::DynamoDB: return "dynamodb";
    case Service::DynamoDBStreams: return "dynamodbstreams";
    case Service::SqsJson:
    case Service::SqsQuery: return "sqs";
    case Service::Sns: return "sns";
    case Service::CloudFormation: return "cloudformation";
    case Service::Unknown: break;
  }
  return "unknown";
}

std::string routed_operation(const http::Request& r, const Routed& routed) {
  if (auto target = r.headers.get("X-Amz-Target"); !target.empty()) {
    auto dot = target.rfind('.');
    return std::string{dot == std::string_view::npos ? target : target.substr(dot + 1)};
  }
  for (const auto& [k, v] : routed.form)
    if (k == "Action") return v;
  return "unknown";
}

// Lambda's REST operations, from the method and the path's shape.
std::string lambda_operation(const http::Request& r) {
  std::string_view p = r.path;
  auto has = [&](std::string_view part) { return p.find(part) != std::string_view::npos; };
  const std::string& m = r.method;
  if (has("/invocations")) return "Invoke";
  if (has("/invoke-async")) return "InvokeAsync";
  if (has("/event-invoke-config")) return m == "GET" ? (has("/list") ? "ListFunctionEventInvokeConfigs" : "GetFunctionEventInvokeConfig")
                                       : m == "PUT" ? "PutFunctionEventInvokeConfig" : m == "POST" ? "UpdateFunctionEventInvokeConfig"
                                                                                        : "DeleteFunctionEventInvokeConfig";
  if (has("/event-source-mappings")) return m + " event-source-mappings";
  if (has("/layers")) return m + " layers";
  if (has("/concurrency")) return m + " concurrency";
  if (has("/policy")) return m + " policy";
  if (has("/functions")) return m + " functions";
  return m + " other";
}

}  // namespace

asio::awaitable<http::Response> Router::route(http::Request request) {
  auto started = std::chrono::steady_clock::now();
  // The call as the edge reads it, once: every codec gets the parsed trace header and scope.
  const http::CallContext call = call_context(request, new_request_id(request, s_.ids), s_.home.region, s_.home.account);
  const std::string& request_id = call.request_id;
  const base::Scope scope{call.account, call.region};
  // Named, and called outside any temporary: GCC 12 destroys temporaries inside co_await twice.
  auto region_of_call = [this, &scope]() -> Region& { return s_.regions.at(scope); };
  http::Response response;
  std::string service = "localray", operation;
  bool console = false;  // localray's own pages and API: same-origin, no CORS
  if (!s_.ready && request.path.rfind("/_localray/health", 0) != 0) {
    response = http::Response::json(503, json{{"__type", "ServiceUnavailable"}, {"message", "localray is starting"}}.dump());
    response.headers.set("x-amzn-ErrorType", "ServiceUnavailable");
    operation = "starting";
  } else if (s_.draining && request.path.rfind("/_localray/", 0) != 0 &&
             request.headers.get("x-amz-security-token") != functions::runtime::kFunctionSessionToken) {
    // Stopping: runs in progress finish through this edge, nothing new is taken on.
    response = http::Response::json(503, json{{"__type", "ServiceUnavailable"}, {"message", "localray is stopping"}}.dump());
    response.headers.set("x-amzn-ErrorType", "ServiceUnavailable");
    response.headers.set("Connection", "close");
    operation = "stopping";
  } else if (request.path.rfind("/_localray/", 0) == 0 || request.path == "/_localray") {
    console = true;
    std::string_view rest = std::string_view{request.path}.substr(std::min<std::size_t>(request.path.size(), 11));
    operation = std::string{rest.substr(0, rest.find('/'))};
    if (operation.empty()) operation = "console";
    response = co_await localray_endpoint(request);
  } else if (auto otlp = co_await xray::protocol::handle_otlp(request, *region_of_call().xray, call)) {
    response = std::move(*otlp);
    service = "xray";
    operation = "OTLP";
  } else if (auto api = co_await apigateway::protocol::handle(request, find_api_, call, endpoints_.edge_url)) {
    response = std::move(*api);
    service = "apigateway";
    operation = "Invoke";
  } else if (is_preflight(request)) {
    // A browser asking before it calls an AWS API (no REST API above claimed the path).
    response = preflight_response(request);
    service = "cors";
    operation = "preflight";
  } else if (auto routed = identify_service(request); routed.service != Service::Unknown) {
    service = routed_service(routed.service);
    operation = routed_operation(request, routed);
    http::CallContext traced = call;
    auto uninstrumented = UninstrumentedCall::begin(s_.open_invocations, traced, s_.ids, s_.clock);
    response = co_await call_service(request, routed, traced);
    if (uninstrumented)
      if (auto what = describe_aws_call(request, routed)) uninstrumented->finish(*what, response, *s_.pipeline, s_.ids, s_.clock);
  } else if (auto l = co_await lambda_call(request, call)) {
    response = std::move(*l);
    service = "lambda";
    operation = lambda_operation(request);
  } else if (auto x = co_await xray::protocol::handle(request, *region_of_call().xray, call)) {
    response = std::move(*x);
    service = "xray";
    operation = request.path.size() > 1 ? request.path.substr(1) : request.path;
  } else {
    response = unknown_operation(request);
    service = "unknown";
    operation = "unknown";
  }
  if (!response.headers.has("x-amzn-RequestId")) response.headers.set("x-amzn-RequestId", request_id);
  // A REST API's answers carry the CORS headers its own methods set, and the console is same-origin.
  if (service != "apigateway" && !console) allow_origin(request, response);
  auto trace = response.headers.get("X-Amzn-Trace-Id");
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  requests_log_.answered(trace, request.method, request.target, response.status, ms);
  s_.request_metrics.observe(service, operation, response.status, ms / 1000);
  co_return response;
}

}  // namespace localray::emulator
