// Platform applications and endpoints over the SNS query protocol, with the answers and errors
// AWS recorded for them; publishes to an endpoint and to an `application` subscription.
#include <tuple>

#include "tests/services/sns/protocol/sns_protocol_fixture.hpp"

namespace localray::sns::protocol {
namespace {

class PlatformTest : public DispatchTest {
 protected:
  std::string create_app(const std::string& name, const std::string& platform = "ADM") {
    auto r = call("CreatePlatformApplication", {{"Name", name},
                                                {"Platform", platform},
                                                {"Attributes.entry.1.key", "PlatformPrincipal"},
                                                {"Attributes.entry.1.value", "client-id"},
                                                {"Attributes.entry.2.key", "PlatformCredential"},
                                                {"Attributes.entry.2.value", "client-secret"}});
    EXPECT_EQ(r.status, 200u) << r.body;
    return text(r.body, "PlatformApplicationArn");
  }
  http::Response create_endpoint(const std::string& app, const std::string& token, const Params& extra = {}) {
    Params p{{"PlatformApplicationArn", app}, {"Token", token}};
    p.insert(p.end(), extra.begin(), extra.end());
    return call("CreatePlatformEndpoint", p);
  }
  std::vector<model::SentMessage> sent_to(const std::string& endpoint) { return backend.sent().newest_first("", endpoint, 100); }
};

TEST_F(PlatformTest, ApplicationsAreCreatedListedChangedAndDeleted) {
  auto app = create_app("phones");
  EXPECT_EQ(app, "arn:aws:sns:us-east-1:000000000000:app/ADM/phones");
  // The credentials are never answered.
  auto got = call("GetPlatformApplicationAttributes", {{"PlatformApplicationArn", app}});
  ASSERT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(attributes(got.body), (std::map<std::string, std::string>{{"Enabled", "true"}}));
  EXPECT_EQ(call("SetPlatformApplicationAttributes",
                 {{"PlatformApplicationArn", app}, {"Attributes.entry.1.key", "SuccessFeedbackSampleRate"}, {"Attributes.entry.1.value", "50"}})
                .status,
            200u);
  EXPECT_EQ(attributes(call("GetPlatformApplicationAttributes", {{"PlatformApplicationArn", app}}).body),
            (std::map<std::string, std::string>{{"Enabled", "true"}, {"SuccessFeedbackSampleRate", "50"}}));
  auto fcm = call("CreatePlatformApplication",
                  {{"Name", "fcm"}, {"Platform", "GCM"}, {"Attributes.entry.1.key", "PlatformCredential"}, {"Attributes.entry.1.value", "server-key"}});
  ASSERT_EQ(fcm.status, 200u) << fcm.body << " (FCM needs no principal)";

  auto listed = call("ListPlatformApplications");
  ASSERT_EQ(listed.status, 200u);
  EXPECT_EQ(texts(listed.body, "PlatformApplicationArn"),
            (std::vector<std::string>{app, "arn:aws:sns:us-east-1:000000000000:app/GCM/fcm"}));
  EXPECT_EQ(text(listed.body, "NextToken"), "<absent>");

  EXPECT_EQ(call("DeletePlatformApplication", {{"PlatformApplicationArn", app}}).status, 200u);
  EXPECT_EQ(call("DeletePlatformApplication", {{"PlatformApplicationArn", app}}).status, 200u) << "deleting is idempotent";
  EXPECT_EQ(expect_error(call("GetPlatformApplicationAttributes", {{"PlatformApplicationArn", app}}), 404, "NotFound"),
            "PlatformApplication does not exist");
}

TEST_F(PlatformTest, ApplicationErrorsAreAwsOwn) {
  auto create = [&](const std::string& name, const std::string& platform, const Params& attrs) {
    Params p{{"Name", name}, {"Platform", platform}};
    p.insert(p.end(), attrs.begin(), attrs.end());
    return call("CreatePlatformApplication", p);
  };
  const Params both{{"Attributes.entry.1.key", "PlatformPrincipal"},
                    {"Attributes.entry.1.value", "p"},
                    {"Attributes.entry.2.key", "PlatformCredential"},
                    {"Attributes.entry.2.value", "c"}};
  EXPECT_EQ(expect_error(create("a", "ADM", {}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(expect_error(create("a", "ADM", {{"Attributes.entry.1.key", "PlatformPrincipal"}, {"Attributes.entry.1.value", "p"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential");
  EXPECT_EQ(expect_error(create("a", "ADM", {{"Attributes.entry.1.key", "PlatformCredential"}, {"Attributes.entry.1.value", "c"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal");
  EXPECT_EQ(expect_error(create("a", "AAA", both), 400, "InvalidParameter"), "Invalid parameter: Platform Reason: AAA is not supported");
  EXPECT_EQ(expect_error(create("@name", "ADM", both), 400, "InvalidParameter"),
            "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'");
  EXPECT_EQ(expect_error(create("", "ADM", both), 400, "InvalidParameter"), "Invalid parameter:  Reason: cannot be empty");
  const std::string long_name(257, 'a');
  EXPECT_EQ(expect_error(create(long_name, "ADM", both), 400, "InvalidParameter"),
            "Invalid parameter: " + long_name + " Reason: must be at most 256 characters long");
  EXPECT_EQ(expect_error(call("GetPlatformApplicationAttributes", {{"PlatformApplicationArn", "invalid-arn"}}), 400, "InvalidParameter"),
            "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1");
  const std::string missing = "arn:aws:sns:us-east-1:000000000000:app/ADM/NonExistingApp";
  EXPECT_EQ(expect_error(call("SetPlatformApplicationAttributes", {{"PlatformApplicationArn", missing}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(expect_error(call("SetPlatformApplicationAttributes",
                              {{"PlatformApplicationArn", missing}, {"Attributes.entry.1.key", "PlatformPrincipal"}, {"Attributes.entry.1.value", "d"}}),
                         404, "NotFound"),
            "PlatformApplication does not exist");
  EXPECT_EQ(expect_error(create_endpoint(missing, "token_1"), 404, "NotFound"), "PlatformApplication does not exist");
}

TEST_F(PlatformTest, EndpointsAreIdempotentPerTokenAndAttributes) {
  auto app = create_app("phones");
  auto first = create_endpoint(app, "token_1");
  ASSERT_EQ(first.status, 200u) << first.body;
  auto arn = text(first.body, "EndpointArn");
  EXPECT_TRUE(arn.starts_with("arn:aws:sns:us-east-1:000000000000:endpoint/ADM/phones/")) << arn;
  EXPECT_EQ(arn.size(), std::string{"arn:aws:sns:us-east-1:000000000000:endpoint/ADM/phones/"}.size() + 36) << "a UUID names it";
  EXPECT_EQ(text(create_endpoint(app, "token_1").body, "EndpointArn"), arn) << "same token, same attributes: the same endpoint";
  EXPECT_EQ(expect_error(create_endpoint(app, "token_1", {{"Attributes.entry.1.key", "Enabled"}, {"Attributes.entry.1.value", "false"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: Token Reason: Endpoint " + arn + " already exists with the same Token, but different attributes.");
  EXPECT_EQ(attributes(call("GetEndpointAttributes", {{"EndpointArn", arn}}).body),
            (std::map<std::string, std::string>{{"Enabled", "true"}, {"Token", "token_1"}}));

  // CustomUserData given twice: the attribute's wins.
  auto both = create_endpoint(app, "token_2", {{"CustomUserData", "bar"}, {"Attributes.entry.1.key", "CustomUserData"}, {"Attributes.entry.1.value", "foo"}});
  ASSERT_EQ(both.status, 200u) << both.body;
  EXPECT_EQ(attributes(call("GetEndpointAttributes", {{"EndpointArn", text(both.body, "EndpointArn")}}).body),
            (std::map<std::string, std::string>{{"CustomUserData", "foo"}, {"Enabled", "true"}, {"Token", "token_2"}}));

  for (const auto& [name, value, message] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"PlatformPrincipal", "Principal", "Invalid attribute name: PlatformPrincipal"},
           {"InvalidKey", "Value", "Invalid attribute name: InvalidKey"},
           {"CustomUserData", std::string(2050, 'A'), "Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding"}}) {
    EXPECT_EQ(expect_error(create_endpoint(app, "token_3", {{"Attributes.entry.1.key", name}, {"Attributes.entry.1.value", value}}), 400,
                           "InvalidParameter"),
              "Invalid parameter: Attributes Reason: " + message);
    EXPECT_EQ(expect_error(call("SetEndpointAttributes", {{"EndpointArn", arn}, {"Attributes.entry.1.key", name}, {"Attributes.entry.1.value", value}}),
                           400, "InvalidParameter"),
              "Invalid parameter: Attributes Reason: " + message);
  }
  EXPECT_EQ(expect_error(call("SetEndpointAttributes", {{"EndpointArn", arn}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null");
  const std::string unknown = "arn:aws:sns:us-east-1:000000000000:endpoint/ADM/fakeapp/0f7d5971-aa8b-4bd5-b585-0826e9f93a66";
  EXPECT_EQ(expect_error(call("GetEndpointAttributes", {{"EndpointArn", unknown}}), 404, "NotFound"), "Endpoint does not exist");
  EXPECT_EQ(expect_error(call("SetEndpointAttributes", {{"EndpointArn", unknown}, {"Attributes.entry.1.key", "Enabled"}, {"Attributes.entry.1.value", "false"}}),
                         404, "NotFound"),
            "Endpoint does not exist");
  EXPECT_EQ(expect_error(call("GetEndpointAttributes", {{"EndpointArn", "arn:aws:sns:us-east-1:000000000000:endpoint/ADM/only"}}), 400, "InvalidParameter"),
            "Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.");

  auto listed = call("ListEndpointsByPlatformApplication", {{"PlatformApplicationArn", app}});
  ASSERT_EQ(listed.status, 200u) << listed.body;
  EXPECT_EQ(texts(listed.body, "EndpointArn").size(), 2u);
  EXPECT_EQ(call("DeleteEndpoint", {{"EndpointArn", arn}}).status, 200u);
  EXPECT_EQ(call("DeleteEndpoint", {{"EndpointArn", arn}}).status, 200u) << "deleting is idempotent";
  EXPECT_EQ(texts(call("ListEndpointsByPlatformApplication", {{"PlatformApplicationArn", app}}).body, "EndpointArn"),
            std::vector<std::string>{text(both.body, "EndpointArn")});
  // An application's endpoints go with it.
  EXPECT_EQ(call("DeletePlatformApplication", {{"PlatformApplicationArn", app}}).status, 200u);
  EXPECT_EQ(expect_error(call("ListEndpointsByPlatformApplication", {{"PlatformApplicationArn", app}}), 404, "NotFound"),
            "PlatformApplication does not exist");
  EXPECT_EQ(expect_error(call("GetEndpointAttributes", {{"EndpointArn", text(both.body, "EndpointArn")}}), 404, "NotFound"), "Endpoint does not exist");
}

TEST_F(PlatformTest, APublishToAnEndpointIsRecordedWithItsPlatformsMessage) {
  auto app = create_app("phones", "GCM");
  auto arn = text(create_endpoint(app, "device-1").body, "EndpointArn");
  auto r = call("Publish", {{"TargetArn", arn},
                            {"MessageStructure", "json"},
                            {"Message", R"({"default":"plain","GCM":"{\"notification\":{\"title\":\"hi\"}}","APNS":"{}"})"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto sent = sent_to(arn);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].protocol, "application");
  EXPECT_EQ(sent[0].body, R"({"notification":{"title":"hi"}})");
  EXPECT_EQ(sent[0].message_id, text(r.body, "MessageId"));
  EXPECT_TRUE(sent[0].topic_arn.empty());
  EXPECT_EQ(call("Publish", {{"TargetArn", arn}, {"Message", "plain text"}}).status, 200u);
  EXPECT_EQ(sent_to(arn).front().body, "plain text");

  EXPECT_EQ(call("SetEndpointAttributes", {{"EndpointArn", arn}, {"Attributes.entry.1.key", "Enabled"}, {"Attributes.entry.1.value", "false"}}).status, 200u);
  EXPECT_EQ(expect_error(call("Publish", {{"TargetArn", arn}, {"Message", "x"}}), 400, "EndpointDisabled"), "Endpoint is disabled");
  EXPECT_EQ(sent_to(arn).size(), 2u);
  EXPECT_EQ(expect_error(call("Publish", {{"TargetArn", "arn:aws:sns:us-east-1:000000000000:endpoint/APNS/abcdef/0f7d5971-aa8b-4bd5-b585-0826e9f93a66"},
                                          {"Message", "x"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified");
}

TEST_F(PlatformTest, AnApplicationSubscriptionGetsItsPlatformsMessage) {
  auto topic = create_topic("pushes");
  auto app = create_app("phones", "APNS");
  auto arn = text(create_endpoint(app, "device-1").body, "EndpointArn");
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", topic}, {"Protocol", "application"}, {"Endpoint", arn + "0"}}), 400, "InvalidParameter"),
            "Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn" + arn + "0");
  subscribe(topic, "application", arn);
  ASSERT_EQ(call("Publish", {{"TopicArn", topic}, {"MessageStructure", "json"}, {"Message", R"({"default":"plain","APNS":"{\"aps\":{}}"})"}}).status,
            200u);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].subscription.protocol, "application");
  EXPECT_EQ(deliveries[0].notification.message, R"({"aps":{}})") << "chosen by the endpoint's platform, not by \"application\"";
}

}  // namespace
}  // namespace localray::sns::protocol
