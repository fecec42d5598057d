#include "services/apigateway/protocol/invoke.hpp"

#include <nlohmann/json.hpp>

#include "http/form.hpp"

namespace localray::apigateway::protocol {

using nlohmann::json;

namespace {

constexpr std::string_view kMarker = "/_user_request_";

http::Response api_error(unsigned status, const std::string& type, const std::string& message) {
  auto r = http::Response::json(status, json{{"message", message}}.dump());
  r.headers.set("x-amzn-ErrorType", type);
  return r;
}

}  // namespace

std::string invoke_path(const std::string& api_id, const std::string& stage) {
  return "/restapis/" + api_id + "/" + stage + std::string{kMarker};
}

boost::asio::awaitable<std::optional<http::Response>> handle(const http::Request& r, const FindApi& find_api, http::CallContext call,
                                                             std::string edge_url) {
  // /restapis/{apiId}/{stage}/_user_request_[/{path...}]
  std::string_view path = r.path;
  if (path.rfind("/restapis/", 0) != 0) co_return std::nullopt;
  auto marker = path.find(kMarker);
  if (marker == std::string_view::npos) co_return std::nullopt;
  auto head = path.substr(10, marker - 10);
  auto slash = head.find('/');
  if (slash == std::string_view::npos || head.find('/', slash + 1) != std::string_view::npos) co_return std::nullopt;
  std::string api_id{head.substr(0, slash)}, stage{head.substr(slash + 1)};
  auto rest = path.substr(marker + kMarker.size());
  if (!rest.empty() && rest.front() != '/') co_return std::nullopt;

  http::Response out;
  auto api = find_api(api_id);
  if (!api) {
    out = api_error(404, "NotFoundException", "No API with id " + api_id);
  } else if (!api->stage(stage)) {
    out = api_error(403, "ForbiddenException", "Forbidden");
  } else {
    model::ApiRequest req;
    req.method = r.method;
    std::string raw{rest.empty() ? std::string_view{"/"} : rest};
    req.path = http::percent_decode(raw, false).value_or(raw);
    // Split before decoding: an encoded `/` belongs to its path parameter.
    for (const auto& part : model::path_parts(raw)) req.path_parts.push_back(http::percent_decode(part, false).value_or(part));
    req.stage = stage;
    if (!r.query.empty())
      if (auto q = http::parse_form(r.query))
        for (auto& [k, v] : *q) req.query.emplace_back(std::move(k), std::move(v));
    for (const auto& [k, v] : r.headers) req.headers.emplace_back(k, v);
    req.body = r.body;
    req.client_ip = r.remote_address;
    req.url = edge_url + r.target;
    req.trace = call.trace;
    auto res = co_await api->handle(std::move(req));
    out.status = res.status;
    for (auto& [k, v] : res.headers) out.headers.add(std::move(k), std::move(v));
    if (!out.headers.has("Content-Type")) out.headers.set("Content-Type", "application/json");
    out.body = std::move(res.body);
    if (!res.error_type.empty()) out.headers.set("x-amzn-ErrorType", res.error_type);
    out.headers.set("x-amzn-RequestId", res.request_id);
    out.headers.set("x-amz-apigw-id", res.request_id.substr(0, 8) + "=");
    out.headers.set("X-Amzn-Trace-Id", res.trace_header);
    co_return out;
  }
  out.headers.set("x-amzn-RequestId", call.request_id);
  co_return out;
}

}  // namespace localray::apigateway::protocol
