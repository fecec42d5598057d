#include "services/apigateway/protocol/lambda_proxy.hpp"

#include <chrono>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "http/base64.hpp"

namespace localray::apigateway::protocol {

using nlohmann::ordered_json;

namespace {

// API Gateway's requestTime: 04/Dec/2026:14:16:15 +0000.
std::string request_time(tracing::TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  return buf;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) return false;
    for (int k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += extra + 1;
  }
  return true;
}

// A map of single values (the last of each name) and one of all values, null when empty.
std::pair<ordered_json, ordered_json> single_and_multi(const model::Pairs& pairs) {
  if (pairs.empty()) return {nullptr, nullptr};
  ordered_json single = ordered_json::object(), multi = ordered_json::object();
  for (const auto& [k, v] : pairs) {
    single[k] = v;
    if (!multi.contains(k)) multi[k] = ordered_json::array();
    multi[k].push_back(v);
  }
  return {single, multi};
}

ordered_json map_or_null(const std::map<std::string, std::string>& m) {
  if (m.empty()) return nullptr;
  ordered_json out = ordered_json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

tracing::Error malformed(const std::string& why) { return tracing::Error{"Malformed Lambda proxy response: " + why}; }

constexpr std::size_t kMaxHeaderValueBytes = 10240;  // API Gateway quota: header value size

// A header value as API Gateway takes it: text, or a number or boolean written as text.
std::optional<std::string> header_value(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  return std::nullopt;
}

}  // namespace

std::string proxy_event(const model::IntegrationRequest& r) {
  auto [headers, multi_headers] = single_and_multi(r.headers);
  auto [query, multi_query] = single_and_multi(r.query);
  auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.request_time.time_since_epoch()).count();
  std::string domain_prefix = r.domain_name.substr(0, r.domain_name.find('.'));
  ordered_json identity = {{"cognitoIdentityPoolId", nullptr}, {"accountId", nullptr}, {"cognitoIdentityId", nullptr}, {"caller", nullptr},
                           {"sourceIp", r.source_ip},         {"principalOrgId", nullptr}, {"accessKey", nullptr},
                           {"cognitoAuthenticationType", nullptr}, {"cognitoAuthenticationProvider", nullptr},
                           {"userArn", nullptr},              {"userAgent", r.user_agent}, {"user", nullptr}};
  ordered_json context = {{"resourceId", r.resource_id},
                          {"resourcePath", r.resource_path},
                          {"httpMethod", r.method},
                          {"extendedRequestId", r.extended_request_id},
                          {"requestTime", request_time(r.request_time)},
                          {"path", "/" + r.stage + r.path},
                          {"accountId", r.account_id},
                          {"protocol", "HTTP/1.1"},
                          {"stage", r.stage},
                          {"domainPrefix", domain_prefix},
                          {"requestTimeEpoch", epoch_ms},
                          {"requestId", r.request_id},
                          {"identity", identity},
                          {"domainName", r.domain_name},
                          {"apiId", r.api_id}};
  bool binary = !valid_utf8(r.body);
  ordered_json event = {{"resource", r.resource_path},
                        {"path", r.path},
                        {"httpMethod", r.method},
                        {"headers", headers},
                        {"multiValueHeaders", multi_headers},
                        {"queryStringParameters", query},
                        {"multiValueQueryStringParameters", multi_query},
                        {"pathParameters", map_or_null(r.path_parameters)},
                        {"stageVariables", map_or_null(r.stage_variables)},
                        {"requestContext", context},
                        {"body", r.body.empty() ? ordered_json(nullptr) : ordered_json(binary ? http::base64_encode(r.body) : r.body)},
                        {"isBase64Encoded", binary}};
  return event.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

tracing::Result<ProxyResponse> parse_proxy_response(const std::string& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return malformed("the function's answer is not a JSON object");
  static const std::set<std::string> allowed = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"};
  for (const auto& [k, v] : j.items())
    if (!allowed.contains(k)) return malformed("'" + k + "' is not a member of a proxy response");
  ProxyResponse out;
  if (auto s = j.find("statusCode"); s != j.end()) {
    std::optional<long long> code;
    if (s->is_number_integer()) code = s->get<long long>();
    else if (s->is_string()) {
      try {
        std::size_t used = 0;
        code = std::stoll(s->get<std::string>(), &used);
        if (used != s->get_ref<const std::string&>().size()) code.reset();
      } catch (const std::exception&) {
      }
    }
    if (!code || *code < 100 || *code > 599) return malformed("statusCode must be an HTTP status");
    out.status = static_cast<unsigned>(*code);
  }
  std::map<std::string, std::vector<std::string>> merged;
  if (auto h = j.find("headers"); h != j.end() && !h->is_null()) {
    if (!h->is_object()) return malformed("headers must be an object");
    for (const auto& [k, v] : h->items()) {
      auto value = header_value(v);
      if (!value) return malformed("header '" + k + "' must be a string");
      merged[k] = {*value};
    }
  }
  if (auto h = j.find("multiValueHeaders"); h != j.end() && !h->is_null()) {
    if (!h->is_object()) return malformed("multiValueHeaders must be an object");
    for (const auto& [k, list] : h->items()) {
      if (!list.is_array()) return malformed("multiValueHeaders '" + k + "' must be a list");
      std::vector<std::string> values;
      for (const auto& v : list) {
        auto value = header_value(v);
        if (!value) return malformed("multiValueHeaders '" + k + "' must hold strings");
        values.push_back(*value);
      }
      merged[k] = std::move(values);
    }
  }
  for (auto& [k, values] : merged)
    for (auto& v : values) {
      if (k.empty() || v.size() > kMaxHeaderValueBytes) return malformed("header '" + k + "' is over API Gateway's 10240 bytes or has no name");
      out.headers.emplace_back(k, std::move(v));
    }
  bool base64 = false;
  if (auto b = j.find("isBase64Encoded"); b != j.end() && !b->is_null()) {
    if (!b->is_boolean()) return malformed("isBase64Encoded must be a boolean");
    base64 = b->get<bool>();
  }
  if (auto b = j.find("body"); b != j.end() && !b->is_null()) {
    if (!b->is_string()) return malformed("body must be a string");
    out.body = b->get<std::string>();
    if (base64) {
      auto decoded = http::base64_decode(out.body, http::Padding::Required);
      if (!decoded) return malformed("body is not valid base64");
      out.body = std::move(*decoded);
    }
  }
  return out;
}

}  // namespace localray::apigateway::protocol
