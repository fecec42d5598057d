#include "services/cloudformation/model/stacks.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace localray::cloudformation::model {

namespace {

Error validation(std::string message) { return Error{Code::ValidationError, std::move(message)}; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool in_progress(const Stack& s) { return ends_with(s.status, "_IN_PROGRESS") && s.status != "REVIEW_IN_PROGRESS"; }

Result<void> check_name(const std::string& name, const char* what) {
  static const std::regex valid{"[a-zA-Z][-a-zA-Z0-9]{0,127}"};
  if (!std::regex_match(name, valid))
    return validation(std::string{"1 validation error detected: Value '"} + name + "' at '" + what +
                      "' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
  return {};
}

Result<void> check_capabilities(const TemplateSummary& summary, const std::vector<std::string>& given) {
  for (const auto& needed : summary.capabilities_needed) {
    bool ok = std::find(given.begin(), given.end(), needed) != given.end() ||
              (needed == "CAPABILITY_IAM" && std::find(given.begin(), given.end(), "CAPABILITY_NAMED_IAM") != given.end());
    if (!ok) return Error{Code::InsufficientCapabilities, "Requires capabilities : [" + needed + "]"};
  }
  return {};
}

// What a deployment made becomes the stack's.
void take(Stack& s, Deployed deployed, std::string template_body) {
  s.description = std::move(deployed.description);
  s.parameters = std::move(deployed.parameters);
  s.outputs = std::move(deployed.outputs);
  s.resources = std::move(deployed.resources);
  s.template_body = std::move(template_body);
}

}  // namespace

Stacks::Stacks(tracing::Clock& clock, tracing::IdGenerator& ids, std::string region, std::string account, Deployer& deployer)
    : clock_{clock}, ids_{ids}, region_{std::move(region)}, account_{std::move(account)}, deployer_{deployer} {}

std::string Stacks::stack_id(const std::string& name) {
  return "arn:aws:cloudformation:" + region_ + ":" + account_ + ":stack/" + name + "/" + ids_.uuid();
}

const Stack* Stacks::find(const std::string& name_or_id) const {
  bool by_id = name_or_id.rfind("arn:", 0) == 0;
  for (auto it = stacks_.rbegin(); it != stacks_.rend(); ++it) {
    const Stack& s = **it;
    if (by_id ? s.id == name_or_id : (s.name == name_or_id && s.status != "DELETE_COMPLETE")) return &s;
  }
  return nullptr;
}

Stack* Stacks::live(const std::string& name_or_id) {
  auto* s = const_cast<Stack*>(find(name_or_id));
  return s && s->status != "DELETE_COMPLETE" ? s : nullptr;
}

void Stacks::event(Stack& s, const std::string& logical_id, const std::string& physical_id, const std::string& type, const std::string& status,
                   const std::string& reason) {
  s.events.push_back(Event{ids_.uuid(), logical_id, physical_id, type, status, reason, clock_.now()});
}

void Stacks::record_existing(std::string name, std::string id, std::string template_body, Deployed deployed) {
  std::lock_guard lock{mutex_};
  if (Stack* known = live(name)) {
    known->status = "UPDATE_COMPLETE";
    known->updated = clock_.now();
    take(*known, std::move(deployed), std::move(template_body));
    event(*known, known->name, known->id, "AWS::CloudFormation::Stack", "UPDATE_COMPLETE", "Reloaded (--watch)");
    return;
  }
  auto s = std::make_unique<Stack>();
  s->name = std::move(name);
  s->id = std::move(id);
  s->status = "CREATE_COMPLETE";
  s->created = clock_.now();
  take(*s, std::move(deployed), std::move(template_body));
  event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "Loaded at start");
  for (const auto& r : s->resources) event(*s, r.logical_id, r.physical_id, r.type, "CREATE_COMPLETE");
  event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "CREATE_COMPLETE");
  stacks_.push_back(std::move(s));
}

Result<std::vector<Parameter>> Stacks::merged_parameters(const Stack* previous, const StackRequest& request) const {
  std::vector<Parameter> out = request.parameters;
  for (const auto& key : request.use_previous) {
    const Parameter* old = nullptr;
    if (previous)
      for (const auto& p : previous->parameters)
        if (p.key == key) old = &p;
    if (!old) return validation("Invalid input for parameter key " + key + ". Cannot specify usePreviousValue as true for a parameter key not in the previous template");
    out.push_back(*old);
  }
  return out;
}

boost::asio::awaitable<Result<Stack>> Stacks::create_stack(StackRequest request) {
  if (auto r = check_name(request.name, "stackName"); !r) co_return r.error();
  auto summary = deployer_.summarize(request.template_body);
  if (!summary) co_return summary.error();
  if (auto r = check_capabilities(*summary, request.capabilities); !r) co_return r.error();
  auto parameters = merged_parameters(nullptr, request);
  if (!parameters) co_return parameters.error();
  {
    std::lock_guard lock{mutex_};
    if (const Stack* existing = find(request.name); existing && existing->status != "REVIEW_IN_PROGRESS")
      co_return Error{Code::AlreadyExists, "Stack [" + request.name + "] already exists"};
    Stack* s = live(request.name);
    if (!s) {
      stacks_.push_back(std::make_unique<Stack>());
      s = stacks_.back().get();
      s->name = request.name;
      s->id = stack_id(request.name);
      s->created = clock_.now();
    }
    s->status = "CREATE_IN_PROGRESS";
    s->capabilities = request.capabilities;
    s->tags = request.tags;
    event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated");
  }
  std::string name = request.name;
  co_return co_await run(std::move(name), std::move(request), std::move(*parameters), false);
}

boost::asio::awaitable<Result<Stack>> Stacks::update_stack(StackRequest request) {
  auto summary = deployer_.summarize(request.template_body);
  if (!summary) co_return summary.error();
  if (auto r = check_capabilities(*summary, request.capabilities); !r) co_return r.error();
  std::vector<Parameter> parameters;
  {
    std::lock_guard lock{mutex_};
    Stack* s = live(request.name);
    if (!s || s->status == "REVIEW_IN_PROGRESS") co_return validation("Stack [" + request.name + "] does not exist");
    if (in_progress(*s) || s->status == "ROLLBACK_COMPLETE")
      co_return validation("Stack:" + s->id + " is in " + s->status + " state and can not be updated.");
    auto merged = merged_parameters(s, request);
    if (!merged) co_return merged.error();
    parameters = std::move(*merged);
    auto same = [](std::vector<Parameter> a, std::vector<Parameter> b) {
      auto by_key = [](const Parameter& x, const Parameter& y) { return x.key < y.key; };
      std::sort(a.begin(), a.end(), by_key);
      std::sort(b.begin(), b.end(), by_key);
      return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Parameter& x, const Parameter& y) { return x.key == y.key && x.value == y.value; });
    };
    if (request.template_body == s->template_body && same(parameters, s->parameters)) co_return validation("No updates are to be performed.");
    s->status = "UPDATE_IN_PROGRESS";
    s->capabilities = request.capabilities;
    event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS", "User Initiated");
  }
  std::string name = request.name;
  co_return co_await run(std::move(name), std::move(request), std::move(parameters), true);
}

boost::asio::awaitable<Result<Stack>> Stacks::run(std::string name, StackRequest request, std::vector<Parameter> parameters, bool update) {
  std::string id, old_body;
  std::vector<Parameter> old_parameters;
  {
    std::lock_guard lock{mutex_};
    Stack* s = live(name);
    id = s->id;
    old_body = s->template_body;
    old_parameters = s->parameters;
  }
  std::string body = request.template_body;
  // One co_await per statement, results named: GCC 12 destroys temporaries of a co_await
  // full-expression twice.
  Result<Deployed> deployed = Error{Code::ValidationError, ""};
  if (update) {
    auto changed = co_await deployer_.update(name, id, body, parameters);
    deployed = std::move(changed);
  } else {
    auto made = co_await deployer_.deploy(name, id, body, parameters);
    deployed = std::move(made);
  }
  std::optional<Result<Deployed>> restored;
  if (!deployed && update) {
    auto previous = co_await deployer_.update(name, id, old_body, old_parameters);
    restored = std::move(previous);
  }
  std::lock_guard lock{mutex_};
  Stack* s = live(name);
  const std::string verb = update ? "UPDATE" : "CREATE";
  if (!deployed) {
    event(*s, s->name, s->id, "AWS::CloudFormation::Stack", verb + "_FAILED", deployed.error().message);
    s->status_reason = deployed.error().message;
    if (update) {
      event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_IN_PROGRESS", deployed.error().message);
      s->status = restored && *restored ? "UPDATE_ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_FAILED";
      if (restored && *restored) {
        s->outputs = (*restored)->outputs;
        s->resources = (*restored)->resources;
      }
    } else {
      event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS", deployed.error().message);
      s->status = "ROLLBACK_COMPLETE";
      s->resources.clear();
      s->outputs.clear();
      s->template_body = body;
      s->parameters = std::move(parameters);
    }
    event(*s, s->name, s->id, "AWS::CloudFormation::Stack", s->status);
    co_return *s;
  }
  for (const auto& r : deployed->resources) {
    event(*s, r.logical_id, "", r.type, verb + "_IN_PROGRESS");
    event(*s, r.logical_id, r.physical_id, r.type, verb + "_COMPLETE");
  }
  s->status = verb + "_COMPLETE";
  s->status_reason.clear();
  take(*s, std::move(*deployed), std::move(body));
  if (update) s->updated = clock_.now();
  event(*s, s->name, s->id, "AWS::CloudFormation::Stack", s->status);
  co_return *s;
}

boost::asio::awaitable<Result<void>> Stacks::delete_stack(std::string name_or_id) {
  std::string name;
  {
    std::lock_guard lock{mutex_};
    Stack* s = live(name_or_id);
    if (!s) co_return Result<void>{};  // deleting what is not there succeeds, as on AWS
    if (in_progress(*s)) co_return validation("Stack [" + s->name + "] cannot be deleted while in status " + s->status);
    s->status = "DELETE_IN_PROGRESS";
    event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated");
    name = s->name;
  }
  auto removed = co_await deployer_.remove(name);
  std::lock_guard lock{mutex_};
  Stack* s = live(name_or_id);
  if (!s) co_return Result<void>{};
  if (!removed) {
    s->status = "DELETE_FAILED";
    s->status_reason = removed.error().message;
    event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "DELETE_FAILED", removed.error().message);
    co_return Result<void>{};
  }
  for (auto& r : s->resources) {
    r.status = "DELETE_COMPLETE";
    r.timestamp = clock_.now();
    event(*s, r.logical_id, r.physical_id, r.type, "DELETE_COMPLETE");
  }
  s->status = "DELETE_COMPLETE";
  s->deleted = clock_.now();
  for (const auto& cs : s->change_set_ids) change_sets_.erase(cs);
  event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "DELETE_COMPLETE");
  co_return Result<void>{};
}

boost::asio::awaitable<Result<ChangeSet>> Stacks::create_change_set(StackRequest request, std::string change_set_name, std::string type,
                                                                    std::string description) {
  if (auto r = check_name(request.name, "stackName"); !r) co_return r.error();
  if (auto r = check_name(change_set_name, "changeSetName"); !r) co_return r.error();
  if (type.empty()) type = "UPDATE";
  if (type != "CREATE" && type != "UPDATE") co_return validation("ChangeSetType must be CREATE or UPDATE (IMPORT is not emulated)");
  auto summary = deployer_.summarize(request.template_body);
  if (!summary) co_return summary.error();
  if (auto r = check_capabilities(*summary, request.capabilities); !r) co_return r.error();
  std::lock_guard lock{mutex_};
  Stack* s = live(request.name);
  ChangeSet cs;
  cs.name = change_set_name;
  cs.type = type;
  cs.description = description;
  cs.template_body = request.template_body;
  cs.capabilities = request.capabilities;
  cs.created = clock_.now();
  if (type == "CREATE") {
    if (s && s->status != "REVIEW_IN_PROGRESS")
      co_return validation("Stack [" + request.name + "] already exists and cannot be created again with the changeSet [" + change_set_name + "].");
    if (!s) {
      stacks_.push_back(std::make_unique<Stack>());
      s = stacks_.back().get();
      s->name = request.name;
      s->id = stack_id(request.name);
      s->status = "REVIEW_IN_PROGRESS";
      s->created = clock_.now();
      s->tags = request.tags;
      event(*s, s->name, s->id, "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS", "User Initiated");
    }
    auto parameters = merged_parameters(nullptr, request);
    if (!parameters) co_return parameters.error();
    cs.parameters = std::move(*parameters);
    for (const auto& [logical, type_name] : summary->resource_types) cs.changes.push_back({"Add", logical, type_name, ""});
  } else {
    if (!s || s->status == "REVIEW_IN_PROGRESS") co_return validation("Stack [" + request.name + "] does not exist");
    if (in_progress(*s)) co_return validation("Stack:" + s->id + " is in " + s->status + " state and can not be updated.");
    auto parameters = merged_parameters(s, request);
    if (!parameters) co_return parameters.error();
    cs.parameters = std::move(*parameters);
    auto before = deployer_.summarize(s->template_body);
    std::map<std::string, std::string> old_resources = before ? before->resources : std::map<std::string, std::string>{};
    std::map<std::string, std::string> old_types = before ? before->resource_types : std::map<std::string, std::string>{};
    for (const auto& [logical, body] : summary->resources) {
      auto it = old_resources.find(logical);
      if (it == old_resources.end()) cs.changes.push_back({"Add", logical, summary->resource_types[logical], ""});
      else if (it->second != body) cs.changes.push_back({"Modify", logical, summary->resource_types[logical], "True"});
    }
    for (const auto& [logical, body] : old_resources)
      if (!summary->resources.count(logical)) cs.changes.push_back({"Remove", logical, old_types[logical], ""});
    std::map<std::string, std::string> now, was;
    for (const auto& p : cs.parameters) now[p.key] = p.value;
    for (const auto& p : s->parameters) was[p.key] = p.value;
    if (cs.changes.empty() && now == was) {
      cs.status = "FAILED";
      cs.execution_status = "UNAVAILABLE";
      cs.status_reason = "The submitted information didn't contain changes. Submit different information to create a change set.";
    }
  }
  cs.stack_id = s->id;
  cs.stack_name = s->name;
  cs.id = "arn:aws:cloudformation:" + region_ + ":" + account_ + ":changeSet/" + change_set_name + "/" + ids_.uuid();
  s->change_set_ids.push_back(cs.id);
  change_sets_[cs.id] = cs;
  co_return cs;
}

Result<ChangeSet> Stacks::describe_change_set(const std::string& name_or_id, const std::string& stack) const {
  std::lock_guard lock{mutex_};
  if (auto it = change_sets_.find(name_or_id); it != change_sets_.end()) return it->second;
  if (const Stack* s = find(stack))
    for (const auto& id : s->change_set_ids)
      if (auto it = change_sets_.find(id); it != change_sets_.end() && it->second.name == name_or_id) return it->second;
  return Error{Code::ChangeSetNotFound, "ChangeSet [" + name_or_id + "] does not exist"};
}

boost::asio::awaitable<Result<void>> Stacks::execute_change_set(std::string name_or_id, std::string stack) {
  auto found = describe_change_set(name_or_id, stack);
  if (!found) co_return found.error();
  ChangeSet cs = std::move(*found);
  StackRequest request{cs.stack_name, cs.template_body, cs.parameters, {}, cs.capabilities, {}};
  {
    std::lock_guard lock{mutex_};
    auto& stored = change_sets_[cs.id];
    if (stored.execution_status != "AVAILABLE")
      co_return Error{Code::InvalidChangeSetStatus,
                      "ChangeSet [" + cs.id + "] cannot be executed in its current execution status of [" + stored.execution_status + "]"};
    stored.execution_status = "EXECUTE_IN_PROGRESS";
    Stack* s = live(cs.stack_name);
    if (!s) co_return validation("Stack [" + cs.stack_name + "] does not exist");
    if (in_progress(*s)) co_return validation("Stack:" + s->id + " is in " + s->status + " state and can not be updated.");
    s->status = cs.type == "CREATE" ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
    s->capabilities = cs.capabilities;
    event(*s, s->name, s->id, "AWS::CloudFormation::Stack", s->status, "User Initiated");
    // The stack's other change sets no longer describe a change from what it will be.
    for (const auto& other : s->change_set_ids)
      if (other != cs.id)
        if (auto it = change_sets_.find(other); it != change_sets_.end()) it->second.execution_status = "OBSOLETE";
  }
  std::string name = cs.stack_name;
  auto result = co_await run(std::move(name), std::move(request), cs.parameters, cs.type == "UPDATE");
  std::lock_guard lock{mutex_};
  auto& stored = change_sets_[cs.id];
  stored.execution_status = result && (result->status == "CREATE_COMPLETE" || result->status == "UPDATE_COMPLETE") ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED";
  co_return Result<void>{};
}

Result<void> Stacks::delete_change_set(const std::string& name_or_id, const std::string& stack) {
  auto found = describe_change_set(name_or_id, stack);
  if (!found) return found.error();
  std::lock_guard lock{mutex_};
  change_sets_.erase(found->id);
  return {};
}

Result<std::vector<Stack>> Stacks::describe(const std::string& name_or_id) const {
  std::lock_guard lock{mutex_};
  std::vector<Stack> out;
  if (name_or_id.empty()) {
    for (const auto& s : stacks_)
      if (s->status != "DELETE_COMPLETE") out.push_back(*s);
    return out;
  }
  const Stack* s = find(name_or_id);
  if (!s) return validation("Stack with id " + name_or_id + " does not exist");
  out.push_back(*s);
  return out;
}

std::vector<Stack> Stacks::list() const {
  std::lock_guard lock{mutex_};
  std::vector<Stack> out;
  for (const auto& s : stacks_) out.push_back(*s);
  return out;
}

}  // namespace localray::cloudformation::model
