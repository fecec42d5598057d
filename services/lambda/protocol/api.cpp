#include "services/lambda/protocol/api.hpp"

#include <nlohmann/json.hpp>

#include "http/base64.hpp"
#include "http/form.hpp"
#include "services/lambda/protocol/function_operations.hpp"
#include "services/lambda/protocol/event_invoke_operations.hpp"
#include "services/lambda/protocol/layer_operations.hpp"
#include "services/lambda/protocol/mapping_operations.hpp"
#include "services/lambda/protocol/shapes.hpp"

namespace localray::lambda::protocol {

using nlohmann::json;
namespace asio = boost::asio;

namespace {

// Path split into segments, each percent-decoded; trailing slashes ignored.
std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    out.push_back(http::percent_decode(part, false).value_or(std::string{part}));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

asio::awaitable<http::Response> invoke(const http::Request& r, const http::CallContext& call, model::Runner& runner, const std::string& function,
                                       bool legacy_async) {
  std::string type = legacy_async ? "Event" : std::string{r.headers.get("X-Amz-Invocation-Type")};
  if (type.empty()) type = "RequestResponse";
  const std::optional<tracing::TraceHeader>& trace = call.trace;
  std::string payload = r.body.empty() ? "{}" : r.body;
  if (type == "DryRun") {
    auto f = runner.find(function);
    if (!f) co_return error(f.error());
    http::Response res;
    res.status = 204;
    co_return res;
  }
  if (type == "Event") {
    auto id = runner.invoke_async(function, payload, trace);
    if (!id) co_return error(id.error());
    http::Response res = legacy_async ? http::Response::json(202, R"({"Status":202})") : http::Response{};
    res.status = 202;
    co_return res;
  }
  if (type != "RequestResponse")
    co_return error(model::Code::InvalidParameterValue, "1 validation error detected: Value '" + type +
                                                            "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
  // The caller's client context travels base64-encoded; the function gets its JSON.
  std::string client_context;
  if (auto encoded = r.headers.get("X-Amz-Client-Context"); !encoded.empty()) {
    auto decoded = http::base64_decode(encoded);
    if (encoded.size() > 3583 || !decoded || json::parse(*decoded, nullptr, false).is_discarded())
      co_return error(model::Code::InvalidParameterValue, "Client context must be a valid Base64-encoded JSON object of at most 3583 bytes.");
    client_context = std::move(*decoded);
  }
  nlohmann::json no_links = nullptr;  // named: GCC 12 destroys temporaries made inside co_await twice
  auto result = co_await runner.invoke(function, payload, trace, no_links, std::move(client_context));
  if (!result) co_return error(result.error());
  auto res = http::Response::json(200, result->payload);
  res.headers.set("X-Amz-Executed-Version", result->executed_version);
  if (result->error) res.headers.set("X-Amz-Function-Error", "Unhandled");
  if (r.headers.get("X-Amz-Log-Type") == "Tail") {
    // Lambda returns the last 4 KB of the run's log.
    std::string_view log = result->log_tail;
    if (log.size() > 4096) log = log.substr(log.size() - 4096);
    res.headers.set("X-Amz-Log-Result", http::base64_encode(log));
  }
  co_return res;
}

}  // namespace

asio::awaitable<std::optional<http::Response>> handle(const http::Request& r, model::Runner& runner, model::EventSourceMappings& mappings,
                                                      http::CallContext call) {
  auto parts = segments(r.path);
  if (parts.size() < 2 || (parts[0] != "2015-03-31" && parts[0] != "2014-11-13" && parts[0] != "2017-10-31" && parts[0] != "2019-09-30" && parts[0] != "2019-09-25" &&
                           parts[0] != "2018-10-31"))
    co_return std::nullopt;
  std::optional<http::Response> out;
  const std::string& method = r.method;
  if (parts[0] == "2014-11-13") {
    if (parts.size() == 4 && parts[1] == "functions" && parts[3] == "invoke-async" && method == "POST")
      out = co_await invoke(r, call, runner, parts[2], true);
  } else if ((parts[0] == "2017-10-31" || parts[0] == "2019-09-30") && parts.size() == 4 && parts[1] == "functions" && parts[3] == "concurrency") {
    out = concurrency_call(r, runner, parts[2]);
  } else if (parts[0] == "2019-09-25") {
    out = event_invoke_call(r, runner, parts);
  } else if (parts[0] == "2018-10-31" && parts[1] == "layers") {
    out = layer_call(r, runner, parts);
  } else if (parts[1] == "functions") {
    if (parts.size() == 2 && method == "GET") {
      json fns = json::array();
      for (const auto& f : runner.functions()) fns.push_back(configuration(*f));
      out = http::Response::json(200, json{{"Functions", fns}}.dump());
    } else if (parts.size() == 2 && method == "POST") {
      out = create_function(r, runner);
    } else if (parts.size() >= 3) {
      if (parts.size() == 4 && parts[3] == "invocations" && method == "POST") {
        out = co_await invoke(r, call, runner, parts[2], false);
      } else if (parts.size() == 3 && method == "DELETE") {
        out = delete_function(runner, parts[2]);
      } else if (parts.size() == 4 && parts[3] == "code" && method == "PUT") {
        out = update_function_code(r, runner, parts[2]);
      } else if (parts.size() == 4 && parts[3] == "configuration" && method == "PUT") {
        out = update_function_configuration(r, runner, parts[2]);
      } else if ((parts.size() == 4 || parts.size() == 5) && parts[3] == "policy") {
        out = policy_call(r, runner, parts);
      } else if (method == "GET" && (parts.size() == 3 || (parts.size() == 4 && parts[3] == "configuration"))) {
        auto f = runner.find(parts[2]);
        if (!f) out = error(f.error());
        else if (parts.size() == 4) out = http::Response::json(200, configuration(**f).dump());
        else
          out = http::Response::json(200, json{{"Configuration", configuration(**f)},
                                               {"Code", {{"RepositoryType", "S3"}, {"Location", ""}}},
                                               {"Tags", json::object()}}
                                              .dump());
      }
    }
  } else if (parts[1] == "event-source-mappings") {
    out = mapping_call(r, mappings, parts);
  }
  if (!out) {
    auto res = http::Response::json(404, json{{"Type", "User"}, {"message", "localray serves no Lambda operation at " + method + " " + r.path}}.dump());
    res.headers.set("x-amzn-ErrorType", "UnknownOperationException");
    out = std::move(res);
  }
  out->headers.set("x-amzn-RequestId", call.request_id);
  co_return out;
}

}  // namespace localray::lambda::protocol
