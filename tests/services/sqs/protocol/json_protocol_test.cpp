// The SQS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`), as current SDKs speak it.
#include <set>

#include "services/sqs/model/queue.hpp"
#include "services/sqs/protocol/errors.hpp"
#include "tests/services/sqs/protocol/sqs_protocol_fixture.hpp"

namespace localray::sqs::protocol {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class SqsJsonTest : public SqsProtocolTest {
 protected:
  std::string create(const std::string& name = "orders", json attributes = json::object()) {
    json body = {{"QueueName", name}};
    if (!attributes.empty()) body["Attributes"] = attributes;
    return json_ok("CreateQueue", body).value("QueueUrl", "");
  }
  json receive(json extra = json::object()) {
    json body = {{"QueueUrl", kQueueUrl}};
    body.update(extra);
    return json_ok("ReceiveMessage", body);
  }
  json attributes(json names = json::array({"All"})) {
    return json_ok("GetQueueAttributes", {{"QueueUrl", kQueueUrl}, {"AttributeNames", names}}).value("Attributes", json::object());
  }
};

TEST_F(SqsJsonTest, SendThenReceiveKeepsBodyAttributesAndBothMd5s) {
  ASSERT_EQ(create(), kQueueUrl);
  auto r = json_raw("SendMessage", {{"QueueUrl", kQueueUrl},
                                    {"MessageBody", "hello"},
                                    {"MessageAttributes", {{"status", {{"DataType", "String"}, {"StringValue", "ok"}}}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.headers.get("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(r.headers.get("x-amzn-RequestId"), "req-2");
  auto sent = json::parse(r.body);
  EXPECT_EQ(sent["MD5OfMessageBody"], kHello);
  EXPECT_EQ(sent["MD5OfMessageAttributes"], kStatusOkMd5);
  EXPECT_FALSE(sent.contains("MD5OfMessageSystemAttributes")) << "no system attributes were sent";

  auto got = receive({{"MessageAttributeNames", {"All"}}, {"AttributeNames", {"All"}}});
  ASSERT_EQ(got["Messages"].size(), 1u) << got.dump();
  const auto& m = got["Messages"][0];
  EXPECT_EQ(m["MessageId"], sent["MessageId"]);
  EXPECT_EQ(m["Body"], "hello");
  EXPECT_EQ(m["MD5OfBody"], kHello);
  EXPECT_EQ(m["MD5OfMessageAttributes"], kStatusOkMd5);
  EXPECT_EQ(m["MessageAttributes"], json::parse(R"({"status":{"StringValue":"ok","DataType":"String"}})"));
  EXPECT_EQ(m["Attributes"]["SentTimestamp"], "1700000000000") << "epoch milliseconds, as a string";
  EXPECT_EQ(m["Attributes"]["ApproximateFirstReceiveTimestamp"], "1700000000000");
  EXPECT_EQ(m["Attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(m["Attributes"]["SenderId"], "000000000000") << "the caller's account";
  EXPECT_FALSE(m["Attributes"].contains("AWSTraceHeader")) << "the message carries none";
  EXPECT_FALSE(m.value("ReceiptHandle", "").empty());
}

TEST_F(SqsJsonTest, MessageWithoutAttributesHasNoAttributeMd5) {
  create();
  auto sent = json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "hello"}});
  EXPECT_FALSE(sent.contains("MD5OfMessageAttributes"));
  auto got = receive({{"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(got["Messages"].size(), 1u);
  EXPECT_FALSE(got["Messages"][0].contains("MD5OfMessageAttributes"));
  EXPECT_FALSE(got["Messages"][0].contains("MessageAttributes"));
  EXPECT_FALSE(got["Messages"][0].contains("Attributes")) << "none were asked for";
}

TEST_F(SqsJsonTest, BinaryAttributeIsBase64OnTheWireAndRawBytesInTheMd5) {
  create();
  auto sent = json_ok("SendMessage", {{"QueueUrl", kQueueUrl},
                                   {"MessageBody", "bytes"},
                                   {"MessageAttributes", {{"blob", {{"DataType", "Binary"}, {"BinaryValue", "AAEC/w=="}}}}}});
  // MD5 over bytes 00 01 02 ff (computed independently); over the base64 text it would be b796e9c2….
  EXPECT_EQ(sent["MD5OfMessageAttributes"], "3b1b4028306ffa157a32d5916f8f714b");
  auto got = receive({{"MessageAttributeNames", {"blob"}}});
  ASSERT_EQ(got["Messages"].size(), 1u);
  EXPECT_EQ(got["Messages"][0]["MessageAttributes"]["blob"]["BinaryValue"], "AAEC/w==");
  EXPECT_EQ(got["Messages"][0]["MD5OfMessageAttributes"], "3b1b4028306ffa157a32d5916f8f714b");
}

TEST_F(SqsJsonTest, ReceiveReturnsOnlyTheNamedAttributesAndHashesThose) {
  create();
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl},
                       {"MessageBody", "x"},
                       {"MessageAttributes",
                        {{"trace.id", {{"DataType", "String"}, {"StringValue", "abc"}}},
                         {"trace.n", {{"DataType", "Number"}, {"StringValue", "7"}}},
                         {"status", {{"DataType", "String"}, {"StringValue", "ok"}}}}}});
  auto got = receive({{"MessageAttributeNames", {"trace.*"}}});
  ASSERT_EQ(got["Messages"].size(), 1u);
  const auto& m = got["Messages"][0];
  EXPECT_EQ(m["MessageAttributes"].size(), 2u);
  EXPECT_FALSE(m["MessageAttributes"].contains("status"));
  EXPECT_EQ(m["MD5OfMessageAttributes"], "e0934d04fdd876e10dc3c814e5e8d8e7") << "MD5 of trace.id and trace.n only";
}

TEST_F(SqsJsonTest, BatchSendReportsTheFailingEntryAndSendsTheRest) {
  create();
  auto r = json_ok("SendMessageBatch", {{"QueueUrl", kQueueUrl},
                                     {"Entries",
                                      {{{"Id", "good"}, {"MessageBody", "hello"}},
                                       {{"Id", "bad"}, {"MessageBody", std::string{"a\x01z"}}},
                                       {{"Id", "nobody"}}}}});
  ASSERT_EQ(r["Successful"].size(), 1u) << r.dump();
  EXPECT_EQ(r["Successful"][0]["Id"], "good");
  EXPECT_EQ(r["Successful"][0]["MD5OfMessageBody"], kHello);
  ASSERT_EQ(r["Failed"].size(), 2u);
  EXPECT_EQ(r["Failed"][0]["Id"], "bad");
  EXPECT_EQ(r["Failed"][0]["Code"], "InvalidMessageContents");
  EXPECT_EQ(r["Failed"][0]["SenderFault"], true);
  EXPECT_EQ(r["Failed"][1]["Id"], "nobody");
  EXPECT_EQ(r["Failed"][1]["Code"], "MissingParameter");
  EXPECT_EQ(attributes({"ApproximateNumberOfMessages"})["ApproximateNumberOfMessages"], "1") << "only the good entry was stored";
}

TEST_F(SqsJsonTest, BatchRulesRejectTheWholeRequest) {
  create();
  auto entry = [](std::string id) { return json{{"Id", id}, {"MessageBody", "m"}}; };
  auto dup = json_raw("SendMessageBatch", {{"QueueUrl", kQueueUrl}, {"Entries", {entry("a"), entry("a")}}});
  EXPECT_EQ(dup.status, 400u);
  EXPECT_EQ(json::parse(dup.body)["__type"], "com.amazonaws.sqs#BatchEntryIdsNotDistinct");
  EXPECT_EQ(dup.headers.get("x-amzn-query-error"), "AWS.SimpleQueueService.BatchEntryIdsNotDistinct;Sender");
  json eleven = json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back(entry("e" + std::to_string(i)));
  auto many = json_raw("SendMessageBatch", {{"QueueUrl", kQueueUrl}, {"Entries", eleven}});
  EXPECT_EQ(json::parse(many.body)["__type"], "com.amazonaws.sqs#TooManyEntriesInBatchRequest");
  auto none = json_raw("DeleteMessageBatch", {{"QueueUrl", kQueueUrl}, {"Entries", json::array()}});
  EXPECT_EQ(json::parse(none.body)["__type"], "com.amazonaws.sqs#EmptyBatchRequest");
  auto bad_id = json_raw("SendMessageBatch", {{"QueueUrl", kQueueUrl}, {"Entries", {entry("no spaces")}}});
  EXPECT_EQ(json::parse(bad_id.body)["__type"], "com.amazonaws.sqs#InvalidBatchEntryId");
  EXPECT_EQ(attributes({"ApproximateNumberOfMessages"})["ApproximateNumberOfMessages"], "0") << "nothing of a rejected batch is sent";
}

TEST_F(SqsJsonTest, LongPollIsWokenBySend) {
  create();
  http::Response send_answer;
  auto received = receive_woken_by_send(json_request("ReceiveMessage", {{"QueueUrl", kQueueUrl}, {"WaitTimeSeconds", 20}}),
                                        json_request("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "wake up"}}),
                                        WireProtocol::Json, 10s, &send_answer);
  ASSERT_TRUE(received) << "the poll was not woken by the send";
  EXPECT_EQ(send_answer.status, 200u);
  auto got = json::parse(received->body);
  ASSERT_EQ(got["Messages"].size(), 1u) << received->body;
  EXPECT_EQ(got["Messages"][0]["Body"], "wake up");
}

TEST_F(SqsJsonTest, ChangeVisibilityAndDelete) {
  create();
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "work"}});
  auto first = receive({{"VisibilityTimeout", 30}});
  ASSERT_EQ(first["Messages"].size(), 1u);
  std::string h1 = first["Messages"][0]["ReceiptHandle"];
  EXPECT_FALSE(receive().contains("Messages")) << "hidden while in flight";

  EXPECT_EQ(json_ok("ChangeMessageVisibility", {{"QueueUrl", kQueueUrl}, {"ReceiptHandle", h1}, {"VisibilityTimeout", 0}}), json::object());
  // As on SQS: a standard message whose timeout ended may still be given one by its handle.
  EXPECT_EQ(json_ok("ChangeMessageVisibility", {{"QueueUrl", kQueueUrl}, {"ReceiptHandle", h1}, {"VisibilityTimeout", 0}}), json::object());
  auto garbage = json_raw("ChangeMessageVisibility", {{"QueueUrl", kQueueUrl}, {"ReceiptHandle", "garbage"}, {"VisibilityTimeout", 5}});
  EXPECT_EQ(json::parse(garbage.body)["message"], "The input receipt handle \"garbage\" is not a valid receipt handle.");

  auto second = receive({{"AttributeNames", {"ApproximateReceiveCount"}}});
  ASSERT_EQ(second["Messages"].size(), 1u) << "visible again at once";
  EXPECT_EQ(second["Messages"][0]["Attributes"]["ApproximateReceiveCount"], "2");
  std::string h2 = second["Messages"][0]["ReceiptHandle"];
  EXPECT_NE(h1, h2);

  auto batch = json_ok("ChangeMessageVisibilityBatch",
                    {{"QueueUrl", kQueueUrl},
                     {"Entries", {{{"Id", "ok"}, {"ReceiptHandle", h2}, {"VisibilityTimeout", 60}},
                                  {{"Id", "stale"}, {"ReceiptHandle", h1}, {"VisibilityTimeout", 60}}}}});
  ASSERT_EQ(batch["Successful"].size(), 1u);
  EXPECT_EQ(batch["Successful"][0]["Id"], "ok");
  ASSERT_EQ(batch["Failed"].size(), 1u);
  EXPECT_EQ(batch["Failed"][0]["Code"], "InvalidParameterValue");
  EXPECT_EQ(batch["Failed"][0]["Message"], "Value " + h1 +
                                               " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.");
  clock.advance(59s);
  EXPECT_FALSE(receive().contains("Messages")) << "the batch extended the timeout to 60 s";

  EXPECT_EQ(json_ok("DeleteMessage", {{"QueueUrl", kQueueUrl}, {"ReceiptHandle", h2}}), json::object());
  // A handle already used, and one of an older receive, delete nothing and succeed, as on SQS.
  EXPECT_EQ(json_ok("DeleteMessage", {{"QueueUrl", kQueueUrl}, {"ReceiptHandle", h2}}), json::object());
  EXPECT_EQ(json_ok("DeleteMessage", {{"QueueUrl", kQueueUrl}, {"ReceiptHandle", h1}}), json::object());
  auto garbled = json_raw("DeleteMessage", {{"QueueUrl", kQueueUrl}, {"ReceiptHandle", "garbage"}});
  EXPECT_EQ(garbled.status, 400u);
  EXPECT_EQ(json::parse(garbled.body)["__type"], "com.amazonaws.sqs#ReceiptHandleIsInvalid");
  clock.advance(120s);
  EXPECT_FALSE(receive().contains("Messages")) << "deleted for good";
  auto counts = attributes({"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
  EXPECT_EQ(counts["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(counts["ApproximateNumberOfMessagesNotVisible"], "0");
}

TEST_F(SqsJsonTest, DeleteMessageBatchDeletesEachEntry) {
  create();
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "a"}});
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "b"}});
  auto got = receive({{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got["Messages"].size(), 2u);
  auto r = json_ok("DeleteMessageBatch", {{"QueueUrl", kQueueUrl},
                                       {"Entries", {{{"Id", "1"}, {"ReceiptHandle", got["Messages"][0]["ReceiptHandle"]}},
                                                    {{"Id", "2"}, {"ReceiptHandle", got["Messages"][1]["ReceiptHandle"]}},
                                                    {{"Id", "3"}, {"ReceiptHandle", "bogus"}}}}});
  EXPECT_EQ(r["Successful"], json::parse(R"([{"Id":"1"},{"Id":"2"}])"));
  ASSERT_EQ(r["Failed"].size(), 1u);
  EXPECT_EQ(r["Failed"][0]["Id"], "3");
  EXPECT_EQ(attributes({"ApproximateNumberOfMessagesNotVisible"})["ApproximateNumberOfMessagesNotVisible"], "0");
}

TEST_F(SqsJsonTest, GetQueueAttributesCountsVisibleInFlightAndDelayed) {
  create("orders", {{"VisibilityTimeout", "45"}});
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "1"}});
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "2"}});
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "3"}, {"DelaySeconds", 60}});
  ASSERT_EQ(receive()["Messages"].size(), 1u);
  auto a = attributes();
  EXPECT_EQ(a["ApproximateNumberOfMessages"], "1");
  EXPECT_EQ(a["ApproximateNumberOfMessagesNotVisible"], "1");
  EXPECT_EQ(a["ApproximateNumberOfMessagesDelayed"], "1");
  EXPECT_EQ(a["QueueArn"], "arn:aws:sqs:us-east-1:000000000000:orders");
  EXPECT_EQ(a["CreatedTimestamp"], "1700000000") << "epoch seconds";
  EXPECT_EQ(a["LastModifiedTimestamp"], "1700000000");
  EXPECT_EQ(a["VisibilityTimeout"], "45");
  EXPECT_EQ(a["DelaySeconds"], "0");
  EXPECT_EQ(a["ReceiveMessageWaitTimeSeconds"], "0");
  EXPECT_EQ(a["MessageRetentionPeriod"], "345600");
  EXPECT_EQ(a["MaximumMessageSize"], "1048576");
  EXPECT_FALSE(a.contains("RedrivePolicy")) << "none set";

  auto named = attributes({"QueueArn"});
  EXPECT_EQ(named, json({{"QueueArn", "arn:aws:sqs:us-east-1:000000000000:orders"}}));
  auto unknown = json_raw("GetQueueAttributes", {{"QueueUrl", kQueueUrl}, {"AttributeNames", {"Colour"}}});
  EXPECT_EQ(json::parse(unknown.body)["__type"], "com.amazonaws.sqs#InvalidAttributeName");
}

TEST_F(SqsJsonTest, SetQueueAttributesChangesSettingsRedrivePolicyAndLastModified) {
  create("dlq");
  create();
  clock.advance(10s);
  EXPECT_EQ(json_ok("SetQueueAttributes",
                 {{"QueueUrl", kQueueUrl},
                  {"Attributes",
                   {{"VisibilityTimeout", "5"},
                    {"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"3"})"}}}}),
            json::object());
  auto a = attributes();
  EXPECT_EQ(a["VisibilityTimeout"], "5");
  EXPECT_EQ(json::parse(a["RedrivePolicy"].get<std::string>()),
            json::parse(R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3})"));
  EXPECT_EQ(a["LastModifiedTimestamp"], "1700000010");
  EXPECT_EQ(a["CreatedTimestamp"], "1700000000");

  auto bad = json_raw("SetQueueAttributes", {{"QueueUrl", kQueueUrl}, {"Attributes", {{"VisibilityTimeout", "43201"}}}});
  EXPECT_EQ(json::parse(bad.body)["__type"], "com.amazonaws.sqs#InvalidAttributeValue");
  auto no_dlq = json_raw("SetQueueAttributes",
                         {{"QueueUrl", kQueueUrl},
                          {"Attributes", {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":3})"}}}});
  EXPECT_EQ(json::parse(no_dlq.body)["__type"], "com.amazonaws.sqs#InvalidAttributeValue");
  auto unknown = json_raw("SetQueueAttributes", {{"QueueUrl", kQueueUrl}, {"Attributes", {{"QueueArn", "x"}}}});
  EXPECT_EQ(json::parse(unknown.body)["__type"], "com.amazonaws.sqs#InvalidAttributeName");
  EXPECT_EQ(attributes({"VisibilityTimeout"})["VisibilityTimeout"], "5") << "a rejected change leaves the settings";
  auto none = json_raw("SetQueueAttributes", {{"QueueUrl", kQueueUrl}});
  EXPECT_EQ(none.headers.get("x-amzn-query-error"), "MissingParameter;Sender");
}

TEST_F(SqsJsonTest, CreateQueueIsIdempotentOnlyWithTheSameAttributes) {
  auto url = create("orders", {{"VisibilityTimeout", "60"}});
  EXPECT_EQ(create("orders", {{"VisibilityTimeout", "60"}}), url);
  EXPECT_EQ(create("orders"), url) << "no attributes asked for: nothing differs";
  auto clash = json_raw("CreateQueue", {{"QueueName", "orders"}, {"Attributes", {{"VisibilityTimeout", "61"}}}});
  EXPECT_EQ(clash.status, 400u);
  EXPECT_EQ(json::parse(clash.body)["__type"], "com.amazonaws.sqs#QueueNameExists");
  EXPECT_EQ(clash.headers.get("x-amzn-query-error"), "QueueAlreadyExists;Sender");
  auto bad_name = json_raw("CreateQueue", {{"QueueName", "has space"}});
  EXPECT_EQ(json::parse(bad_name.body)["__type"], "com.amazonaws.sqs#InvalidParameterValueException");
  EXPECT_EQ(json_ok("CreateQueue", {{"QueueName", "tagged"}, {"tags", {{"team", "a"}}}})["QueueUrl"],
            "http://localhost:4566/queue/us-east-1/000000000000/tagged");
}

TEST_F(SqsJsonTest, ListQueuesFiltersPagesAndOmitsAnEmptyList) {
  EXPECT_EQ(json_ok("ListQueues", json::object()), json::object()) << "QueueUrls absent when there are none";
  for (auto n : {"alpha-1", "alpha-2", "alpha-3", "beta"}) create(n);
  auto all = json_ok("ListQueues", json::object());
  EXPECT_EQ(all["QueueUrls"].size(), 4u);
  auto page1 = json_ok("ListQueues", {{"QueueNamePrefix", "alpha"}, {"MaxResults", 2}});
  EXPECT_EQ(page1["QueueUrls"], json({"http://localhost:4566/queue/us-east-1/000000000000/alpha-1", "http://localhost:4566/queue/us-east-1/000000000000/alpha-2"}));
  ASSERT_TRUE(page1.contains("NextToken"));
  auto page2 = json_ok("ListQueues", {{"QueueNamePrefix", "alpha"}, {"MaxResults", 2}, {"NextToken", page1["NextToken"]}});
  EXPECT_EQ(page2["QueueUrls"], json({"http://localhost:4566/queue/us-east-1/000000000000/alpha-3"}));
  EXPECT_FALSE(page2.contains("NextToken"));
}

TEST_F(SqsJsonTest, DeleteQueueAndPurgeQueue) {
  create();
  json_ok("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "x"}});
  EXPECT_EQ(json_ok("PurgeQueue", {{"QueueUrl", kQueueUrl}}), json::object());
  EXPECT_EQ(attributes({"ApproximateNumberOfMessages"})["ApproximateNumberOfMessages"], "0");
  auto again = json_raw("PurgeQueue", {{"QueueUrl", kQueueUrl}});
  EXPECT_EQ(again.status, 403u);
  EXPECT_EQ(json::parse(again.body)["__type"], "com.amazonaws.sqs#PurgeQueueInProgress");
  clock.advance(60s);
  EXPECT_EQ(json_raw("PurgeQueue", {{"QueueUrl", kQueueUrl}}).status, 200u) << "allowed again after 60 s";

  EXPECT_EQ(json_ok("DeleteQueue", {{"QueueUrl", kQueueUrl}}), json::object());
  auto gone = json_raw("GetQueueUrl", {{"QueueName", "orders"}});
  EXPECT_EQ(json::parse(gone.body)["__type"], "com.amazonaws.sqs#QueueDoesNotExist");
  EXPECT_EQ(json_ok("ListQueues", json::object()), json::object());
}

TEST_F(SqsJsonTest, TraceHeaderComesFromTheRequestHeader) {
  create();
  auto req = json_request("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "hello"}});
  req.headers.add("x-amzn-trace-id", kTraceHeader);  // any case
  auto r = call(req, WireProtocol::Json);
  ASSERT_EQ(r.status, 200u);
  auto sent = json::parse(r.body);
  EXPECT_FALSE(sent.contains("MD5OfMessageAttributes")) << "the trace header is no message attribute";
  EXPECT_FALSE(sent.contains("MD5OfMessageSystemAttributes")) << "the sender gave no system attributes";
  auto got = receive({{"MessageSystemAttributeNames", {"AWSTraceHeader"}}});
  ASSERT_EQ(got["Messages"].size(), 1u);
  EXPECT_EQ(got["Messages"][0]["Attributes"], json({{"AWSTraceHeader", kTraceHeader}}));
}

TEST_F(SqsJsonTest, TraceHeaderSystemAttributeWinsOverTheRequestHeader) {
  create();
  auto req = json_request("SendMessage", {{"QueueUrl", kQueueUrl},
                                          {"MessageBody", "hello"},
                                          {"MessageAttributes", {{"status", {{"DataType", "String"}, {"StringValue", "ok"}}}}},
                                          {"MessageSystemAttributes",
                                           {{"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", kTraceHeader}}}}}});
  req.headers.add("X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
  auto sent = json::parse(call(req, WireProtocol::Json).body);
  EXPECT_EQ(sent["MD5OfMessageAttributes"], kStatusOkMd5) << "the trace header is excluded from the attribute MD5";
  EXPECT_EQ(sent["MD5OfMessageSystemAttributes"], kTraceHeaderMd5);
  auto got = receive({{"AttributeNames", {"All"}}});
  ASSERT_EQ(got["Messages"].size(), 1u);
  EXPECT_EQ(got["Messages"][0]["Attributes"]["AWSTraceHeader"], kTraceHeader);

  auto wrong = json_raw("SendMessage", {{"QueueUrl", kQueueUrl},
                                        {"MessageBody", "x"},
                                        {"MessageSystemAttributes", {{"SenderId", {{"DataType", "String"}, {"StringValue", "me"}}}}}});
  EXPECT_EQ(wrong.status, 400u) << "AWSTraceHeader is the only system attribute a sender sets";
}

TEST_F(SqsJsonTest, MissingQueueHasTheJsonErrorShapeAndTheQueryCode) {
  auto r = json_raw("SendMessage", {{"QueueUrl", "http://localhost:4566/000000000000/nope"}, {"MessageBody", "x"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(r.headers.get("x-amzn-query-error"), "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_FALSE(r.headers.get("x-amzn-RequestId").empty());
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})"));
}

TEST_F(SqsJsonTest, AQueueUrlOfAnotherScopeNamesNoQueueHere) {
  create();
  for (const char* url : {"http://localhost:4566/queue/eu-west-1/000000000000/orders", "http://localhost:4566/queue/us-east-1/111111111111/orders",
                          "http://localhost:4566/111111111111/orders", "arn:aws:sqs:eu-west-1:000000000000:orders"}) {
    auto r = json_raw("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}});
    EXPECT_EQ(r.status, 400u) << url;
    EXPECT_EQ(r.headers.get("x-amzn-query-error"), "AWS.SimpleQueueService.NonExistentQueue;Sender") << url;
  }
  EXPECT_EQ(json_raw("SendMessage", {{"QueueUrl", "http://localhost:4566/000000000000/orders"}, {"MessageBody", "x"}}).status, 200u)
      << "the older URL of this account still works";
}

TEST_F(SqsJsonTest, MissingParameterAndUnknownAction) {
  create();
  auto missing = json_raw("SendMessage", {{"QueueUrl", kQueueUrl}});
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(json::parse(missing.body)["__type"], "com.amazonaws.sqs#MissingRequiredParameterException");
  EXPECT_EQ(json::parse(missing.body)["message"], "The request must contain the parameter MessageBody.");
  EXPECT_EQ(missing.headers.get("x-amzn-query-error"), "MissingParameter;Sender");
  auto no_queue = json_raw("ReceiveMessage", json::object());
  EXPECT_EQ(no_queue.headers.get("x-amzn-query-error"), "MissingParameter;Sender");

  auto unknown = json_raw("Frobnicate", json::object());
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.headers.get("x-amzn-query-error"), "InvalidAction;Sender");
  EXPECT_EQ(json::parse(unknown.body)["message"], "The action Frobnicate is not valid for this endpoint.");
}

TEST_F(SqsJsonTest, BadInputIsA400NeverACrash) {
  create();
  auto not_json = http::Request{json_request("SendMessage", json::object())};
  not_json.body = "{\"QueueUrl\": ";
  auto r = call(not_json, WireProtocol::Json);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(json::parse(r.body)["__type"], "com.amazon.coral.service#SerializationException");

  auto check = [&](const std::string& op, const json& body, const std::string& type) {
    auto resp = json_raw(op, body);
    EXPECT_EQ(resp.status, 400u) << op << " " << body.dump() << ": " << resp.body;
    auto j = json::parse(resp.body, nullptr, false);
    EXPECT_EQ(j.value("__type", ""), type) << body.dump();
  };
  const std::string invalid = "com.amazonaws.sqs#InvalidParameterValueException";
  check("ReceiveMessage", {{"QueueUrl", kQueueUrl}, {"MaxNumberOfMessages", "ten"}}, invalid);
  check("ReceiveMessage", {{"QueueUrl", kQueueUrl}, {"MaxNumberOfMessages", 11}}, invalid);
  check("ReceiveMessage", {{"QueueUrl", kQueueUrl}, {"WaitTimeSeconds", 21}}, invalid);
  check("ReceiveMessage", {{"QueueUrl", kQueueUrl}, {"VisibilityTimeout", -1}}, invalid);
  check("ReceiveMessage", {{"QueueUrl", kQueueUrl}, {"MaxNumberOfMessages", 1e30}}, invalid);
  check("ReceiveMessage", {{"QueueUrl", kQueueUrl}, {"AttributeNames", "All"}}, invalid);
  check("SendMessage", {{"QueueUrl", 42}, {"MessageBody", "x"}}, invalid);
  check("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "x"}, {"DelaySeconds", 901}}, invalid);
  check("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "x"}, {"MessageAttributes", {{"a", "b"}}}}, invalid);
  check("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "x"}, {"MessageAttributes", {{"a", {{"StringValue", "v"}}}}}}, invalid);
  check("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "x"},
                        {"MessageAttributes", {{"a", {{"DataType", "Binary"}, {"BinaryValue", "!!"}}}}}}, invalid);
  check("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", "x"},
                        {"MessageAttributes", {{"AWS.reserved", {{"DataType", "String"}, {"StringValue", "v"}}}}}}, invalid);
  check("SendMessage", {{"QueueUrl", kQueueUrl}, {"MessageBody", std::string(1048577, 'x')}}, invalid);
  check("SendMessageBatch", {{"QueueUrl", kQueueUrl}, {"Entries", {"not an entry"}}}, invalid);
  check("SendMessageBatch", {{"QueueUrl", kQueueUrl}, {"Entries", {{{"Id", "a"}, {"MessageBody", std::string(600000, 'x')}},
                                                                    {{"Id", "b"}, {"MessageBody", std::string(500000, 'x')}}}}},
        "com.amazonaws.sqs#BatchRequestTooLong");
  check("ListQueues", {{"NextToken", "%%%"}}, invalid);
  check("CreateQueue", {{"QueueName", "q2"}, {"Attributes", {{"RedrivePolicy", "{not json"}}}}, "com.amazonaws.sqs#InvalidAttributeValue");
}

TEST(SqsErrorTableTest, EveryCodeHasItsOwnWireShape) {
  using model::Code;
  std::set<std::string_view> types;
  for (Code c : {Code::QueueDoesNotExist, Code::QueueNameExists, Code::ReceiptHandleIsInvalid, Code::InvalidParameterValue,
                 Code::InvalidAttributeName, Code::InvalidAttributeValue, Code::InvalidMessageContents, Code::PurgeQueueInProgress,
                 Code::MessageNotInflight, Code::EmptyBatchRequest, Code::TooManyEntriesInBatchRequest, Code::BatchEntryIdsNotDistinct,
                 Code::InvalidBatchEntryId, Code::BatchRequestTooLong, Code::UnsupportedOperation, Code::MissingParameter,
                 Code::InvalidAction, Code::MalformedInput, Code::RequestThrottled, Code::OverLimit})
    EXPECT_TRUE(types.insert(wire_error(c).json_type).second) << "no row of its own: " << wire_error(c).json_type;
  EXPECT_EQ(wire_error(Code::MessageTooLong).query_code, "InvalidParameterValue") << "SQS's code for an oversize message";
}

}  // namespace
}  // namespace localray::sqs::protocol
