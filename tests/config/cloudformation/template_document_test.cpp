// Templates read from YAML and JSON: short-form tags become the long form, scalars keep the types
// CloudFormation gives them, and errors carry the file, line and column.
#include <gtest/gtest.h>

#include "config/cloudformation/template_document.hpp"
#include "config/cloudformation/stack_compiler.hpp"

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

namespace localray::config::cloudformation {
namespace {

// Found by the template_loader fuzz target: YAML let invalid UTF-8 into JSON strings, which then
// threw when written out.
TEST(TemplateDocument, TextThatIsNotUtf8IsRefusedUpFront) {
  for (std::string bad : {std::string{"Resources:\n  T: { Type: \"\xf8\" }\n"}, std::string{"a: \xc0\xaf\n"}, std::string{"a: \xed\xa0\x80\n"}}) {
    auto t = parse_template(bad, "app.yaml");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().message.rfind("app.yaml: not UTF-8 text (byte ", 0), 0u) << t.error().message;
  }
  EXPECT_TRUE(parse_template("Resources: { T: { Type: \"AWS::SNS::Topic\", Metadata: { n: \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\" } } }", "app.yaml"));
}

}  // namespace
}  // namespace localray::config::cloudformation

namespace localray::config::cloudformation {
namespace {

// Found by the template_loader fuzz target: values of the wrong type deep in a SAM template threw
// out of the loader; deep nesting would have exhausted the stack of every recursive step.
TEST(TemplateDocument, WrongTypesAndDeepNestingAreTheTemplatesErrors) {
  EXPECT_EQ(parse_template("{\"a\": " + std::string(100, '[') + std::string(100, ']') + "}", "app.json").error().message,
            "app.json: nested more than 64 levels deep");
  EXPECT_FALSE(parse_template(R"({"a": 5555555e5556})", "app.json")) << "a number JSON cannot hold";
  EXPECT_EQ(parse_template("a: " + std::string(100, '[') + std::string(100, ']'), "app.yaml").error().message, "app.yaml: nested more than 64 levels deep");
  for (const char* text : {"Transform: AWS::Serverless-2016-10-31\nResources: { F: null }\n",
                           "Transform: AWS::Serverless-2016-10-31\nResources: { F: { Type: 7 } }\n",
                           "Transform: AWS::Serverless-2016-10-31\nResources: { F: { Type: AWS::Serverless::Function, Properties: [1] } }\n",
                           "Transform: AWS::Serverless-2016-10-31\nGlobals: { Function: 3 }\nResources: { F: { Type: AWS::Serverless::Function } }\n",
                           "Resources: [1, 2]\n"}) {
    auto body = parse_template(text, "app.yaml");
    ASSERT_TRUE(body) << text;
    StackInput in{"app.yaml", *body, "app", {}, "/nonexistent", {}};
    Topology t;
    Exports exports;
    auto r = compile_stack(in, Environment{}, exports, t);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().message.rfind("app.yaml: ", 0), 0u) << r.error().message;
  }
}

}  // namespace
}  // namespace localray::config::cloudformation
