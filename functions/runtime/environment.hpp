#pragma once
// One execution environment of a function: a worker process, the Runtime API endpoint it polls
// (its own port, AWS_LAMBDA_RUNTIME_API), and the invocation it runs. Every member is used on the
// pool's strand; the Runtime API's sessions run on it too.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/fwd.h>

#include "functions/runtime/process.hpp"
#include "functions/runtime/runtime_api.hpp"
#include "services/lambda/model/handler.hpp"
#include "tracing/clock.hpp"

namespace localray::http {
class Server;
}

namespace localray::functions::runtime {

using Strand = boost::asio::strand<boost::asio::any_io_executor>;
using SteadyTime = std::chrono::steady_clock::time_point;

struct Outcome {
  std::string payload;
  std::optional<lambda::model::FunctionError> error;
};

// One run handed to the pool. `changed` is signalled when it is delivered (its deadline moves) and
// when `outcome` is final; the rest is strand only.
struct Invocation {
  explicit Invocation(boost::asio::any_io_executor ex) : changed{std::move(ex), 2} {}
  NextInvocation next;  // deadline_ms filled in when delivered
  std::string trace_root;
  std::chrono::milliseconds timeout{3000};
  SteadyTime submitted{};
  bool delivered = false;
  SteadyTime delivered_at{};
  bool finished = false;
  Outcome outcome;
  std::optional<lambda::model::Span> initialization;
  std::string log;  // the lines the worker wrote while it ran (the tail of them when long)
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> changed;

  void finish(Outcome o);
  void finish_with_error(std::string type, std::string message);
};

class Environment : public RuntimeEndpoint, public std::enable_shared_from_this<Environment> {
 public:
  struct Hooks {
    // The environment can take an invocation (it answered, or it asks for the next one).
    std::function<void(const std::shared_ptr<Environment>&)> freed;
    // The process has exited; the environment is gone.
    std::function<void(const std::shared_ptr<Environment>&)> exited;
  };
  struct Setup {
    std::string function_name;
    int number = 0;      // per function, for logs and the log stream name
    int generation = 0;  // the pool's code generation it was started with
    const tracing::Clock* clock = nullptr;
    std::shared_ptr<spdlog::logger> log;
  };

  // Starts the Runtime API endpoint, then the process; fails when the program cannot be started.
  static tracing::Result<std::shared_ptr<Environment>> start(Strand strand, const LaunchSpec& launch, Setup setup, Hooks hooks);
  ~Environment() override;

  bool free() const { return !current_ && !exited_ && !killed_; }
  bool idle_since(SteadyTime t) const { return free() && initialized_ && free_since_ <= t; }
  int generation() const { return setup_.generation; }
  const std::shared_ptr<Invocation>& current() const { return current_; }
  // Hands it the invocation: delivered on the worker's next `next` (at once if it is waiting).
  void assign(std::shared_ptr<Invocation> inv);
  // SIGKILL; the exited hook follows.
  void kill();
  // The signal alone, from any thread (the pool going away); the state is left to the strand.
  void kill_process();

  // RuntimeEndpoint
  boost::asio::awaitable<std::optional<NextInvocation>> next() override;
  boost::asio::awaitable<Ack> respond(std::string request_id, std::string payload) override;
  boost::asio::awaitable<Ack> fail(std::string request_id, RuntimeError error) override;
  boost::asio::awaitable<Ack> fail_init(RuntimeError error) override;

 private:
  Environment(Strand strand, Setup setup, Hooks hooks);
  void on_line(std::string_view line, bool is_stderr);
  void on_exit(int status);
  void release();  // the current invocation is over: free again
  // Waits (briefly) until the bootstrap's end marks for `request_id` have been read on both streams.
  boost::asio::awaitable<void> await_output_of(const std::string& request_id);

  Strand strand_;
  Setup setup_;
  Hooks hooks_;
  std::unique_ptr<http::Server> api_;
  std::unique_ptr<ChildProcess> process_;
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code, std::shared_ptr<Invocation>)> inbox_;
  std::shared_ptr<Invocation> current_;
  tracing::TimePoint started_at_{};
  bool initialized_ = false;  // it has asked for its first invocation
  bool exited_ = false;
  bool killed_ = false;
  SteadyTime free_since_{};
  std::string init_log_;  // lines written before the first invocation was delivered
  bool marks_output_ends_ = false;
  std::string output_ended_[2];  // the request id of the last end mark read on stdout, stderr
  std::string awaiting_output_of_;
  boost::asio::steady_timer output_wait_;
};

}  // namespace localray::functions::runtime
