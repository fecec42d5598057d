#pragma once
// The execution environments of one function, and the Handler that runs an invocation in one of
// them. An invocation goes to a free environment, else to a new one while fewer than the
// function's concurrency run (a cold start), else waits for one to free. A run that passes its
// timeout has its environment killed (a fresh one serves the next run), an environment idle for
// `idle` stops, and new code (replace) reaches every environment started after it.
#include <chrono>
#include <deque>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/fwd.h>

#include "functions/runtime/environment.hpp"
#include "functions/runtime/process.hpp"
#include "services/lambda/model/handler.hpp"

namespace localray::functions::runtime {

struct PoolLimits {
  int concurrency = 10;
  std::chrono::milliseconds timeout{3000};
  std::chrono::milliseconds idle{std::chrono::minutes{5}};
  // A runtime that has not asked for its first invocation by then has failed to start (Lambda's
  // init phase limit).
  std::chrono::milliseconds init_limit{std::chrono::seconds{10}};
};

class WorkerPool final : public lambda::model::Handler, public std::enable_shared_from_this<WorkerPool> {
 public:
  WorkerPool(boost::asio::any_io_executor ex, std::string function_name, LaunchSpec launch, PoolLimits limits, const tracing::Clock& clock,
             std::shared_ptr<spdlog::logger> log);
  ~WorkerPool() override;

  boost::asio::awaitable<lambda::model::HandlerResult> handle(lambda::model::InvocationContext& ctx) override;
  bool enforces_timeout() const override { return true; }
  bool reports_initialization() const override { return true; }

  // New code or configuration: idle environments stop now, busy ones once their run ends.
  void replace(LaunchSpec launch, PoolLimits limits);
  // The same, with the code as it now is on disk (--watch).
  void refresh();
  // Kills every environment; runs in progress end with Runtime.ExitError.
  void stop();

  struct Stats {
    std::size_t environments = 0;
    std::size_t busy = 0;
    std::uint64_t started = 0;  // environments started since the pool was made
  };
  boost::asio::awaitable<Stats> stats();

 private:
  void submit(const std::shared_ptr<Invocation>& inv);  // strand only
  void start_environment(const std::shared_ptr<Invocation>& inv);  // strand only
  void on_freed(const std::shared_ptr<Environment>& env);  // strand only
  void on_exited(const std::shared_ptr<Environment>& env);  // strand only
  void give_up(const std::shared_ptr<Invocation>& inv, std::string type, std::string message);  // strand only
  void arm_reaper();  // strand only

  Strand strand_;
  std::string function_;
  LaunchSpec launch_;
  PoolLimits limits_;
  const tracing::Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::shared_ptr<Environment>> environments_;  // strand only
  std::deque<std::shared_ptr<Invocation>> waiting_;         // strand only
  int generation_ = 0;                                      // strand only
  int numbered_ = 0;                                        // strand only
  std::uint64_t started_ = 0;                               // strand only
  bool stopped_ = false;                                    // strand only
  boost::asio::steady_timer reaper_;
  bool reaper_armed_ = false;                               // strand only
};

}  // namespace localray::functions::runtime
