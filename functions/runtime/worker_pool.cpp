#include "functions/runtime/worker_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace localray::functions::runtime {

namespace asio = boost::asio;
using namespace std::chrono_literals;

WorkerPool::WorkerPool(asio::any_io_executor ex, std::string function_name, LaunchSpec launch, PoolLimits limits, const tracing::Clock& clock,
                       std::shared_ptr<spdlog::logger> log)
    : strand_{asio::make_strand(ex)}, function_{std::move(function_name)}, launch_{std::move(launch)}, limits_{limits}, clock_{clock},
      log_{std::move(log)}, reaper_{strand_} {}

WorkerPool::~WorkerPool() {
  // Processes die with their owner even when the strand no longer runs.
  for (auto& env : environments_) env->kill_process();
}

asio::awaitable<lambda::model::HandlerResult> WorkerPool::handle(lambda::model::InvocationContext& ctx) {
  using namespace asio::experimental::awaitable_operators;
  auto self = shared_from_this();
  auto inv = std::make_shared<Invocation>(strand_);
  inv->next.request_id = ctx.request_id;
  inv->next.event = ctx.event;
  inv->next.function_arn = ctx.function_arn;
  // The full header, Parent included: without it the X-Ray SDKs drop their subsegments.
  inv->next.trace_header = ctx.trace.to_string();
  inv->trace_root = ctx.trace.root;
  inv->next.client_context = ctx.client_context;
  inv->timeout = ctx.timeout;

  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  inv->submitted = std::chrono::steady_clock::now();
  submit(inv);
  asio::steady_timer timer{strand_};
  for (;;) {
    if (inv->finished) break;
    // Before delivery the run may wait for a runtime to start (Lambda's init phase has its own
    // limit); once delivered it has the function's timeout.
    auto deadline = inv->delivered ? inv->delivered_at + inv->timeout : inv->submitted + limits_.init_limit + inv->timeout;
    if (std::chrono::steady_clock::now() >= deadline) {
      std::erase(waiting_, inv);
      for (auto& env : environments_)
        if (env->current() == inv) env->kill();
      inv->finish_with_error("Sandbox.Timedout", "RequestId: " + inv->next.request_id + " Error: " + lambda::model::timeout_message(inv->timeout));
      break;
    }
    timer.expires_at(deadline);
    // Named: GCC 12 destroys temporaries made inside a co_await expression twice.
    auto changed = inv->changed.async_receive(asio::as_tuple(asio::use_awaitable));
    auto expired = timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await (std::move(changed) || std::move(expired));
    co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  }
  if (!inv->log.empty()) ctx.output += inv->log;
  co_return lambda::model::HandlerResult{std::move(inv->outcome.payload), std::move(inv->outcome.error), inv->initialization};
}

void WorkerPool::submit(const std::shared_ptr<Invocation>& inv) {
  if (stopped_) {
    give_up(inv, "Runtime.Unavailable", "the function's execution environments are shutting down");
    return;
  }
  for (auto& env : environments_)
    if (env->free() && env->generation() == generation_) {
      env->assign(inv);
      return;
    }
  if (environments_.size() < static_cast<std::size_t>(limits_.concurrency)) {
    start_environment(inv);
    return;
  }
  waiting_.push_back(inv);
}

void WorkerPool::give_up(const std::shared_ptr<Invocation>& inv, std::string type, std::string message) {
  inv->finish_with_error(std::move(type), "RequestId: " + inv->next.request_id + " Error: " + message);
}

void WorkerPool::start_environment(const std::shared_ptr<Invocation>& inv) {
  std::weak_ptr<WorkerPool> weak = shared_from_this();
  Environment::Hooks hooks{
      [weak](const std::shared_ptr<Environment>& env) {
        if (auto self = weak.lock()) self->on_freed(env);
      },
      [weak](const std::shared_ptr<Environment>& env) {
        if (auto self = weak.lock()) self->on_exited(env);
      }};
  Environment::Setup setup{function_, ++numbered_, generation_, &clock_, log_};
  auto env = Environment::start(strand_, launch_, std::move(setup), std::move(hooks));
  if (!env) {
    log_->warn("[{}] cannot start an execution environment: {}", function_, env.error().message);
    give_up(inv, "Runtime.InvalidEntrypoint", env.error().message);
    return;
  }
  ++started_;
  environments_.push_back(*env);
  (*env)->assign(inv);
}

void WorkerPool::on_freed(const std::shared_ptr<Environment>& env) {
  if (stopped_ || env->generation() != generation_) {
    env->kill();
    return;
  }
  while (!waiting_.empty() && waiting_.front()->finished) waiting_.pop_front();
  if (!waiting_.empty()) {
    auto inv = std::move(waiting_.front());
    waiting_.pop_front();
    env->assign(std::move(inv));
    return;
  }
  arm_reaper();
}

void WorkerPool::on_exited(const std::shared_ptr<Environment>& env) {
  std::erase(environments_, env);
  if (stopped_) return;
  while (!waiting_.empty() && waiting_.front()->finished) waiting_.pop_front();
  if (!waiting_.empty() && environments_.size() < static_cast<std::size_t>(limits_.concurrency)) {
    auto inv = std::move(waiting_.front());
    waiting_.pop_front();
    start_environment(inv);
  }
}

void WorkerPool::arm_reaper() {
  if (reaper_armed_ || stopped_) return;
  reaper_armed_ = true;
  reaper_.expires_after(std::max<std::chrono::milliseconds>(limits_.idle / 4, 100ms));
  reaper_.async_wait([weak = std::weak_ptr<WorkerPool>{shared_from_this()}](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self) return;
    self->reaper_armed_ = false;
    if (ec || self->stopped_) return;
    auto cutoff = std::chrono::steady_clock::now() - self->limits_.idle;
    bool others = false;
    for (auto& env : self->environments_) {
      if (env->idle_since(cutoff)) env->kill();
      else others = true;
    }
    if (others) self->arm_reaper();
  });
}

void WorkerPool::replace(LaunchSpec launch, PoolLimits limits) {
  asio::dispatch(strand_, [self = shared_from_this(), launch = std::move(launch), limits]() mutable {
    self->launch_ = std::move(launch);
    self->limits_ = limits;
    ++self->generation_;
    for (auto& env : self->environments_)
      if (env->free()) env->kill();
  });
}

void WorkerPool::refresh() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    ++self->generation_;
    for (auto& env : self->environments_)
      if (env->free()) env->kill();
  });
}

void WorkerPool::stop() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->reaper_.cancel();
    for (auto& inv : self->waiting_) self->give_up(inv, "Runtime.Unavailable", "the function's execution environments are shutting down");
    self->waiting_.clear();
    for (auto& env : self->environments_) env->kill();
  });
}

asio::awaitable<WorkerPool::Stats> WorkerPool::stats() {
  auto self = shared_from_this();
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  Stats s;
  s.environments = environments_.size();
  for (auto& env : environments_)
    if (env->current()) ++s.busy;
  s.started = started_;
  co_return s;
}

}  // namespace localray::functions::runtime
