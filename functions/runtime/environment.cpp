#include "functions/runtime/environment.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "http/server.hpp"

namespace localray::functions::runtime {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

// A run's captured output is kept up to this size; beyond it the oldest half goes (Invoke's
// LogType=Tail returns only the last 4 KB).
constexpr std::size_t kMaxCapturedLog = 256 * 1024;
// A worker posting more than this is refused by the Runtime API's server itself.
constexpr std::size_t kMaxRuntimeApiBody = 32 * 1024 * 1024;

void append_line(std::string& log, std::string_view line) {
  if (log.size() + line.size() + 1 > kMaxCapturedLog) log.erase(0, std::min(log.size(), kMaxCapturedLog / 2 + line.size()));
  log.append(line.substr(0, kMaxCapturedLog / 2));
  log.push_back('\n');
}

// The error document a runtime posted, as Invoke returns it, and its message for the trace.
Outcome error_outcome(RuntimeError e) {
  auto doc = json::parse(e.body, nullptr, false);
  std::string message;
  if (doc.is_object()) {
    if (auto it = doc.find("errorMessage"); it != doc.end() && it->is_string()) message = it->get<std::string>();
  } else {
    message = e.body;
    e.body = json{{"errorMessage", message}, {"errorType", e.type}}.dump();
  }
  return Outcome{std::move(e.body), lambda::model::FunctionError{std::move(e.type), std::move(message)}};
}

}  // namespace

void Invocation::finish(Outcome o) {
  if (finished) return;
  finished = true;
  outcome = std::move(o);
  changed.try_send(boost::system::error_code{});
}

void Invocation::finish_with_error(std::string type, std::string message) {
  auto body = json{{"errorMessage", message}, {"errorType", type}}.dump();
  finish(Outcome{std::move(body), lambda::model::FunctionError{std::move(type), std::move(message)}});
}

Environment::Environment(Strand strand, Setup setup, Hooks hooks)
    : strand_{strand}, setup_{std::move(setup)}, hooks_{std::move(hooks)}, inbox_{strand, 1}, output_wait_{strand} {}

Environment::~Environment() {
  if (api_) api_->stop();
}

tracing::Result<std::shared_ptr<Environment>> Environment::start(Strand strand, const LaunchSpec& launch, Setup setup, Hooks hooks) {
  std::shared_ptr<Environment> env{new Environment{strand, std::move(setup), std::move(hooks)}};
  std::weak_ptr<Environment> weak = env;
  env->api_ = std::make_unique<http::Server>(
      strand,
      [weak](http::Request r) -> asio::awaitable<http::Response> {
        auto self = weak.lock();
        if (!self) co_return http::Response::json(410, R"({"errorType":"EnvironmentStopped","errorMessage":"the execution environment is gone"})");
        co_return co_await serve_runtime_api(std::move(r), *self);
      },
      env->setup_.log, kMaxRuntimeApiBody);
  auto port = env->api_->listen("127.0.0.1", 0);
  if (!port) return tracing::Error{"Runtime API: " + port.error().message};

  env->marks_output_ends_ = launch.marks_output_ends;
  LaunchSpec spec = launch;
  spec.env.push_back("AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(*port));
  env->started_at_ = env->setup_.clock->now();
  auto day = std::chrono::floor<std::chrono::days>(env->started_at_);
  std::chrono::year_month_day ymd{day};
  char stream[96];
  std::snprintf(stream, sizeof stream, "AWS_LAMBDA_LOG_STREAM_NAME=%04d/%02u/%02u/[$LATEST]%08x%08x", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<unsigned>(::getpid()),
                static_cast<unsigned>(env->setup_.number));
  spec.env.push_back(stream);
  auto process = ChildProcess::spawn(strand, spec, [weak](std::string_view line, bool is_stderr) {
    if (auto self = weak.lock()) self->on_line(line, is_stderr);
  });
  if (!process) return tracing::Error{spec.program + ": " + process.error().message};
  env->process_ = std::move(*process);
  env->setup_.log->debug("[{}] environment {} started: pid {}, Runtime API 127.0.0.1:{}", env->setup_.function_name, env->setup_.number,
                         env->process_->pid(), *port);
  asio::co_spawn(strand, [env]() -> asio::awaitable<void> {
    int status = co_await env->process_->wait();
    env->on_exit(status);
  }, asio::detached);
  return env;
}

void Environment::assign(std::shared_ptr<Invocation> inv) {
  current_ = inv;
  inbox_.try_send(boost::system::error_code{}, std::move(inv));
}

void Environment::kill() {
  killed_ = true;
  kill_process();
}

void Environment::kill_process() {
  if (process_) process_->kill();
}

void Environment::release() {
  current_.reset();
  free_since_ = std::chrono::steady_clock::now();
  hooks_.freed(shared_from_this());
}

void Environment::on_line(std::string_view line, bool is_stderr) {
  if (auto mark = marks_output_ends_ ? line.find(kOutputEndMark) : std::string_view::npos; mark != std::string_view::npos) {
    // Output without a final newline puts the mark mid-line: what comes before it is the run's.
    if (mark > 0) on_line(line.substr(0, mark), is_stderr);
    output_ended_[is_stderr ? 1 : 0] = std::string{line.substr(mark + kOutputEndMark.size())};
    if (!awaiting_output_of_.empty() && output_ended_[0] == awaiting_output_of_ && output_ended_[1] == awaiting_output_of_)
      output_wait_.cancel();
    return;
  }
  if (current_ && current_->delivered) {
    setup_.log->info("[{}] [{}] [{}] {}", current_->next.request_id, current_->trace_root, setup_.function_name, line);
    append_line(current_->log, line);
  } else {
    setup_.log->info("[init] [{}] {}", setup_.function_name, line);
    append_line(init_log_, line);
  }
}

void Environment::on_exit(int status) {
  exited_ = true;
  auto how = describe_wait_status(status);
  setup_.log->debug("[{}] environment {} ended: {}", setup_.function_name, setup_.number, how);
  if (current_ && !current_->finished) {
    if (!current_->delivered) {
      current_->log = std::move(init_log_);
      if (!initialized_) current_->initialization = lambda::model::Span{started_at_, setup_.clock->now()};
    }
    current_->finish_with_error("Runtime.ExitError", "RequestId: " + current_->next.request_id + " Error: Runtime exited with error: " + how);
  }
  current_.reset();
  inbox_.close();
  if (api_) api_->stop();
  hooks_.exited(shared_from_this());
}

asio::awaitable<std::optional<NextInvocation>> Environment::next() {
  auto self = shared_from_this();
  if (exited_ || killed_) co_return std::nullopt;
  if (!initialized_) {
    initialized_ = true;
    if (current_) current_->initialization = lambda::model::Span{started_at_, setup_.clock->now()};
  }
  if (current_ && current_->delivered) {
    // Asked for more without answering the run it holds: that run has no answer.
    current_->finish_with_error("Runtime.NoResponse", "RequestId: " + current_->next.request_id +
                                                          " Error: the runtime asked for the next invocation without answering this one");
    current_.reset();
  }
  if (!current_) release();
  auto [ec, inv] = co_await inbox_.async_receive(asio::as_tuple(asio::use_awaitable));
  if (ec || !inv || exited_ || killed_) co_return std::nullopt;
  if (inv->finished) {
    // Timed out while it waited for this environment (a cold start longer than the limit).
    if (current_ == inv) current_.reset();
    co_return co_await next();
  }
  inv->delivered = true;
  inv->delivered_at = std::chrono::steady_clock::now();
  inv->changed.try_send(boost::system::error_code{});
  if (!init_log_.empty()) inv->log = std::exchange(init_log_, {});
  auto deadline = setup_.clock->now() + inv->timeout;
  inv->next.deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count();
  co_return inv->next;
}

asio::awaitable<void> Environment::await_output_of(const std::string& request_id) {
  if (!marks_output_ends_ || (output_ended_[0] == request_id && output_ended_[1] == request_id)) co_return;
  // The marks were written before the answer was sent; they are at most a scheduling step behind.
  awaiting_output_of_ = request_id;
  output_wait_.expires_after(std::chrono::milliseconds{200});
  co_await output_wait_.async_wait(asio::as_tuple(asio::use_awaitable));
  awaiting_output_of_.clear();
}

asio::awaitable<Ack> Environment::respond(std::string request_id, std::string payload) {
  auto self = shared_from_this();
  if (!current_ || current_->next.request_id != request_id) co_return Ack::UnknownRequest;
  co_await await_output_of(request_id);
  if (!current_ || current_->next.request_id != request_id) co_return Ack::UnknownRequest;
  if (!current_->delivered || current_->finished) co_return Ack::NotNow;
  if (payload.size() > kMaxResponseBytes) {
    current_->finish_with_error("Function.ResponseSizeTooLarge", "Response payload size (" + std::to_string(payload.size()) +
                                                                     " bytes) exceeded maximum allowed payload size (" +
                                                                     std::to_string(kMaxResponseBytes) + " bytes).");
    release();
    co_return Ack::TooLarge;
  }
  current_->finish(Outcome{std::move(payload), std::nullopt});
  release();
  co_return Ack::Accepted;
}

asio::awaitable<Ack> Environment::fail(std::string request_id, RuntimeError error) {
  auto self = shared_from_this();
  if (!current_ || current_->next.request_id != request_id) co_return Ack::UnknownRequest;
  co_await await_output_of(request_id);
  if (!current_ || current_->next.request_id != request_id) co_return Ack::UnknownRequest;
  if (!current_->delivered || current_->finished) co_return Ack::NotNow;
  current_->finish(error_outcome(std::move(error)));
  release();
  co_return Ack::Accepted;
}

asio::awaitable<Ack> Environment::fail_init(RuntimeError error) {
  auto self = shared_from_this();
  if (initialized_) co_return Ack::NotNow;
  initialized_ = true;
  if (current_ && !current_->finished) {
    current_->initialization = lambda::model::Span{started_at_, setup_.clock->now()};
    current_->log = std::exchange(init_log_, {});
    current_->finish(error_outcome(std::move(error)));
  }
  // A runtime that failed to start is not reused: the next invocation gets a fresh one.
  kill();
  co_return Ack::Accepted;
}

}  // namespace localray::functions::runtime
