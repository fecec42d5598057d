#pragma once
// X-Ray sampling rules of one region, and the quotas X-Ray hands the clients that apply them.
//
// Rules live in memory (reads never touch SQLite) and are saved through the settings store before
// a change is taken; every change is handed to the region's tracing::Sampler, which decides for
// the traces localray itself starts. The built-in Default rule samples every request (AWS's
// samples one a second and 5 % of the rest): a local tool should show every request unless told
// otherwise. Its FixedRate and ReservoirSize may be changed, as on AWS.
//
// Quotas (GetSamplingTargets): a rule's reservoir (requests a second, over all clients) is split
// among the clients that reported on it within the last two intervals, localray itself included,
// in proportion to the rate of requests each saw since its report before (clients report at
// their own times); a client that saw none while others did gets none, and
// when none saw any the reservoir is split evenly. Each quota holds for one interval.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/xray/model/error.hpp"
#include "tracing/clock.hpp"
#include "tracing/sampling.hpp"
#include "tracing/settings_store.hpp"

namespace localray::xray::model {

constexpr std::size_t kMaxSamplingRules = 25;      // per region, Default excluded (X-Ray quota)
constexpr int kTargetIntervalSeconds = 10;         // how often clients report and get targets
constexpr const char* kLocalrayClientId = "localray";  // localray's own share, beside the SDKs'

// The members of UpdateSamplingRule; unset members stay as they are.
struct SamplingRuleUpdate {
  std::string name_or_arn;
  std::optional<std::string> resource_arn, service_name, service_type, host, http_method, url_path;
  std::optional<int> priority, reservoir_size;
  std::optional<double> fixed_rate;
  std::optional<std::map<std::string, std::string>> attributes;
};

// One SamplingStatisticsDocument: what a client did under a rule since its last report.
struct SamplingStatistics {
  std::string rule_name;
  std::string client_id;
  double timestamp = 0;
  long long request_count = 0;
  long long sampled_count = 0;
  long long borrow_count = 0;
};

struct SamplingTarget {
  std::string rule_name;
  double fixed_rate = 0;
  int reservoir_quota = 0;
  double reservoir_quota_ttl = 0;  // epoch seconds
  int interval = kTargetIntervalSeconds;
};

struct UnprocessedStatistics {
  std::string rule_name;
  std::string error_code;
  std::string message;
};

struct SamplingTargets {
  std::vector<SamplingTarget> targets;
  double last_rule_modification = 0;
  std::vector<UnprocessedStatistics> unprocessed;
};

class SamplingRules {
 public:
  // Reads the scope's rules from the store and hands them to `sampler`.
  static Result<std::unique_ptr<SamplingRules>> load(tracing::SettingsStore& store, base::Scope scope, const tracing::Clock& clock,
                                                     tracing::Sampler& sampler);
  // A scope with nothing stored yet (the built-in Default rule only): reads nothing.
  static std::unique_ptr<SamplingRules> fresh(tracing::SettingsStore& store, base::Scope scope, const tracing::Clock& clock,
                                              tracing::Sampler& sampler);

  // By priority, then name; Default last.
  std::vector<tracing::SamplingRuleRecord> list() const;
  Result<tracing::SamplingRuleRecord> create(tracing::SamplingRule rule);
  Result<tracing::SamplingRuleRecord> update(const SamplingRuleUpdate& update);
  Result<tracing::SamplingRuleRecord> remove(const std::string& name_or_arn);

  // Records the clients' reports (and localray's own counts) and answers each with its quota.
  SamplingTargets targets(const std::vector<SamplingStatistics>& reports);

 private:
  SamplingRules(tracing::SettingsStore& store, base::Scope scope, const tracing::Clock& clock, tracing::Sampler& sampler)
      : store_{store}, scope_{std::move(scope)}, clock_{clock}, sampler_{sampler} {}
  tracing::SamplingRuleRecord builtin_default() const;
  std::string arn(const std::string& name) const;
  // Saves, then takes the record (under mutex_) and hands the rules to the sampler; the caller
  // holds write_mutex_.
  Result<tracing::SamplingRuleRecord> save(tracing::SamplingRuleRecord record);
  std::optional<tracing::SamplingRuleRecord> find(const std::string& name) const;
  void publish();                                                               // caller holds mutex_
  // localray's statistics since the last call, as a report of its own.
  void record_own_counts(double now);  // caller holds mutex_
  int quota_of(const tracing::SamplingRuleRecord& r, const std::string& client, double now) const;  // caller holds mutex_

  struct ClientReport {
    double at = 0;    // epoch seconds
    double rate = 0;  // requests a second since the client's report before
  };
  double rate(const std::string& rule, const std::string& client, long long requests, double now) const;  // caller holds mutex_

  tracing::SettingsStore& store_;
  base::Scope scope_;
  const tracing::Clock& clock_;
  tracing::Sampler& sampler_;
  // Changes are serialised by write_mutex_, held while SQLite saves them (it may wait on the
  // database's lock); mutex_ guards the maps only and is never held across I/O, so the SDKs'
  // sampling calls on I/O threads never wait for a save.
  std::mutex write_mutex_;
  mutable std::mutex mutex_;
  std::map<std::string, tracing::SamplingRuleRecord> rules_;  // by name, Default included
  std::map<std::string, std::map<std::string, ClientReport>> reports_;  // rule -> client -> latest report
};

}  // namespace localray::xray::model
