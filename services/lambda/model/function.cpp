#include "services/lambda/model/function.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <spdlog/spdlog.h>

#include "services/lambda/model/limits.hpp"

namespace localray::lambda::model {

namespace asio = boost::asio;
using tracing::epoch_seconds;

void InvocationContext::print(std::string_view line) {
  log->info("[{}] [{}] {}", request_id, trace.root, line);
  output += line;
  output += '\n';
}

namespace {

void close_open(tracing::Segment& s, double now) {
  for (auto& c : s.subsegments) close_open(c, now);
  if (s.end_time == 0 && !s.in_progress) s.end_time = now;
}

// A function called without a trace decision starts or decides one as the function's own node.
tracing::SamplingRequest sampling_request(const Function& fn) {
  tracing::SamplingRequest r;
  r.service_name = fn.config().name;
  r.service_type = "AWS::Lambda::Function";
  r.resource_arn = fn.arn();
  return r;
}

Error not_found(std::string_view name) {
  return Error{Code::ResourceNotFound, "Function not found: " + std::string{name}};
}

}  // namespace

std::string timeout_message(std::chrono::milliseconds timeout) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", timeout.count() / 1000.0);
  return std::string{"Task timed out after "} + secs + " seconds";
}

Runner::Runner(asio::any_io_executor ex, tracing::Tracer tracer, std::shared_ptr<spdlog::logger> log, std::string region,
               std::string account)
    : ex_{std::move(ex)}, t_{tracer}, log_{std::move(log)}, region_{region}, account_{account}, layers_{region, account} {}

Runner::~Runner() = default;

Result<void> Runner::add_function(FunctionConfig config, std::shared_ptr<Handler> handler) {
  if (config.concurrency < 1) return Error{Code::InvalidParameterValue, "concurrency must be at least 1"};
  std::unique_lock lock{mutex_};
  auto name = config.name;
  auto fn = std::make_shared<Function>(*this, std::move(config), function_arn(name), std::move(handler));
  functions_[name] = std::move(fn);
  return {};
}

namespace {

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

Result<std::shared_ptr<Function>> Runner::replace(FunctionConfig config, std::shared_ptr<Handler> handler,
                                                  const std::shared_ptr<Function>& expected) {
  // 0 is a reserved concurrency of none: every invocation is throttled, as on AWS.
  if (config.concurrency < 0) return Error{Code::InvalidParameterValue, "concurrency must not be negative"};
  std::unique_lock lock{mutex_};
  auto name = config.name;
  auto now = functions_.find(name);
  if (!expected && now != functions_.end()) return Error{Code::ResourceConflict, "Function already exist: " + name};
  if (expected && (now == functions_.end() || now->second != expected))
    return Error{Code::ResourceConflict, "The operation cannot be performed at this time. An update is in progress for resource: " +
                                             function_arn(name)};
  auto fn = std::make_shared<Function>(*this, std::move(config), function_arn(name), std::move(handler));
  functions_[name] = fn;
  // Under the lock: two changes to one function are reported in the order they took effect.
  if (changes_ && !fn->config().code_location.empty()) changes_->function_changed(fn->config());
  return fn;
}

Result<std::shared_ptr<Function>> Runner::restore_function(FunctionConfig config) {
  if (!code_runners_) return Error{Code::ServiceUnavailable, "functions cannot be created here"};
  {
    std::shared_lock lock{mutex_};
    if (functions_.contains(config.name)) return Error{Code::ResourceConflict, "Function already exist: " + config.name};
  }
  auto handler = code_runners_->handler(config);
  if (!handler) return handler.error();
  return replace(std::move(config), std::move(*handler), nullptr);
}

void Runner::remove_layer_version(const std::string& name, int version) {
  (void)layers_.remove(name, version);
  if (changes_) changes_->layer_removed(name, version);
}

Result<std::shared_ptr<Function>> Runner::create_function(FunctionConfig config, const CodeSource& code) {
  if (!code_runners_) return Error{Code::ServiceUnavailable, "functions cannot be created here"};
  {
    std::shared_lock lock{mutex_};
    if (functions_.contains(config.name))
      return Error{Code::ResourceConflict, "Function already exist: " + config.name};
  }
  return deploy(std::move(config), code, nullptr);
}

Result<std::shared_ptr<Function>> Runner::deploy(FunctionConfig config, const CodeSource& code, const std::shared_ptr<Function>& expected) {
  auto deployed = code_runners_->deploy(config, code);
  if (!deployed) return deployed.error();
  config.code_location = deployed->location;
  config.code_sha256 = deployed->sha256;
  config.code_size = deployed->size;
  config.last_modified = now_iso8601();
  auto handler = code_runners_->handler(config);
  if (!handler) return handler.error();
  return replace(std::move(config), std::move(*handler), expected);
}

Result<std::shared_ptr<Function>> Runner::update_code(std::string_view name, const CodeSource& code) {
  auto found = find(name);
  if (!found) return found.error();
  if (!code_runners_ || (*found)->config().code_location.empty())
    return Error{Code::InvalidParameterValue, "The code of built-in function " + (*found)->config().name + " cannot be replaced"};
  return deploy((*found)->config(), code, *found);
}

Result<std::shared_ptr<Function>> Runner::update_configuration(std::string_view name,
                                                               const std::function<Result<void>(FunctionConfig&)>& change) {
  auto found = find(name);
  if (!found) return found.error();
  FunctionConfig config = (*found)->config();
  if (auto r = change(config); !r) return r.error();
  config.last_modified = now_iso8601();
  std::shared_ptr<Handler> handler = (*found)->handler();
  // The user's code starts again with the new settings; a built-in handler stays as it is.
  if (!config.code_location.empty() && code_runners_) {
    auto h = code_runners_->handler(config);
    if (!h) return h.error();
    handler = std::move(*h);
  }
  return replace(std::move(config), std::move(handler), *found);
}

Result<LayerVersion> Runner::publish_layer(LayerVersion v, const std::string& zip) {
  if (!code_runners_) return Error{Code::ServiceUnavailable, "layers cannot be published here"};
  // The number is taken first: two publishes at once unpack into folders of their own.
  v.version = layers_.reserve_version(v.name);
  auto deployed = code_runners_->deploy_layer(v.name, v.version, zip);
  if (!deployed) return deployed.error();
  v.location = deployed->location;
  v.sha256 = deployed->sha256;
  v.size = deployed->size;
  v.created = now_iso8601();
  auto published = layers_.publish(std::move(v));
  if (changes_) changes_->layer_published(published);
  return published;
}

LayerVersion Runner::publish_layer_folder(LayerVersion v, const std::string& folder) {
  v.version = layers_.reserve_version(v.name);
  v.location = folder;
  v.created = now_iso8601();
  return layers_.publish(std::move(v));
}

Result<std::vector<LayerVersion>> Runner::resolve_layers(const std::vector<std::string>& version_arns) const {
  if (version_arns.size() > 5) return Error{Code::InvalidParameterValue, "Cannot reference more than 5 layers."};
  std::vector<LayerVersion> out;
  for (const auto& arn : version_arns) {
    auto v = layers_.find(arn);
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

Result<void> Runner::delete_function(std::string_view name) {
  auto found = find(name);
  if (!found) return found.error();
  std::unique_lock lock{mutex_};
  functions_.erase((*found)->config().name);
  if (changes_ && event_invoke_.erase((*found)->config().name) > 0) changes_->event_invoke_changed((*found)->config().name, std::nullopt);
  else event_invoke_.erase((*found)->config().name);
  if (changes_) changes_->function_removed((*found)->config().name);
  return {};
}

Result<EventInvokeConfig> Runner::put_event_invoke_config(std::string_view name, EventInvokeConfig config) {
  auto found = find(name);
  if (!found) return found.error();
  if (auto valid = validate(config); !valid) return valid.error();
  for (const auto* target : {&config.on_success, &config.on_failure}) {
    if (target->empty()) continue;
    if (!destinations_) return Error{Code::InvalidParameterValue, "destinations are not served here"};
    if (auto ok = destinations_->check(*target); !ok) return ok.error();
  }
  config.last_modified = tracing::epoch_seconds(t_.clock.now());
  std::unique_lock lock{mutex_};
  event_invoke_[(*found)->config().name] = config;
  if (changes_) changes_->event_invoke_changed((*found)->config().name, config);
  return config;
}

std::optional<EventInvokeConfig> Runner::event_invoke_config(std::string_view name) const {
  std::shared_lock lock{mutex_};
  auto it = event_invoke_.find(std::string{name});
  if (it == event_invoke_.end()) return std::nullopt;
  return it->second;
}

Result<void> Runner::delete_event_invoke_config(std::string_view name) {
  auto found = find(name);
  if (!found) return found.error();
  std::unique_lock lock{mutex_};
  if (event_invoke_.erase((*found)->config().name) == 0)
    return Error{Code::ResourceNotFound, "The function " + (*found)->arn() + ":$LATEST doesn't have an EventInvokeConfig"};
  if (changes_) changes_->event_invoke_changed((*found)->config().name, std::nullopt);
  return {};
}

Result<std::shared_ptr<Function>> Runner::find(std::string_view key) const {
  // name[:qualifier], account:function:name[:qualifier], arn:aws:lambda:region:account:function:name[:qualifier]
  std::vector<std::string_view> parts;
  for (std::size_t pos = 0;;) {
    auto colon = key.find(':', pos);
    parts.push_back(key.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos));
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  std::string_view name = parts[0];
  // A (partial) ARN of another account or region names no function here.
  if (parts.size() >= 7 && parts[0] == "arn" && parts[5] == "function") {
    if (parts[3] != region_ || parts[4] != account_) return not_found(std::string{key});
    name = parts[6];
  } else if (parts.size() >= 3 && parts[1] == "function") {
    if (parts[0] != account_) return not_found(std::string{key});
    name = parts[2];
  }
  std::shared_lock lock{mutex_};
  auto it = functions_.find(std::string{name});
  if (it == functions_.end()) return not_found(function_arn(std::string{name}));
  return it->second;
}

std::vector<std::shared_ptr<Function>> Runner::functions() const {
  std::shared_lock lock{mutex_};
  std::vector<std::shared_ptr<Function>> out;
  for (const auto& [n, f] : functions_) out.push_back(f);
  return out;
}

std::size_t Runner::pending() const {
  std::size_t n = 0;
  for (const auto& f : functions()) n += f->pending();
  return n;
}

asio::awaitable<Result<InvokeResult>> Runner::invoke(std::string_view name, std::string payload, std::optional<tracing::TraceHeader> ctx,
                                                     nlohmann::json links) {
  std::string no_client_context;  // named: GCC 12 destroys temporaries made inside co_await twice
  co_return co_await invoke(name, std::move(payload), std::move(ctx), std::move(links), std::move(no_client_context));
}

asio::awaitable<Result<InvokeResult>> Runner::invoke(std::string_view name, std::string payload, std::optional<tracing::TraceHeader> ctx,
                                                     nlohmann::json links, std::string client_context) {
  auto found = find(name);
  if (!found) co_return found.error();
  auto fn = *found;
  if (payload.size() > kMaxSyncPayloadBytes)
    co_return Error{Code::RequestTooLarge, "Request must be smaller than 6291456 bytes for the InvokeFunction operation"};
  co_await asio::dispatch(asio::bind_executor(fn->strand_, asio::use_awaitable));
  if (fn->running_ >= fn->config_.concurrency) {
    ++fn->throttles_;
    co_return Error{Code::TooManyRequests, "Rate Exceeded."};
  }
  ++fn->running_;
  ++fn->pending_;
  // Decided once admitted: a throttled call takes nothing from the reservoir.
  tracing::TraceHeader trace = t_.sampler.enter(ctx, sampling_request(*fn));
  bool cold = fn->take_environment();
  // Named, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
  Function::Run run{t_.ids.uuid(), std::move(payload), std::move(trace), std::nullopt, 1, cold, std::move(links), std::move(client_context)};
  auto result = co_await fn->execute(std::move(run));
  co_await asio::dispatch(asio::bind_executor(fn->strand_, asio::use_awaitable));
  --fn->running_;
  ++fn->idle_environments_;
  --fn->pending_;
  fn->start_queued();
  co_return result;
}

Result<std::string> Runner::invoke_async(std::string_view name, std::string payload, std::optional<tracing::TraceHeader> ctx) {
  auto found = find(name);
  if (!found) return found.error();
  auto fn = *found;
  if (payload.size() > kMaxAsyncPayloadBytes)
    return Error{Code::RequestTooLarge, "Request must be smaller than " + std::to_string(kMaxAsyncPayloadBytes) + " bytes for the InvokeAsync operation"};
  if (fn->pending_.load() >= kMaxQueuedEvents || fn->queued_bytes_.load() + payload.size() > kMaxQueuedBytes) {
    ++fn->throttles_;
    return Error{Code::TooManyRequests, "Rate Exceeded."};
  }
  tracing::TraceHeader trace = t_.sampler.enter(ctx, sampling_request(*fn));
  auto now = t_.clock.now();
  Function::AsyncEvent e{t_.ids.uuid(), std::move(payload), std::move(trace), now, 1, now};
  auto id = e.request_id;
  ++fn->pending_;
  fn->queued_bytes_ += e.payload.size();
  asio::post(fn->strand_, [fn, e = std::move(e)]() mutable { fn->enqueue(std::move(e)); });
  return id;
}

Function::Function(Runner& runner, FunctionConfig config, std::string arn, std::shared_ptr<Handler> handler)
    : runner_{runner}, config_{std::move(config)}, arn_{std::move(arn)}, handler_{std::move(handler)}, log_{runner.log_},
      strand_{asio::make_strand(runner.ex_)} {}

bool Function::take_environment() {
  if (idle_environments_ > 0) {
    --idle_environments_;
    return false;
  }
  return true;
}

void Function::enqueue(AsyncEvent e) {
  queue_.push_back(std::move(e));
  start_queued();
}

void Function::start_queued() {
  while (running_ < config_.concurrency && !queue_.empty()) {
    ++running_;
    auto e = std::move(queue_.front());
    queue_.pop_front();
    asio::co_spawn(runner_.ex_, run_async(std::move(e)), asio::detached);
  }
}

asio::awaitable<void> Function::run_async(AsyncEvent e) {
  auto self = shared_from_this();
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  auto policy = runner_.event_invoke_config(config_.name).value_or(EventInvokeConfig{});
  auto now = runner_.t_.clock.now();
  InvocationRecord record{e.request_id, arn_ + ":$LATEST", Condition::Success, e.attempt - 1, e.payload, false, false, {}, now};
  if (now - e.first_queued_at > policy.maximum_event_age) {
    // Its turn came too late: it is not run, and goes where failures go.
    --running_;
    start_queued();
    record.condition = Condition::EventAgeExceeded;
    std::string no_segment, why = "Event age exceeded";  // named: GCC 12 destroys co_await temporaries twice
    co_await conclude(std::move(e), std::move(record), std::move(no_segment), std::move(why));
    co_return;
  }
  bool cold = take_environment();
  Run run{e.request_id, e.payload, e.trace, e.queued_at, e.attempt, cold, nullptr};
  auto result = co_await execute(std::move(run));
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  --running_;
  ++idle_environments_;
  start_queued();
  record.approximate_invoke_count = e.attempt;
  record.ran = true;
  record.function_error = result.error.has_value();
  record.response_payload = result.payload;
  record.timestamp = runner_.t_.clock.now();
  if (!result.error) {
    std::string no_error, segment = result.service_segment_id;
    co_await conclude(std::move(e), std::move(record), std::move(segment), std::move(no_error));
    co_return;
  }
  if (e.attempt > policy.maximum_retry_attempts) {
    record.condition = Condition::RetriesExhausted;
    auto message = result.error->message;
    auto segment = result.service_segment_id;
    co_await conclude(std::move(e), std::move(record), std::move(segment), std::move(message));
    co_return;
  }
  // Lambda retries a failed event after a pause; the event keeps its request id.
  auto delay = config_.retry_delays.empty() ? std::chrono::milliseconds{0}
                                            : config_.retry_delays[std::min<std::size_t>(e.attempt - 1, config_.retry_delays.size() - 1)];
  asio::steady_timer timer{runner_.ex_, delay};
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  ++e.attempt;
  e.queued_at = runner_.t_.clock.now();
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  enqueue(std::move(e));
}

asio::awaitable<void> Function::conclude(AsyncEvent e, InvocationRecord record, std::string parent_segment, std::string error_message) {
  auto self = shared_from_this();
  auto policy = runner_.event_invoke_config(config_.name).value_or(EventInvokeConfig{});
  bool success = record.condition == Condition::Success;
  const std::string& destination = success ? policy.on_success : policy.on_failure;
  // A run that was not sampled has no segment to hang the delivery on: it goes untraced.
  std::string parent = parent_segment.empty() ? e.trace.parent : parent_segment;
  if (!destination.empty()) {
    AsyncDelivery d{destination, render(record), {}, {}};
    co_await send(std::move(d), e.trace, parent);  // by reference: no temporaries in the co_await
  }
  if (!success && !config_.dead_letter_target.empty()) {
    auto d = dead_letter(record, config_.dead_letter_target, error_message);
    co_await send(std::move(d), e.trace, parent);
  }
  if (!success && destination.empty() && config_.dead_letter_target.empty())
    log_->warn("[{}] {}: event {} dropped ({}) after {} attempt(s); no on-failure destination or dead-letter queue", e.trace.root,
               config_.name, e.request_id, condition_name(record.condition), record.approximate_invoke_count);
  queued_bytes_ -= e.payload.size();
  --pending_;
}

asio::awaitable<void> Function::send(AsyncDelivery delivery, const tracing::TraceHeader& trace, const std::string& parent_segment) {
  auto* destinations = runner_.destinations_;
  if (!destinations) co_return;
  auto& t = runner_.t_;
  auto [service, operation] = destinations->describe(delivery.target_arn);
  tracing::Segment call;
  call.name = service;
  call.id = t.ids.segment_id();
  call.trace_id = trace.root;
  call.parent_id = parent_segment;
  call.type = "subsegment";
  call.namespace_ = "aws";
  call.start_time = tracing::epoch_seconds(t.clock.now());
  call.aws = {{"operation", operation}, {"resource_names", {delivery.target_arn}}};
  delivery.trace = trace.is_sampled() ? tracing::TraceHeader{trace.root, call.id, tracing::Sampled::Yes, {}} : trace;
  std::string target = delivery.target_arn;
  auto delivered = co_await destinations->deliver(std::move(delivery));
  call.end_time = tracing::epoch_seconds(t.clock.now());
  if (!delivered) {
    log_->error("[{}] {}: delivery to {} failed: {}", trace.root, config_.name, target, delivered.error().message);
    call.set_fault(delivered.error().message, "DestinationDeliveryFailure", t.ids.segment_id());
  }
  if (trace.is_sampled() && !parent_segment.empty()) (void)t.sink.record(std::move(call));
}

asio::awaitable<InvokeResult> Function::execute(Run run) {
  using namespace asio::experimental::awaitable_operators;
  auto& clock = runner_.t_.clock;
  auto& ids = runner_.t_.ids;
  auto start = clock.now();
  bool is_async = run.queued_at.has_value();

  tracing::Segment service;
  service.name = config_.name;
  service.id = ids.segment_id();
  service.trace_id = run.trace.root;
  service.parent_id = run.trace.parent;
  service.origin = "AWS::Lambda";
  service.resource_arn = arn_;
  service.start_time = epoch_seconds(is_async ? *run.queued_at : start);
  service.aws = {{"request_id", run.request_id}};
  service.links = std::move(run.links);
  tracing::Segment* attempt = nullptr;
  if (is_async) {
    auto& dwell = service.add_subsegment("Dwell Time", ids.segment_id(), epoch_seconds(*run.queued_at));
    dwell.end_time = epoch_seconds(start);
    attempt = &service.add_subsegment("Attempt #" + std::to_string(run.attempt), ids.segment_id(), epoch_seconds(start));
  }

  tracing::Segment function;
  function.name = config_.name;
  function.id = ids.segment_id();
  function.trace_id = run.trace.root;
  function.parent_id = service.id;
  function.origin = "AWS::Lambda::Function";
  function.resource_arn = arn_;
  function.start_time = epoch_seconds(start);
  function.aws = {{"account_id", runner_.account_}, {"function_arn", arn_}, {"resource_names", {config_.name}}};
  const bool handler_reports_init = handler_->reports_initialization();
  if (run.cold && !handler_reports_init) {
    // Built-in handlers have no runtime to boot; the span is real, just short.
    auto& init = function.add_subsegment("Initialization", ids.segment_id(), epoch_seconds(start));
    init.end_time = epoch_seconds(clock.now());
  }
  auto& invocation = function.add_subsegment("Invocation", ids.segment_id(), epoch_seconds(clock.now()));

  // The decision made on entry travels on: an unsampled request records nothing downstream either.
  tracing::TraceHeader handler_trace = run.trace.child(invocation.id);
  InvocationContext ctx{run.request_id, config_.name, arn_, std::move(run.payload), std::move(run.client_context), config_.timeout, handler_trace, invocation, ids,
                        clock, runner_.ex_, log_, {}};
  ctx.print("START RequestId: " + run.request_id + " Version: $LATEST");

  // Calls the code makes with the header it was handed can be told apart at the edge while it runs.
  auto* open_runs = run.trace.is_sampled() ? runner_.open_invocations_ : nullptr;
  if (open_runs) open_runs->open(invocation.id, {config_.name, runner_.region_});
  HandlerResult outcome;
  try {
    if (handler_->enforces_timeout()) {
      outcome = co_await handler_->handle(ctx);
    } else {
      asio::steady_timer deadline{runner_.ex_, config_.timeout};
      auto raced = co_await (handler_->handle(ctx) || deadline.async_wait(asio::use_awaitable));
      if (raced.index() == 0) outcome = std::move(std::get<0>(raced));
      else outcome.error = FunctionError{"Sandbox.Timedout", "RequestId: " + run.request_id + " Error: " + timeout_message(config_.timeout)};
    }
  } catch (const std::exception& e) {
    outcome.error = FunctionError{"Runtime.UnhandledException", e.what()};
  }
  if (open_runs) open_runs->close(invocation.id);
  std::optional<double> init_ms;
  if (outcome.initialization) {
    // The run waited for a runtime to start: that wait is the cold start, and the handler's
    // invocation began when it ended.
    auto& init = function.add_subsegment("Initialization", ids.segment_id(), epoch_seconds(outcome.initialization->start));
    init.end_time = epoch_seconds(outcome.initialization->end);
    invocation.start_time = std::max(invocation.start_time, init.end_time);
    init_ms = std::chrono::duration<double, std::milli>(outcome.initialization->end - outcome.initialization->start).count();
    // Initialization first, as AWS orders the function's subsegments.
    function.subsegments.splice(function.subsegments.begin(), function.subsegments, std::prev(function.subsegments.end()));
  } else if (run.cold && !handler_reports_init) {
    init_ms = 0.0;
  }
  double now = epoch_seconds(clock.now());
  close_open(invocation, now);
  if (outcome.error) {
    invocation.set_fault(outcome.error->message, outcome.error->type, ids.segment_id());
    function.fault = true;
    function.cause = invocation.cause;
    if (outcome.payload.empty())
      outcome.payload = nlohmann::json{{"errorType", outcome.error->type}, {"errorMessage", outcome.error->message}}.dump();
    ctx.print(outcome.payload);
  }
  auto& overhead = function.add_subsegment("Overhead", ids.segment_id(), now);
  auto end = clock.now();
  overhead.end_time = epoch_seconds(end);
  function.end_time = epoch_seconds(end);
  if (attempt) attempt->end_time = epoch_seconds(end);
  service.end_time = epoch_seconds(end);
  service.http = {{"response", {{"status", is_async ? 202 : 200}}}};

  auto ms = std::chrono::duration<double, std::milli>(end - start).count();
  ctx.print("END RequestId: " + run.request_id);
  char report[200];
  char init_part[48] = "";
  if (init_ms) std::snprintf(init_part, sizeof init_part, "\tInit Duration: %.2f ms", *init_ms);
  std::snprintf(report, sizeof report, "REPORT RequestId: %s\tDuration: %.2f ms\tMemory Size: %d MB%s", run.request_id.c_str(), ms,
                config_.memory_mb, init_part);
  ctx.print(report);

  if (runner_.run_logs_)
    runner_.run_logs_->add(tracing::RunLog{arn_, run.request_id, run.trace.is_sampled() ? run.trace.root : std::string{}, service.start_time,
                                           service.end_time, outcome.error.has_value(), ctx.output});
  ++invocations_;
  if (outcome.error) ++errors_;
  std::string service_id = run.trace.is_sampled() ? service.id : std::string{};
  if (run.trace.is_sampled()) {
    runner_.t_.sink.record(std::move(service));
    runner_.t_.sink.record(std::move(function));
  }
  co_return InvokeResult{run.request_id, std::move(outcome.payload), std::move(outcome.error), std::move(ctx.output), "$LATEST", std::move(service_id)};
}

}  // namespace localray::lambda::model
