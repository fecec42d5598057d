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


SnsRedelivery::SnsRedelivery(asio::any_io_executor ex, Regions& regions, sns::model::RetrySchedule schedule, std::shared_ptr<spdlog::logger> log)
    : ex_{ex}, strand_{asio::make_strand(ex)}, regions_{regions}, schedule_{schedule}, log_{std::move(log)} {}

void SnsRedelivery::failed(std::string endpoint, std::string trace_root, Attempt attempt, DeadLetter dead_letter, FailedAttempt failure) {
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
    asio::co_spawn(strand_, redeliver(std::move(endpoint), std::move(trace_root), std::move(attempt), std::move(dead_letter), std::move(failure)),
                   asio::detached);
  } else {
    asio::co_spawn(ex_, this->dead_letter(std::move(endpoint), std::move(trace_root), std::move(dead_letter), std::move(failure)), asio::detached);
  }
}

asio::awaitable<void> SnsRedelivery::redeliver(std::string endpoint, std::string trace_root, Attempt attempt, DeadLetter d, FailedAttempt failure) {
  asio::steady_timer timer{strand_};
  for (int retry = 1;; ++retry) {
    auto delay = schedule_.delay_before(retry);
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
    auto again = co_await attempt();
    if (!again) {
      ++delivered_on_retry_;
      --waiting_;
      log_->info("[{}] SNS delivery to {} got through on retry {}", trace_root, endpoint, retry);
      co_return;
    }
    failure = std::move(*again);
    if (failure.kind == DeliveryFailure::client || stopping_) break;
  }
  --waiting_;
  co_await dead_letter(std::move(endpoint), std::move(trace_root), std::move(d), std::move(failure));
}

asio::awaitable<void> SnsRedelivery::dead_letter(std::string endpoint, std::string trace_root, DeadLetter d, FailedAttempt failure) {
  if (d.target_arn.empty()) {
    ++discarded_;
    log_->error("[{}] SNS message {} to {} discarded: {}: {} (the subscription has no RedrivePolicy)", trace_root, d.message_id, endpoint,
                failure.code, failure.message);
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
  auto handle = *queue;
  auto sent = co_await sqs.send(std::move(handle), std::move(m));
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
