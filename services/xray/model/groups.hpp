#pragma once
// X-Ray groups of one region: named filter expressions that scope service graphs and trace
// queries. Held in memory, so reads never touch SQLite; a change is saved before it is taken (a
// failed save changes nothing), through the settings store, so changes block: callers run them
// off the I/O threads.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/xray/model/error.hpp"
#include "tracing/ids.hpp"
#include "tracing/settings_store.hpp"

namespace localray::xray::model {

using Group = tracing::StoredGroup;

class Groups {
 public:
  // Reads the scope's groups from the store.
  static Result<std::unique_ptr<Groups>> load(tracing::SettingsStore& store, base::Scope scope, tracing::IdGenerator& ids);
  // A scope with nothing stored yet: reads nothing.
  static std::unique_ptr<Groups> fresh(tracing::SettingsStore& store, base::Scope scope, tracing::IdGenerator& ids);

  Result<Group> create(Group g);
  // `name_or_arn`: a group's name or ARN; "Default" is the implicit group of every trace.
  Result<Group> get(const std::string& name_or_arn) const;
  std::vector<Group> list() const;  // Default first, then by name
  Result<Group> update(const std::string& name_or_arn, std::optional<std::string> filter_expression, std::optional<bool> insights_enabled,
                       std::optional<bool> notifications_enabled);
  Result<void> remove(const std::string& name_or_arn);

 private:
  Groups(tracing::SettingsStore& store, base::Scope scope, tracing::IdGenerator& ids) : store_{store}, scope_{std::move(scope)}, ids_{ids} {}
  Group default_group() const;
  bool exists(const std::string& name) const;

  tracing::SettingsStore& store_;
  base::Scope scope_;
  tracing::IdGenerator& ids_;
  // Changes are serialised by write_mutex_, held while SQLite saves them (it may wait on the
  // database's lock); mutex_ guards the map only and is never held across I/O, so reads on I/O
  // threads never wait for a save.
  std::mutex write_mutex_;
  mutable std::mutex mutex_;
  std::map<std::string, Group> groups_;  // by name; Default is not stored
};

// "group/NAME/ID" and "sampling-rule/NAME" ARNs name their resource after the first slash.
std::string name_of(const std::string& name_or_arn);

}  // namespace localray::xray::model
