#include "emulator/event_shapes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace localray::emulator {
namespace {

using nlohmann::json;

sns::model::Notification notification() {
  return {"m-1", "arn:aws:sns:us-east-1:000000000000:t", std::nullopt, "/prod/hello",
          tracing::TimePoint{std::chrono::milliseconds{1714564800123}}, {{"status", {"String", "ok"}}}};
}

TEST(EventShapesTest, SnsLambdaEventHasAwsFieldNamesAndNullSubject) {
  sns::model::Subscription s{"arn:aws:sns:us-east-1:000000000000:t:abc", "", "lambda", "", false, nullptr};
  auto e = json::parse(sns_lambda_event(notification(), s));
  const auto& r = e["Records"][0];
  EXPECT_EQ(r["EventSource"], "aws:sns");
  EXPECT_EQ(r["EventSubscriptionArn"], s.arn);
  EXPECT_TRUE(r["Sns"]["Subject"].is_null());
  EXPECT_EQ(r["Sns"]["Message"], "/prod/hello");
  EXPECT_EQ(r["Sns"]["Timestamp"], "2024-05-01T12:00:00.123Z");
  EXPECT_TRUE(r["Sns"].contains("SigningCertUrl")) << "Lambda events spell it Url";
  EXPECT_EQ(r["Sns"]["MessageAttributes"]["status"], json({{"Type", "String"}, {"Value", "ok"}}));
}

TEST(EventShapesTest, SqsEnvelopeSpellsUrlInCapitalsAndKeepsAwsFieldOrder) {
  sns::model::Subscription s{"arn:aws:sns:us-east-1:000000000000:t:abc", "", "sqs", "", false, nullptr};
  auto text = sns_sqs_envelope(notification(), s, "http://127.0.0.1:4566");
  EXPECT_LT(text.find("\"Type\""), text.find("\"MessageId\""));
  EXPECT_LT(text.find("\"Message\""), text.find("\"Timestamp\""));
  auto e = json::parse(text);
  EXPECT_TRUE(e.contains("SigningCertURL"));
  EXPECT_FALSE(e.contains("Subject")) << "only when set";
}

TEST(EventShapesTest, SqsLambdaEventCarriesTheTraceHeaderAndMillisecondTimestamps) {
  sqs::model::Message m;
  m.id = "id-1";
  m.body = "hello from /prod/hello";
  m.md5_of_body = "x";
  m.receipt_handle = "rh";
  m.trace_header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  m.sent_at = tracing::TimePoint{std::chrono::milliseconds{1714564800123}};
  m.receive_count = 1;
  auto e = json::parse(sqs_event({sqs_event_record(m, "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1")}));
  const auto& r = e["Records"][0];
  EXPECT_EQ(r["attributes"]["AWSTraceHeader"], m.trace_header);
  EXPECT_EQ(r["attributes"]["SentTimestamp"], "1714564800123");
  EXPECT_EQ(r["attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(r["eventSource"], "aws:sqs");
  EXPECT_FALSE(r.contains("md5OfMessageAttributes")) << "only with attributes";
}

}  // namespace
}  // namespace localray::emulator
