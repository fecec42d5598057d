#include "services/xray/protocol/settings_json.hpp"

namespace localray::xray::protocol {

using nlohmann::json;

namespace {

// A member of the wire type, or an error naming it; absent members are left to the caller.
template <class T>
tracing::Result<std::optional<T>> member(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<T>{};
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return tracing::Error{std::string{key} + " must be a string"};
  } else if constexpr (std::is_same_v<T, int>) {
    if (!it->is_number_integer()) return tracing::Error{std::string{key} + " must be an integer"};
  } else if constexpr (std::is_same_v<T, double>) {
    if (!it->is_number()) return tracing::Error{std::string{key} + " must be a number"};
  } else {
    if (!it->is_object()) return tracing::Error{std::string{key} + " must be a map of strings"};
    for (const auto& [k, v] : it->items())
      if (!v.is_string()) return tracing::Error{std::string{key} + " must be a map of strings"};
  }
  return std::optional<T>{it->get<T>()};
}

}  // namespace

json group_json(const model::Group& g) {
  return {{"GroupName", g.name},
          {"GroupARN", g.arn},
          {"FilterExpression", g.filter_expression},
          {"InsightsConfiguration", {{"InsightsEnabled", g.insights_enabled}, {"NotificationsEnabled", g.notifications_enabled}}}};
}

json rule_json(const tracing::SamplingRule& r) {
  return {{"RuleName", r.name},       {"RuleARN", r.arn},         {"ResourceARN", r.resource_arn},
          {"Priority", r.priority},   {"FixedRate", r.fixed_rate}, {"ReservoirSize", r.reservoir_size},
          {"ServiceName", r.service_name}, {"ServiceType", r.service_type}, {"Host", r.host},
          {"HTTPMethod", r.http_method}, {"URLPath", r.url_path}, {"Version", r.version},
          {"Attributes", r.attributes}};
}

json rule_record_json(const tracing::SamplingRuleRecord& r) {
  return {{"SamplingRule", rule_json(r.rule)}, {"CreatedAt", r.created_at}, {"ModifiedAt", r.modified_at}};
}

tracing::Result<tracing::SamplingRule> rule_from_json(const json& j) {
  tracing::SamplingRule r;
  for (auto [key, field] : std::initializer_list<std::pair<const char*, std::string*>>{{"RuleName", &r.name},
                                                                                        {"ResourceARN", &r.resource_arn},
                                                                                        {"ServiceName", &r.service_name},
                                                                                        {"ServiceType", &r.service_type},
                                                                                        {"Host", &r.host},
                                                                                        {"HTTPMethod", &r.http_method},
                                                                                        {"URLPath", &r.url_path}}) {
    auto v = member<std::string>(j, key);
    if (!v) return v.error();
    if (!*v) return tracing::Error{std::string{key} + " is required"};
    *field = **v;
  }
  auto priority = member<int>(j, "Priority");
  auto reservoir = member<int>(j, "ReservoirSize");
  auto rate = member<double>(j, "FixedRate");
  auto version = member<int>(j, "Version");
  auto attributes = member<std::map<std::string, std::string>>(j, "Attributes");
  for (const auto* ok : {&priority, &reservoir, &version})
    if (!*ok) return ok->error();
  if (!rate) return rate.error();
  if (!attributes) return attributes.error();
  if (!*priority) return tracing::Error{"Priority is required"};
  if (!*reservoir) return tracing::Error{"ReservoirSize is required"};
  if (!*rate) return tracing::Error{"FixedRate is required"};
  r.priority = **priority;
  r.reservoir_size = **reservoir;
  r.fixed_rate = **rate;
  if (*version) r.version = **version;  // botocore requires it; hand-written calls may leave it out
  if (*attributes) r.attributes = **attributes;
  return r;
}

tracing::Result<model::SamplingRuleUpdate> rule_update_from_json(const json& j) {
  model::SamplingRuleUpdate u;
  auto name = member<std::string>(j, "RuleName");
  auto arn = member<std::string>(j, "RuleARN");
  if (!name) return name.error();
  if (!arn) return arn.error();
  if (*name) u.name_or_arn = **name;
  else if (*arn) u.name_or_arn = **arn;
  else return tracing::Error{"RuleName or RuleARN is required"};
  for (auto [key, field] : std::initializer_list<std::pair<const char*, std::optional<std::string>*>>{{"ResourceARN", &u.resource_arn},
                                                                                                      {"ServiceName", &u.service_name},
                                                                                                      {"ServiceType", &u.service_type},
                                                                                                      {"Host", &u.host},
                                                                                                      {"HTTPMethod", &u.http_method},
                                                                                                      {"URLPath", &u.url_path}}) {
    auto v = member<std::string>(j, key);
    if (!v) return v.error();
    *field = *v;
  }
  auto priority = member<int>(j, "Priority");
  auto reservoir = member<int>(j, "ReservoirSize");
  auto rate = member<double>(j, "FixedRate");
  auto attributes = member<std::map<std::string, std::string>>(j, "Attributes");
  if (!priority) return priority.error();
  if (!reservoir) return reservoir.error();
  if (!rate) return rate.error();
  if (!attributes) return attributes.error();
  u.priority = *priority;
  u.reservoir_size = *reservoir;
  u.fixed_rate = *rate;
  u.attributes = *attributes;
  return u;
}

tracing::Result<std::vector<model::SamplingStatistics>> statistics_from_json(const json& documents) {
  if (!documents.is_array()) return tracing::Error{"SamplingStatisticsDocuments is required"};
  std::vector<model::SamplingStatistics> out;
  for (const auto& d : documents) {
    if (!d.is_object()) return tracing::Error{"SamplingStatisticsDocuments holds objects"};
    model::SamplingStatistics s;
    auto rule = member<std::string>(d, "RuleName");
    auto client = member<std::string>(d, "ClientID");
    if (!rule) return rule.error();
    if (!client) return client.error();
    if (!*rule || !*client) return tracing::Error{"RuleName and ClientID are required in every SamplingStatisticsDocument"};
    s.rule_name = **rule;
    s.client_id = **client;
    for (auto [key, field] : std::initializer_list<std::pair<const char*, long long*>>{
             {"RequestCount", &s.request_count}, {"SampledCount", &s.sampled_count}, {"BorrowCount", &s.borrow_count}}) {
      auto it = d.find(key);
      if (it == d.end()) continue;
      if (!it->is_number_integer() || it->get<long long>() < 0) return tracing::Error{std::string{key} + " must be a non-negative integer"};
      *field = it->get<long long>();
    }
    if (auto t = d.find("Timestamp"); t != d.end() && t->is_number()) s.timestamp = t->get<double>();
    out.push_back(std::move(s));
  }
  return out;
}

json targets_json(const model::SamplingTargets& t) {
  json targets = json::array(), unprocessed = json::array();
  for (const auto& d : t.targets)
    targets.push_back({{"RuleName", d.rule_name},
                       {"FixedRate", d.fixed_rate},
                       {"ReservoirQuota", d.reservoir_quota},
                       {"ReservoirQuotaTTL", d.reservoir_quota_ttl},
                       {"Interval", d.interval}});
  for (const auto& u : t.unprocessed) unprocessed.push_back({{"RuleName", u.rule_name}, {"ErrorCode", u.error_code}, {"Message", u.message}});
  return {{"SamplingTargetDocuments", targets}, {"LastRuleModification", t.last_rule_modification}, {"UnprocessedStatistics", unprocessed}};
}

}  // namespace localray::xray::protocol
