#pragma once
// SNS deliveries whose first attempt failed: a server error (the endpoint throttled, an http
// endpoint answered 5xx or not at all) is retried on AWS's schedule for managed endpoints, or on
// an http/https subscription's delivery policy; what never gets through, or failed with a client error
// (the queue or function is gone), goes to the subscription's dead-letter queue, or is discarded
// and counted. Bounded: with kMaxWaiting deliveries already waiting for a retry, the next failed
// one is dead-lettered (or discarded) at once. Every retry and every move to the dead-letter queue
// is an `aws` subsegment of the trace, under the delivery subsegment of the first attempt.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/fwd.h>

#include "services/sns/model/delivery_retries.hpp"
#include "services/sqs/model/queue.hpp"
#include "tracing/trace_header.hpp"
#include "tracing/tracer.hpp"

#include <nlohmann/json.hpp>

namespace localray::emulator {

class Regions;

class SnsRedelivery {
 public:
  static constexpr std::size_t kMaxWaiting = 10000;

  // Where a delivery goes: named in logs (`endpoint`, e.g. "queue arn:...") and in the retries'
  // subsegments (`service`, "SQS" or "Lambda", and the aws fields, operation included).
  struct Target {
    std::string endpoint;
    std::string service;
    nlohmann::json aws;
    // The endpoint's own schedule (an http/https subscription's delivery policy); none: AWS's
    // schedule for managed endpoints.
    std::optional<sns::model::RetrySchedule> schedule{};
    // A retry's subsegment: an aws call named `service`, or (http) a remote one with these http fields.
    nlohmann::json http{};
  };
  // One try of the delivery: nothing when it got through.
  using Attempt = std::function<boost::asio::awaitable<std::optional<sns::model::FailedAttempt>>()>;
  // What goes to the dead-letter queue: the message as the endpoint would have had it.
  struct DeadLetter {
    std::string target_arn;  // the subscription's RedrivePolicy queue; empty: none
    std::string body;
    sqs::model::MessageAttributes attributes;
    std::string trace_header;
    std::string message_id;  // the notification's, for the log
    std::string request_id;  // the failed delivery's, as the RequestID attribute
    // A FIFO topic's message keeps its group and deduplication id in the (FIFO) dead-letter queue.
    std::string group_id{}, deduplication_id{};
    // What is delivered, for the log: "message", or a confirmation's type (never dead-lettered).
    std::string kind{"message"};
  };
  struct Counts {
    std::uint64_t retries = 0;                // attempts after the first
    std::uint64_t delivered_on_retry = 0;
    std::uint64_t dead_lettered = 0;
    std::uint64_t dead_letter_failed = 0;     // the dead-letter queue itself refused or was gone
    std::uint64_t discarded = 0;              // undeliverable, no dead-letter queue
    std::size_t waiting = 0;                  // deliveries waiting for a retry now
  };

  SnsRedelivery(boost::asio::any_io_executor ex, Regions& regions, sns::model::RetrySchedule schedule, tracing::Tracer tracer,
                std::shared_ptr<spdlog::logger> log);

  // A delivery to `target` whose first attempt failed with `failure`; `ctx` is the context the
  // delivery was made in (its parent, the delivery subsegment).
  void failed(Target target, tracing::TraceHeader ctx, Attempt attempt, DeadLetter dead_letter, sns::model::FailedAttempt failure);
  // Deliveries waiting for a retry make their last attempt now; what fails is dead-lettered or
  // discarded. Later failures are not retried.
  void stop();
  Counts counts() const;

 private:
  boost::asio::awaitable<void> redeliver(Target target, tracing::TraceHeader ctx, Attempt attempt, DeadLetter dead_letter,
                                         sns::model::FailedAttempt failure);
  boost::asio::awaitable<void> dead_letter(Target target, tracing::TraceHeader ctx, DeadLetter d, sns::model::FailedAttempt failure);
  // An attempt's subsegment, from `started` to now, when the trace is sampled.
  void record(const tracing::TraceHeader& ctx, const Target& target, nlohmann::json aws, tracing::TimePoint started,
              const std::optional<sns::model::FailedAttempt>& failure);
  boost::asio::any_io_executor ex_;
  // Retries wait on this strand, where stop() cancels them: timers are not safe across threads.
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  Regions& regions_;
  sns::model::RetrySchedule schedule_;
  tracing::Tracer t_;
  std::shared_ptr<spdlog::logger> log_;
  std::set<boost::asio::steady_timer*> timers_;  // retries waiting; strand only
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> waiting_{0};
  std::atomic<std::uint64_t> retries_{0}, delivered_on_retry_{0}, dead_lettered_{0}, dead_letter_failed_{0}, discarded_{0};
};

}  // namespace localray::emulator
