#include "services/lambda/protocol/mapping_operations.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "http/form.hpp"
#include "services/lambda/protocol/shapes.hpp"

namespace localray::lambda::protocol {

using nlohmann::json;

namespace {

json mapping_json(const model::MappingInfo& m) {
  json out{{"UUID", m.uuid},
           {"EventSourceArn", m.event_source_arn},
           {"FunctionArn", m.function_arn},
           {"BatchSize", m.settings.batch_size},
           {"MaximumBatchingWindowInSeconds", m.settings.batching_window.count()},
           {"FunctionResponseTypes", m.settings.report_batch_item_failures ? json::array({"ReportBatchItemFailures"}) : json::array()},
           {"State", m.state},
           {"StateTransitionReason", "USER_INITIATED"},
           {"LastModified", m.last_modified}};
  if (m.settings.maximum_concurrency) out["ScalingConfig"] = {{"MaximumConcurrency", *m.settings.maximum_concurrency}};
  if (m.settings.starting_position) {
    // A stream mapping's failure handling, as Lambda describes it.
    out["StartingPosition"] = *m.settings.starting_position;
    out["MaximumRetryAttempts"] = m.settings.failure.maximum_retry_attempts;
    out["BisectBatchOnFunctionError"] = m.settings.failure.bisect;
    out["MaximumRecordAgeInSeconds"] = m.settings.failure.maximum_record_age;
    out["ParallelizationFactor"] = 1;
    json on_failure = json::object();
    if (!m.settings.on_failure.empty()) on_failure["Destination"] = m.settings.on_failure;
    out["DestinationConfig"] = {{"OnFailure", on_failure}};
  }
  return out;
}

std::optional<http::Response> invalid(std::string message) { return error(model::Code::InvalidParameterValue, std::move(message)); }

// The members of CreateEventSourceMapping and UpdateEventSourceMapping that shape delivery, over
// `s`: what the body leaves out stays as it was.
std::optional<http::Response> read_settings(const json& body, model::MappingSettings& s) {
  if (auto it = body.find("BatchSize"); it != body.end()) {
    if (!it->is_number_integer()) return invalid("BatchSize must be an integer");
    s.batch_size = it->get<int>();
  }
  if (auto it = body.find("MaximumBatchingWindowInSeconds"); it != body.end()) {
    if (!it->is_number_integer()) return invalid("MaximumBatchingWindowInSeconds must be an integer");
    s.batching_window = std::chrono::seconds{it->get<int>()};
  }
  if (auto it = body.find("FunctionResponseTypes"); it != body.end()) {
    if (!it->is_array()) return invalid("FunctionResponseTypes must be a list");
    s.report_batch_item_failures = false;
    for (const auto& t : *it) {
      if (t != "ReportBatchItemFailures")
        return invalid("1 validation error detected: Value '" + (t.is_string() ? t.get<std::string>() : t.dump()) +
                       "' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy enum value set: [ReportBatchItemFailures]");
      s.report_batch_item_failures = true;
    }
  }
  if (auto it = body.find("ScalingConfig"); it != body.end()) {
    if (!it->is_object()) return invalid("ScalingConfig must be an object");
    auto max = it->find("MaximumConcurrency");
    if (max == it->end() || max->is_null()) s.maximum_concurrency.reset();
    else if (!max->is_number_integer()) return invalid("ScalingConfig.MaximumConcurrency must be an integer");
    else s.maximum_concurrency = max->get<int>();
  }
  if (auto it = body.find("Enabled"); it != body.end()) {
    if (!it->is_boolean()) return invalid("Enabled must be a boolean");
    s.enabled = it->get<bool>();
  }
  for (auto [name, target] : {std::pair{"MaximumRetryAttempts", &s.failure.maximum_retry_attempts},
                              std::pair{"MaximumRecordAgeInSeconds", &s.failure.maximum_record_age}}) {
    if (auto it = body.find(name); it != body.end() && !it->is_null()) {
      if (!it->is_number_integer()) return invalid(std::string{name} + " must be an integer");
      // Out of int's range is out of the setting's range: clamped so that validation refuses it.
      long long value = it->is_number_unsigned() ? static_cast<long long>(std::min<unsigned long long>(it->get<unsigned long long>(), 1'000'000'000))
                                                 : it->get<long long>();
      *target = static_cast<int>(std::clamp<long long>(value, -2, 1'000'000'000));
    }
  }
  if (auto it = body.find("BisectBatchOnFunctionError"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return invalid("BisectBatchOnFunctionError must be a boolean");
    s.failure.bisect = it->get<bool>();
  }
  if (auto it = body.find("DestinationConfig"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return invalid("DestinationConfig must be an object");
    s.on_failure.clear();
    if (auto failure = it->find("OnFailure"); failure != it->end() && !failure->is_null()) {
      if (!failure->is_object()) return invalid("DestinationConfig.OnFailure must be an object");
      if (auto d = failure->find("Destination"); d != failure->end() && !d->is_null()) {
        if (!d->is_string()) return invalid("DestinationConfig.OnFailure.Destination must be a string");
        s.on_failure = d->get<std::string>();
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<http::Response> mapping_call(const http::Request& r, model::EventSourceMappings& mappings, const std::vector<std::string>& parts) {
  const std::string& method = r.method;
  if (parts.size() == 2 && method == "GET") {
    std::string fn_filter, arn_filter;
    for (const auto& [k, v] : http::parse_form(r.query).value_or(http::FormFields{})) {
      if (k == "FunctionName") fn_filter = v;
      if (k == "EventSourceArn") arn_filter = v;
    }
    json list = json::array();
    for (const auto& m : mappings.list()) {
      if (!arn_filter.empty() && m.event_source_arn != arn_filter) continue;
      if (!fn_filter.empty() && m.function_arn != fn_filter && m.function_arn.substr(m.function_arn.rfind(':') + 1) != fn_filter) continue;
      list.push_back(mapping_json(m));
    }
    return http::Response::json(200, json{{"EventSourceMappings", list}}.dump());
  }
  if (parts.size() == 2 && method == "POST") {
    auto parsed = json_body(r);
    if (auto* bad = std::get_if<http::Response>(&parsed)) return std::move(*bad);
    const auto& body = std::get<json>(parsed);
    if (!body.contains("FunctionName") || !body["FunctionName"].is_string()) return invalid("FunctionName is required");
    if (!body.contains("EventSourceArn") || !body["EventSourceArn"].is_string())
      return invalid("Unrecognized event source, must be SQS: EventSourceArn is required");
    model::MappingSettings settings;
    // A stream's batches default to 100 records, a queue's to 10.
    const std::string& source_arn = body["EventSourceArn"].get_ref<const std::string&>();
    if (source_arn.rfind("arn:aws:dynamodb:", 0) == 0) settings.batch_size = 100;
    if (auto it = body.find("StartingPosition"); it != body.end() && !it->is_null()) {
      if (!it->is_string()) return invalid("StartingPosition must be a string");
      settings.starting_position = it->get<std::string>();
    }
    if (auto bad = read_settings(body, settings)) return bad;
    auto m = mappings.create(body["EventSourceArn"], body["FunctionName"], settings);
    return m ? http::Response::json(202, mapping_json(*m).dump()) : error(m.error());
  }
  if (parts.size() != 3) return std::nullopt;
  if (method == "DELETE") {
    auto m = mappings.remove(parts[2]);
    return m ? http::Response::json(202, mapping_json(*m).dump()) : error(m.error());
  }
  if (method == "GET") {
    auto m = mappings.get(parts[2]);
    return m ? http::Response::json(200, mapping_json(*m).dump()) : error(m.error());
  }
  if (method == "PUT") {
    auto parsed = json_body(r);
    if (auto* bad = std::get_if<http::Response>(&parsed)) return std::move(*bad);
    auto current = mappings.get(parts[2]);
    if (!current) return error(current.error());
    auto settings = current->settings;
    if (auto bad = read_settings(std::get<json>(parsed), settings)) return bad;
    auto m = mappings.update(parts[2], settings);
    return m ? http::Response::json(202, mapping_json(*m).dump()) : error(m.error());
  }
  return std::nullopt;
}

}  // namespace localray::lambda::protocol
