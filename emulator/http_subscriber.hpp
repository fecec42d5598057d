#pragma once
// SNS -> an http/https endpoint: the confirmation handshake and the notifications, POSTed as SNS
// POSTs them (its headers, its JSON, signed with localray's key; or the raw message), with the
// caller's trace passed on in X-Amzn-Trace-Id so that a traced endpoint joins the trace. A failed
// POST (5xx, no answer within 15 seconds) is retried on the subscription's delivery policy, then
// dead-lettered; the POSTs run off the topic's strand, signing on the blocking pool. At most
// kMaxFirstAttempts first POSTs per subscription are open at once: a message beyond them counts
// as a failed attempt and waits for a retry, so that an endpoint which never answers holds a
// bounded number of sockets however fast the topic is published to.
#include <atomic>
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

class HttpSubscriber final : public sns::model::Subscriber {
 public:
  static constexpr std::size_t kMaxFirstAttempts = 64;

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
  // First POSTs open now; shared with them, as they outlive an Unsubscribe.
  std::shared_ptr<std::atomic<std::size_t>> first_attempts_ = std::make_shared<std::atomic<std::size_t>>(0);
};

}  // namespace localray::emulator
