#pragma once
// Lambda functions and layers created over the API kept across restarts (--persist): each
// function's configuration as one row, naming the folder its code was unpacked into (beside the
// trace store, where it stays); each layer version published over the API as one row.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/scope.hpp"
#include "emulator/persist/sqs_state.hpp"
#include "services/lambda/model/event_source_mappings.hpp"
#include "services/lambda/model/function.hpp"
#include "tracing/state_journal.hpp"

namespace localray::emulator::persist {

class LambdaState final : public lambda::model::FunctionChanges {
 public:
  LambdaState(tracing::StateJournal& journal, base::Scope scope);
  void function_changed(const lambda::model::FunctionConfig& config) override;
  void function_removed(const std::string& name) override;
  void layer_published(const lambda::model::LayerVersion& v) override;
  void layer_removed(const std::string& name, int version) override;
  void event_invoke_changed(const std::string& function, const std::optional<lambda::model::EventInvokeConfig>& config) override;

 private:
  tracing::StateJournal& journal_;
  std::string scope_owner_;
};

class MappingState final : public lambda::model::MappingChanges {
 public:
  MappingState(tracing::StateJournal& journal, base::Scope scope);
  void mapping_changed(const lambda::model::MappingInfo& info) override;
  void mapping_removed(const std::string& uuid) override;

 private:
  tracing::StateJournal& journal_;
  std::string scope_owner_;
};

inline constexpr const char* kLambdaFunctionRows = "lambda.function";
inline constexpr const char* kLambdaMappingRows = "lambda.mapping";
inline constexpr const char* kLambdaEventInvokeRows = "lambda.event_invoke";
inline constexpr const char* kLambdaLayerRows = "lambda.layer";

// Puts back the event source mappings of `scope` under their UUIDs (after its queues and
// functions). One the topology made (same queue, same function) stays as it is.
RestoreCounts restore_mappings(lambda::model::EventSourceMappings& mappings, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                               tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log);

// Puts back the layers, then the functions, of `scope`. A function the topology already made
// stays as the topology makes it; one whose code folder is gone is left out (and logged).
RestoreCounts restore_lambda(lambda::model::Runner& runner, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                             tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log);

// Puts back every function's event invoke config (the topology's functions' too: one put over the
// API wins over the topology's), once the queues, topics and functions they name exist.
RestoreCounts restore_event_invoke_configs(lambda::model::Runner& runner, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                                           tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log);

}  // namespace localray::emulator::persist
