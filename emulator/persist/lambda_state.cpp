#include "emulator/persist/lambda_state.hpp"

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace localray::emulator::persist {

namespace model = lambda::model;
using nlohmann::json;

namespace {

json layer_json(const model::LayerVersion& v) {
  return {{"name", v.name},         {"version", v.version},         {"layer_arn", v.layer_arn},
          {"version_arn", v.version_arn}, {"location", v.location}, {"sha256", v.sha256},
          {"size", v.size},         {"description", v.description}, {"compatible_runtimes", v.compatible_runtimes},
          {"license", v.license},   {"created", v.created}};
}

model::LayerVersion layer_of(const json& j) {
  model::LayerVersion v;
  v.name = j.at("name").get<std::string>();
  v.version = j.at("version").get<int>();
  v.layer_arn = j.at("layer_arn").get<std::string>();
  v.version_arn = j.at("version_arn").get<std::string>();
  v.location = j.at("location").get<std::string>();
  v.sha256 = j.at("sha256").get<std::string>();
  v.size = j.at("size").get<std::int64_t>();
  v.description = j.at("description").get<std::string>();
  v.compatible_runtimes = j.at("compatible_runtimes").get<std::vector<std::string>>();
  v.license = j.at("license").get<std::string>();
  v.created = j.at("created").get<std::string>();
  return v;
}

json config_json(const model::FunctionConfig& c) {
  json layers = json::array();
  for (const auto& l : c.layers) layers.push_back(layer_json(l));
  json retry = json::array();
  for (auto d : c.retry_delays) retry.push_back(d.count());
  json j{{"name", c.name},
         {"runtime", c.runtime},
         {"handler", c.handler},
         {"code_location", c.code_location},
         {"environment", c.environment},
         {"role", c.role},
         {"description", c.description},
         {"code_sha256", c.code_sha256},
         {"code_size", c.code_size},
         {"last_modified", c.last_modified},
         {"tracing_mode", c.tracing_mode},
         {"policy_statements", c.policy_statements},
         {"layers", std::move(layers)},
         {"dead_letter_target", c.dead_letter_target},
         {"timeout_ms", c.timeout.count()},
         {"concurrency", c.concurrency},
         {"memory_mb", c.memory_mb},
         {"retry_delays_ms", std::move(retry)}};
  if (c.reserved_concurrency) j["reserved_concurrency"] = *c.reserved_concurrency;
  return j;
}

model::FunctionConfig config_of(const json& j) {
  model::FunctionConfig c;
  c.name = j.at("name").get<std::string>();
  c.runtime = j.at("runtime").get<std::string>();
  c.handler = j.at("handler").get<std::string>();
  c.code_location = j.at("code_location").get<std::string>();
  c.environment = j.at("environment").get<std::map<std::string, std::string>>();
  c.role = j.at("role").get<std::string>();
  c.description = j.at("description").get<std::string>();
  c.code_sha256 = j.at("code_sha256").get<std::string>();
  c.code_size = j.at("code_size").get<std::int64_t>();
  c.last_modified = j.at("last_modified").get<std::string>();
  c.tracing_mode = j.at("tracing_mode").get<std::string>();
  c.policy_statements = j.at("policy_statements").get<std::map<std::string, std::string>>();
  for (const auto& l : j.at("layers")) c.layers.push_back(layer_of(l));
  c.dead_letter_target = j.at("dead_letter_target").get<std::string>();
  c.timeout = std::chrono::milliseconds{j.at("timeout_ms").get<long long>()};
  c.concurrency = j.at("concurrency").get<int>();
  c.memory_mb = j.at("memory_mb").get<int>();
  c.retry_delays.clear();
  for (const auto& d : j.at("retry_delays_ms")) c.retry_delays.emplace_back(d.get<long long>());
  if (j.contains("reserved_concurrency")) c.reserved_concurrency = j["reserved_concurrency"].get<int>();
  return c;
}

// Versions sort by their key as they sort by number.
std::string layer_key(const std::string& name, int version) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08d", version);
  return name + "/" + buf;
}

}  // namespace

LambdaState::LambdaState(tracing::StateJournal& journal, base::Scope scope) : journal_{journal}, scope_owner_{scope_owner(scope)} {}

void LambdaState::function_changed(const model::FunctionConfig& config) {
  journal_.put(kLambdaFunctionRows, scope_owner_, config.name, config_json(config).dump());
}

void LambdaState::function_removed(const std::string& name) { journal_.erase(kLambdaFunctionRows, scope_owner_, name); }

void LambdaState::layer_published(const model::LayerVersion& v) {
  journal_.put(kLambdaLayerRows, scope_owner_, layer_key(v.name, v.version), layer_json(v).dump());
}

void LambdaState::event_invoke_changed(const std::string& function, const std::optional<model::EventInvokeConfig>& config) {
  if (!config) {
    journal_.erase(kLambdaEventInvokeRows, scope_owner_, function);
    return;
  }
  json j{{"maximum_retry_attempts", config->maximum_retry_attempts},
         {"maximum_event_age_s", config->maximum_event_age.count()},
         {"on_success", config->on_success},
         {"on_failure", config->on_failure}};
  journal_.put(kLambdaEventInvokeRows, scope_owner_, function, j.dump());
}

void LambdaState::layer_removed(const std::string& name, int version) { journal_.erase(kLambdaLayerRows, scope_owner_, layer_key(name, version)); }

MappingState::MappingState(tracing::StateJournal& journal, base::Scope scope) : journal_{journal}, scope_owner_{scope_owner(scope)} {}

void MappingState::mapping_changed(const model::MappingInfo& info) {
  json settings{{"batch_size", info.settings.batch_size},
                {"batching_window_s", info.settings.batching_window.count()},
                {"report_batch_item_failures", info.settings.report_batch_item_failures},
                {"enabled", info.settings.enabled}};
  if (info.settings.maximum_concurrency) settings["maximum_concurrency"] = *info.settings.maximum_concurrency;
  if (info.settings.starting_position) settings["starting_position"] = *info.settings.starting_position;
  if (info.settings.failure != model::FailurePolicy{} || !info.settings.on_failure.empty()) {
    settings["failure"] = {{"maximum_retry_attempts", info.settings.failure.maximum_retry_attempts},
                           {"bisect", info.settings.failure.bisect},
                           {"maximum_record_age", info.settings.failure.maximum_record_age},
                           {"on_failure", info.settings.on_failure}};
  }
  json j{{"event_source_arn", info.event_source_arn}, {"function_arn", info.function_arn}, {"settings", std::move(settings)}};
  journal_.put(kLambdaMappingRows, scope_owner_, info.uuid, j.dump());
}

void MappingState::mapping_removed(const std::string& uuid) { journal_.erase(kLambdaMappingRows, scope_owner_, uuid); }

RestoreCounts restore_mappings(model::EventSourceMappings& mappings, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                               tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log) {
  RestoreCounts counts;
  const std::string owner = scope_owner(scope);
  for (const auto& row : rows) {
    if (row.kind != kLambdaMappingRows || row.owner != owner) continue;
    std::string source, function;
    model::MappingSettings settings;
    try {
      auto j = json::parse(row.value);
      source = j.at("event_source_arn").get<std::string>();
      function = j.at("function_arn").get<std::string>();
      const auto& s = j.at("settings");
      settings.batch_size = s.at("batch_size").get<int>();
      settings.batching_window = std::chrono::seconds{s.at("batching_window_s").get<long long>()};
      settings.report_batch_item_failures = s.at("report_batch_item_failures").get<bool>();
      settings.enabled = s.at("enabled").get<bool>();
      if (s.contains("maximum_concurrency")) settings.maximum_concurrency = s["maximum_concurrency"].get<int>();
      if (s.contains("starting_position")) settings.starting_position = s["starting_position"].get<std::string>();
      if (s.contains("failure")) {
        const auto& f = s["failure"];
        settings.failure.maximum_retry_attempts = f.at("maximum_retry_attempts").get<int>();
        settings.failure.bisect = f.at("bisect").get<bool>();
        settings.failure.maximum_record_age = f.at("maximum_record_age").get<int>();
        settings.on_failure = f.at("on_failure").get<std::string>();
      }
    } catch (const json::exception&) {
      log->warn("--persist: event source mapping {} in {} not restored: its row is unreadable", row.key, owner);
      journal.erase(kLambdaMappingRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    auto made = mappings.restore(row.key, source, function, settings);
    if (made) {
      ++counts.resources;
      continue;
    }
    if (made.error().code != model::Code::ResourceConflict) {
      log->warn("--persist: event source mapping {} ({} -> {}) not restored: {}", row.key, source, function, made.error().message);
      journal.erase(kLambdaMappingRows, owner, row.key);
      ++counts.skipped;
    } else if (made.error().message.find(row.key) == std::string::npos) {
      // The topology maps the same queue to the same function under a new UUID: this row is stale.
      journal.erase(kLambdaMappingRows, owner, row.key);
    }
  }
  return counts;
}

RestoreCounts restore_lambda(model::Runner& runner, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                             tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log) {
  RestoreCounts counts;
  const std::string owner = scope_owner(scope);
  std::error_code ec;
  for (const auto& row : rows) {
    if (row.kind != kLambdaLayerRows || row.owner != owner) continue;
    try {
      auto v = layer_of(json::parse(row.value));
      if (!std::filesystem::is_directory(v.location, ec)) {
        log->warn("--persist: layer {} not restored: its folder {} is gone", v.version_arn, v.location);
        journal.erase(kLambdaLayerRows, owner, row.key);
        ++counts.skipped;
        continue;
      }
      runner.layers().restore(std::move(v));
      ++counts.items;
    } catch (const json::exception&) {
      log->warn("--persist: layer {} in {} not restored: its row is unreadable", row.key, owner);
      journal.erase(kLambdaLayerRows, owner, row.key);
      ++counts.skipped;
    }
  }
  for (const auto& row : rows) {
    if (row.kind != kLambdaFunctionRows || row.owner != owner) continue;
    model::FunctionConfig config;
    try {
      config = config_of(json::parse(row.value));
    } catch (const json::exception&) {
      log->warn("--persist: function {} in {} not restored: its row is unreadable", row.key, owner);
      journal.erase(kLambdaFunctionRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    if (runner.find(config.name)) continue;  // the topology's own, as it makes it
    if (!std::filesystem::is_directory(config.code_location, ec)) {
      log->warn("--persist: function {} not restored: its code folder {} is gone", config.name, config.code_location);
      journal.erase(kLambdaFunctionRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    if (auto made = runner.restore_function(std::move(config)); !made) {
      log->warn("--persist: function {} not restored: {}", row.key, made.error().message);
      ++counts.skipped;
      continue;
    }
    ++counts.resources;
  }
  return counts;
}

RestoreCounts restore_event_invoke_configs(model::Runner& runner, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                                           tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log) {
  RestoreCounts counts;
  const std::string owner = scope_owner(scope);
  for (const auto& row : rows) {
    if (row.kind != kLambdaEventInvokeRows || row.owner != owner) continue;
    model::EventInvokeConfig config;
    try {
      auto j = json::parse(row.value);
      config.maximum_retry_attempts = j.at("maximum_retry_attempts").get<int>();
      config.maximum_event_age = std::chrono::seconds{j.at("maximum_event_age_s").get<long long>()};
      config.on_success = j.at("on_success").get<std::string>();
      config.on_failure = j.at("on_failure").get<std::string>();
    } catch (const json::exception&) {
      log->warn("--persist: the event invoke config of {} in {} not restored: its row is unreadable", row.key, owner);
      journal.erase(kLambdaEventInvokeRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    if (auto put = runner.put_event_invoke_config(row.key, config); !put) {
      log->warn("--persist: the event invoke config of {} in {} not restored: {}", row.key, owner, put.error().message);
      journal.erase(kLambdaEventInvokeRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    ++counts.items;
  }
  return counts;
}

}  // namespace localray::emulator::persist
