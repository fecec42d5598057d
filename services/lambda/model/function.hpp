#pragma once
// Lambda functions and their invocations.
//
// Invocation lifecycle:
//   invoke() (RequestResponse): admitted if fewer than `concurrency` run, else TooManyRequests;
//     runs at once; the caller gets the payload or the function error.
//   invoke_async() (Event): queued (always accepted) -> RUNNING when a slot frees -> done, or on
//     error re-queued after retry_delays[attempt-1] until kAsyncAttempts attempts have run.
// Each run records two segments: the Lambda service segment (origin AWS::Lambda, parent = the
// caller's subsegment, `Dwell Time` and `Attempt #N` for async runs) and the function segment
// (origin AWS::Lambda::Function, parent = the service segment) with Initialization (first run
// only), Invocation and Overhead.
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <boost/asio/strand.hpp>

#include "services/lambda/model/error.hpp"
#include "services/lambda/model/handler.hpp"
#include "tracing/open_invocations.hpp"
#include "tracing/tracer.hpp"

namespace localray::lambda::model {

struct FunctionConfig {
  std::string name;
  std::string runtime = "provided.al2023";
  std::string handler;        // AWS's form for user code, else a built-in handler's id
  std::string code_location;  // the folder the code runs from; empty for a built-in handler
  std::map<std::string, std::string> environment;
  std::chrono::milliseconds timeout{3000};
  int concurrency = 10;
  int memory_mb = 128;
  std::vector<std::chrono::milliseconds> retry_delays{std::chrono::milliseconds{1000}, std::chrono::milliseconds{2000}};
};

struct InvokeResult {
  std::string request_id;
  std::string payload;
  std::optional<FunctionError> error;
  std::string log_tail;  // the run's log lines
  std::string executed_version = "$LATEST";
};

class Function;

class Runner {
 public:
  Runner(boost::asio::any_io_executor ex, tracing::Tracer tracer, std::shared_ptr<spdlog::logger> log, std::string region,
         std::string account);
  ~Runner();

  Result<void> add_function(FunctionConfig config, std::shared_ptr<Handler> handler);
  // Accepts a name, `name:qualifier`, or a (partial) ARN.
  Result<std::shared_ptr<Function>> find(std::string_view name_or_arn) const;
  std::vector<std::shared_ptr<Function>> functions() const;

  // `ctx`: the caller's trace context; without one the invocation starts a trace.
  // `links`: X-Ray links for the service segment (an SQS consumer links to its producers).
  boost::asio::awaitable<Result<InvokeResult>> invoke(std::string_view function, std::string payload,
                                                      std::optional<tracing::TraceHeader> ctx, nlohmann::json links = nullptr);
  // Queues the event and returns its request id at once.
  Result<std::string> invoke_async(std::string_view function, std::string payload, std::optional<tracing::TraceHeader> ctx);

  std::string function_arn(const std::string& name) const { return "arn:aws:lambda:" + region_ + ":" + account_ + ":function:" + name; }
  // Number of runs in flight or queued, summed over every function.
  std::size_t pending() const;
  // Where sampled runs announce their Invocation subsegment while they run (set once, before any run).
  void set_open_invocations(tracing::OpenInvocations* registry) { open_invocations_ = registry; }

 private:
  friend class Function;
  boost::asio::any_io_executor ex_;
  tracing::Tracer t_;
  std::shared_ptr<spdlog::logger> log_;
  std::string region_, account_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<Function>> functions_;
  tracing::OpenInvocations* open_invocations_ = nullptr;
};

class Function : public std::enable_shared_from_this<Function> {
 public:
  Function(Runner& runner, FunctionConfig config, std::string arn, std::shared_ptr<Handler> handler);
  const FunctionConfig& config() const { return config_; }
  const std::string& arn() const { return arn_; }
  std::size_t pending() const { return pending_.load(); }

 private:
  friend class Runner;
  struct AsyncEvent {
    std::string request_id;
    std::string payload;
    tracing::TraceHeader trace;
    tracing::TimePoint queued_at;
    int attempt = 1;
  };
  struct Run {
    std::string request_id;
    std::string payload;
    tracing::TraceHeader trace;
    std::optional<tracing::TimePoint> queued_at;  // async only
    int attempt = 1;
    bool cold = false;
    nlohmann::json links;
  };

  boost::asio::awaitable<InvokeResult> execute(Run run);
  bool take_environment();          // strand only; true when a cold start is needed
  void enqueue(AsyncEvent e);       // strand only
  void start_queued();              // strand only
  boost::asio::awaitable<void> run_async(AsyncEvent e);

  Runner& runner_;
  FunctionConfig config_;
  std::string arn_;
  std::shared_ptr<Handler> handler_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  int running_ = 0;                  // strand only
  std::deque<AsyncEvent> queue_;     // strand only
  int idle_environments_ = 0;        // strand only: warm execution environments
  std::atomic<std::size_t> pending_{0};
};

}  // namespace localray::lambda::model
