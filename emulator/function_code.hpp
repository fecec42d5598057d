#pragma once
// Functions created over the Lambda API run as the user's code does from a topology: their zip
// unpacked into a folder localray owns (or a folder on this machine used in place), each version
// served by a pool of worker processes of its own.
#include <atomic>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "base/scope.hpp"
#include "functions/runtime/code_watcher.hpp"
#include "functions/runtime/runtimes.hpp"
#include "services/lambda/model/function.hpp"
#include "tracing/clock.hpp"

namespace localray::emulator {

// Where localray keeps unpacked code: beside the trace store, or in a temporary folder of this
// process when the store is in memory.
std::string code_root_for(const std::string& db_path);

// What every user function's pool is made with.
struct WorkerSettings {
  boost::asio::any_io_executor ex;
  functions::runtime::RuntimeHost host;
  const tracing::Clock* clock = nullptr;
  std::shared_ptr<spdlog::logger> log;
  functions::runtime::CodeWatcher* watcher = nullptr;  // --watch
};

class WorkerCodeRunners final : public lambda::model::CodeRunners {
 public:
  // `keep_folders`: code folders of an earlier run may still be in use (--persist restores the
  // functions that run from them), so a new deployment never reuses one.
  WorkerCodeRunners(WorkerSettings settings, std::string code_root, base::Scope scope, bool keep_folders = false);
  lambda::model::Result<lambda::model::DeployedCode> deploy(const lambda::model::FunctionConfig& config,
                                                            const lambda::model::CodeSource& code) override;
  lambda::model::Result<lambda::model::DeployedCode> deploy_layer(const std::string& name, int version, const std::string& zip) override;
  lambda::model::Result<std::shared_ptr<lambda::model::Handler>> handler(const lambda::model::FunctionConfig& config) override;

 private:
  WorkerSettings settings_;
  std::string code_root_;
  base::Scope scope_;
  bool keep_folders_;
  std::atomic<unsigned> deployments_{0};
};

// The user's own function as a Lambda handler: a pool of workers running its code, watched when
// the settings have a watcher.
lambda::model::Result<std::shared_ptr<lambda::model::Handler>> worker_handler(const WorkerSettings& settings,
                                                                              const lambda::model::FunctionConfig& config,
                                                                              const base::Scope& scope);

}  // namespace localray::emulator
