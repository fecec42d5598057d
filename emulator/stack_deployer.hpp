#pragma once
// The CloudFormation API's deployer: a template is compiled by the same loader as --template and
// applied by the same wiring as at start, in the home account and region; what it made is
// remembered per stack so that DeleteStack and UpdateStack remove exactly that.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "config/cloudformation/stack_compiler.hpp"
#include "emulator/options.hpp"
#include "emulator/wiring.hpp"
#include "services/cloudformation/model/stacks.hpp"

namespace localray::emulator {

// What a compiled stack holds, as the CloudFormation API reports it.
cloudformation::model::Deployed deployed_of(const config::Stack& stack, tracing::TimePoint now);

class StackDeployer final : public cloudformation::model::Deployer {
 public:
  StackDeployer(Services& s, boost::asio::any_io_executor ex, const Options& options, std::uint64_t seed, std::shared_ptr<spdlog::logger> log);

  // The stacks loaded at start (--template, --cdk-out), or reloaded by --watch in place of
  // `before`: their exports reach stacks created later; they are shown by the API but not changed
  // through it.
  void adopt(const config::Topology* before, const config::Topology& loaded);
  bool adopted(const std::string& stack_name) const;

  cloudformation::model::Result<cloudformation::model::TemplateSummary> summarize(const std::string& template_body) override;
  boost::asio::awaitable<cloudformation::model::Result<cloudformation::model::Deployed>> deploy(
      std::string stack_name, std::string stack_id, std::string template_body, std::vector<cloudformation::model::Parameter> parameters) override;
  boost::asio::awaitable<cloudformation::model::Result<cloudformation::model::Deployed>> update(
      std::string stack_name, std::string stack_id, std::string template_body, std::vector<cloudformation::model::Parameter> parameters) override;
  boost::asio::awaitable<cloudformation::model::Result<void>> remove(std::string stack_name) override;

 private:
  struct Compiled {
    config::Topology topology;               // the stack's own resources
    config::cloudformation::Exports exports;  // every stack's, this one's as the template makes them
  };
  cloudformation::model::Result<Compiled> compile(const std::string& stack_name, const std::string& stack_id, const std::string& template_body,
                                                  const std::vector<cloudformation::model::Parameter>& parameters);
  // Records a stack's compiled resources and what applying them made; `before` is what it had.
  void commit(const std::string& stack_name, const config::Topology* before, Compiled compiled, AppliedResources made);
  void forget_stack_record(const std::string& stack_name);

  Services& s_;
  boost::asio::any_io_executor ex_;
  const Options& options_;
  std::uint64_t seed_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  config::cloudformation::Exports exports_;
  config::Topology known_;  // every topic, queue and function that exists, for references across stacks
  std::map<std::string, AppliedResources> made_;  // by stack name, for stacks created over the API
  std::map<std::string, config::Topology> compiled_;  // the same stacks' own resources
  std::set<std::string> adopted_;
};

}  // namespace localray::emulator
