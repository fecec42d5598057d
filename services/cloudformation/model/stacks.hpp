#pragma once
// CloudFormation's stacks and change sets: their lifecycle (CREATE_COMPLETE, ROLLBACK_COMPLETE,
// UPDATE_COMPLETE, DELETE_COMPLETE, REVIEW_IN_PROGRESS), their events, resources and outputs.
// Turning a template into running resources is a Deployer's job (the emulator compiles it into a
// topology and wires it as at start); this model decides what is allowed and records what happened.
// A stack being created, updated or deleted refuses other changes until it is done, as AWS's does.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/coded_error.hpp"
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"

namespace localray::cloudformation::model {

enum class Code { ValidationError, AlreadyExists, ChangeSetNotFound, InvalidChangeSetStatus, InsufficientCapabilities };
using Error = base::CodedError<Code>;
template <class T>
using Result = boost::system::result<T, Error>;

struct ResourceRecord {
  std::string logical_id, physical_id, type, status, reason;
  tracing::TimePoint timestamp;
};
struct Output {
  std::string key, value, description, export_name;
};
struct Event {
  std::string id, logical_id, physical_id, type, status, reason;
  tracing::TimePoint timestamp;
};
struct Parameter {
  std::string key, value;
};

// What a template declares, read without deploying it.
struct TemplateSummary {
  std::string description;
  struct DeclaredParameter {
    std::string key, type, default_value, description;
    bool has_default = false;
  };
  std::vector<DeclaredParameter> parameters;
  std::map<std::string, std::string> resources;  // logical id -> the resource's JSON, for change sets
  std::map<std::string, std::string> resource_types;
  std::vector<std::string> capabilities_needed;  // CAPABILITY_IAM when it declares IAM resources
};

struct Deployed {
  std::string description;
  std::vector<Parameter> parameters;  // as used, defaults included
  std::vector<Output> outputs;
  std::vector<ResourceRecord> resources;
};

class Deployer {
 public:
  virtual ~Deployer() = default;
  // A template's declarations, or why it is not a valid template.
  virtual Result<TemplateSummary> summarize(const std::string& template_body) = 0;
  // Creates every resource of the template as stack `stack_name`; on failure nothing of it is left.
  virtual boost::asio::awaitable<Result<Deployed>> deploy(std::string stack_name, std::string stack_id, std::string template_body,
                                                          std::vector<Parameter> parameters) = 0;
  // Changes what deploy made for the stack into what `template_body` makes: resources whose
  // definition is unchanged keep their state, the others are replaced. On failure the stack holds
  // the resources that were unchanged (an update back to the old template restores the rest).
  virtual boost::asio::awaitable<Result<Deployed>> update(std::string stack_name, std::string stack_id, std::string template_body,
                                                          std::vector<Parameter> parameters) = 0;
  // Removes what deploy made for the stack.
  virtual boost::asio::awaitable<Result<void>> remove(std::string stack_name) = 0;
};

struct ChangeSet {
  std::string id, name, stack_id, stack_name, type;  // type: CREATE or UPDATE
  std::string status = "CREATE_COMPLETE", execution_status = "AVAILABLE", status_reason, description;
  std::string template_body;
  std::vector<Parameter> parameters;
  std::vector<std::string> capabilities;
  struct Change {
    std::string action, logical_id, type, replacement;
  };
  std::vector<Change> changes;
  tracing::TimePoint created;
};

struct Stack {
  std::string name, id, status, status_reason, description;
  tracing::TimePoint created;
  std::optional<tracing::TimePoint> updated, deleted;
  std::vector<Parameter> parameters;
  std::vector<std::string> capabilities;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<Output> outputs;
  std::vector<ResourceRecord> resources;
  std::vector<Event> events;  // oldest first
  std::string template_body;
  std::vector<std::string> change_set_ids;
};

struct StackRequest {
  std::string name, template_body;
  std::vector<Parameter> parameters;
  std::vector<std::string> use_previous;  // UsePreviousValue=true
  std::vector<std::string> capabilities;
  std::vector<std::pair<std::string, std::string>> tags;
};

class Stacks {
 public:
  Stacks(tracing::Clock& clock, tracing::IdGenerator& ids, std::string region, std::string account, Deployer& deployer);

  // A stack made outside this API (--template, --cdk-out), recorded as CREATE_COMPLETE, or as
  // UPDATE_COMPLETE when it was recorded before (--watch reloaded it).
  void record_existing(std::string name, std::string id, std::string template_body, Deployed deployed);

  boost::asio::awaitable<Result<Stack>> create_stack(StackRequest request);
  boost::asio::awaitable<Result<Stack>> update_stack(StackRequest request);
  boost::asio::awaitable<Result<void>> delete_stack(std::string name_or_id);
  boost::asio::awaitable<Result<ChangeSet>> create_change_set(StackRequest request, std::string change_set_name, std::string type,
                                                              std::string description);
  Result<ChangeSet> describe_change_set(const std::string& name_or_id, const std::string& stack) const;
  boost::asio::awaitable<Result<void>> execute_change_set(std::string name_or_id, std::string stack);
  Result<void> delete_change_set(const std::string& name_or_id, const std::string& stack);

  // One stack by name (live only) or id (deleted ones too); all live ones when empty.
  Result<std::vector<Stack>> describe(const std::string& name_or_id) const;
  std::vector<Stack> list() const;  // deleted ones too, as ListStacks answers
  Result<TemplateSummary> summarize(const std::string& template_body) { return deployer_.summarize(template_body); }

  const std::string& region() const { return region_; }

 private:
  Stack* live(const std::string& name_or_id);
  const Stack* find(const std::string& name_or_id) const;
  std::string stack_id(const std::string& name);
  void event(Stack& s, const std::string& logical_id, const std::string& physical_id, const std::string& type, const std::string& status,
             const std::string& reason = {});
  // Deploys `request` into the stack named `name`, already marked *_IN_PROGRESS; with `update`,
  // changes what the stack has into what the request describes.
  boost::asio::awaitable<Result<Stack>> run(std::string name, StackRequest request, std::vector<Parameter> parameters, bool update);
  Result<std::vector<Parameter>> merged_parameters(const Stack* previous, const StackRequest& request) const;

  tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  std::string region_, account_;
  Deployer& deployer_;
  mutable std::mutex mutex_;  // guards the records below, never held across a co_await
  std::vector<std::unique_ptr<Stack>> stacks_;  // in creation order, deleted ones kept
  std::map<std::string, ChangeSet> change_sets_;  // by id
};

}  // namespace localray::cloudformation::model
