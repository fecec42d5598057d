#include "tracing/sampling.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace localray::tracing {

bool wildcard_match(std::string_view pattern, std::string_view text) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  // Greedy with one backtrack point per `*`: linear enough for the short fields rules hold.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool rule_matches(const SamplingRule& rule, const SamplingRequest& r) {
  if (!wildcard_match(rule.service_name, r.service_name) || !wildcard_match(rule.service_type, r.service_type) ||
      !wildcard_match(rule.host, r.host) || !wildcard_match(rule.http_method, r.http_method) ||
      !wildcard_match(rule.url_path, r.url_path) || !wildcard_match(rule.resource_arn, r.resource_arn))
    return false;
  for (const auto& [key, pattern] : rule.attributes) {
    auto it = r.attributes.find(key);
    if (it == r.attributes.end() || !wildcard_match(pattern, it->second)) return false;
  }
  return true;
}

void Sampler::set_rules(std::vector<SamplingRule> rules) {
  std::sort(rules.begin(), rules.end(), [](const SamplingRule& a, const SamplingRule& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
  });
  std::lock_guard lock{mutex_};
  std::vector<RuleState> next;
  for (auto& rule : rules) {
    RuleState state{std::move(rule)};
    // A rule whose reservoir is unchanged keeps this second's count and its granted quota.
    auto old = std::find_if(rules_.begin(), rules_.end(), [&](const RuleState& s) { return s.rule.name == state.rule.name; });
    if (old != rules_.end() && old->rule.reservoir_size == state.rule.reservoir_size) {
      state.quota = old->quota;
      state.quota_expires = old->quota_expires;
      state.second = old->second;
      state.taken = old->taken;
      state.statistics = old->statistics;
    }
    next.push_back(std::move(state));
  }
  rules_ = std::move(next);
}

void Sampler::set_quota(const std::string& rule, int quota, double expires) {
  std::lock_guard lock{mutex_};
  for (auto& s : rules_)
    if (s.rule.name == rule) {
      s.quota = quota;
      s.quota_expires = expires;
    }
}

bool Sampler::sample(const SamplingRequest& request) {
  double now = epoch_seconds(clock_.now());
  std::lock_guard lock{mutex_};
  for (auto& s : rules_) {
    if (!rule_matches(s.rule, request)) continue;
    ++s.statistics.requests;
    auto second = static_cast<long long>(std::floor(now));
    if (second != s.second) {
      s.second = second;
      s.taken = 0;
    }
    int quota = s.quota && now < s.quota_expires ? *s.quota : s.rule.reservoir_size;
    bool take = s.taken < quota;
    if (take) ++s.taken;
    else take = rng_.bernoulli(s.rule.fixed_rate);
    if (take) ++s.statistics.sampled;
    return take;
  }
  // No rule at all (the Default rule always matches when rules are loaded): record, as before
  // rules existed.
  return true;
}

TraceHeader Sampler::enter(const std::optional<TraceHeader>& caller, const SamplingRequest& request) {
  if (caller && (caller->sampled == Sampled::Yes || caller->sampled == Sampled::No)) return *caller;
  TraceHeader out = caller ? *caller : TraceHeader{ids_.trace_id(), "", Sampled::Unknown, {}};
  // Unsampled, not absent: every later hop must follow this decision rather than make its own.
  out.sampled = sample(request) ? Sampled::Yes : Sampled::No;
  return out;
}

std::map<std::string, RuleStatistics> Sampler::take_statistics() {
  std::lock_guard lock{mutex_};
  std::map<std::string, RuleStatistics> out;
  for (auto& s : rules_) {
    out[s.rule.name] = s.statistics;
    s.statistics = {};
  }
  return out;
}

}  // namespace localray::tracing
