#include "emulator/sns_redelivery.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "base/scope.hpp"
#include "emulator/regions.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using sns::model::DeliveryFailure;
using sns::model::FailedAttempt;


SnsRedelivery::SnsRedelivery(asio::any_io_executor ex, Regions& regions, sns::model::RetrySchedule schedule, tracing::Tracer tracer,
                             std::shared_ptr<spdlog::logger> log)
    : ex_{ex}, strand_{asio::make_strand(ex)}, regions_{regions}, schedule_{schedule}, t_{tracer}, log_{std::move(log)} {}

void SnsRedelivery::record(const tracing::TraceHeader& ctx, const Target& target, nlohmann::json aws, tracing::TimePoint started,
                           const std::optional<FailedAttempt>& failure) {
  if (!ctx.is_sampled() || ctx.root.empty() || ctx.parent.empty()) return;
  tracing::Segment s;
  s.type = "subsegment";
  s.trace_id = ctx.root;
  s.parent_id = ctx.parent;
  s.id = t_.ids.segment_id();
  s.name = target.service;
  s.namespace_ = target.http.is_null() ? "aws" : "remote";
  s.start_time = tracing::epoch_seconds(started);
  s.end_time = tracing::epoch_seconds(t_.clock.now());
  s.aws = std::move(aws);
  s.http = target.http;
  if (failure) {
    // Refused for want of capacity is a throttle, as X-Ray marks a 429; any other refusal an error.
    s.error = true;
    s.throttle = failure->kind == DeliveryFailure::server;
    s.cause = {{"exceptions", nlohmann::json::array({{{"id", t_.ids.segment_id()}, {"type", failure->code}, {"message", failure->message}}})}};
  }
  (void)t_.sink.record(std::move(s));
}

void SnsRedelivery::failed(Target target, tracing::TraceHeader ctx, Attempt attempt, DeadLetter dead_letter, FailedAttempt failure) {
  bool retry = failure.kind == DeliveryFailure::server && !stopping_;
  if (retry) {
    // A count, not a lock: at worst a few over the bound when many fail at once.
    retry = waiting_.fetch_add(1) < kMaxWaiting;
    if (!retry) {
      --waiting_;
      failure.message += " (not retried: " + std::to_string(kMaxWaiting) + " deliveries already wait for a retry)";
    }
  }
  if (retry) {
    asio::co_spawn(strand_, redeliver(std::move(target), std::move(ctx), std::move(attempt), std::move(dead_letter), std::move(failure)),
                   asio::detached);
  } else {
    asio::co_spawn(ex_, this->dead_letter(std::move(target), std::move(ctx), std::move(dead_letter), std::move(failure)), asio::detached);
  }
}

asio::awaitable<void> SnsRedelivery::redeliver(Target target, tracing::TraceHeader ctx, Attempt attempt, DeadLetter d, FailedAttempt failure) {
  asio::steady_timer timer{strand_};
  for (int retry = 1;; ++retry) {
    auto delay = target.schedule.value_or(schedule_).delay_before(retry);
    if (!delay) break;
    if (delay->count() > 0) {
      // Back on the strand (an attempt may have resumed on its service's): stop() cancels there.
      co_await asio::post(strand_, asio::use_awaitable);
      if (!stopping_) {
        timers_.insert(&timer);
        timer.expires_after(*delay);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        timers_.erase(&timer);
      }
    }
    ++retries_;
    auto started = t_.clock.now();
    auto again = co_await attempt();
    auto aws = target.aws;
    aws["retries"] = retry;
    record(ctx, target, std::move(aws), started, again);
    if (!again) {
      ++delivered_on_retry_;
      --waiting_;
      log_->info("[{}] SNS delivery to {} got through on retry {}", ctx.root, target.endpoint, retry);
      co_return;
    }
    failure = std::move(*again);
    if (failure.kind == DeliveryFailure::client || stopping_) break;
  }
  --waiting_;
  co_await dead_letter(std::move(target), std::move(ctx), std::move(d), std::move(failure));
}

asio::awaitable<void> SnsRedelivery::dead_letter(Target target, tracing::TraceHeader ctx, DeadLetter d, FailedAttempt failure) {
  const std::string& trace_root = ctx.root;
  const std::string& endpoint = target.endpoint;
  if (d.target_arn.empty()) {
    ++discarded_;
    log_->error("[{}] SNS {} {} to {} discarded: {}: {}{}", trace_root, d.kind, d.message_id, endpoint, failure.code, failure.message,
                d.kind == "message" ? " (the subscription has no RedrivePolicy)" : "");
    co_return;
  }
  auto scope = base::scope_of_arn(d.target_arn);
  auto& sqs = *regions_.at(scope).sqs;
  auto queue = sqs.find(d.target_arn);
  if (!queue) {
    ++dead_letter_failed_;
    log_->error("[{}] SNS message {} to {} lost: {}: {}; and its dead-letter queue {} does not exist", trace_root, d.message_id, endpoint,
                failure.code, failure.message, d.target_arn);
    co_return;
  }
  sqs::model::OutgoingMessage m;
  m.body = std::move(d.body);
  m.attributes = std::move(d.attributes);
  m.attributes[sns::model::kDeadLetterErrorCode] = {"String", failure.code};
  m.attributes[sns::model::kDeadLetterErrorMessage] = {"String", failure.message.empty() ? failure.code : failure.message};
  if (!d.request_id.empty()) m.attributes[sns::model::kDeadLetterRequestId] = {"String", d.request_id};
  m.trace_header = std::move(d.trace_header);
  m.sender_id = sns::model::kSenderId;
  if (!d.group_id.empty()) m.group_id = std::move(d.group_id);
  if (!d.deduplication_id.empty()) m.deduplication_id = std::move(d.deduplication_id);
  auto handle = *queue;
  auto started = t_.clock.now();
  nlohmann::json aws{{"operation", "SendMessage"}, {"queue_url", handle->queue.url()}, {"resource_names", {handle->queue.url()}}, {"dead_letter", true}};
  auto sent = co_await sqs.send(std::move(handle), std::move(m));
  Target dlq{d.target_arn, "SQS", nullptr};
  record(ctx, dlq, std::move(aws), started,
         sent ? std::optional<FailedAttempt>{} : std::optional<FailedAttempt>{FailedAttempt{DeliveryFailure::client, "DeadLetterQueueRefused", sent.error().message}});
  if (!sent) {
    ++dead_letter_failed_;
    log_->error("[{}] SNS message {} to {} lost: {}: {}; and its dead-letter queue {} refused it: {}", trace_root, d.message_id, endpoint,
                failure.code, failure.message, d.target_arn, sent.error().message);
    co_return;
  }
  ++dead_lettered_;
  log_->warn("[{}] SNS message {} to {} sent to the dead-letter queue {}: {}: {}", trace_root, d.message_id, endpoint, d.target_arn, failure.code,
             failure.message);
}

void SnsRedelivery::stop() {
  stopping_ = true;
  asio::post(strand_, [this] {
    for (auto* t : timers_) t->cancel();
  });
}

SnsRedelivery::Counts SnsRedelivery::counts() const {
  return {retries_.load(), delivered_on_retry_.load(), dead_lettered_.load(), dead_letter_failed_.load(), discarded_.load(), waiting_.load()};
}

}  // namespace localray::emulator
