#pragma once
// SNS -> a recipient localray cannot reach (an email address, a phone number, a mobile device's
// push endpoint): what SNS would have sent is recorded in the topic's SentMessages instead, for
// GET /_localray/sns/deliveries. email and email-json subscriptions confirm as on SNS (the
// confirmation is recorded with its token); sms and application ones are confirmed at once. A
// number that opted out, and a push endpoint deleted or disabled, get nothing. email-json's
// messages are the signed JSON an http endpoint gets, signed on the blocking pool.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "base/signing_key.hpp"
#include "services/sns/model/backend.hpp"

namespace localray::emulator {

class RecordedSubscriber final : public sns::model::Subscriber {
 public:
  // `sns`: the topic's account and region, whose records, SMS opt-outs and push endpoints these are.
  RecordedSubscriber(boost::asio::any_io_executor ex, boost::asio::any_io_executor blocking, std::string protocol, sns::model::Backend& sns,
                     std::string edge, std::shared_ptr<base::SigningKey> key);

  std::string deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
  std::string service() const override { return protocol_; }
  std::string operation() const override { return "Notification"; }
  void describe_target(nlohmann::json& aws) const override;
  void describe_delivery(tracing::Segment& delivery) const override { delivery.namespace_ = "remote"; }
  bool needs_confirmation() const override { return protocol_ == "email" || protocol_ == "email-json"; }
  void request_confirmation(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) override;
  void confirm_unsubscription(const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m) override;

 private:
  void confirm(bool subscribe, const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m);

  boost::asio::any_io_executor ex_, blocking_;
  std::string protocol_;
  sns::model::SentMessages& sent_;
  sns::model::SmsSettings& sms_;
  sns::model::PlatformApplications& platforms_;
  std::string edge_;
  std::shared_ptr<base::SigningKey> key_;
};

}  // namespace localray::emulator
