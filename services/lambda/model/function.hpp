#pragma once
// Lambda functions and their invocations.
//
// Invocation lifecycle:
//   invoke() (RequestResponse): admitted if fewer than `concurrency` run, else TooManyRequests;
//     runs at once; the caller gets the payload or the function error.
//   invoke_async() (Event): queued (throttled past kMaxQueuedEvents or kMaxQueuedBytes) ->
//     RUNNING when a slot frees -> done, or on error re-queued after retry_delays[attempt-1]
//     until 1 + MaximumRetryAttempts attempts have run; an event older than MaximumEventAge when
//     its turn comes is not run. On success the on-success destination gets the invocation
//     record; given up on, the on-failure destination gets it and the dead-letter queue the event
//     (async_invocation.hpp), each delivery traced as a subsegment of the last Lambda segment.
// Each run records two segments: the Lambda service segment (origin AWS::Lambda, parent = the
// caller's subsegment, `Dwell Time` and `Attempt #N` for async runs) and the function segment
// (origin AWS::Lambda::Function, parent = the service segment) with Initialization (first run
// only), Invocation and Overhead.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <boost/asio/strand.hpp>

#include "services/lambda/model/async_invocation.hpp"
#include "services/lambda/model/error.hpp"
#include "services/lambda/model/handler.hpp"
#include "services/lambda/model/layers.hpp"
#include "tracing/function_logs.hpp"
#include "tracing/open_invocations.hpp"
#include "tracing/tracer.hpp"

namespace localray::lambda::model {

struct FunctionConfig {
  std::string name;
  std::string runtime = "provided.al2023";
  std::string handler;        // AWS's form for user code, else a built-in handler's id
  std::string code_location;  // the folder the code runs from; empty for a built-in handler
  std::map<std::string, std::string> environment;
  std::string role = "arn:aws:iam::000000000000:role/localray";
  std::string description;
  std::string code_sha256;
  std::int64_t code_size = 0;
  std::string last_modified = "2024-01-01T00:00:00.000+0000";
  std::string tracing_mode = "Active";
  std::optional<int> reserved_concurrency;  // PutFunctionConcurrency; `concurrency` follows it
  std::map<std::string, std::string> policy_statements;  // AddPermission: Sid -> statement (JSON text)
  std::vector<LayerVersion> layers;  // in the function's order, each what /opt holds for it
  std::string dead_letter_target;    // DeadLetterConfig.TargetArn: an SQS queue or SNS topic
  std::chrono::milliseconds timeout{3000};
  int concurrency = 10;
  int memory_mb = 128;
  std::vector<std::chrono::milliseconds> retry_delays{std::chrono::milliseconds{1000}, std::chrono::milliseconds{2000}};
};

// Where the code of a function created over the API comes from.
struct CodeSource {
  std::string zip;     // a package's bytes (ZipFile)
  std::string folder;  // or a folder on this machine, run in place
};

struct DeployedCode {
  std::string location;  // the folder it runs from
  std::string sha256;    // base64, as Lambda's CodeSha256
  std::int64_t size = 0;
};

// Turns code into something that runs. Implemented outside the model (worker processes); the model
// only keeps functions and their runs.
class CodeRunners {
 public:
  virtual ~CodeRunners() = default;
  virtual Result<DeployedCode> deploy(const FunctionConfig& config, const CodeSource& code) = 0;
  virtual Result<DeployedCode> deploy_layer(const std::string& name, int version, const std::string& zip) = 0;
  // A handler running `config`'s code; each call starts with fresh execution environments.
  virtual Result<std::shared_ptr<Handler>> handler(const FunctionConfig& config) = 0;
};

struct InvokeResult {
  std::string request_id;
  std::string payload;
  std::optional<FunctionError> error;
  std::string log_tail;  // the run's log lines
  std::string executed_version = "$LATEST";
  std::string service_segment_id;  // the run's Lambda segment, when sampled
};

class Function;

// Told of each change to a function created over the API (its configuration and the folder its
// code runs from) and to layers published over the API, so that a copy can be kept elsewhere
// (--persist). Built-in and topology functions are the topology's to make; they are not reported
// unless changed over the API.
class FunctionChanges {
 public:
  virtual ~FunctionChanges() = default;
  virtual void function_changed(const FunctionConfig& config) = 0;
  virtual void function_removed(const std::string& name) = 0;
  virtual void layer_published(const LayerVersion& v) = 0;
  virtual void layer_removed(const std::string& name, int version) = 0;
  // PutFunctionEventInvokeConfig (any function's); nothing: deleted.
  virtual void event_invoke_changed(const std::string& function, const std::optional<EventInvokeConfig>& config) = 0;
};

class Runner {
 public:
  Runner(boost::asio::any_io_executor ex, tracing::Tracer tracer, std::shared_ptr<spdlog::logger> log, std::string region,
         std::string account);
  ~Runner();

  Result<void> add_function(FunctionConfig config, std::shared_ptr<Handler> handler);
  // CreateFunction and friends: the code goes through `code_runners` (set once, before any call).
  // A changed function is a new Function: runs in progress finish on the old one.
  void set_code_runners(CodeRunners* runners) { code_runners_ = runners; }
  Result<std::shared_ptr<Function>> create_function(FunctionConfig config, const CodeSource& code);
  Result<std::shared_ptr<Function>> update_code(std::string_view name, const CodeSource& code);
  // `change` edits a copy of the configuration; an error from it leaves the function as it was.
  Result<std::shared_ptr<Function>> update_configuration(std::string_view name, const std::function<Result<void>(FunctionConfig&)>& change);
  Result<void> delete_function(std::string_view name);
  // Where changes are reported (--persist); set before any function is created over the API.
  void set_changes(std::shared_ptr<FunctionChanges> changes) { changes_ = std::move(changes); }
  // A function a copy kept: its code runs from config.code_location again. ResourceConflict when
  // the name is taken (the topology made it).
  Result<std::shared_ptr<Function>> restore_function(FunctionConfig config);
  // DeleteLayerVersion.
  void remove_layer_version(const std::string& name, int version);
  // PublishLayerVersion: the zip unpacked through `code_runners`.
  Result<LayerVersion> publish_layer(LayerVersion v, const std::string& zip);
  // A layer whose content is a folder on this machine, used in place (a template's layer).
  LayerVersion publish_layer_folder(LayerVersion v, const std::string& folder);
  // Version ARNs to the layers they name (Layers of CreateFunction and UpdateFunctionConfiguration).
  Result<std::vector<LayerVersion>> resolve_layers(const std::vector<std::string>& version_arns) const;
  Layers& layers() { return layers_; }
  // Accepts a name, `name:qualifier`, or a (partial) ARN.
  Result<std::shared_ptr<Function>> find(std::string_view name_or_arn) const;
  std::vector<std::shared_ptr<Function>> functions() const;

  // `ctx`: the caller's trace context; without one the invocation starts a trace.
  // `links`: X-Ray links for the service segment (an SQS consumer links to its producers).
  boost::asio::awaitable<Result<InvokeResult>> invoke(std::string_view function, std::string payload,
                                                      std::optional<tracing::TraceHeader> ctx, nlohmann::json links = nullptr);
  // The same with the caller's client context (Invoke's X-Amz-Client-Context, decoded JSON), which
  // the function sees as context.clientContext.
  boost::asio::awaitable<Result<InvokeResult>> invoke(std::string_view function, std::string payload,
                                                      std::optional<tracing::TraceHeader> ctx, nlohmann::json links, std::string client_context);
  // Queues the event and returns its request id at once; TooManyRequests when the function holds
  // too many events already.
  Result<std::string> invoke_async(std::string_view function, std::string payload, std::optional<tracing::TraceHeader> ctx);

  // PutFunctionEventInvokeConfig and friends ($LATEST only). Kept apart from the configuration:
  // changing it changes no code or environment.
  Result<EventInvokeConfig> put_event_invoke_config(std::string_view function, EventInvokeConfig config);
  std::optional<EventInvokeConfig> event_invoke_config(std::string_view function) const;
  Result<void> delete_event_invoke_config(std::string_view function);
  // Where destinations and dead letters are delivered (set once, before any run); without it,
  // configuring one is refused.
  void set_destinations(AsyncDestinations* destinations) { destinations_ = destinations; }
  AsyncDestinations* destinations() const { return destinations_; }

  std::string function_arn(const std::string& name) const { return "arn:aws:lambda:" + region_ + ":" + account_ + ":function:" + name; }
  // Number of runs in flight or queued, summed over every function.
  std::size_t pending() const;
  // Where sampled runs announce their Invocation subsegment while they run (set once, before any run).
  void set_open_invocations(tracing::OpenInvocations* registry) { open_invocations_ = registry; }
  // Where each run's log goes once it ends (set once, before any run).
  void set_run_logs(tracing::FunctionLogs* logs) { run_logs_ = logs; }

 private:
  friend class Function;
  boost::asio::any_io_executor ex_;
  tracing::Tracer t_;
  std::shared_ptr<spdlog::logger> log_;
  std::string region_, account_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<Function>> functions_;
  tracing::OpenInvocations* open_invocations_ = nullptr;
  tracing::FunctionLogs* run_logs_ = nullptr;
  Layers layers_;
  CodeRunners* code_runners_ = nullptr;
  AsyncDestinations* destinations_ = nullptr;
  std::shared_ptr<FunctionChanges> changes_;
  std::map<std::string, EventInvokeConfig> event_invoke_;  // by function name, under mutex_
  // Puts the function under its name. `expected` is the function it replaces (null: none may be
  // there yet); checked under the lock, so concurrent creates, updates and deletes cannot undo
  // one another.
  Result<std::shared_ptr<Function>> replace(FunctionConfig config, std::shared_ptr<Handler> handler, const std::shared_ptr<Function>& expected);
  // `code` deployed for `config`, then put in place as replace() does.
  Result<std::shared_ptr<Function>> deploy(FunctionConfig config, const CodeSource& code, const std::shared_ptr<Function>& expected);
};

class Function : public std::enable_shared_from_this<Function> {
 public:
  Function(Runner& runner, FunctionConfig config, std::string arn, std::shared_ptr<Handler> handler);
  const FunctionConfig& config() const { return config_; }
  const std::string& arn() const { return arn_; }
  const std::shared_ptr<Handler>& handler() const { return handler_; }
  std::size_t pending() const { return pending_.load(); }
  // Since this version of the function was made: runs, runs that ended in a function error, and
  // calls refused for want of concurrency (synchronous and, when the event queue is full, asynchronous).
  struct Counts {
    std::uint64_t invocations = 0, errors = 0, throttles = 0;
  };
  Counts counts() const { return {invocations_.load(), errors_.load(), throttles_.load()}; }

 private:
  friend class Runner;
  struct AsyncEvent {
    std::string request_id;
    std::string payload;
    tracing::TraceHeader trace;
    tracing::TimePoint queued_at;
    int attempt = 1;
    tracing::TimePoint first_queued_at;
  };
  struct Run {
    std::string request_id;
    std::string payload;
    tracing::TraceHeader trace;
    std::optional<tracing::TimePoint> queued_at;  // async only
    int attempt = 1;
    bool cold = false;
    nlohmann::json links;
    std::string client_context;
  };

  boost::asio::awaitable<InvokeResult> execute(Run run);
  bool take_environment();          // strand only; true when a cold start is needed
  void enqueue(AsyncEvent e);       // strand only
  void start_queued();              // strand only
  boost::asio::awaitable<void> run_async(AsyncEvent e);
  // The event leaves the queue for good: its record and dead letter go where they are configured.
  boost::asio::awaitable<void> conclude(AsyncEvent e, InvocationRecord record, std::string parent_segment, std::string error_message);
  boost::asio::awaitable<void> send(AsyncDelivery delivery, const tracing::TraceHeader& trace, const std::string& parent_segment);

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
  std::atomic<std::size_t> queued_bytes_{0};  // payloads of the async events held
  std::atomic<std::uint64_t> invocations_{0}, errors_{0}, throttles_{0};
};

}  // namespace localray::lambda::model
