// What SNS POSTs to http/https endpoints: layout, fields in SNS's order, and signatures that verify
// with the certificate localray serves.
#include "emulator/sns_http_messages.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "base/base64.hpp"

namespace localray::emulator {
namespace {

using ordered = nlohmann::ordered_json;

// As a message validator checks it: the public key of the PEM certificate, the digest of the version.
bool verifies(base::SigningKey& key, const std::string& data, const std::string& signature_b64, const std::string& version) {
  const std::string& pem = key.certificate_pem();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return false;
  EVP_PKEY* pub = X509_get_pubkey(cert);
  auto sig = base::base64_decode(signature_b64, base::Padding::Required);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = sig && EVP_DigestVerifyInit(ctx, nullptr, version == "2" ? EVP_sha256() : EVP_sha1(), nullptr, pub) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pub);
  X509_free(cert);
  return ok;
}

sns::model::Notification notification() {
  sns::model::Notification n;
  n.message_id = "11111111-2222-3333-4444-555555555555";
  n.topic_arn = "arn:aws:sns:us-east-1:000000000000:web";
  n.subject = "hello";
  n.message = "line one\nline \"two\"";
  n.timestamp = tracing::TimePoint{std::chrono::milliseconds{1765000000123}};
  n.attributes["colour"] = {"String", "blue"};
  return n;
}

sns::model::Subscription subscription() {
  sns::model::Subscription s;
  s.arn = "arn:aws:sns:us-east-1:000000000000:web:sub-1";
  s.topic_arn = "arn:aws:sns:us-east-1:000000000000:web";
  s.protocol = "http";
  s.endpoint = "http://127.0.0.1:9/hook";
  return s;
}

TEST(SnsHttpMessagesTest, ANotificationIsLaidOutAndSignedAsSnsDoes) {
  base::SigningKey key{"test"};
  auto text = sns_http_notification(notification(), subscription(), "http://127.0.0.1:4566", key);
  EXPECT_EQ(text.rfind("{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : \"11111111-2222-3333-4444-555555555555\",\n", 0), 0u) << text;
  EXPECT_NE(text.find(",\n  \"MessageAttributes\" : {\n    \"colour\" : {\"Type\":\"String\",\"Value\":\"blue\"}\n  }\n}"), std::string::npos) << text;
  auto m = ordered::parse(text);
  std::vector<std::string> keys;
  for (const auto& [k, v] : m.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature",
                                            "SigningCertURL", "UnsubscribeURL", "MessageAttributes"}));
  EXPECT_EQ(m["Timestamp"], "2025-12-06T05:46:40.123Z");
  EXPECT_EQ(m["SigningCertURL"], "http://127.0.0.1:4566/_localray/sns/SimpleNotificationService-localray.pem");
  EXPECT_EQ(m["UnsubscribeURL"], "http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:000000000000:web:sub-1");
  const std::string to_sign =
      "Message\nline one\nline \"two\"\nMessageId\n11111111-2222-3333-4444-555555555555\nSubject\nhello\n"
      "Timestamp\n2025-12-06T05:46:40.123Z\nTopicArn\narn:aws:sns:us-east-1:000000000000:web\nType\nNotification\n";
  EXPECT_EQ(sns_string_to_sign(m), to_sign);
  EXPECT_EQ(m["SignatureVersion"], "1");
  EXPECT_TRUE(verifies(key, to_sign, m["Signature"], "1"));
  EXPECT_FALSE(verifies(key, to_sign + "x", m["Signature"], "1"));
  EXPECT_FALSE(verifies(key, to_sign, m["Signature"], "2")) << "signed with SHA1, not SHA256";

  auto n2 = notification();
  n2.signature_version = "2";
  n2.subject.reset();
  auto m2 = ordered::parse(sns_http_notification(n2, subscription(), "http://127.0.0.1:4566", key));
  EXPECT_FALSE(m2.contains("Subject"));
  EXPECT_EQ(sns_string_to_sign(m2).find("Subject"), std::string::npos);
  EXPECT_EQ(m2["SignatureVersion"], "2");
  EXPECT_TRUE(verifies(key, sns_string_to_sign(m2), m2["Signature"], "2"));
}

TEST(SnsHttpMessagesTest, ConfirmationsCarryTheTokenAndSubscribeUrlAndSignThem) {
  base::SigningKey key{"test"};
  sns::model::ConfirmationMessage c{std::string(288, 'f'), "m-1", tracing::TimePoint{std::chrono::milliseconds{0}}, "1"};
  auto m = ordered::parse(sns_http_confirmation(SnsConfirmationType::subscribe, subscription(), c, "http://h:1", key));
  std::vector<std::string> keys;
  for (const auto& [k, v] : m.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp", "SignatureVersion",
                                            "Signature", "SigningCertURL"}));
  EXPECT_EQ(m["Type"], "SubscriptionConfirmation");
  EXPECT_EQ(m["SubscribeURL"], "http://h:1/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:000000000000:web&Token=" + std::string(288, 'f'));
  EXPECT_EQ(m["Message"],
            "You have chosen to subscribe to the topic arn:aws:sns:us-east-1:000000000000:web.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message.");
  auto to_sign = sns_string_to_sign(m);
  EXPECT_NE(to_sign.find("SubscribeURL\n"), std::string::npos);
  EXPECT_NE(to_sign.find("Token\n" + std::string(288, 'f') + "\n"), std::string::npos);
  EXPECT_TRUE(verifies(key, to_sign, m["Signature"], "1"));

  auto bye = ordered::parse(sns_http_confirmation(SnsConfirmationType::unsubscribe, subscription(), c, "http://h:1", key));
  EXPECT_EQ(bye["Type"], "UnsubscribeConfirmation");
  EXPECT_EQ(bye["Message"],
            "You have chosen to deactivate subscription arn:aws:sns:us-east-1:000000000000:web:sub-1.\n"
            "To cancel this operation and restore the subscription, visit the SubscribeURL included in this message.");
  EXPECT_TRUE(verifies(key, sns_string_to_sign(bye), bye["Signature"], "1"));
}

}  // namespace
}  // namespace localray::emulator
