#include "emulator/sns_http_messages.hpp"

#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "tracing/timestamps.hpp"

namespace localray::emulator {

using ordered = nlohmann::ordered_json;

namespace {

// The fields each type signs, in the order SNS signs them (alphabetical); a Notification's
// Subject only when it has one.
constexpr const char* kNotificationSigned[] = {"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"};
constexpr const char* kConfirmationSigned[] = {"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"};

void sign_message(ordered& m, const std::string& version, const std::string& edge, base::SigningKey& key) {
  std::string to_sign = sns_string_to_sign(m);
  auto digest = version == "2" ? base::SignatureDigest::sha256 : base::SignatureDigest::sha1;
  m["SignatureVersion"] = version == "2" ? "2" : "1";
  // Empty only if the key could not be made; a GET of the SigningCertURL then answers why.
  m["Signature"] = base::base64_encode(key.sign(to_sign, digest));
  m["SigningCertURL"] = sns_signing_cert_url(edge);
}

std::string compact_json(const ordered& v) { return v.dump(-1, ' ', false, ordered::error_handler_t::replace); }

// As SNS lays its messages out: one member a line, `"Key" : value`, MessageAttributes' entries one
// a line and each on one line.
std::string laid_out(const ordered& m) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : m.items()) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += compact_json(k) + " : ";
    if (v.is_object() && !v.empty()) {
      out += "{";
      bool first_entry = true;
      for (const auto& [ek, ev] : v.items()) {
        out += first_entry ? "\n    " : ",\n    ";
        first_entry = false;
        out += compact_json(ek) + " : " + compact_json(ev);
      }
      out += "\n  }";
    } else {
      out += compact_json(v);
    }
  }
  return out + "\n}";
}

}  // namespace

ordered sns_message_attributes(const sns::model::MessageAttributes& attributes) {
  ordered out = ordered::object();
  for (const auto& [name, a] : attributes) {
    bool binary = a.data_type.rfind("Binary", 0) == 0;
    out[name] = ordered{{"Type", a.data_type}, {"Value", binary ? base::base64_encode(a.value) : a.value}};
  }
  return out;
}

std::string sns_signing_cert_url(const std::string& edge) { return edge + kSnsSigningCertPath; }

// ARNs go in as they are, as SNS writes them: ':' is allowed in a query.
std::string sns_subscribe_url(const std::string& edge, const std::string& topic_arn, const std::string& token) {
  return edge + "/?Action=ConfirmSubscription&TopicArn=" + topic_arn + "&Token=" + token;
}

std::string sns_unsubscribe_url(const std::string& edge, const std::string& subscription_arn) {
  return edge + "/?Action=Unsubscribe&SubscriptionArn=" + subscription_arn;
}

std::string sns_string_to_sign(const ordered& message) {
  auto type = message.value("Type", std::string{});
  std::string out;
  auto add = [&](const char* key) {
    auto it = message.find(key);
    if (it == message.end() || !it->is_string()) return;
    out += key;
    out += '\n';
    out += it->get<std::string>();
    out += '\n';
  };
  if (type == "Notification")
    for (const char* k : kNotificationSigned) add(k);
  else
    for (const char* k : kConfirmationSigned) add(k);
  return out;
}

std::string sns_http_notification(const sns::model::Notification& n, const sns::model::Subscription& s, const std::string& edge,
                                  base::SigningKey& key) {
  ordered m = {{"Type", "Notification"}, {"MessageId", n.message_id}, {"TopicArn", n.topic_arn}};
  if (n.subject) m["Subject"] = *n.subject;
  m["Message"] = n.message;
  m["Timestamp"] = tracing::iso8601_millis(n.timestamp);
  sign_message(m, n.signature_version, edge, key);
  m["UnsubscribeURL"] = sns_unsubscribe_url(edge, s.arn);
  if (!n.attributes.empty()) m["MessageAttributes"] = sns_message_attributes(n.attributes);
  return laid_out(m);
}

std::string sns_http_confirmation(SnsConfirmationType type, const sns::model::Subscription& s, const sns::model::ConfirmationMessage& c,
                                  const std::string& edge, base::SigningKey& key) {
  bool subscribe = type == SnsConfirmationType::subscribe;
  std::string message = subscribe ? "You have chosen to subscribe to the topic " + s.topic_arn +
                                        ".\nTo confirm the subscription, visit the SubscribeURL included in this message."
                                  : "You have chosen to deactivate subscription " + s.arn +
                                        ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.";
  ordered m = {{"Type", subscribe ? "SubscriptionConfirmation" : "UnsubscribeConfirmation"},
               {"MessageId", c.message_id},
               {"Token", c.token},
               {"TopicArn", s.topic_arn},
               {"Message", std::move(message)},
               {"SubscribeURL", sns_subscribe_url(edge, s.topic_arn, c.token)},
               {"Timestamp", tracing::iso8601_millis(c.timestamp)}};
  sign_message(m, c.signature_version, edge, key);
  return laid_out(m);
}

}  // namespace localray::emulator
