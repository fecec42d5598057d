#pragma once
// X-Ray groups and sampling rules, persisted in the trace database so that they survive a
// restart. They use a connection of their own: the trace writer's connection belongs to the
// pipeline thread, and these writes are rare.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tracing/error.hpp"
#include "tracing/ids.hpp"
#include "tracing/store.hpp"

namespace localray::xray::model {

struct Group {
  std::string name;
  std::string arn;
  std::string filter_expression;  // empty: every trace
  bool insights_enabled = false;
  bool notifications_enabled = false;
};

enum class GroupError { NotFound, AlreadyExists, Invalid, Storage };

struct ConfigError {
  GroupError kind;
  std::string message;
};

[[noreturn]] inline void throw_exception_from_error(const ConfigError& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

template <class T>
using ConfigResult = boost::system::result<T, ConfigError>;

// A sampling rule as X-Ray stores it: the fields are those of botocore's SamplingRule shape,
// kept as JSON because localray does not evaluate them (it records every request it sees).
struct SamplingRuleRecord {
  nlohmann::json rule;  // SamplingRule
  double created_at = 0;
  double modified_at = 0;
};

class XrayConfig {
 public:
  static tracing::Result<std::unique_ptr<XrayConfig>> open(const std::string& uri, std::string region, std::string account,
                                                           tracing::IdGenerator& ids, const tracing::Clock& clock);

  ConfigResult<Group> create_group(Group g);
  // `name_or_arn`: a group's name or ARN; "Default" is the implicit group of every trace.
  ConfigResult<Group> group(const std::string& name_or_arn) const;
  std::vector<Group> groups() const;
  ConfigResult<Group> update_group(const std::string& name_or_arn, std::optional<std::string> filter_expression,
                                   std::optional<bool> insights_enabled, std::optional<bool> notifications_enabled);
  ConfigResult<void> delete_group(const std::string& name_or_arn);

  std::vector<SamplingRuleRecord> sampling_rules() const;  // the Default rule last
  ConfigResult<SamplingRuleRecord> create_sampling_rule(nlohmann::json rule);
  ConfigResult<SamplingRuleRecord> update_sampling_rule(const nlohmann::json& update);
  ConfigResult<SamplingRuleRecord> delete_sampling_rule(const std::string& name_or_arn);

  // Checks a filter expression; set by the wiring once a parser is available.
  std::function<std::optional<std::string>(const std::string&)> validate_filter;

 private:
  XrayConfig(std::unique_ptr<tracing::Connection> c, std::string region, std::string account, tracing::IdGenerator& ids,
             const tracing::Clock& clock)
      : conn_{std::move(c)}, region_{std::move(region)}, account_{std::move(account)}, ids_{ids}, clock_{clock} {}
  ConfigResult<Group> find_group(const std::string& name_or_arn) const;  // caller holds mutex_
  ConfigResult<void> save_group(const Group& g, bool insert);
  ConfigResult<void> save_rule(const SamplingRuleRecord& r, bool insert);
  Group default_group() const;
  SamplingRuleRecord default_rule() const;

  mutable std::mutex mutex_;
  std::unique_ptr<tracing::Connection> conn_;
  std::string region_, account_;
  tracing::IdGenerator& ids_;
  const tracing::Clock& clock_;
};

}  // namespace localray::xray::model
