#pragma once
// --watch for an app given as templates (--template, --cdk-out): when a template file or the
// cloud assembly's manifest changes, the app is compiled again and only the difference applied:
// resources whose definition changed are replaced, the rest keep their state (a queue's
// messages, a table's items, warm workers). A template that no longer compiles is logged with
// its error and changes nothing. Files are polled every half second; a change is taken once the
// files have stopped changing for one poll (cdk synth writes many).
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/fwd.h>

#include "emulator/options.hpp"
#include "emulator/stack_deployer.hpp"
#include "emulator/wiring.hpp"
#include "services/cloudformation/model/stacks.hpp"

namespace localray::emulator {

class AppReloader {
 public:
  AppReloader(Services& s, boost::asio::any_io_executor ex, const Options& options, std::uint64_t seed, StackDeployer& deployer,
              cloudformation::model::Stacks& stacks, config::Topology loaded, AppliedResources made, std::shared_ptr<spdlog::logger> log);
  void start();
  void stop();

  // Compiles the app again and applies the difference (what a change of its files triggers).
  boost::asio::awaitable<void> reload();

 private:
  using Stamps = std::map<std::string, std::filesystem::file_time_type>;
  Stamps stamps() const;
  void schedule();

  Services& s_;
  boost::asio::any_io_executor ex_;
  const Options& options_;
  std::uint64_t seed_;
  StackDeployer& deployer_;
  cloudformation::model::Stacks& stacks_;
  config::Topology topology_;
  AppliedResources made_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::steady_timer timer_;
  Stamps seen_;
  bool changed_ = false;
  bool stopped_ = false;
  bool reloading_ = false;
};

}  // namespace localray::emulator
