#include "emulator/service_routing.hpp"

#include <algorithm>
#include <cctype>

namespace localray::emulator {

namespace {

// AKID / date / region / service / aws4_request
std::optional<SigV4Scope> parse_scope(std::string_view credential) {
  SigV4Scope out;
  std::string* parts[] = {&out.access_key_id, &out.date, &out.region, &out.service};
  for (auto* part : parts) {
    auto slash = credential.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    *part = std::string{credential.substr(0, slash)};
    credential.remove_prefix(slash + 1);
  }
  if (credential != "aws4_request" || out.region.empty() || out.service.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::optional<SigV4Scope> sigv4_scope(std::string_view authorization) {
  auto pos = authorization.find("Credential=");
  if (pos == std::string_view::npos) return std::nullopt;
  auto scope = authorization.substr(pos + 11);
  return parse_scope(scope.substr(0, scope.find_first_of(", ")));
}

std::optional<SigV4Scope> sigv4_scope(const http::Request& r) {
  if (auto header = r.headers.get("Authorization"); !header.empty()) return sigv4_scope(header);
  if (r.query.find("X-Amz-Credential=") == std::string::npos) return std::nullopt;
  auto query = http::parse_form(r.query);
  if (!query) return std::nullopt;
  auto credential = http::form_value(*query, "X-Amz-Credential");
  return credential ? parse_scope(*credential) : std::nullopt;
}

std::string new_request_id(const http::Request& request, tracing::IdGenerator& ids) {
  auto target = request.headers.get("X-Amz-Target");
  if (target.rfind("DynamoDB_20120810.", 0) == 0 || target.rfind("DynamoDBStreams_20120810.", 0) == 0) return ids.dynamodb_request_id();
  return ids.uuid();
}

http::CallContext call_context(const http::Request& r, std::string request_id, const std::string& default_region,
                               const std::string& default_account) {
  http::CallContext out;
  out.request_id = std::move(request_id);
  if (auto h = r.headers.get("X-Amzn-Trace-Id"); !h.empty()) out.trace = tracing::TraceHeader::parse(h);
  out.region = default_region;
  out.account = default_account;
  if (auto scope = sigv4_scope(r)) {
    out.region = scope->region;
    out.access_key_id = scope->access_key_id;
    const auto& key = scope->access_key_id;
    if (key.size() == 12 && std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isdigit(c); })) out.account = key;
  }
  return out;
}

Routed identify_service(const http::Request& r) {
  Routed out;
  auto target = r.headers.get("X-Amz-Target");
  if (target.rfind("DynamoDB_20120810.", 0) == 0) {
    out.service = Service::DynamoDB;
    return out;
  }
  if (target.rfind("DynamoDBStreams_20120810.", 0) == 0) {
    out.service = Service::DynamoDBStreams;
    return out;
  }
  if (target.rfind("AmazonSQS.", 0) == 0) {
    out.service = Service::SqsJson;
    return out;
  }
  // Query protocols: a form body, or the query string of a GET.
  std::string_view type = r.headers.get("Content-Type");
  std::optional<http::FormFields> form;
  if (type.find("application/x-www-form-urlencoded") != std::string_view::npos) form = http::parse_form(r.body);
  else if (r.method == "GET" && !r.query.empty()) form = http::parse_form(r.query);
  auto scope = sigv4_scope(r.headers.get("Authorization"));
  std::string_view signed_for = scope ? std::string_view{scope->service} : std::string_view{};
  if (!form && type.find("application/x-www-form-urlencoded") != std::string_view::npos) {
    if (signed_for == "sns") out.service = Service::Sns;
    else if (signed_for == "sqs") out.service = Service::SqsQuery;
    else if (signed_for == "cloudformation") out.service = Service::CloudFormation;
    out.malformed_form = out.service != Service::Unknown;
    return out;
  }
  if (!form || !http::form_value(*form, "Action")) return out;
  auto version = http::form_value(*form, "Version").value_or("");
  if (version == "2010-03-31" || (version.empty() && signed_for == "sns")) out.service = Service::Sns;
  else if (version == "2010-05-15" || (version.empty() && signed_for == "cloudformation")) out.service = Service::CloudFormation;
  else if (version == "2012-11-05" || (version.empty() && signed_for == "sqs")) out.service = Service::SqsQuery;
  else if (signed_for == "sns") out.service = Service::Sns;
  else if (signed_for == "sqs") out.service = Service::SqsQuery;
  // The SubscribeURL and UnsubscribeURL SNS sends to http/https endpoints: unsigned GETs that name
  // neither a version nor a service, and actions only SNS has.
  else if (auto action = http::form_value(*form, "Action"); signed_for.empty() && version.empty() &&
                                                            (action == "ConfirmSubscription" || action == "Unsubscribe"))
    out.service = Service::Sns;
  if (out.service != Service::Unknown) out.form = std::move(*form);
  return out;
}

}  // namespace localray::emulator
