#include "services/xray/model/sampling_rules.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "services/xray/model/groups.hpp"

namespace localray::xray::model {

namespace {

// A client that has not reported for two intervals no longer holds a share.
constexpr double kClientActiveSeconds = 2.0 * kTargetIntervalSeconds;

Error invalid(std::string message) { return Error{Code::Invalid, std::move(message)}; }

Result<void> check_length(const std::string& member, const std::string& value, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max)
    return invalid(member + " must be " + std::to_string(min) + " to " + std::to_string(max) + " characters");
  return {};
}

// X-Ray's bounds on a rule's members.
Result<void> validate(const tracing::SamplingRule& r) {
  if (!std::all_of(r.name.begin(), r.name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
    return invalid("RuleName may hold letters, digits, '-' and '_' only");
  for (auto [member, value, min, max] : std::initializer_list<std::tuple<const char*, const std::string*, std::size_t, std::size_t>>{
           {"RuleName", &r.name, 1, 32},
           {"ResourceARN", &r.resource_arn, 0, 500},
           {"ServiceName", &r.service_name, 0, 64},
           {"ServiceType", &r.service_type, 0, 64},
           {"Host", &r.host, 0, 64},
           {"HTTPMethod", &r.http_method, 0, 10},
           {"URLPath", &r.url_path, 0, 128}})
    if (auto ok = check_length(member, *value, min, max); !ok) return ok.error();
  if (r.priority < 1 || r.priority > 9999) return invalid("Priority must be between 1 and 9999");
  if (!(r.fixed_rate >= 0 && r.fixed_rate <= 1)) return invalid("FixedRate must be between 0 and 1");
  if (r.reservoir_size < 0) return invalid("ReservoirSize must be at least 0");
  if (r.version != 1) return invalid("Version must be 1");
  if (r.attributes.size() > 5) return invalid("Attributes may hold at most 5 entries");
  for (const auto& [k, v] : r.attributes)
    if (k.empty() || k.size() > 32 || v.empty() || v.size() > 32) return invalid("Attributes keys and values must be 1 to 32 characters");
  return {};
}

bool by_priority(const tracing::SamplingRuleRecord& a, const tracing::SamplingRuleRecord& b) {
  bool a_default = a.rule.name == "Default", b_default = b.rule.name == "Default";
  if (a_default != b_default) return b_default;
  if (a.rule.priority != b.rule.priority) return a.rule.priority < b.rule.priority;
  return a.rule.name < b.rule.name;
}

}  // namespace

std::unique_ptr<SamplingRules> SamplingRules::fresh(tracing::SettingsStore& store, base::Scope scope, const tracing::Clock& clock,
                                                    tracing::Sampler& sampler) {
  std::unique_ptr<SamplingRules> out{new SamplingRules{store, std::move(scope), clock, sampler}};
  auto def = out->builtin_default();
  out->rules_.emplace(def.rule.name, std::move(def));
  std::lock_guard lock{out->mutex_};
  out->publish();
  return out;
}

Result<std::unique_ptr<SamplingRules>> SamplingRules::load(tracing::SettingsStore& store, base::Scope scope, const tracing::Clock& clock,
                                                           tracing::Sampler& sampler) {
  auto rows = store.sampling_rules(scope);
  if (!rows) return Error{Code::Storage, "sampling rules: " + rows.error().message};
  auto out = fresh(store, std::move(scope), clock, sampler);
  std::lock_guard lock{out->mutex_};
  // A stored Default is one whose rate or reservoir was changed: it replaces the built-in one.
  for (auto& r : *rows) out->rules_.insert_or_assign(r.rule.name, std::move(r));
  out->publish();
  return out;
}

std::string SamplingRules::arn(const std::string& name) const { return "arn:aws:xray:" + scope_.region + ":" + scope_.account + ":sampling-rule/" + name; }

tracing::SamplingRuleRecord SamplingRules::builtin_default() const {
  tracing::SamplingRuleRecord r;
  r.rule.name = "Default";
  r.rule.arn = arn("Default");
  r.rule.priority = 10000;
  r.rule.fixed_rate = 1.0;
  r.rule.reservoir_size = 1;
  return r;
}

std::vector<tracing::SamplingRuleRecord> SamplingRules::list() const {
  std::lock_guard lock{mutex_};
  std::vector<tracing::SamplingRuleRecord> out;
  for (const auto& [name, r] : rules_) out.push_back(r);
  std::sort(out.begin(), out.end(), by_priority);
  return out;
}

void SamplingRules::publish() {
  std::vector<tracing::SamplingRule> rules;
  for (const auto& [name, r] : rules_) rules.push_back(r.rule);
  sampler_.set_rules(std::move(rules));
}

Result<tracing::SamplingRuleRecord> SamplingRules::save(tracing::SamplingRuleRecord record) {
  if (auto saved = store_.put_sampling_rule(scope_, record); !saved)
    return Error{Code::Storage, "the sampling rule could not be saved: " + saved.error().message};
  std::lock_guard lock{mutex_};
  rules_.insert_or_assign(record.rule.name, record);
  publish();
  return record;
}

std::optional<tracing::SamplingRuleRecord> SamplingRules::find(const std::string& name) const {
  std::lock_guard lock{mutex_};
  auto it = rules_.find(name);
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

Result<tracing::SamplingRuleRecord> SamplingRules::create(tracing::SamplingRule rule) {
  if (rule.name == "Default") return Error{Code::AlreadyExists, "A sampling rule named Default already exists"};
  if (auto ok = validate(rule); !ok) return ok.error();
  std::lock_guard writing{write_mutex_};
  if (find(rule.name)) return Error{Code::AlreadyExists, "A sampling rule named " + rule.name + " already exists"};
  if (list().size() - 1 >= kMaxSamplingRules)
    return Error{Code::RuleLimit, "A region holds at most " + std::to_string(kMaxSamplingRules) + " sampling rules besides Default"};
  rule.arn = arn(rule.name);
  double now = tracing::epoch_seconds(clock_.now());
  return save(tracing::SamplingRuleRecord{std::move(rule), now, now});
}

Result<tracing::SamplingRuleRecord> SamplingRules::update(const SamplingRuleUpdate& u) {
  auto name = name_of(u.name_or_arn);
  std::lock_guard writing{write_mutex_};
  auto current = find(name);
  if (!current) return Error{Code::NotFound, "Sampling rule not found: " + name};
  tracing::SamplingRuleRecord r = std::move(*current);
  if (name == "Default" && (u.resource_arn || u.service_name || u.service_type || u.host || u.http_method || u.url_path || u.priority ||
                            u.attributes))
    return invalid("Only FixedRate and ReservoirSize of the Default rule can be changed");
  auto set = [](auto& field, const auto& value) {
    if (value) field = *value;
  };
  set(r.rule.resource_arn, u.resource_arn);
  set(r.rule.service_name, u.service_name);
  set(r.rule.service_type, u.service_type);
  set(r.rule.host, u.host);
  set(r.rule.http_method, u.http_method);
  set(r.rule.url_path, u.url_path);
  set(r.rule.priority, u.priority);
  set(r.rule.reservoir_size, u.reservoir_size);
  set(r.rule.fixed_rate, u.fixed_rate);
  set(r.rule.attributes, u.attributes);
  // Default keeps its priority, which no user rule may take.
  if (auto ok = name == "Default" ? Result<void>{} : validate(r.rule); !ok) return ok.error();
  if (name == "Default" && (!(r.rule.fixed_rate >= 0 && r.rule.fixed_rate <= 1) || r.rule.reservoir_size < 0))
    return invalid("FixedRate must be between 0 and 1 and ReservoirSize at least 0");
  r.modified_at = tracing::epoch_seconds(clock_.now());
  return save(std::move(r));
}

Result<tracing::SamplingRuleRecord> SamplingRules::remove(const std::string& name_or_arn) {
  auto name = name_of(name_or_arn);
  if (name == "Default") return invalid("The Default sampling rule cannot be deleted");
  std::lock_guard writing{write_mutex_};
  auto record = find(name);
  if (!record) return Error{Code::NotFound, "Sampling rule not found: " + name};
  if (auto saved = store_.remove_sampling_rule(scope_, name); !saved)
    return Error{Code::Storage, "the sampling rule could not be deleted: " + saved.error().message};
  std::lock_guard lock{mutex_};
  rules_.erase(name);
  reports_.erase(name);
  publish();
  return *record;
}

double SamplingRules::rate(const std::string& rule, const std::string& client, long long requests, double now) const {
  // Over the time since the client's previous report: clients report at intervals of their own.
  double window = kTargetIntervalSeconds;
  if (auto r = reports_.find(rule); r != reports_.end())
    if (auto c = r->second.find(client); c != r->second.end() && now - c->second.at > 0 && now - c->second.at <= kClientActiveSeconds)
      window = now - c->second.at;
  return static_cast<double>(requests) / window;
}

void SamplingRules::record_own_counts(double now) {
  for (const auto& [rule, counts] : sampler_.take_statistics()) {
    // A rule localray has not met since its last report keeps its share at zero weight.
    double r = rate(rule, kLocalrayClientId, static_cast<long long>(counts.requests), now);
    reports_[rule][kLocalrayClientId] = ClientReport{now, r};
  }
}

int SamplingRules::quota_of(const tracing::SamplingRuleRecord& r, const std::string& client, double now) const {
  auto found = reports_.find(r.rule.name);
  if (found == reports_.end() || r.rule.reservoir_size <= 0) return 0;
  // Active clients in a fixed order, so that the remainder always lands on the same ones.
  std::vector<std::pair<std::string, double>> active;  // client, requests a second
  double total = 0;
  for (const auto& [id, report] : found->second)
    if (now - report.at <= kClientActiveSeconds) {
      active.emplace_back(id, report.rate);
      total += report.rate;
    }
  if (active.empty()) return 0;
  const long long reservoir = r.rule.reservoir_size;
  std::vector<std::pair<double, std::string>> remainders;  // fractional part, client
  std::map<std::string, long long> quota;
  long long given = 0;
  for (const auto& [id, requests] : active) {
    double share = total > 0 ? static_cast<double>(reservoir) * requests / total : static_cast<double>(reservoir) / static_cast<double>(active.size());
    auto whole = static_cast<long long>(std::floor(share));
    quota[id] = whole;
    given += whole;
    if (total == 0 || requests > 0) remainders.emplace_back(share - static_cast<double>(whole), id);
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (std::size_t i = 0; given < reservoir && i < remainders.size(); ++i, ++given) ++quota[remainders[i].second];
  auto mine = quota.find(client);
  return mine == quota.end() ? 0 : static_cast<int>(mine->second);
}

SamplingTargets SamplingRules::targets(const std::vector<SamplingStatistics>& reports) {
  double now = tracing::epoch_seconds(clock_.now());
  std::lock_guard lock{mutex_};
  SamplingTargets out;
  for (const auto& [name, r] : rules_) out.last_rule_modification = std::max(out.last_rule_modification, r.modified_at);
  record_own_counts(now);
  std::vector<std::pair<const tracing::SamplingRuleRecord*, std::string>> answered;
  for (const auto& report : reports) {
    auto rule = rules_.find(report.rule_name);
    if (rule == rules_.end()) {
      out.unprocessed.push_back({report.rule_name, "400", "Unknown rule"});
      continue;
    }
    double r = rate(report.rule_name, report.client_id, report.request_count, now);
    reports_[report.rule_name][report.client_id] = ClientReport{now, r};
    answered.emplace_back(&rule->second, report.client_id);
  }
  // Quotas once every report is in, so that clients reporting together share consistently.
  double ttl = now + kTargetIntervalSeconds;
  for (const auto& [rule, client] : answered)
    out.targets.push_back({rule->rule.name, rule->rule.fixed_rate, quota_of(*rule, client, now), ttl, kTargetIntervalSeconds});
  for (const auto& [name, clients] : reports_) {
    auto rule = rules_.find(name);
    if (rule == rules_.end() || clients.size() < 2) continue;  // alone, localray keeps the whole reservoir
    sampler_.set_quota(name, quota_of(rule->second, kLocalrayClientId, now), ttl);
  }
  return out;
}

}  // namespace localray::xray::model
