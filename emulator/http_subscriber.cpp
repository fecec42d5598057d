#include "emulator/http_subscriber.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/detached.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "base/offload.hpp"
#include "emulator/sns_http_messages.hpp"
#include "services/sns/model/delivery_policy.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using sns::model::DeliveryFailure;
using sns::model::FailedAttempt;

namespace {

constexpr const char* kUserAgent = "Amazon Simple Notification Service Agent";

http::Headers sns_headers(const char* type, const std::string& message_id, const std::string& topic_arn) {
  http::Headers h;
  h.set("Content-Type", "text/plain; charset=UTF-8");
  h.set("User-Agent", kUserAgent);
  h.set("Accept-Encoding", "gzip,deflate");
  h.set("x-amz-sns-message-type", type);
  h.set("x-amz-sns-message-id", message_id);
  h.set("x-amz-sns-topic-arn", topic_arn);
  return h;
}

// One POST: nothing when the endpoint took it. By value: retries call it long after the caller's frame.
asio::awaitable<std::optional<FailedAttempt>> post_once(asio::any_io_executor ex, http::Url url, http::Headers headers, std::string body) {
  auto r = co_await http::post(ex, url, headers, body, sns::model::kHttpDeliveryTimeout);
  if (!r) co_return FailedAttempt{DeliveryFailure::server, "EndpointUnreachable", r.error().message};
  if (sns::model::http_delivered(r->status)) co_return std::nullopt;
  co_return FailedAttempt{DeliveryFailure::server, "HttpStatus" + std::to_string(r->status),
                          "the endpoint answered HTTP " + std::to_string(r->status)};
}

}  // namespace

// The POSTs to one endpoint: a slot of the channel's buffer is an open POST; a full buffer makes
// the next POST wait in the channel, in order, until one ends.
class PostGate {
 public:
  explicit PostGate(asio::any_io_executor ex) : slots_{std::move(ex), HttpSubscriber::kMaxOpenPosts} {}
  // False, at once, when kMaxWaitingPosts POSTs wait already.
  asio::awaitable<bool> enter() {
    if (waiting_.fetch_add(1) >= HttpSubscriber::kMaxWaitingPosts) {
      waiting_.fetch_sub(1);
      co_return false;
    }
    auto [ec] = co_await slots_.async_send(boost::system::error_code{}, asio::as_tuple(asio::use_awaitable));
    waiting_.fetch_sub(1);
    co_return !ec;
  }
  void leave() { slots_.try_receive([](boost::system::error_code) {}); }

 private:
  asio::experimental::concurrent_channel<void(boost::system::error_code)> slots_;
  std::atomic<std::size_t> waiting_{0};
};

// Notifications to one endpoint under a throttle policy: each takes the next slot, 1/rate after
// the one before, and waits for it. Retries take slots too, as they are deliveries.
class DeliveryPacer {
 public:
  // False, at once, when kMaxWaitingPosts notifications wait for a slot already.
  asio::awaitable<bool> wait_turn(int per_second) {
    auto slot = reserve(per_second);
    if (!slot) co_return false;
    if (*slot > std::chrono::steady_clock::now()) {
      auto executor = co_await asio::this_coro::executor;
      asio::steady_timer turn{executor, *slot};
      co_await turn.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return true;
  }

 private:
  // Not a coroutine: the lock is never held across a suspension.
  std::optional<std::chrono::steady_clock::time_point> reserve(int per_second) {
    using Clock = std::chrono::steady_clock;
    const auto gap = std::chrono::microseconds{1'000'000 / per_second};
    std::lock_guard lock{mutex_};
    auto now = Clock::now();
    auto slot = std::max(now, next_);
    if (slot - now >= gap * static_cast<long>(HttpSubscriber::kMaxWaitingPosts)) return std::nullopt;
    next_ = slot + gap;
    return slot;
  }

  std::mutex mutex_;
  std::chrono::steady_clock::time_point next_{};
};

namespace {

// One POST through the endpoint's gate. By value: retries call it long after the caller's frame.
asio::awaitable<std::optional<FailedAttempt>> gated_post(std::shared_ptr<PostGate> gate, asio::any_io_executor ex, http::Url url,
                                                         http::Headers headers, std::string body) {
  if (!co_await gate->enter())
    co_return FailedAttempt{DeliveryFailure::server, "EndpointBusy",
                            std::to_string(HttpSubscriber::kMaxWaitingPosts) + " deliveries to the endpoint wait for their turn already"};
  struct Leave {
    PostGate& gate;
    ~Leave() { gate.leave(); }
  } leave{*gate};
  co_return co_await post_once(std::move(ex), std::move(url), std::move(headers), std::move(body));
}

// A notification's POST: paced when a throttle policy is in force, then through the gate.
asio::awaitable<std::optional<FailedAttempt>> paced_post(std::shared_ptr<DeliveryPacer> pacer, std::optional<int> per_second,
                                                         std::shared_ptr<PostGate> gate, asio::any_io_executor ex, http::Url url,
                                                         http::Headers headers, std::string body) {
  // Not `per_second && co_await ...`: built with GCC 12, that condition ran wait_turn with no throttle set.
  if (per_second) {
    bool turn = co_await pacer->wait_turn(*per_second);
    if (!turn)
      co_return FailedAttempt{DeliveryFailure::server, "EndpointBusy",
                              std::to_string(HttpSubscriber::kMaxWaitingPosts) + " deliveries wait for their turn under the throttle policy already"};
  }
  co_return co_await gated_post(std::move(gate), std::move(ex), std::move(url), std::move(headers), std::move(body));
}

}  // namespace

HttpSubscriber::HttpSubscriber(asio::any_io_executor ex, asio::any_io_executor blocking, http::Url url, std::string endpoint_text,
                               SnsRedelivery& redelivery, std::string edge, std::shared_ptr<base::SigningKey> key, tracing::IdGenerator& ids,
                               std::shared_ptr<spdlog::logger> log)
    : ex_{std::move(ex)}, blocking_{std::move(blocking)}, url_{std::move(url)}, endpoint_text_{std::move(endpoint_text)}, redelivery_{redelivery},
      edge_{std::move(edge)}, key_{std::move(key)}, ids_{ids}, log_{std::move(log)}, gate_{std::make_shared<PostGate>(ex_)},
      pacer_{std::make_shared<DeliveryPacer>()} {}

void HttpSubscriber::describe_target(nlohmann::json& aws) const { aws["endpoint"] = endpoint_text_; }

void HttpSubscriber::describe_delivery(tracing::Segment& delivery) const {
  delivery.namespace_ = "remote";
  delivery.http = {{"request", {{"method", "POST"}, {"url", endpoint_text_}}}};
}

std::string HttpSubscriber::deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) {
  std::string request_id = ids_.uuid();
  auto headers = sns_headers("Notification", n.message_id, n.topic_arn);
  headers.set("x-amz-sns-subscription-arn", s.arn);
  if (s.raw_message_delivery) headers.set("x-amz-sns-rawdelivery", "true");
  headers.set("X-Amzn-Trace-Id", ctx.to_string());
  auto own_policy = s.stored_attributes.find("DeliveryPolicy");
  const std::string subscription_policy = own_policy != s.stored_attributes.end() ? own_policy->second : std::string{};
  auto schedule = sns::model::RetrySchedule::http(n.topic_delivery_policy, subscription_policy);
  headers.set("Content-Type", sns::model::http_content_type(n.topic_delivery_policy, subscription_policy));
  auto per_second = sns::model::max_receives_per_second(n.topic_delivery_policy, subscription_policy);
  SnsRedelivery::Target target{"endpoint " + endpoint_text_, url_.host, {{"operation", "Notification"}, {"subscription_arn", s.arn}}, schedule,
                               {{"request", {{"method", "POST"}, {"url", endpoint_text_}}}}};
  // Everything the POSTs need is copied: an Unsubscribe may drop this subscriber meanwhile.
  asio::co_spawn(
      ex_,
      [ex = ex_, blocking = blocking_, url = url_, key = key_, edge = edge_, n, s, headers = std::move(headers), ctx, request_id,
       target = std::move(target), &redelivery = redelivery_, gate = gate_, pacer = pacer_, per_second]() mutable -> asio::awaitable<void> {
        std::string body = n.message;
        if (!s.raw_message_delivery) body = co_await base::offload(blocking, [&] { return sns_http_notification(n, s, edge, *key); });
        auto attempt = [pacer, per_second, gate, ex, url, headers, body]() -> asio::awaitable<std::optional<FailedAttempt>> {
          return paced_post(pacer, per_second, gate, ex, url, headers, body);
        };
        auto failed = co_await attempt();
        if (!failed) co_return;
        SnsRedelivery::DeadLetter d{s.dead_letter_target_arn, body, {}, ctx.to_string(), n.message_id, request_id};
        redelivery.failed(std::move(target), std::move(ctx), std::move(attempt), std::move(d), std::move(*failed));
      },
      asio::detached);
  return request_id;
}

void HttpSubscriber::request_confirmation(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) { confirm(true, s, m); }

void HttpSubscriber::confirm_unsubscription(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) { confirm(false, s, m); }

void HttpSubscriber::confirm(bool subscribe, const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) {
  const char* type = subscribe ? "SubscriptionConfirmation" : "UnsubscribeConfirmation";
  auto headers = sns_headers(type, m.message_id, s.topic_arn);
  // SNS names the subscription on an UnsubscribeConfirmation; a pending one has no ARN to give yet.
  if (!subscribe) headers.set("x-amz-sns-subscription-arn", s.arn);
  // Retried on the subscription's delivery policy as notifications are (an endpoint served by this
  // very process answers 503 until the topology is in); never dead-lettered. A Subscribe of the
  // same endpoint asks again, as on AWS.
  auto own_policy = s.stored_attributes.find("DeliveryPolicy");
  auto schedule = sns::model::RetrySchedule::http("", own_policy != s.stored_attributes.end() ? own_policy->second : std::string{});
  SnsRedelivery::Target target{"endpoint " + endpoint_text_, url_.host, {{"operation", type}, {"subscription_arn", s.arn}}, schedule,
                               {{"request", {{"method", "POST"}, {"url", endpoint_text_}}}}};
  asio::co_spawn(
      ex_,
      [ex = ex_, blocking = blocking_, url = url_, key = key_, edge = edge_, s, m, headers = std::move(headers), subscribe, type,
       log = log_, endpoint = endpoint_text_, target = std::move(target), &redelivery = redelivery_, gate = gate_]() mutable -> asio::awaitable<void> {
        auto kind = subscribe ? SnsConfirmationType::subscribe : SnsConfirmationType::unsubscribe;
        auto body = co_await base::offload(blocking, [&] { return sns_http_confirmation(kind, s, m, edge, *key); });
        auto attempt = [gate, ex, url, headers, body]() -> asio::awaitable<std::optional<FailedAttempt>> {
          return gated_post(gate, ex, url, headers, body);
        };
        auto failed = co_await attempt();
        if (!failed) {
          log->info("SNS {} for {} delivered to {}", type, s.arn, endpoint);
          co_return;
        }
        log->warn("SNS {} for {} to {} not delivered: {}; retried on its delivery policy", type, s.arn, endpoint, failed->message);
        SnsRedelivery::DeadLetter none{{}, {}, {}, {}, m.message_id, {}};
        none.kind = type;
        redelivery.failed(std::move(target), tracing::TraceHeader{}, std::move(attempt), std::move(none), std::move(*failed));
      },
      asio::detached);
}

}  // namespace localray::emulator
