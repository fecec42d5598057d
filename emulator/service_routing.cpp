#include "emulator/service_routing.hpp"

namespace localray::emulator {

std::string_view sigv4_service(std::string_view authorization) {
  auto pos = authorization.find("Credential=");
  if (pos == std::string_view::npos) return {};
  auto scope = authorization.substr(pos + 11);
  scope = scope.substr(0, scope.find_first_of(", "));
  // AKID / date / region / service / aws4_request
  for (int i = 0; i < 3; ++i) {
    auto slash = scope.find('/');
    if (slash == std::string_view::npos) return {};
    scope.remove_prefix(slash + 1);
  }
  return scope.substr(0, scope.find('/'));
}

Routed identify_service(const http::Request& r) {
  Routed out;
  auto target = r.headers.get("X-Amz-Target");
  if (target.rfind("DynamoDB_20120810.", 0) == 0) {
    out.service = Service::DynamoDB;
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
  if (!form || !http::form_value(*form, "Action")) return out;
  auto version = http::form_value(*form, "Version").value_or("");
  auto signed_for = sigv4_service(r.headers.get("Authorization"));
  if (version == "2010-03-31" || (version.empty() && signed_for == "sns")) out.service = Service::Sns;
  else if (version == "2012-11-05" || (version.empty() && signed_for == "sqs")) out.service = Service::SqsQuery;
  else if (signed_for == "sns") out.service = Service::Sns;
  else if (signed_for == "sqs") out.service = Service::SqsQuery;
  if (out.service != Service::Unknown) out.form = std::move(*form);
  return out;
}

}  // namespace localray::emulator
