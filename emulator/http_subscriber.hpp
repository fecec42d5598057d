#pragma once
// SNS -> an http/https endpoint: the confirmation handshake and the notifications, POSTed as SNS
// POSTs them (its headers, its JSON, signed with localray's key; or the raw message), with the
// caller's trace passed on in X-Amzn-Trace-Id so that a traced endpoint joins the trace. A failed
// POST (5xx, no answer within 15 seconds) is retried on the subscription's delivery policy, then
// dead-lettered; the POSTs run off the topic's strand, signing on the blocking pool. At most
// kMaxOpenPosts POSTs (first attempts, retries, confirmations) to one subscription's endpoint are
// open at once and the others wait their turn, so that an endpoint which answers slowly, or never,
// holds a bounded number of sockets however fast the topic is published to. Beyond
// kMaxWaitingPosts waiting, an attempt fails as EndpointBusy and is retried on the policy. With a
// throttle policy in force (maxReceivesPerSecond), notifications to the endpoint are paced to it.
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "base/signing_key.hpp"
#include "emulator/sns_redelivery.hpp"
#include "http/client.hpp"
#include "services/sns/model/subscription.hpp"

namespace localray::emulator {

class PostGate;       // the POSTs to one endpoint (http_subscriber.cpp)
class DeliveryPacer;  // their pace under a throttle policy (http_subscriber.cpp)

class HttpSubscriber final : public sns::model::Subscriber {
 public:
  static constexpr std::size_t kMaxOpenPosts = 64;
  static constexpr std::size_t kMaxWaitingPosts = 10000;

  // `url` is the endpoint, already parsed; `edge` where this process answers (for the URLs the
  // messages carry); `blocking` where signatures are computed.
  HttpSubscriber(boost::asio::any_io_executor ex, boost::asio::any_io_executor blocking, http::Url url, std::string endpoint_text,
                 SnsRedelivery& redelivery, std::string edge, std::shared_ptr<base::SigningKey> key, tracing::IdGenerator& ids,
                 std::shared_ptr<spdlog::logger> log);

  std::string deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
  std::string service() const override { return url_.host; }
  std::string operation() const override { return "Notification"; }
  void describe_target(nlohmann::json& aws) const override;
  void describe_delivery(tracing::Segment& delivery) const override;
  bool needs_confirmation() const override { return true; }
  void request_confirmation(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) override;
  void confirm_unsubscription(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) override;

 private:
  void confirm(bool subscribe, const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m);

  boost::asio::any_io_executor ex_, blocking_;
  http::Url url_;
  std::string endpoint_text_;
  SnsRedelivery& redelivery_;
  std::string edge_;
  std::shared_ptr<base::SigningKey> key_;
  tracing::IdGenerator& ids_;
  std::shared_ptr<spdlog::logger> log_;
  // Shared with the POSTs, which outlive an Unsubscribe.
  std::shared_ptr<PostGate> gate_;
  std::shared_ptr<DeliveryPacer> pacer_;
};

}  // namespace localray::emulator
