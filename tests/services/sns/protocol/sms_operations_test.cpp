// The SMS sandbox's calls, ListOriginationNumbers, and topics' data protection policies over the
// SNS query protocol.
#include <algorithm>

#include "tests/services/sns/protocol/sns_protocol_fixture.hpp"

namespace localray::sns::protocol {
namespace {

constexpr const char* kNumber = "+15550100";

TEST_F(DispatchTest, ASandboxNumberIsVerifiedWithThePasswordTextedToIt) {
  auto status = call("GetSMSSandboxAccountStatus");
  ASSERT_EQ(status.status, 200u) << status.body;
  EXPECT_EQ(text(status.body, "IsInSandbox"), "false");

  ASSERT_EQ(call("CreateSMSSandboxPhoneNumber", {{"PhoneNumber", kNumber}, {"LanguageCode", "en-US"}}).status, 200u);
  auto texted = backend.sent().newest_first("", kNumber, 10);
  ASSERT_EQ(texted.size(), 1u);
  EXPECT_EQ(texted[0].protocol, "sms");
  const std::string password = texted[0].body.substr(texted[0].body.size() - 6);
  EXPECT_TRUE(std::all_of(password.begin(), password.end(), ::isdigit)) << texted[0].body;

  auto listed = call("ListSMSSandboxPhoneNumbers");
  EXPECT_EQ(texts(listed.body, "PhoneNumber"), std::vector<std::string>{kNumber});
  EXPECT_EQ(texts(listed.body, "Status"), std::vector<std::string>{"Pending"});
  EXPECT_EQ(expect_error(call("VerifySMSSandboxPhoneNumber", {{"PhoneNumber", kNumber}, {"OneTimePassword", password == "123456" ? "654321" : "123456"}}),
                         400, "VerificationException"),
            "Invalid one-time password");
  ASSERT_EQ(call("VerifySMSSandboxPhoneNumber", {{"PhoneNumber", kNumber}, {"OneTimePassword", password}}).status, 200u);
  EXPECT_EQ(texts(call("ListSMSSandboxPhoneNumbers").body, "Status"), std::vector<std::string>{"Verified"});
  ASSERT_EQ(call("CreateSMSSandboxPhoneNumber", {{"PhoneNumber", kNumber}}).status, 200u);
  EXPECT_EQ(backend.sent().newest_first("", kNumber, 10).size(), 1u) << "a verified number is not texted again";

  EXPECT_EQ(expect_error(call("VerifySMSSandboxPhoneNumber", {{"PhoneNumber", "+15550199"}, {"OneTimePassword", "123456"}}), 404, "ResourceNotFound"),
            "Phone number +15550199 is not in the SMS sandbox");
  EXPECT_EQ(expect_error(call("CreateSMSSandboxPhoneNumber", {{"PhoneNumber", "555-0100"}}), 400, "InvalidParameter"),
            "Invalid parameter: PhoneNumber Reason: input incorrectly formatted");
  ASSERT_EQ(call("DeleteSMSSandboxPhoneNumber", {{"PhoneNumber", kNumber}}).status, 200u);
  EXPECT_EQ(expect_error(call("DeleteSMSSandboxPhoneNumber", {{"PhoneNumber", kNumber}}), 404, "ResourceNotFound"),
            "Phone number +15550100 is not in the SMS sandbox");

  // An opted-out number cannot be added; the sandbox holds ten numbers.
  backend.sms().opt_out("+15550142");
  EXPECT_EQ(expect_error(call("CreateSMSSandboxPhoneNumber", {{"PhoneNumber", "+15550142"}}), 400, "OptedOut"),
            "Phone number +15550142 has opted out of receiving SMS messages");
  for (int i = 0; i < 10; ++i) ASSERT_EQ(call("CreateSMSSandboxPhoneNumber", {{"PhoneNumber", "+1555020" + std::to_string(i)}}).status, 200u);
  EXPECT_EQ(expect_error(call("CreateSMSSandboxPhoneNumber", {{"PhoneNumber", "+15550300"}}), 400, "UserError"),
            "The SMS sandbox holds at most 10 destination phone numbers");
  auto page = call("ListSMSSandboxPhoneNumbers", {{"MaxResults", "4"}});
  EXPECT_EQ(texts(page.body, "PhoneNumber").size(), 4u);
  auto rest = call("ListSMSSandboxPhoneNumbers", {{"MaxResults", "100"}, {"NextToken", text(page.body, "NextToken")}});
  EXPECT_EQ(texts(rest.body, "PhoneNumber").size(), 6u);
  EXPECT_EQ(text(rest.body, "NextToken"), "<absent>");
}

TEST_F(DispatchTest, NoOriginationNumbersAndTheirPageBounds) {
  auto r = call("ListOriginationNumbers", {{"MaxResults", "30"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("<PhoneNumbers></PhoneNumbers>"), std::string::npos) << r.body;
  EXPECT_EQ(expect_error(call("ListOriginationNumbers", {{"MaxResults", "31"}}), 400, "ValidationError"),
            "1 validation error detected: Value '31' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 30");
}

TEST_F(DispatchTest, ADataProtectionPolicyIsKeptApartFromTheTopicsAttributes) {
  auto topic = create_topic("guarded");
  EXPECT_EQ(text(call("GetDataProtectionPolicy", {{"ResourceArn", topic}}).body, "DataProtectionPolicy"), "");
  const std::string policy = R"({"Name":"p","Version":"2021-06-01","Statement":[]})";
  ASSERT_EQ(call("PutDataProtectionPolicy", {{"ResourceArn", topic}, {"DataProtectionPolicy", policy}}).status, 200u);
  EXPECT_EQ(text(call("GetDataProtectionPolicy", {{"ResourceArn", topic}}).body, "DataProtectionPolicy"), policy);
  EXPECT_EQ(attributes(call("GetTopicAttributes", {{"TopicArn", topic}}).body).count("DataProtectionPolicy"), 0u);
  EXPECT_EQ(expect_error(call("PutDataProtectionPolicy", {{"ResourceArn", topic}, {"DataProtectionPolicy", "[1]"}}), 400, "InvalidParameter"),
            "Invalid parameter: DataProtectionPolicy Reason: must be a JSON object");
  EXPECT_EQ(expect_error(call("GetDataProtectionPolicy", {{"ResourceArn", topic + "x"}}), 404, "NotFound"), "Topic does not exist");
}

}  // namespace
}  // namespace localray::sns::protocol
