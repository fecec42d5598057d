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
#include "functions/runtime/runtimes.hpp"
#include "services/lambda/model/function.hpp"
#include "tracing/clock.hpp"

namespace localray::emulator {

// Where localray keeps unpacked code: beside the trace store, or in a temporary folder of this
// process when the store is in memory.
std::string code_root_for(const std::string& db_path);

class WorkerCodeRunners final : public lambda::model::CodeRunners {
 public:
  WorkerCodeRunners(boost::asio::any_io_executor ex, functions::runtime::RuntimeHost host, std::string code_root, base::Scope scope,
                    const tracing::Clock& clock, std::shared_ptr<spdlog::logger> log);
  lambda::model::Result<lambda::model::DeployedCode> deploy(const lambda::model::FunctionConfig& config,
                                                            const lambda::model::CodeSource& code) override;
  lambda::model::Result<std::shared_ptr<lambda::model::Handler>> handler(const lambda::model::FunctionConfig& config) override;

 private:
  boost::asio::any_io_executor ex_;
  functions::runtime::RuntimeHost host_;
  std::string code_root_;
  base::Scope scope_;
  const tracing::Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<unsigned> deployments_{0};
};

// The user's own function as a Lambda handler: a pool of workers running its code.
lambda::model::Result<std::shared_ptr<lambda::model::Handler>> worker_handler(boost::asio::any_io_executor ex,
                                                                              const functions::runtime::RuntimeHost& host,
                                                                              const lambda::model::FunctionConfig& config,
                                                                              const base::Scope& scope, const tracing::Clock& clock,
                                                                              std::shared_ptr<spdlog::logger> log);

}  // namespace localray::emulator
