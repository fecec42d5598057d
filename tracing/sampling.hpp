#pragma once
// Sampling: which requests a hop that starts (or is asked to decide) a trace records, by X-Ray's
// rules. A rule matches a request on service name and type, host, HTTP method, URL path, resource
// ARN and attributes (`*` and `?` wildcards, case-insensitive); the first matching rule by priority
// (then name) decides: its reservoir samples the first `quota` matching requests of each second,
// its fixed rate a share of the rest. The X-Ray API (services/xray) owns the rules and hands each
// client, localray itself included, its share of every reservoir (SamplingTargets).
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracing/clock.hpp"
#include "tracing/ids.hpp"
#include "tracing/rng.hpp"
#include "tracing/trace_header.hpp"

namespace localray::tracing {

// The fields of botocore's SamplingRule shape.
struct SamplingRule {
  std::string name;
  std::string arn;
  std::string resource_arn = "*";
  int priority = 10000;
  double fixed_rate = 0.05;
  int reservoir_size = 1;  // requests per second, over every client of the rule
  std::string service_name = "*";
  std::string service_type = "*";
  std::string host = "*";
  std::string http_method = "*";
  std::string url_path = "*";
  int version = 1;
  std::map<std::string, std::string> attributes;
  friend bool operator==(const SamplingRule&, const SamplingRule&) = default;
};

struct SamplingRuleRecord {
  SamplingRule rule;
  double created_at = 0;  // epoch seconds
  double modified_at = 0;
};

// What a rule is matched against; empty fields match only `*`.
struct SamplingRequest {
  std::string service_name;
  std::string service_type;  // the segment's origin, e.g. AWS::ApiGateway::Stage
  std::string host;
  std::string http_method;
  std::string url_path;
  std::string resource_arn;
  std::map<std::string, std::string> attributes;
};

// X-Ray's glob: `*` any run of characters, `?` one character, case-insensitive.
bool wildcard_match(std::string_view pattern, std::string_view text);
bool rule_matches(const SamplingRule& rule, const SamplingRequest& request);

// What one client did under one rule since its last report (SamplingStatisticsDocument).
struct RuleStatistics {
  std::uint64_t requests = 0;
  std::uint64_t sampled = 0;
  std::uint64_t borrowed = 0;
};

class Sampler {
 public:
  Sampler(const Clock& clock, IdGenerator& ids, Rng rng) : clock_{clock}, ids_{ids}, rng_{std::move(rng)} {}

  // The rules to apply, in any order; each starts with its whole reservoir as quota.
  void set_rules(std::vector<SamplingRule> rules);
  // localray's share of a rule's reservoir until `expires` (epoch seconds); after that the rule's
  // whole reservoir again.
  void set_quota(const std::string& rule, int quota, double expires);

  // The context a hop works in. A caller that decided (Sampled=1 or 0) is followed as it is; a
  // caller's trace without a decision (no Sampled, or Sampled=?) gets one here; without a caller
  // a new root is started and decided here. Decisions count in the statistics.
  TraceHeader enter(const std::optional<TraceHeader>& caller, const SamplingRequest& request);
  bool sample(const SamplingRequest& request);

  // The counts since the last call, per rule name, then reset: localray's own statistics.
  std::map<std::string, RuleStatistics> take_statistics();

 private:
  struct RuleState {
    SamplingRule rule;
    std::optional<int> quota;  // localray's share; the rule's reservoir when unset
    double quota_expires = 0;
    long long second = -1;  // the epoch second `taken` counts in
    int taken = 0;
    RuleStatistics statistics;
  };

  const Clock& clock_;
  IdGenerator& ids_;
  Rng rng_;
  std::mutex mutex_;
  std::vector<RuleState> rules_;  // by priority, then name
};

}  // namespace localray::tracing
