#include "services/sns/protocol/dispatch.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/form.hpp"
#include "http/base64.hpp"
#include "tests/support/await.hpp"
#include "tests/support/recording_sink.hpp"

namespace localray::sns::protocol {
namespace {

// ---- a tiny XML reader, enough for the flat answers SNS gives -----------------------------

std::string unescape(std::string_view s) {
  static const std::pair<std::string_view, char> entities[] = {{"&lt;", '<'},   {"&gt;", '>'},   {"&quot;", '"'},
                                                              {"&apos;", '\''}, {"&#xD;", '\r'}, {"&amp;", '&'}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool replaced = false;
    for (const auto& [entity, c] : entities)
      if (s.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size();
        replaced = true;
        break;
      }
    if (!replaced) out += s[i++];
  }
  return out;
}

// The raw content of every <tag>…</tag> (tags of one name never nest in SNS answers).
std::vector<std::string> contents(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (auto pos = xml.find(open); pos != std::string::npos; pos = xml.find(open, pos)) {
    auto end = xml.find(close, pos);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(pos + open.size(), end - pos - open.size()));
    pos = end + close.size();
  }
  return out;
}

// The unescaped text of the first <tag>, or "<absent>".
std::string text(const std::string& xml, const std::string& tag) {
  auto all = contents(xml, tag);
  return all.empty() ? "<absent>" : unescape(all.front());
}

std::vector<std::string> texts(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  for (const auto& c : contents(xml, tag)) out.push_back(unescape(c));
  return out;
}

std::map<std::string, std::string> attributes(const std::string& xml) {
  std::map<std::string, std::string> out;
  for (const auto& entry : contents(xml, "entry")) out[text(entry, "key")] = text(entry, "value");
  return out;
}

// ---- fakes ----------------------------------------------------------------------------------

struct Delivery {
  model::Notification notification;
  model::Subscription subscription;
  tracing::TraceHeader ctx;
};

class RecordingSubscriber final : public model::Subscriber {
 public:
  RecordingSubscriber(std::string protocol, std::vector<Delivery>& log) : protocol_{std::move(protocol)}, log_{log} {}
  std::string deliver(const model::Notification& n, const model::Subscription& s, const tracing::TraceHeader& ctx) override {
    log_.push_back({n, s, ctx});
    return {};
  }
  std::string service() const override { return protocol_ == "lambda" ? "Lambda" : "SQS"; }
  std::string operation() const override { return protocol_ == "lambda" ? "Invoke" : "SendMessage"; }
  void describe_target(nlohmann::json& aws) const override { aws["protocol"] = protocol_; }

 private:
  std::string protocol_;
  std::vector<Delivery>& log_;
};

class FakeSubscriberFactory final : public model::SubscriberFactory {
 public:
  explicit FakeSubscriberFactory(std::vector<Delivery>& log) : log_{log} {}
  model::Result<std::shared_ptr<model::Subscriber>> make(const std::string& protocol, const std::string& endpoint) override {
    made.emplace_back(protocol, endpoint);
    if (endpoint.ends_with(":missing")) return model::Error{model::Code::InvalidParameter, "Invalid parameter: Endpoint: no function missing"};
    return std::shared_ptr<model::Subscriber>{std::make_shared<RecordingSubscriber>(protocol, log_)};
  }
  std::vector<std::pair<std::string, std::string>> made;

 private:
  std::vector<Delivery>& log_;
};

using Params = std::vector<std::pair<std::string, std::string>>;

class DispatchTest : public ::testing::Test {
 protected:
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{7}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  boost::asio::io_context io;
  model::Backend backend{io.get_executor(), tracing::Tracer{clock, ids, sampler, sink}, "us-east-1", "000000000000"};
  std::vector<Delivery> deliveries;
  FakeSubscriberFactory factory{deliveries};
  std::optional<tracing::TraceHeader> trace;
  int requests = 0;

  template <class T>
  T await(boost::asio::awaitable<T> work) {
    return testing::await(io, std::move(work));
  }

  http::CallContext context(std::string request_id) const {
    http::CallContext c;
    c.request_id = std::move(request_id);
    c.trace = trace;
    return c;
  }

  static constexpr const char* kFunction = "arn:aws:lambda:us-east-1:000000000000:function:worker";
  static constexpr const char* kQueue = "arn:aws:sqs:us-east-1:000000000000:jobs";

  http::Response call(const std::string& action, const Params& params = {}) {
    http::Request r;
    r.method = "POST";
    r.target = r.path = "/";
    r.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    r.body = "Action=" + http::form_encode(action) + "&Version=2010-03-31";
    for (const auto& [k, v] : params) r.body += "&" + http::form_encode(k) + "=" + http::form_encode(v);
    return await(handle(r, backend, factory, context("req-" + std::to_string(++requests))));
  }

  std::string create_topic(const std::string& name) {
    auto r = call("CreateTopic", {{"Name", name}});
    EXPECT_EQ(r.status, 200u) << r.body;
    return text(r.body, "TopicArn");
  }

  std::string subscribe(const std::string& topic, const std::string& protocol, const std::string& endpoint, const Params& extra = {}) {
    Params p{{"TopicArn", topic}, {"Protocol", protocol}, {"Endpoint", endpoint}};
    p.insert(p.end(), extra.begin(), extra.end());
    auto r = call("Subscribe", p);
    EXPECT_EQ(r.status, 200u) << r.body;
    return text(r.body, "SubscriptionArn");
  }

  // Asserts the AWS error shape and returns the message.
  static std::string expect_error(const http::Response& r, unsigned status, const std::string& code, const std::string& type = "Sender") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.headers.get("Content-Type"), "text/xml");
    EXPECT_EQ(r.body.rfind("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>", 0), 0u) << r.body;
    EXPECT_EQ(text(r.body, "Type"), type);
    EXPECT_EQ(text(r.body, "Code"), code);
    EXPECT_NE(text(r.body, "RequestId"), "<absent>");
    return text(r.body, "Message");
  }
};

// ---- topics ---------------------------------------------------------------------------------

TEST_F(DispatchTest, CreateTopicAnswersTheArnInTheQueryShapeAndIsIdempotent) {
  auto r = call("CreateTopic", {{"Name", "orders"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.get("Content-Type"), "text/xml");
  EXPECT_EQ(r.headers.get("x-amzn-RequestId"), "req-1");
  EXPECT_EQ(r.body,
            "<CreateTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><CreateTopicResult>"
            "<TopicArn>arn:aws:sns:us-east-1:000000000000:orders</TopicArn></CreateTopicResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateTopicResponse>");
  EXPECT_EQ(create_topic("orders"), "arn:aws:sns:us-east-1:000000000000:orders");
  EXPECT_EQ(backend.topic_arns().size(), 1u);
}

TEST_F(DispatchTest, CreateTopicStoresAttributesAndTagsAndRefusesADifferentSecondDefinition) {
  auto r = call("CreateTopic", {{"Name", "orders"},
                                {"Attributes.entry.1.key", "DisplayName"},
                                {"Attributes.entry.1.value", "Orders & <Co>"},
                                {"Attributes.entry.2.key", "TracingConfig"},
                                {"Attributes.entry.2.value", "Active"},
                                {"Tags.member.1.Key", "team"},
                                {"Tags.member.1.Value", "core"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto arn = text(r.body, "TopicArn");
  auto attrs = attributes(call("GetTopicAttributes", {{"TopicArn", arn}}).body);
  EXPECT_EQ(attrs["DisplayName"], "Orders & <Co>") << "escaped on the wire, read back unchanged";
  EXPECT_EQ(attrs["TracingConfig"], "Active");
  EXPECT_EQ(await(backend.get_topic_attributes(arn))->tags, (model::Tags{{"team", "core"}}));

  // Same definition: idempotent. Another display name: refused.
  EXPECT_EQ(call("CreateTopic", {{"Name", "orders"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "core"}}).status, 200u);
  auto other = call("CreateTopic", {{"Name", "orders"}, {"Attributes.entry.1.key", "DisplayName"}, {"Attributes.entry.1.value", "X"}});
  EXPECT_EQ(expect_error(other, 400, "InvalidParameter"),
            "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
  auto tags = call("CreateTopic", {{"Name", "orders"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "edge"}});
  EXPECT_EQ(expect_error(tags, 400, "InvalidParameter"), "Invalid parameter: Tags Reason: Topic already exists with different tags");
}

TEST_F(DispatchTest, CreateTopicWithoutOrWithABadNameIsRefused) {
  EXPECT_EQ(expect_error(call("CreateTopic"), 400, "ValidationError"),
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(expect_error(call("CreateTopic", {{"Name", "has space"}}), 400, "InvalidParameter").rfind("Invalid parameter: Topic Name", 0), 0u);
  EXPECT_TRUE(backend.topic_arns().empty());
}

TEST_F(DispatchTest, ListTopicsPagesByAHundredWithANextToken) {
  for (int i = 0; i < 105; ++i) (void)await(backend.create_topic("t" + std::to_string(1000 + i)));
  auto first = call("ListTopics");
  ASSERT_EQ(first.status, 200u);
  auto page1 = texts(first.body, "TopicArn");
  ASSERT_EQ(page1.size(), 100u);
  EXPECT_EQ(page1.front(), "arn:aws:sns:us-east-1:000000000000:t1000");
  EXPECT_EQ(contents(first.body, "member").size(), 100u) << "Topics/member/TopicArn";
  auto token = text(first.body, "NextToken");
  ASSERT_NE(token, "<absent>");

  auto second = call("ListTopics", {{"NextToken", token}});
  auto page2 = texts(second.body, "TopicArn");
  ASSERT_EQ(page2.size(), 5u);
  EXPECT_EQ(page2.back(), "arn:aws:sns:us-east-1:000000000000:t1104");
  EXPECT_EQ(text(second.body, "NextToken"), "<absent>");

  EXPECT_EQ(expect_error(call("ListTopics", {{"NextToken", "not a token"}}), 400, "InvalidParameter"), "Invalid parameter: NextToken");
}

TEST_F(DispatchTest, ListTopicsWithNoTopicsAnswersAnEmptyList) {
  auto r = call("ListTopics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<ListTopicsResult><Topics></Topics></ListTopicsResult>"), std::string::npos) << r.body;
}

TEST_F(DispatchTest, GetTopicAttributesAnswersEveryStandardAttribute) {
  auto arn = create_topic("orders");
  subscribe(arn, "lambda", kFunction);
  auto r = call("GetTopicAttributes", {{"TopicArn", arn}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<GetTopicAttributesResult><Attributes><entry><key>"), std::string::npos) << r.body;
  auto attrs = attributes(r.body);
  EXPECT_EQ(attrs["TopicArn"], arn);
  EXPECT_EQ(attrs["Owner"], "000000000000");
  EXPECT_EQ(attrs["DisplayName"], "");
  EXPECT_EQ(attrs["SubscriptionsConfirmed"], "1");
  EXPECT_EQ(attrs["SubscriptionsPending"], "0");
  EXPECT_EQ(attrs["SubscriptionsDeleted"], "0");
  EXPECT_EQ(attrs["TracingConfig"], "PassThrough");
  auto policy = nlohmann::json::parse(attrs["Policy"]);
  EXPECT_EQ(policy["Statement"][0]["Resource"], arn);
  EXPECT_EQ(policy["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceOwner"], "000000000000");
  auto delivery = nlohmann::json::parse(attrs["EffectiveDeliveryPolicy"]);
  EXPECT_EQ(delivery["http"]["defaultHealthyRetryPolicy"]["numRetries"], 3);
}

TEST_F(DispatchTest, SetTopicAttributesChangesDisplayNameAndTracingConfig) {
  auto arn = create_topic("orders");
  EXPECT_EQ(call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "DisplayName"}, {"AttributeValue", "Orders"}}).status, 200u);
  auto set = call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "TracingConfig"}, {"AttributeValue", "Active"}});
  ASSERT_EQ(set.status, 200u);
  EXPECT_EQ(set.body,
            "<SetTopicAttributesResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ResponseMetadata>"
            "<RequestId>req-3</RequestId></ResponseMetadata></SetTopicAttributesResponse>")
      << "no-output operations answer ResponseMetadata only";
  auto attrs = attributes(call("GetTopicAttributes", {{"TopicArn", arn}}).body);
  EXPECT_EQ(attrs["DisplayName"], "Orders");
  EXPECT_EQ(attrs["TracingConfig"], "Active");

  EXPECT_EQ(expect_error(call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "TracingConfig"}, {"AttributeValue", "Sometimes"}}),
                         400, "InvalidParameter")
                .rfind("Invalid parameter: TracingConfig", 0),
            0u);
  EXPECT_EQ(expect_error(call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "Colour"}, {"AttributeValue", "red"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: AttributeName");
  EXPECT_EQ(expect_error(call("SetTopicAttributes", {{"TopicArn", arn}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'attributeName' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(attributes(call("GetTopicAttributes", {{"TopicArn", arn}}).body)["TracingConfig"], "Active") << "refused changes change nothing";
}

TEST_F(DispatchTest, DeleteTopicRemovesItAndIsIdempotent) {
  auto arn = create_topic("orders");
  subscribe(arn, "sqs", kQueue);
  auto r = call("DeleteTopic", {{"TopicArn", arn}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<DeleteTopicResponse xmlns="), std::string::npos);
  EXPECT_EQ(r.body.find("<DeleteTopicResult>"), std::string::npos);
  EXPECT_TRUE(backend.topic_arns().empty());
  EXPECT_TRUE(texts(call("ListSubscriptions").body, "SubscriptionArn").empty()) << "its subscriptions go with it";
  EXPECT_EQ(call("DeleteTopic", {{"TopicArn", arn}}).status, 200u);
  EXPECT_EQ(expect_error(call("DeleteTopic"), 400, "InvalidParameter"), "Invalid parameter: TopicArn Reason: no value for required parameter");
}

TEST_F(DispatchTest, MissingTopicIsNotFound404InTheFullErrorShape) {
  auto r = call("GetTopicAttributes", {{"TopicArn", "arn:aws:sns:us-east-1:000000000000:nope"}});
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type><Code>NotFound</Code>"
            "<Message>Topic does not exist</Message></Error><RequestId>req-1</RequestId></ErrorResponse>");
  EXPECT_EQ(expect_error(call("GetTopicAttributes", {{"TopicArn", "orders"}}), 400, "InvalidParameter"),
            "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1");
}

// ---- subscriptions --------------------------------------------------------------------------

TEST_F(DispatchTest, SubscribeMakesTheSubscriberAndListsShowTheSubscription) {
  auto orders = create_topic("orders");
  auto audit = create_topic("audit");
  auto lambda = subscribe(orders, "lambda", kFunction);
  auto sqs = subscribe(orders, "sqs", kQueue);
  auto other = subscribe(audit, "sqs", kQueue);
  EXPECT_EQ(lambda.rfind(orders + ":", 0), 0u) << lambda;
  EXPECT_NE(lambda, sqs);
  ASSERT_EQ(factory.made.size(), 3u);
  EXPECT_EQ(factory.made[0], (std::pair<std::string, std::string>{"lambda", kFunction}));
  EXPECT_EQ(factory.made[1], (std::pair<std::string, std::string>{"sqs", kQueue}));

  auto by_topic = call("ListSubscriptionsByTopic", {{"TopicArn", orders}});
  ASSERT_EQ(by_topic.status, 200u);
  auto members = contents(by_topic.body, "member");
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0], "<SubscriptionArn>" + lambda + "</SubscriptionArn><Owner>000000000000</Owner><Protocol>lambda</Protocol><Endpoint>" +
                            kFunction + "</Endpoint><TopicArn>" + orders + "</TopicArn>");
  EXPECT_EQ(text(members[1], "Protocol"), "sqs");
  EXPECT_EQ(text(members[1], "Endpoint"), kQueue);

  auto all = texts(call("ListSubscriptions").body, "SubscriptionArn");
  EXPECT_EQ(all, (std::vector<std::string>{other, lambda, sqs})) << "by topic ARN, then in subscription order";
  EXPECT_EQ(expect_error(call("ListSubscriptionsByTopic", {{"TopicArn", orders + "x"}}), 404, "NotFound"), "Topic does not exist");
}

TEST_F(DispatchTest, SubscribeRefusesOtherProtocolsMissingTopicsAndUnknownEndpoints) {
  auto arn = create_topic("orders");
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn}, {"Protocol", "https"}, {"Endpoint", "https://example.com"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: Protocol");
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn + "x"}, {"Protocol", "lambda"}, {"Endpoint", kFunction}}), 404, "NotFound"),
            "Topic does not exist");
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn}, {"Endpoint", kFunction}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'protocol' failed to satisfy constraint: Member must not be null");
  EXPECT_TRUE(factory.made.empty()) << "nothing is made for a refused subscription";
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn}, {"Protocol", "lambda"}, {"Endpoint", "arn:aws:lambda:us-east-1:000000000000:function:missing"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: Endpoint: no function missing");
  EXPECT_TRUE(await(backend.list_subscriptions_by_topic(arn)).value().empty());
}

TEST_F(DispatchTest, SubscribeAttributesAreStoredAndAnswered) {
  auto topic = create_topic("orders");
  auto sub = subscribe(topic, "sqs", kQueue,
                       {{"Attributes.entry.1.key", "RawMessageDelivery"},
                        {"Attributes.entry.1.value", "true"},
                        {"Attributes.entry.2.key", "FilterPolicy"},
                        {"Attributes.entry.2.value", R"({"status":["ok"]})"},
                        {"ReturnSubscriptionArn", "true"}});
  auto r = call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}});
  ASSERT_EQ(r.status, 200u);
  auto attrs = attributes(r.body);
  EXPECT_EQ(attrs["RawMessageDelivery"], "true");
  EXPECT_EQ(attrs["FilterPolicy"], R"({"status":["ok"]})");
  EXPECT_EQ(attrs["FilterPolicyScope"], "MessageAttributes");
  EXPECT_EQ(attrs["PendingConfirmation"], "false");
  EXPECT_EQ(attrs["ConfirmationWasAuthenticated"], "true");
  EXPECT_EQ(attrs["SubscriptionArn"], sub);
  EXPECT_EQ(attrs["TopicArn"], topic);
  EXPECT_EQ(attrs["Endpoint"], kQueue);
  EXPECT_EQ(attrs["Protocol"], "sqs");
  EXPECT_EQ(attrs["Owner"], "000000000000");

  auto bad = call("Subscribe", {{"TopicArn", topic},
                                {"Protocol", "sqs"},
                                {"Endpoint", kQueue + std::string{"2"}},
                                {"Attributes.entry.1.key", "FilterPolicy"},
                                {"Attributes.entry.1.value", "{not json"}});
  EXPECT_EQ(expect_error(bad, 400, "InvalidParameter"), "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON.");
  auto raw_lambda = call("Subscribe", {{"TopicArn", topic},
                                       {"Protocol", "lambda"},
                                       {"Endpoint", kFunction},
                                       {"Attributes.entry.1.key", "RawMessageDelivery"},
                                       {"Attributes.entry.1.value", "true"}});
  EXPECT_EQ(expect_error(raw_lambda, 400, "InvalidParameter"),
            "Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery.");
  EXPECT_EQ(await(backend.list_subscriptions_by_topic(topic)).value().size(), 1u);
}

TEST_F(DispatchTest, SetSubscriptionAttributesChangesRawDeliveryAndFilterPolicy) {
  auto topic = create_topic("orders");
  auto sub = subscribe(topic, "sqs", kQueue);
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body)["RawMessageDelivery"], "false");
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body).count("FilterPolicy"), 0u);

  auto set = call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "True"}});
  ASSERT_EQ(set.status, 200u) << set.body;
  EXPECT_NE(set.body.find("<SetSubscriptionAttributesResponse xmlns="), std::string::npos);
  ASSERT_EQ(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "FilterPolicy"}, {"AttributeValue", R"({"n":[{"numeric":[">",3]}]})"}}).status,
            200u);
  auto attrs = attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body);
  EXPECT_EQ(attrs["RawMessageDelivery"], "true");
  EXPECT_EQ(attrs["FilterPolicy"], R"({"n":[{"numeric":[">",3]}]})");
  EXPECT_TRUE(await(backend.get_subscription(sub))->raw_message_delivery);

  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "yes"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false.");
  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "FilterPolicy"}, {"AttributeValue", R"({"n":[{"between":1}]})"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: FilterPolicy: Unrecognized match type between");
  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "Colour"}, {"AttributeValue", "x"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: AttributeName");
  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub + "0"}, {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "true"}}),
                         404, "NotFound"),
            "Subscription does not exist");

  // An empty FilterPolicy removes it.
  ASSERT_EQ(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "FilterPolicy"}, {"AttributeValue", ""}}).status, 200u);
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body).count("FilterPolicy"), 0u);
}

TEST_F(DispatchTest, UnsubscribeRemovesTheSubscriptionAndIsIdempotent) {
  auto topic = create_topic("orders");
  auto sub = subscribe(topic, "lambda", kFunction);
  auto r = call("Unsubscribe", {{"SubscriptionArn", sub}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<UnsubscribeResponse xmlns="), std::string::npos);
  EXPECT_TRUE(contents(call("ListSubscriptionsByTopic", {{"TopicArn", topic}}).body, "member").empty());
  EXPECT_EQ(expect_error(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}), 404, "NotFound"), "Subscription does not exist");
  EXPECT_EQ(attributes(call("GetTopicAttributes", {{"TopicArn", topic}}).body)["SubscriptionsDeleted"], "1");
  EXPECT_EQ(call("Unsubscribe", {{"SubscriptionArn", sub}}).status, 200u);
  EXPECT_EQ(expect_error(call("Unsubscribe", {{"SubscriptionArn", "nope"}}), 400, "InvalidParameter"),
            "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1");

  ASSERT_EQ(call("Publish", {{"TopicArn", topic}, {"Message", "m"}}).status, 200u);
  EXPECT_TRUE(deliveries.empty()) << "an unsubscribed endpoint gets nothing";
}

// ---- publishing -----------------------------------------------------------------------------

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

// ---- the request itself ---------------------------------------------------------------------

TEST_F(DispatchTest, UnknownOrMissingActionIsAnAwsShapedError) {
  EXPECT_EQ(expect_error(call("PublishEverything"), 400, "InvalidAction"), "Could not find operation PublishEverything for version 2010-03-31");
  http::Request r;
  r.method = "POST";
  r.headers.set("Content-Type", "application/x-www-form-urlencoded");
  r.body = "Version=2010-03-31";
  expect_error(await(handle(r, backend, factory, context("req-x"))), 400, "MissingAction");
  r.body = "Action=ListTopics&Bad=%zz";
  expect_error(await(handle(r, backend, factory, context("req-y"))), 400, "MalformedQueryString");
}

TEST_F(DispatchTest, GetRequestsCarryTheParametersInTheQueryString) {
  create_topic("orders");
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListTopics&Version=2010-03-31";
  r.target = "/?" + r.query;
  auto response = await(handle(r, backend, factory, context("req-get")));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(texts(response.body, "TopicArn"), std::vector<std::string>{"arn:aws:sns:us-east-1:000000000000:orders"});
  EXPECT_EQ(text(response.body, "RequestId"), "req-get");
}

TEST_F(DispatchTest, EveryOperationAnswersA4xxForAnEmptyRequestNeverA5xx) {
  for (const char* action : {"CreateTopic", "DeleteTopic", "GetTopicAttributes", "SetTopicAttributes", "Subscribe", "Unsubscribe",
                             "ListSubscriptionsByTopic", "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish", "PublishBatch"}) {
    auto r = call(action);
    EXPECT_GE(r.status, 400u) << action;
    EXPECT_LT(r.status, 500u) << action;
    EXPECT_NE(text(r.body, "Code"), "<absent>") << action;
  }
}

}  // namespace
}  // namespace localray::sns::protocol
