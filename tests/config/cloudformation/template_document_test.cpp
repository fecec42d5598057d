// Templates read from YAML and JSON: short-form tags become the long form, scalars keep the types
// CloudFormation gives them, and errors carry the file, line and column.
#include <gtest/gtest.h>

#include "config/cloudformation/template_document.hpp"

namespace localray::config::cloudformation {
namespace {

using nlohmann::json;

TEST(TemplateDocument, ShortFormTagsBecomeTheLongForm) {
  auto t = parse_template(R"(
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '${AWS::StackName}-q'
      Tags:
        - Key: !Ref Env
          Value: !GetAtt Topic.TopicName
        - Key: joined
          Value: !Join [ "-", [ !Ref A, !Select [ 0, !GetAZs '' ] ] ]
      DelaySeconds: 5
      Flag: true
      Quoted: "10"
      Empty:
      Cond: !If [ IsProd, !Ref AWS::NoValue, x ]
      Outputs: !GetAtt Stack.Outputs.Url
      Zip: !Base64 |
        line one
)",
                          "t.yaml");
  ASSERT_TRUE(t) << t.error().message;
  const json& p = (*t)["Resources"]["Q"]["Properties"];
  EXPECT_EQ((*t)["AWSTemplateFormatVersion"], "2010-09-09");
  EXPECT_EQ(p["QueueName"], (json{{"Fn::Sub", "${AWS::StackName}-q"}}));
  EXPECT_EQ(p["Tags"][0]["Key"], (json{{"Ref", "Env"}}));
  EXPECT_EQ(p["Tags"][0]["Value"], (json{{"Fn::GetAtt", {"Topic", "TopicName"}}}));
  EXPECT_EQ(p["Tags"][1]["Value"],
            (json{{"Fn::Join", {"-", {{{"Ref", "A"}}, {{"Fn::Select", {0, {{"Fn::GetAZs", ""}}}}}}}}}));
  EXPECT_EQ(p["DelaySeconds"], 5);
  EXPECT_EQ(p["Flag"], true);
  EXPECT_EQ(p["Quoted"], "10");
  EXPECT_TRUE(p["Empty"].is_null());
  EXPECT_EQ(p["Cond"], (json{{"Fn::If", {"IsProd", {{"Ref", "AWS::NoValue"}}, "x"}}}));
  // The attribute keeps its own dots.
  EXPECT_EQ(p["Outputs"], (json{{"Fn::GetAtt", {"Stack", "Outputs.Url"}}}));
  EXPECT_EQ(p["Zip"], (json{{"Fn::Base64", "line one\n"}}));
}

TEST(TemplateDocument, JsonIsReadAsJson) {
  auto t = parse_template(R"({"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "N"}}}}})", "t.json");
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["Resources"]["T"]["Properties"]["TopicName"], (json{{"Ref", "N"}}));
}

TEST(TemplateDocument, ErrorsNameFileLineAndColumn) {
  auto bad_yaml = parse_template("Resources:\n  Q: { Type: [unclosed\n", "app.yaml");
  ASSERT_FALSE(bad_yaml);
  EXPECT_EQ(bad_yaml.error().message.rfind("app.yaml:", 0), 0u) << bad_yaml.error().message;
  EXPECT_NE(bad_yaml.error().message.find("not valid YAML"), std::string::npos);

  auto bad_getatt = parse_template("Resources:\n  Q:\n    Type: X\n    Properties:\n      A: !GetAtt NoDot\n", "app.yaml");
  ASSERT_FALSE(bad_getatt);
  EXPECT_EQ(bad_getatt.error().message, "app.yaml:5:10: !GetAtt 'NoDot' must be LogicalId.Attribute");

  auto bad_json = parse_template("{\"Resources\": ", "app.json");
  ASSERT_FALSE(bad_json);
  EXPECT_EQ(bad_json.error().message.rfind("app.json: not valid JSON", 0), 0u);

  auto not_a_map = parse_template("- a\n- b\n", "list.yaml");
  ASSERT_FALSE(not_a_map);
}

}  // namespace
}  // namespace localray::config::cloudformation
