// Publish and PublishBatch: deliveries, message structure, filter policies, trace propagation and errors.
#include "tests/services/sns/protocol/sns_protocol_fixture.hpp"

namespace localray::sns::protocol {
namespace {

TEST_F(DispatchTest, PublishDeliversTheMessageAndItsAttributesAndPassesTheTraceOn) {
  auto topic = create_topic("orders");
  subscribe(topic, "lambda", kFunction);
  trace = tracing::TraceHeader{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", tracing::Sampled::Yes, {}};
  const std::string binary{"\x01\x02\xff\x00z", 5};

  auto r = call("Publish", {{"TopicArn", topic},
                            {"Message", "/prod/hello & <bye>"},
                            {"Subject", "greeting"},
                            {"MessageAttributes.entry.1.Name", "status"},
                            {"MessageAttributes.entry.1.Value.DataType", "String"},
                            {"MessageAttributes.entry.1.Value.StringValue", "ok"},
                            {"MessageAttributes.entry.2.Name", "count"},
                            {"MessageAttributes.entry.2.Value.DataType", "Number"},
                            {"MessageAttributes.entry.2.Value.StringValue", "5"},
                            {"MessageAttributes.entry.3.Name", "blob"},
                            {"MessageAttributes.entry.3.Value.DataType", "Binary"},
                            {"MessageAttributes.entry.3.Value.BinaryValue", http::base64_encode(binary)}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"), std::string::npos);
  auto message_id = text(r.body, "MessageId");

  ASSERT_EQ(deliveries.size(), 1u);
  const auto& d = deliveries[0];
  EXPECT_EQ(d.notification.message, "/prod/hello & <bye>");
  EXPECT_EQ(d.notification.subject, "greeting");
  EXPECT_EQ(d.notification.message_id, message_id);
  EXPECT_EQ(d.notification.topic_arn, topic);
  ASSERT_EQ(d.notification.attributes.size(), 3u);
  EXPECT_EQ(d.notification.attributes.at("status").data_type, "String");
  EXPECT_EQ(d.notification.attributes.at("status").value, "ok");
  EXPECT_EQ(d.notification.attributes.at("count").data_type, "Number");
  EXPECT_EQ(d.notification.attributes.at("count").value, "5");
  EXPECT_EQ(d.notification.attributes.at("blob").data_type, "Binary");
  EXPECT_EQ(d.notification.attributes.at("blob").value, binary) << "binary values arrive as the decoded bytes";

  auto segs = sink.segments();
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].trace_id, trace->root);
  EXPECT_EQ(segs[0].parent_id, trace->parent) << "the topic hangs off the caller";
  ASSERT_EQ(segs[0].subsegments.size(), 1u);
  EXPECT_EQ(d.ctx.root, trace->root);
  EXPECT_EQ(d.ctx.parent, segs[0].subsegments.front().id) << "the subscriber hangs off its delivery subsegment";
  EXPECT_EQ(d.ctx.sampled, tracing::Sampled::Yes);
}

TEST_F(DispatchTest, PublishAcceptsTargetArnAndStartsATraceWithoutCallerContext) {
  auto topic = create_topic("orders");
  subscribe(topic, "sqs", kQueue);
  ASSERT_EQ(call("Publish", {{"TargetArn", topic}, {"Message", "m"}}).status, 200u);
  ASSERT_EQ(deliveries.size(), 1u);
  auto segs = sink.segments();
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_TRUE(tracing::is_valid_trace_id(segs[0].trace_id));
  EXPECT_EQ(deliveries[0].ctx.root, segs[0].trace_id);
}

TEST_F(DispatchTest, MessageStructureJsonGivesEachProtocolItsOwnMessageOrTheDefault) {
  auto topic = create_topic("orders");
  subscribe(topic, "lambda", kFunction);
  subscribe(topic, "sqs", kQueue);
  auto publish = [&](const std::string& message) {
    return call("Publish", {{"TopicArn", topic}, {"Message", message}, {"MessageStructure", "json"}});
  };
  ASSERT_EQ(publish(R"({"default":"for everyone","lambda":"for functions","email":7})").status, 200u);
  ASSERT_EQ(publish(R"({"default":"for everyone","sqs":"for queues"})").status, 200u);
  ASSERT_EQ(deliveries.size(), 4u);
  std::map<std::string, std::vector<std::string>> got;
  for (const auto& d : deliveries) got[d.subscription.protocol].push_back(d.notification.message);
  EXPECT_EQ(got["lambda"], (std::vector<std::string>{"for functions", "for everyone"}));
  EXPECT_EQ(got["sqs"], (std::vector<std::string>{"for everyone", "for queues"}));

  EXPECT_EQ(expect_error(publish(R"({"lambda":"x"})"), 400, "InvalidParameter"),
            "Invalid parameter: Message Structure - No default entry in JSON message body");
  EXPECT_EQ(expect_error(publish("plain text"), 400, "InvalidParameter"),
            "Invalid parameter: Message Structure - JSON message body failed to parse");
  EXPECT_EQ(deliveries.size(), 4u);
}

TEST_F(DispatchTest, FilterPolicyKeepsNonMatchingMessagesFromTheSubscriber) {
  auto topic = create_topic("orders");
  subscribe(topic, "sqs", kQueue, {{"Attributes.entry.1.key", "FilterPolicy"}, {"Attributes.entry.1.value", R"({"status":["ok"]})"}});
  subscribe(topic, "lambda", kFunction);
  auto publish = [&](const std::string& status) {
    return call("Publish", {{"TopicArn", topic},
                            {"Message", status},
                            {"MessageAttributes.entry.1.Name", "status"},
                            {"MessageAttributes.entry.1.Value.DataType", "String"},
                            {"MessageAttributes.entry.1.Value.StringValue", status}});
  };
  ASSERT_EQ(publish("failed").status, 200u);
  ASSERT_EQ(publish("ok").status, 200u);
  std::vector<std::string> sqs, lambda;
  for (const auto& d : deliveries) (d.subscription.protocol == "sqs" ? sqs : lambda).push_back(d.notification.message);
  EXPECT_EQ(sqs, std::vector<std::string>{"ok"});
  EXPECT_EQ(lambda, (std::vector<std::string>{"failed", "ok"}));
}

TEST_F(DispatchTest, PublishErrorsHaveTheAwsShapeAndDeliverNothing) {
  auto topic = create_topic("orders");
  subscribe(topic, "lambda", kFunction);
  EXPECT_EQ(expect_error(call("Publish", {{"TopicArn", topic + "x"}, {"Message", "m"}}), 404, "NotFound"), "Topic does not exist");
  EXPECT_EQ(expect_error(call("Publish", {{"TopicArn", topic}, {"Message", std::string(256 * 1024 + 1, 'x')}}), 400, "InvalidParameter"),
            "Invalid parameter: Message too long");
  EXPECT_EQ(expect_error(call("Publish", {{"Message", "m"}}), 400, "InvalidParameter"),
            "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
  EXPECT_EQ(expect_error(call("Publish", {{"TopicArn", topic}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(expect_error(call("Publish", {{"TopicArn", topic}, {"Message", ""}}), 400, "InvalidParameter"), "Invalid parameter: Empty message");
  EXPECT_EQ(expect_error(call("Publish", {{"TopicArn", topic},
                                          {"Message", "m"},
                                          {"MessageAttributes.entry.1.Name", "blob"},
                                          {"MessageAttributes.entry.1.Value.DataType", "Binary"},
                                          {"MessageAttributes.entry.1.Value.StringValue", "abc"}}),
                         400, "ParameterValueInvalid"),
            "The message attribute 'blob' with type 'Binary' must use field 'Binary'.");
  EXPECT_EQ(expect_error(call("Publish", {{"TopicArn", topic},
                                          {"Message", "m"},
                                          {"MessageAttributes.entry.1.Name", "blob"},
                                          {"MessageAttributes.entry.1.Value.DataType", "Binary"},
                                          {"MessageAttributes.entry.1.Value.BinaryValue", "not*base64"}}),
                         400, "ParameterValueInvalid"),
            "The message attribute 'blob' has a BinaryValue that is not valid base64.");
  EXPECT_EQ(expect_error(call("Publish", {{"TopicArn", topic},
                                          {"Message", "m"},
                                          {"MessageAttributes.entry.1.Name", "n"},
                                          {"MessageAttributes.entry.1.Value.StringValue", "1"}}),
                         400, "ValidationError"),
            "1 validation error detected: Value null at 'messageAttributes.n.member.dataType' failed to satisfy constraint: Member must "
            "not be null");
  EXPECT_TRUE(deliveries.empty());
  EXPECT_TRUE(sink.segments().empty());
}

TEST_F(DispatchTest, PublishBatchPublishesValidEntriesAndReportsTheFailingOne) {
  auto topic = create_topic("orders");
  subscribe(topic, "sqs", kQueue);
  trace = tracing::TraceHeader{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", tracing::Sampled::Yes, {}};
  auto r = call("PublishBatch", {{"TopicArn", topic},
                                 {"PublishBatchRequestEntries.member.1.Id", "first"},
                                 {"PublishBatchRequestEntries.member.1.Message", "one"},
                                 {"PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name", "k"},
                                 {"PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType", "String"},
                                 {"PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue", "v"},
                                 {"PublishBatchRequestEntries.member.2.Id", "empty"},
                                 {"PublishBatchRequestEntries.member.2.Message", ""},
                                 {"PublishBatchRequestEntries.member.3.Id", "third"},
                                 {"PublishBatchRequestEntries.member.3.Message", "three"},
                                 {"PublishBatchRequestEntries.member.3.Subject", "s"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto successful = contents(r.body, "Successful");
  auto failed = contents(r.body, "Failed");
  ASSERT_EQ(successful.size(), 1u);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(texts(successful[0], "Id"), (std::vector<std::string>{"first", "third"}));
  auto message_ids = texts(successful[0], "MessageId");
  ASSERT_EQ(message_ids.size(), 2u);
  EXPECT_EQ(failed[0], "<member><Id>empty</Id><Code>InvalidParameter</Code><Message>Invalid parameter: Empty message</Message>"
                       "<SenderFault>true</SenderFault></member>");

  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].notification.message, "one");
  EXPECT_EQ(deliveries[0].notification.message_id, message_ids[0]);
  EXPECT_EQ(deliveries[0].notification.attributes.at("k").value, "v");
  EXPECT_EQ(deliveries[1].notification.message, "three");
  EXPECT_EQ(deliveries[1].notification.subject, "s");
  for (const auto& d : deliveries) EXPECT_EQ(d.ctx.root, trace->root);
  EXPECT_EQ(sink.segments().size(), 2u) << "each published entry records the topic's segment";
}

TEST_F(DispatchTest, PublishBatchRefusesBadBatchesAsAWhole) {
  auto topic = create_topic("orders");
  subscribe(topic, "sqs", kQueue);
  Params duplicate{{"TopicArn", topic},
                   {"PublishBatchRequestEntries.member.1.Id", "a"},
                   {"PublishBatchRequestEntries.member.1.Message", "1"},
                   {"PublishBatchRequestEntries.member.2.Id", "a"},
                   {"PublishBatchRequestEntries.member.2.Message", "2"}};
  EXPECT_EQ(expect_error(call("PublishBatch", duplicate), 400, "BatchEntryIdsNotDistinct"),
            "Two or more batch entries in the request have the same Id.");
  Params eleven{{"TopicArn", topic}};
  for (int i = 1; i <= 11; ++i) {
    eleven.emplace_back("PublishBatchRequestEntries.member." + std::to_string(i) + ".Id", "e" + std::to_string(i));
    eleven.emplace_back("PublishBatchRequestEntries.member." + std::to_string(i) + ".Message", "m");
  }
  EXPECT_EQ(expect_error(call("PublishBatch", eleven), 400, "TooManyEntriesInBatchRequest"),
            "The batch request contains more entries than permissible.");
  EXPECT_EQ(expect_error(call("PublishBatch", {{"TopicArn", topic}}), 400, "EmptyBatchRequest"), "The batch request doesn't contain any entries.");
  EXPECT_EQ(expect_error(call("PublishBatch", {{"TopicArn", topic}, {"PublishBatchRequestEntries.member.1.Id", "bad id!"}, {"PublishBatchRequestEntries.member.1.Message", "m"}}),
                         400, "InvalidBatchEntryId"),
            "The Id of a batch entry in a batch request doesn't abide by the specification.");
  EXPECT_EQ(expect_error(call("PublishBatch", {{"TopicArn", topic + "x"}, {"PublishBatchRequestEntries.member.1.Id", "a"}, {"PublishBatchRequestEntries.member.1.Message", "m"}}),
                         404, "NotFound"),
            "Topic does not exist");
  EXPECT_TRUE(deliveries.empty());
}

}  // namespace
}  // namespace localray::sns::protocol
