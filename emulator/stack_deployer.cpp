#include "emulator/stack_deployer.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "config/cloudformation/sam_transform.hpp"
#include "config/cloudformation/template_document.hpp"
#include "emulator/topology_delta.hpp"

namespace localray::emulator {

namespace cfn = cloudformation::model;
using nlohmann::json;

namespace {

cfn::Error validation(std::string message) { return cfn::Error{cfn::Code::ValidationError, std::move(message)}; }

template <class T>
void drop_first(std::vector<T>& v, std::size_t n) {
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size())));
}

template <class T>
void drop_named(std::vector<T>& v, const std::vector<T>& gone) {
  std::erase_if(v, [&gone](const T& x) { return std::any_of(gone.begin(), gone.end(), [&x](const T& g) { return g.name == x.name; }); });
}

}  // namespace

cfn::Deployed deployed_of(const config::Stack& stack, tracing::TimePoint now) {
  cfn::Deployed out;
  out.description = stack.description;
  for (const auto& [k, v] : stack.parameters) out.parameters.push_back({k, v});
  for (const auto& o : stack.outputs) out.outputs.push_back({o.key, o.value, o.description, o.export_name});
  for (const auto& r : stack.resources) out.resources.push_back({r.logical_id, r.physical_id, r.type, "CREATE_COMPLETE", r.note, now});
  return out;
}

StackDeployer::StackDeployer(Services& s, boost::asio::any_io_executor ex, const Options& options, std::uint64_t seed,
                             std::shared_ptr<spdlog::logger> log)
    : s_{s}, ex_{std::move(ex)}, options_{options}, seed_{seed}, log_{std::move(log)} {}

void StackDeployer::adopt(const config::Topology* before, const config::Topology& loaded) {
  std::lock_guard lock{mutex_};
  if (before) {
    drop_named(known_.topics, before->topics);
    drop_named(known_.queues, before->queues);
    drop_named(known_.functions, before->functions);
    drop_named(known_.tables, before->tables);
    for (const auto& stack : before->stacks)
      std::erase_if(exports_.by_name, [&stack](const auto& e) { return e.second.stack == stack.name; });
  }
  known_.topics.insert(known_.topics.end(), loaded.topics.begin(), loaded.topics.end());
  known_.queues.insert(known_.queues.end(), loaded.queues.begin(), loaded.queues.end());
  known_.functions.insert(known_.functions.end(), loaded.functions.begin(), loaded.functions.end());
  known_.tables.insert(known_.tables.end(), loaded.tables.begin(), loaded.tables.end());
  for (const auto& stack : loaded.stacks) {
    adopted_.insert(stack.name);
    for (const auto& o : stack.outputs)
      if (!o.export_name.empty()) exports_.by_name[o.export_name] = {o.value, stack.name};
  }
}

bool StackDeployer::adopted(const std::string& stack_name) const { return adopted_.count(stack_name) > 0; }

cfn::Result<cfn::TemplateSummary> StackDeployer::summarize(const std::string& template_body) {
  auto parsed = config::cloudformation::parse_template(template_body, "template");
  if (!parsed) return validation("Template format error: " + parsed.error().message);
  json body = std::move(*parsed);
  cfn::TemplateSummary out;
  out.description = body.value("Description", "");
  if (auto params = body.find("Parameters"); params != body.end() && params->is_object())
    for (const auto& [key, spec] : params->items()) {
      cfn::TemplateSummary::DeclaredParameter p{key, spec.value("Type", "String"), "", spec.value("Description", ""), spec.contains("Default")};
      if (p.has_default) p.default_value = spec["Default"].is_string() ? spec["Default"].get<std::string>() : spec["Default"].dump();
      out.parameters.push_back(std::move(p));
    }
  if (auto expanded = config::cloudformation::expand_serverless(body, "template", std::filesystem::current_path()); !expanded)
    return validation("Template format error: " + expanded.error().message);
  auto resources = body.find("Resources");
  if (resources == body.end() || !resources->is_object() || resources->empty())
    return validation("Template format error: At least one Resources member must be defined.");
  for (const auto& [id, r] : resources->items()) {
    std::string type = r.is_object() ? r.value("Type", "") : "";
    if (type.empty()) return validation("Template format error: [/Resources/" + id + "] Every Resources object must contain a Type member.");
    out.resources[id] = r.dump();
    out.resource_types[id] = type;
    if (type.rfind("AWS::IAM::", 0) == 0 && out.capabilities_needed.empty()) out.capabilities_needed.push_back("CAPABILITY_IAM");
  }
  return out;
}

cfn::Result<StackDeployer::Compiled> StackDeployer::compile(const std::string& stack_name, const std::string& stack_id,
                                                             const std::string& template_body, const std::vector<cfn::Parameter>& parameters) {
  auto parsed = config::cloudformation::parse_template(template_body, "template");
  if (!parsed) return validation("Template format error: " + parsed.error().message);
  config::cloudformation::StackInput in;
  in.file = "stack " + stack_name;
  in.body = std::move(*parsed);
  in.stack_name = stack_name;
  for (const auto& p : parameters) in.parameters[p.key] = p.value;
  in.base_dir = std::filesystem::current_path();  // a local code path is taken from where localray runs
  config::cloudformation::Environment env{s_.home.region, s_.home.account, s_.edge_url, seed_};
  // Compiled beside what exists, so that references to other stacks' topics, queues and functions
  // resolve; only this stack's own resources are kept.
  Compiled out;
  config::Topology& t = out.topology;
  {
    std::lock_guard lock{mutex_};
    t.topics = known_.topics;
    t.queues = known_.queues;
    t.functions = known_.functions;
    t.tables = known_.tables;
    out.exports = exports_;
  }
  // The stack's own exports are made again by this template.
  std::erase_if(out.exports.by_name, [&stack_name](const auto& e) { return e.second.stack == stack_name; });
  const std::size_t topics = t.topics.size(), queues = t.queues.size(), functions = t.functions.size(), tables = t.tables.size();
  t.region = s_.home.region;
  t.account = s_.home.account;
  if (auto compiled = config::cloudformation::compile_stack(in, env, out.exports, t); !compiled) return validation(compiled.error().message);
  drop_first(t.topics, topics);
  drop_first(t.queues, queues);
  drop_first(t.functions, functions);
  drop_first(t.tables, tables);
  t.stacks.back().id = stack_id;
  return out;
}

void StackDeployer::commit(const std::string& stack_name, const config::Topology* before, Compiled compiled, AppliedResources made) {
  std::lock_guard lock{mutex_};
  exports_ = std::move(compiled.exports);
  if (before) {
    drop_named(known_.topics, before->topics);
    drop_named(known_.queues, before->queues);
    drop_named(known_.functions, before->functions);
    drop_named(known_.tables, before->tables);
  }
  const config::Topology& t = compiled.topology;
  known_.topics.insert(known_.topics.end(), t.topics.begin(), t.topics.end());
  known_.queues.insert(known_.queues.end(), t.queues.begin(), t.queues.end());
  known_.functions.insert(known_.functions.end(), t.functions.begin(), t.functions.end());
  known_.tables.insert(known_.tables.end(), t.tables.begin(), t.tables.end());
  made_[stack_name] = std::move(made);
  compiled_[stack_name] = std::move(compiled.topology);
}

void StackDeployer::forget_stack_record(const std::string& stack_name) {
  std::lock_guard lock{s_.stacks_mutex};
  std::erase_if(s_.stacks, [&stack_name](const config::Stack& st) { return st.name == stack_name; });
}

boost::asio::awaitable<cfn::Result<cfn::Deployed>> StackDeployer::deploy(std::string stack_name, std::string stack_id, std::string template_body,
                                                                         std::vector<cfn::Parameter> parameters) {
  auto compiled = compile(stack_name, stack_id, template_body, parameters);
  if (!compiled) co_return compiled.error();
  AppliedResources made;
  auto applied = co_await apply_topology(s_, ex_, options_, compiled->topology, log_, made);
  if (!applied) {
    co_await remove_resources(s_, std::move(made));
    forget_stack_record(stack_name);
    log_->warn("stack {}: {}", stack_name, applied.error().message);
    co_return validation(applied.error().message);
  }
  cfn::Deployed out = deployed_of(compiled->topology.stacks.back(), s_.clock.now());
  commit(stack_name, nullptr, std::move(*compiled), std::move(made));
  log_->info("stack {}: {} resources created", stack_name, out.resources.size());
  co_return out;
}

boost::asio::awaitable<cfn::Result<cfn::Deployed>> StackDeployer::update(std::string stack_name, std::string stack_id, std::string template_body,
                                                                         std::vector<cfn::Parameter> parameters) {
  config::Topology before;
  AppliedResources made;
  {
    std::lock_guard lock{mutex_};
    if (adopted_.count(stack_name))
      co_return validation("Stack [" + stack_name + "] was loaded at start (--template or --cdk-out) and is changed by editing its file (--watch), not over the API");
    before = compiled_[stack_name];
    made = made_[stack_name];
  }
  auto compiled = compile(stack_name, stack_id, template_body, parameters);
  if (!compiled) co_return compiled.error();
  TopologyDelta delta = topology_delta(before, made, compiled->topology);
  forget_stack_record(stack_name);
  co_await remove_resources(s_, delta.remove);
  AppliedResources created;
  auto applied = co_await apply_topology(s_, ex_, options_, delta.create, log_, created);
  if (!applied) {
    co_await remove_resources(s_, std::move(created));
    {
      // What stands now is what was unchanged; an update back to the old template restores the rest.
      std::lock_guard lock{mutex_};
      made_[stack_name] = delta.keep;
    }
    log_->warn("stack {}: {}", stack_name, applied.error().message);
    co_return validation(applied.error().message);
  }
  cfn::Deployed out = deployed_of(compiled->topology.stacks.back(), s_.clock.now());
  log_->info("stack {}: updated, {} resources kept", stack_name,
             delta.keep.topics.size() + delta.keep.queues.size() + delta.keep.tables.size() + delta.keep.functions.size() + delta.keep.apis.size() +
                 delta.keep.subscriptions.size() + delta.keep.mappings.size());
  commit(stack_name, &before, std::move(*compiled), merge(std::move(delta.keep), created));
  co_return out;
}

boost::asio::awaitable<cfn::Result<void>> StackDeployer::remove(std::string stack_name) {
  AppliedResources made;
  config::Topology compiled;
  {
    std::lock_guard lock{mutex_};
    if (adopted_.count(stack_name))
      co_return validation("Stack [" + stack_name + "] was loaded at start (--template or --cdk-out) and is not deleted over the API: restart localray without it");
    auto it = made_.find(stack_name);
    if (it == made_.end()) co_return cfn::Result<void>{};  // nothing was made (a review, a rollback)
    made = std::move(it->second);
    made_.erase(it);
    compiled = std::move(compiled_[stack_name]);
    compiled_.erase(stack_name);
    std::erase_if(exports_.by_name, [&stack_name](const auto& e) { return e.second.stack == stack_name; });
    drop_named(known_.topics, compiled.topics);
    drop_named(known_.queues, compiled.queues);
    drop_named(known_.functions, compiled.functions);
    drop_named(known_.tables, compiled.tables);
  }
  co_await remove_resources(s_, std::move(made));
  forget_stack_record(stack_name);
  log_->info("stack {}: resources removed", stack_name);
  co_return cfn::Result<void>{};
}

}  // namespace localray::emulator
