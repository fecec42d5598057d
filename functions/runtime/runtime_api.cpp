#include "functions/runtime/runtime_api.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace localray::functions::runtime {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";

http::Response status_response(unsigned status, std::string_view error_type, std::string_view message) {
  if (status == 202) return http::Response::json(202, R"({"status":"OK"})");
  // The message may quote the worker's path or request id, which need not be UTF-8.
  return http::Response::json(status, json{{"errorMessage", message}, {"errorType", error_type}}.dump(-1, ' ', false, json::error_handler_t::replace));
}

http::Response ack_response(Ack ack, std::string_view request_id) {
  switch (ack) {
    case Ack::Accepted: return status_response(202, "", "");
    case Ack::UnknownRequest:
      return status_response(400, "InvalidRequestID", "Invalid request ID: " + std::string{request_id} + " is not in flight");
    case Ack::NotNow: return status_response(403, "InvalidStateTransition", "State transition is not allowed");
    case Ack::TooLarge:
      return status_response(413, "RequestEntityTooLarge",
                             "Exceeded maximum allowed payload size (" + std::to_string(kMaxResponseBytes) + " bytes).");
  }
  return status_response(500, "ServiceException", "unexpected state");
}

// `(Runtime|Function)\.[A-Z][a-zA-Z]+`, checked by hand: std::regex recurses once per character
// and a worker's header of a few ten thousand letters overflowed the stack.
bool valid_type(std::string_view t) {
  std::string_view rest;
  if (t.starts_with("Runtime.")) rest = t.substr(8);
  else if (t.starts_with("Function.")) rest = t.substr(9);
  else return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  return rest.size() >= 2 && rest[0] >= 'A' && rest[0] <= 'Z' && std::all_of(rest.begin() + 1, rest.end(), letter);
}

}  // namespace

std::string normalise_error_type(std::string_view header, std::string_view body) {
  if (!header.empty()) {
    if (valid_type(header)) return std::string{header};
    return header.starts_with("Function") ? "Function.Unknown" : "Runtime.Unknown";
  }
  // Without the header the document's own errorType names it, as Invoke reports it.
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("errorType") && doc["errorType"].is_string()) return doc["errorType"].get<std::string>();
  return "Runtime.Unknown";
}

asio::awaitable<http::Response> serve_runtime_api(http::Request r, RuntimeEndpoint& endpoint) {
  std::string_view path = r.path;
  if (!path.starts_with(kPrefix)) co_return status_response(404, "NotFound", "no Runtime API route at " + r.path);
  path.remove_prefix(kPrefix.size());
  if (path == "invocation/next" && r.method == "GET") {
    auto next = co_await endpoint.next();
    if (!next) co_return status_response(410, "EnvironmentStopping", "the execution environment is shutting down");
    http::Response res = http::Response::json(200, std::move(next->event));
    auto add = [&res](const char* name, const std::string& value) {
      if (!value.empty()) res.headers.set(name, value);
    };
    add("Lambda-Runtime-Aws-Request-Id", next->request_id);
    add("Lambda-Runtime-Deadline-Ms", std::to_string(next->deadline_ms));
    add("Lambda-Runtime-Invoked-Function-Arn", next->function_arn);
    add("Lambda-Runtime-Trace-Id", next->trace_header);
    add("Lambda-Runtime-Client-Context", next->client_context);
    add("Lambda-Runtime-Cognito-Identity", next->cognito_identity);
    co_return res;
  }
  if (path == "init/error" && r.method == "POST") {
    RuntimeError e{normalise_error_type(r.headers.get("Lambda-Runtime-Function-Error-Type"), r.body), std::move(r.body)};
    auto ack = co_await endpoint.fail_init(std::move(e));
    co_return ack_response(ack, "");
  }
  if (path.starts_with("invocation/") && r.method == "POST") {
    path.remove_prefix(std::string_view{"invocation/"}.size());
    auto slash = path.find('/');
    if (slash != std::string_view::npos) {
      std::string id{path.substr(0, slash)};
      auto what = path.substr(slash + 1);
      if (what == "response") {
        // A streamed response (Lambda-Runtime-Function-Response-Mode: streaming) arrives here as
        // its whole body: Beast has de-chunked it.
        auto ack = co_await endpoint.respond(id, std::move(r.body));
        co_return ack_response(ack, id);
      }
      if (what == "error") {
        RuntimeError e{normalise_error_type(r.headers.get("Lambda-Runtime-Function-Error-Type"), r.body), std::move(r.body)};
        auto ack = co_await endpoint.fail(id, std::move(e));
        co_return ack_response(ack, id);
      }
    }
  }
  co_return status_response(404, "NotFound", "no Runtime API route at " + r.method + " " + r.path);
}

}  // namespace localray::functions::runtime
