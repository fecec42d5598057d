#pragma once
// What SNS POSTs to an http/https subscriber: the JSON of a Notification, SubscriptionConfirmation
// or UnsubscribeConfirmation, signed with localray's key as SNS signs with its own (SignatureVersion
// 1: SHA1withRSA, 2: SHA256withRSA, over "Key\nValue\n" pairs of the type's fields in order), and
// the URLs those messages carry. The certificate is served at signing_cert_url().
#include <string>

#include "base/signing_key.hpp"
#include "services/sns/model/notification.hpp"
#include "services/sns/model/subscription.hpp"

namespace localray::emulator {

// `edge` is where this process answers (http://127.0.0.1:PORT).
std::string sns_signing_cert_url(const std::string& edge);
std::string sns_subscribe_url(const std::string& edge, const std::string& topic_arn, const std::string& token);
std::string sns_unsubscribe_url(const std::string& edge, const std::string& subscription_arn);
// The path signing_cert_url() names, served by the router.
inline constexpr const char* kSnsSigningCertPath = "/_localray/sns/SimpleNotificationService-localray.pem";

// MessageAttributes as SNS writes them into its JSON messages: {"name": {"Type", "Value"}}, binary
// values in base64.
nlohmann::ordered_json sns_message_attributes(const sns::model::MessageAttributes& attributes);

// The string a message's Signature signs, from the message's own fields.
std::string sns_string_to_sign(const nlohmann::ordered_json& message);

// A Notification as an http/https subscriber gets it (not raw), signed.
std::string sns_http_notification(const sns::model::Notification& n, const sns::model::Subscription& s, const std::string& edge,
                                  base::SigningKey& key);
enum class SnsConfirmationType { subscribe, unsubscribe };
std::string sns_http_confirmation(SnsConfirmationType type, const sns::model::Subscription& s, const sns::model::ConfirmationMessage& m,
                                  const std::string& edge, base::SigningKey& key);

}  // namespace localray::emulator
