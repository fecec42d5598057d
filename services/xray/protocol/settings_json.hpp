#pragma once
// X-Ray wire JSON (botocore xray 2016-04-12) for groups and sampling rules: Group, SamplingRule,
// SamplingRuleRecord, SamplingRuleUpdate, SamplingStatisticsDocument and SamplingTargetDocument.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/xray/model/groups.hpp"
#include "services/xray/model/sampling_rules.hpp"
#include "tracing/error.hpp"

namespace localray::xray::protocol {

nlohmann::json group_json(const model::Group& g);

nlohmann::json rule_json(const tracing::SamplingRule& rule);
nlohmann::json rule_record_json(const tracing::SamplingRuleRecord& record);
// CreateSamplingRule's SamplingRule: every member X-Ray requires, each of its wire type.
tracing::Result<tracing::SamplingRule> rule_from_json(const nlohmann::json& j);
tracing::Result<model::SamplingRuleUpdate> rule_update_from_json(const nlohmann::json& j);

tracing::Result<std::vector<model::SamplingStatistics>> statistics_from_json(const nlohmann::json& documents);
nlohmann::json targets_json(const model::SamplingTargets& targets);

}  // namespace localray::xray::protocol
