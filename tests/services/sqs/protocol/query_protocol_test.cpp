// The SQS query protocol (form `Action=<Operation>&Version=2012-11-05`, XML answers), as older
// SDKs and Debian's awscli 2.9 speak it.
#include "services/sqs/model/queue.hpp"
#include "tests/services/sqs/protocol/sqs_protocol_fixture.hpp"

namespace localray::sqs::protocol {
namespace {

using namespace std::chrono_literals;

class SqsQueryTest : public SqsProtocolTest {
 protected:
  void SetUp() override {
    auto body = query({{"Action", "CreateQueue"}, {"QueueName", "orders"}});
    ASSERT_EQ(xml_first(body, "QueueUrl"), kQueueUrl);
  }
  std::string send(const std::string& body, Fields extra = {}) {
    Fields f{{"Action", "SendMessage"}, {"QueueUrl", kQueueUrl}, {"MessageBody", body}};
    f.insert(f.end(), extra.begin(), extra.end());
    return query(f);
  }
  std::string receive(Fields extra = {}) {
    Fields f{{"Action", "ReceiveMessage"}, {"QueueUrl", kQueueUrl}};
    f.insert(f.end(), extra.begin(), extra.end());
    return query(f);
  }
  std::vector<std::pair<std::string, std::string>> attributes(Fields names) {
    Fields f{{"Action", "GetQueueAttributes"}, {"QueueUrl", kQueueUrl}};
    f.insert(f.end(), names.begin(), names.end());
    return xml_map(query(f), "Attribute");
  }
};

TEST_F(SqsQueryTest, SendThenReceiveKeepsBodyAttributesAndBothMd5s) {
  auto r = query_raw({{"Action", "SendMessage"},
                      {"QueueUrl", kQueueUrl},
                      {"MessageBody", "hello"},
                      {"MessageAttribute.1.Name", "status"},
                      {"MessageAttribute.1.Value.DataType", "String"},
                      {"MessageAttribute.1.Value.StringValue", "ok"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.get("Content-Type"), "text/xml");
  EXPECT_NE(r.body.find("<SendMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><SendMessageResult>"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("</SendMessageResult><ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></SendMessageResponse>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(xml_first(r.body, "MD5OfMessageBody"), kHello);
  EXPECT_EQ(xml_first(r.body, "MD5OfMessageAttributes"), kStatusOkMd5);
  auto message_id = xml_first(r.body, "MessageId");

  auto got = receive({{"AttributeName.1", "All"}, {"MessageAttributeName.1", "All"}});
  ASSERT_EQ(xml_all_raw(got, "Message").size(), 1u) << got;
  EXPECT_EQ(xml_first(got, "MessageId"), message_id);
  EXPECT_EQ(xml_first(got, "Body"), "hello");
  EXPECT_EQ(xml_first(got, "MD5OfBody"), kHello);
  EXPECT_EQ(xml_first(got, "MD5OfMessageAttributes"), kStatusOkMd5);
  auto message_attributes = xml_all_raw(got, "MessageAttribute");
  ASSERT_EQ(message_attributes.size(), 1u);
  EXPECT_EQ(message_attributes[0], "<Name>status</Name><Value><StringValue>ok</StringValue><DataType>String</DataType></Value>");
  auto system = xml_map(got, "Attribute");
  EXPECT_NE(std::find(system.begin(), system.end(), std::pair<std::string, std::string>{"SentTimestamp", "1700000000000"}), system.end());
  EXPECT_NE(std::find(system.begin(), system.end(), std::pair<std::string, std::string>{"ApproximateReceiveCount", "1"}), system.end());
  EXPECT_EQ(got.find("CDATA"), std::string::npos);
}

TEST_F(SqsQueryTest, BodyIsEscapedWithQuotEntitiesAndCarriageReturnsAsCharacterReferences) {
  const std::string body = "say \"hi\"\r\nA<&>'";
  EXPECT_EQ(xml_first(send(body), "MD5OfMessageBody"), "864644c8673ed0d2a2aec6e43968b92a");
  auto got = receive();
  EXPECT_NE(got.find("<Body>say &quot;hi&quot;&#xD;\nA&lt;&amp;&gt;&apos;</Body>"), std::string::npos) << got;
  EXPECT_EQ(got.find('\r'), std::string::npos) << "a raw CR is normalised away by XML parsers";
  EXPECT_EQ(got.find("CDATA"), std::string::npos);
  EXPECT_EQ(xml_first(got, "Body"), body) << "unescaped once, the body is what was sent";
  EXPECT_EQ(xml_first(got, "MD5OfBody"), model::md5_hex(body));
}

TEST_F(SqsQueryTest, BatchSendReportsTheFailingEntryAndSendsTheRest) {
  auto r = query({{"Action", "SendMessageBatch"},
                  {"QueueUrl", kQueueUrl},
                  {"SendMessageBatchRequestEntry.1.Id", "good"},
                  {"SendMessageBatchRequestEntry.1.MessageBody", "hello"},
                  {"SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "status"},
                  {"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "String"},
                  {"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "ok"},
                  {"SendMessageBatchRequestEntry.2.Id", "bad"},
                  {"SendMessageBatchRequestEntry.2.MessageBody", "x"},
                  {"SendMessageBatchRequestEntry.2.DelaySeconds", "901"}});
  auto ok = xml_all_raw(r, "SendMessageBatchResultEntry");
  ASSERT_EQ(ok.size(), 1u) << r;
  EXPECT_EQ(xml_first(ok[0], "Id"), "good");
  EXPECT_EQ(xml_first(ok[0], "MD5OfMessageBody"), kHello);
  EXPECT_EQ(xml_first(ok[0], "MD5OfMessageAttributes"), kStatusOkMd5);
  auto failed = xml_all_raw(r, "BatchResultErrorEntry");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(xml_first(failed[0], "Id"), "bad");
  EXPECT_EQ(xml_first(failed[0], "SenderFault"), "true");
  EXPECT_EQ(xml_first(failed[0], "Code"), "InvalidParameterValue");
  auto counts = attributes({{"AttributeName.1", "ApproximateNumberOfMessages"}});
  EXPECT_EQ(counts, (std::vector<std::pair<std::string, std::string>>{{"ApproximateNumberOfMessages", "1"}}));
}

TEST_F(SqsQueryTest, LongPollIsWokenBySend) {
  http::Response send_answer;
  auto received = receive_woken_by_send(
      query_request({{"Action", "ReceiveMessage"}, {"QueueUrl", kQueueUrl}, {"WaitTimeSeconds", "20"}}),
      query_request({{"Action", "SendMessage"}, {"QueueUrl", kQueueUrl}, {"MessageBody", "wake up"}}), WireProtocol::Query, 10s,
      &send_answer);
  ASSERT_TRUE(received) << "the poll was not woken by the send";
  EXPECT_EQ(send_answer.status, 200u);
  EXPECT_EQ(xml_first(received->body, "Body"), "wake up");
}

TEST_F(SqsQueryTest, ChangeVisibilityAndDelete) {
  send("work");
  auto first = receive({{"VisibilityTimeout", "30"}});
  auto h1 = xml_first(first, "ReceiptHandle");
  ASSERT_NE(h1, "<absent>");
  EXPECT_NE(receive().find("<ReceiveMessageResult/>"), std::string::npos) << "hidden while in flight: an empty result";

  auto changed = query({{"Action", "ChangeMessageVisibility"}, {"QueueUrl", kQueueUrl}, {"ReceiptHandle", h1}, {"VisibilityTimeout", "0"}});
  EXPECT_EQ(changed.find("ChangeMessageVisibilityResult"), std::string::npos) << "no result element for an operation without output";
  EXPECT_NE(changed.find("<ChangeMessageVisibilityResponse xmlns="), std::string::npos);
  auto second = receive({{"AttributeName.1", "ApproximateReceiveCount"}});
  EXPECT_EQ(xml_map(second, "Attribute"), (std::vector<std::pair<std::string, std::string>>{{"ApproximateReceiveCount", "2"}}));
  auto h2 = xml_first(second, "ReceiptHandle");

  auto batch = query({{"Action", "DeleteMessageBatch"},
                      {"QueueUrl", kQueueUrl},
                      {"DeleteMessageBatchRequestEntry.1.Id", "stale"},
                      {"DeleteMessageBatchRequestEntry.1.ReceiptHandle", h1},
                      {"DeleteMessageBatchRequestEntry.2.Id", "current"},
                      {"DeleteMessageBatchRequestEntry.2.ReceiptHandle", h2},
                      {"DeleteMessageBatchRequestEntry.3.Id", "garbled"},
                      {"DeleteMessageBatchRequestEntry.3.ReceiptHandle", "garbage"}});
  // A stale handle deletes nothing and succeeds, as on SQS; one it never issued fails.
  auto ok = xml_all_raw(batch, "DeleteMessageBatchResultEntry");
  ASSERT_EQ(ok.size(), 2u) << batch;
  EXPECT_EQ(xml_first(ok[0], "Id"), "stale");
  EXPECT_EQ(xml_first(ok[1], "Id"), "current");
  EXPECT_EQ(xml_first(xml_all_raw(batch, "BatchResultErrorEntry").at(0), "Code"), "ReceiptHandleIsInvalid");

  auto again = query_raw({{"Action", "DeleteMessage"}, {"QueueUrl", kQueueUrl}, {"ReceiptHandle", h2}});
  EXPECT_EQ(again.status, 200u) << "a handle already used deletes nothing and succeeds";
  clock.advance(60s);
  EXPECT_EQ(xml_all_raw(receive(), "Message").size(), 0u) << "deleted for good";
}

TEST_F(SqsQueryTest, GetQueueAttributesCountsAndNamedAttributes) {
  send("1");
  send("2");
  send("3", {{"DelaySeconds", "60"}});
  receive();
  auto a = attributes({{"AttributeName.1", "All"}});
  auto get = [&](const std::string& name) {
    for (const auto& [n, v] : a)
      if (n == name) return v;
    return std::string{"<absent>"};
  };
  EXPECT_EQ(get("ApproximateNumberOfMessages"), "1");
  EXPECT_EQ(get("ApproximateNumberOfMessagesNotVisible"), "1");
  EXPECT_EQ(get("ApproximateNumberOfMessagesDelayed"), "1");
  EXPECT_EQ(get("CreatedTimestamp"), "1700000000");
  EXPECT_EQ(get("QueueArn"), "arn:aws:sqs:us-east-1:000000000000:orders");
  EXPECT_EQ(attributes({{"AttributeName.1", "DelaySeconds"}, {"AttributeName.2", "VisibilityTimeout"}}),
            (std::vector<std::pair<std::string, std::string>>{{"VisibilityTimeout", "30"}, {"DelaySeconds", "0"}}));
  auto none = query({{"Action", "GetQueueAttributes"}, {"QueueUrl", kQueueUrl}});
  EXPECT_NE(none.find("<GetQueueAttributesResult/>"), std::string::npos) << none;
}

TEST_F(SqsQueryTest, SetQueueAttributesAndCreateQueueWithAttributes) {
  query({{"Action", "SetQueueAttributes"}, {"QueueUrl", kQueueUrl}, {"Attribute.1.Name", "DelaySeconds"}, {"Attribute.1.Value", "7"}});
  EXPECT_EQ(attributes({{"AttributeName.1", "DelaySeconds"}}), (std::vector<std::pair<std::string, std::string>>{{"DelaySeconds", "7"}}));
  auto clash = query_raw({{"Action", "CreateQueue"}, {"QueueName", "orders"}, {"Attribute.1.Name", "DelaySeconds"}, {"Attribute.1.Value", "8"}});
  EXPECT_EQ(clash.status, 400u);
  EXPECT_EQ(xml_first(clash.body, "Code"), "QueueAlreadyExists");
  auto same = query({{"Action", "CreateQueue"}, {"QueueName", "orders"}, {"Attribute.1.Name", "DelaySeconds"}, {"Attribute.1.Value", "7"}});
  EXPECT_EQ(xml_first(same, "QueueUrl"), kQueueUrl);
  auto tagged = query({{"Action", "CreateQueue"}, {"QueueName", "other"}, {"Tag.1.Key", "team"}, {"Tag.1.Value", "a"}});
  EXPECT_EQ(xml_first(tagged, "QueueUrl"), "http://localhost:4566/queue/us-east-1/000000000000/other");
}

TEST_F(SqsQueryTest, ListQueuesAnswersFlattenedUrlsAndNothingWhenNoneMatch) {
  auto all = query({{"Action", "ListQueues"}});
  EXPECT_EQ(xml_all(all, "QueueUrl"), std::vector<std::string>{kQueueUrl});
  auto none = query({{"Action", "ListQueues"}, {"QueueNamePrefix", "zzz"}});
  EXPECT_EQ(none.find("QueueUrl"), std::string::npos) << none;
  EXPECT_NE(none.find("<ListQueuesResult/>"), std::string::npos);
}

TEST_F(SqsQueryTest, TraceHeaderFromTheRequestHeaderAndFromSystemAttributes) {
  auto req = query_request({{"Action", "SendMessage"}, {"QueueUrl", kQueueUrl}, {"MessageBody", "from header"}});
  req.headers.add("X-AMZN-TRACE-ID", kTraceHeader);
  auto sent = call(req, WireProtocol::Query);
  ASSERT_EQ(sent.status, 200u);
  EXPECT_EQ(sent.body.find("MD5OfMessageAttributes"), std::string::npos);
  EXPECT_EQ(sent.body.find("MD5OfMessageSystemAttributes"), std::string::npos);

  const std::string other = "Root=1-5759e988-bd862e3fe1be46a994272794;Parent=53995c3f42cd8ad9;Sampled=1";
  auto with_attribute = send("from attribute", {{"MessageSystemAttribute.1.Name", "AWSTraceHeader"},
                                                {"MessageSystemAttribute.1.Value.DataType", "String"},
                                                {"MessageSystemAttribute.1.Value.StringValue", other}});
  EXPECT_EQ(xml_first(with_attribute, "MD5OfMessageSystemAttributes"),
            model::md5_of_attributes({{"AWSTraceHeader", {"String", other}}}));

  auto got = receive({{"MaxNumberOfMessages", "10"}, {"MessageSystemAttributeName.1", "AWSTraceHeader"}});
  auto messages = xml_all_raw(got, "Message");
  ASSERT_EQ(messages.size(), 2u) << got;
  EXPECT_EQ(xml_first(messages[0], "Body"), "from header");
  EXPECT_EQ(xml_map(messages[0], "Attribute"), (std::vector<std::pair<std::string, std::string>>{{"AWSTraceHeader", kTraceHeader}}));
  EXPECT_EQ(xml_map(messages[1], "Attribute"), (std::vector<std::pair<std::string, std::string>>{{"AWSTraceHeader", other}}));
}

TEST_F(SqsQueryTest, MissingQueueHasTheQueryErrorShape) {
  auto r = query_raw({{"Action", "GetQueueUrl"}, {"QueueName", "nope"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.headers.get("Content-Type"), "text/xml");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender</Type>"
            "<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist for this wsdl version."
            "</Message><Detail/></Error><RequestId>req-2</RequestId></ErrorResponse>");
  auto send = query_raw({{"Action", "SendMessage"}, {"QueueUrl", "http://localhost:4566/000000000000/nope"}, {"MessageBody", "x"}});
  EXPECT_EQ(xml_first(send.body, "Code"), "AWS.SimpleQueueService.NonExistentQueue");
}

TEST_F(SqsQueryTest, MissingParameterUnknownActionAndBadInput) {
  auto missing = query_raw({{"Action", "SendMessage"}, {"QueueUrl", kQueueUrl}});
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(xml_first(missing.body, "Code"), "MissingParameter");
  EXPECT_EQ(xml_first(missing.body, "Message"), "The request must contain the parameter MessageBody.");
  EXPECT_EQ(xml_first(missing.body, "Type"), "Sender");

  auto unknown = query_raw({{"Action", "Frobnicate"}});
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(xml_first(unknown.body, "Code"), "InvalidAction");

  auto not_a_number = query_raw({{"Action", "ReceiveMessage"}, {"QueueUrl", kQueueUrl}, {"MaxNumberOfMessages", "lots"}});
  EXPECT_EQ(not_a_number.status, 400u);
  EXPECT_EQ(xml_first(not_a_number.body, "Code"), "InvalidParameterValue");

  auto malformed = query_request({{"Action", "SendMessage"}});
  malformed.body += "&MessageBody=%zz";
  auto r = call(malformed, WireProtocol::Query);
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("<ErrorResponse"), std::string::npos);

  auto echo = query_raw({{"Action", "DeleteMessage"}, {"QueueUrl", kQueueUrl}, {"ReceiptHandle", "<\x01\">"}});
  EXPECT_EQ(echo.status, 400u);
  EXPECT_NE(echo.body.find("&lt;\xEF\xBF\xBD&quot;&gt;"), std::string::npos) << "echoed input is escaped: " << echo.body;
}

TEST_F(SqsQueryTest, RequestPostedToTheQueueUrlPathAddressesThatQueue) {
  auto sent = query({{"Action", "SendMessage"}, {"MessageBody", "by path"}}, "/000000000000/orders");
  EXPECT_EQ(xml_first(sent, "MD5OfMessageBody"), model::md5_hex("by path"));
  auto got = query({{"Action", "ReceiveMessage"}}, "/000000000000/orders");
  EXPECT_EQ(xml_first(got, "Body"), "by path");
  auto missing = query_raw({{"Action", "SendMessage"}, {"MessageBody", "x"}}, "/000000000000/nope");
  EXPECT_EQ(xml_first(missing.body, "Code"), "AWS.SimpleQueueService.NonExistentQueue");
}

TEST_F(SqsQueryTest, GetWithTheQueryStringWorksToo) {
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=GetQueueUrl&QueueName=orders&Version=2012-11-05";
  r.target = "/?" + r.query;
  auto resp = call(r, WireProtocol::Query);
  EXPECT_EQ(resp.status, 200u);
  EXPECT_EQ(xml_first(resp.body, "QueueUrl"), kQueueUrl);
  EXPECT_NE(resp.body.find("<GetQueueUrlResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><GetQueueUrlResult>"),
            std::string::npos);
}

}  // namespace
}  // namespace localray::sqs::protocol
