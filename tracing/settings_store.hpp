#pragma once
// What localray keeps beside the traces in the same database: X-Ray groups and sampling rules,
// per account and region, so that they survive a restart. A connection of its own: the writer's belongs to the
// pipeline thread, and these writes are rare. Every call may wait on SQLite's lock: callers run
// it off the I/O threads.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/scope.hpp"
#include "tracing/error.hpp"
#include "tracing/sampling.hpp"
#include "tracing/sqlite.hpp"

namespace localray::tracing {

struct StoredGroup {
  std::string name;
  std::string arn;
  std::string filter_expression;  // empty: every trace
  bool insights_enabled = false;
  bool notifications_enabled = false;
  friend bool operator==(const StoredGroup&, const StoredGroup&) = default;
};

class SettingsStore {
 public:
  // Creates the tables, and moves the rows of the first layout (one region, rules as JSON) over.
  static Result<std::unique_ptr<SettingsStore>> open(const std::string& uri);

  // Every scope that has groups or rules stored.
  Result<std::vector<base::Scope>> scopes();

  Result<std::vector<StoredGroup>> groups(const base::Scope& scope);
  // Inserts, or replaces the group of the same name.
  Result<void> put_group(const base::Scope& scope, const StoredGroup& group);
  Result<void> remove_group(const base::Scope& scope, const std::string& name);

  Result<std::vector<SamplingRuleRecord>> sampling_rules(const base::Scope& scope);
  Result<void> put_sampling_rule(const base::Scope& scope, const SamplingRuleRecord& record);
  Result<void> remove_sampling_rule(const base::Scope& scope, const std::string& name);

 private:
  explicit SettingsStore(std::unique_ptr<Connection> c) : conn_{std::move(c)} {}
  Result<void> migrate_first_layout();

  std::mutex mutex_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace localray::tracing
