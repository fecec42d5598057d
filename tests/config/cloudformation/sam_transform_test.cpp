// The SAM transform: what AWS::Serverless::Function, Api and SimpleTable become, Globals merged.
#include <gtest/gtest.h>

#include "config/cloudformation/sam_transform.hpp"
#include "config/cloudformation/template_document.hpp"

namespace localray::config::cloudformation {
namespace {

using nlohmann::json;

json expand(const std::string& yaml) {
  auto body = parse_template(yaml, "template.yaml");
  EXPECT_TRUE(body) << body.error().message;
  auto r = expand_serverless(*body, "template.yaml", "/app");
  if (!r) return json{{"error", r.error().message}};
  return *body;
}

constexpr const char* kSam = R"(
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
    Environment: { Variables: { SHARED: "1", OVERRIDDEN: global } }
Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
    Properties: { PrimaryKey: { Name: orderId, Type: Number } }
  Topic: { Type: AWS::SNS::Topic }
  Queue: { Type: AWS::SQS::Queue }
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Tracing: Active
      Environment: { Variables: { OVERRIDDEN: own } }
      Events:
        Get: { Type: Api, Properties: { Path: "/items/{id}", Method: get } }
        Any: { Type: Api, Properties: { Path: /, Method: any } }
        Note: { Type: SNS, Properties: { Topic: !Ref Topic, FilterPolicy: { kind: [a] } } }
        Work: { Type: SQS, Properties: { Queue: !GetAtt Queue.Arn, BatchSize: 5 } }
)";

TEST(SamTransform, FunctionEventsAndImplicitApi) {
  json t = expand(kSam);
  ASSERT_FALSE(t.contains("error")) << t["error"];
  EXPECT_FALSE(t.contains("Transform"));
  EXPECT_FALSE(t.contains("Globals"));
  const json& r = t["Resources"];
  const json& fn = r["Handler"];
  EXPECT_EQ(fn["Type"], "AWS::Lambda::Function");
  EXPECT_EQ(fn["Properties"]["Code"], "src/");
  EXPECT_EQ(fn["Properties"]["Runtime"], "nodejs20.x");
  EXPECT_EQ(fn["Properties"]["Timeout"], 10);
  EXPECT_EQ(fn["Properties"]["TracingConfig"]["Mode"], "Active");
  EXPECT_EQ(fn["Properties"]["Environment"]["Variables"], (json{{"SHARED", "1"}, {"OVERRIDDEN", "own"}}));
  EXPECT_EQ(fn["Properties"]["Role"], (json{{"Fn::GetAtt", {"HandlerRole", "Arn"}}}));
  EXPECT_EQ(r["HandlerRole"]["Type"], "AWS::IAM::Role");

  EXPECT_EQ(r["HandlerNote"]["Type"], "AWS::SNS::Subscription");
  EXPECT_EQ(r["HandlerNote"]["Properties"]["FilterPolicy"], (json{{"kind", {"a"}}}));
  EXPECT_EQ(r["HandlerWork"]["Type"], "AWS::Lambda::EventSourceMapping");
  EXPECT_EQ(r["HandlerWork"]["Properties"]["BatchSize"], 5);
  EXPECT_EQ(r["HandlerGetPermissionProd"]["Type"], "AWS::Lambda::Permission");

  const json& api = r["ServerlessRestApi"];
  EXPECT_EQ(api["Type"], "AWS::ApiGateway::RestApi");
  const json& paths = api["Properties"]["Body"]["paths"];
  EXPECT_TRUE(paths["/items/{id}"].contains("get"));
  EXPECT_EQ(paths["/"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]["type"], "aws_proxy");
  EXPECT_EQ(r["ServerlessRestApiProdStage"]["Properties"]["StageName"], "Prod");
  int deployments = 0;
  for (const auto& [id, res] : r.items())
    if (id.rfind("ServerlessRestApiDeployment", 0) == 0) {
      ++deployments;
      EXPECT_EQ(id.size(), std::string{"ServerlessRestApiDeployment"}.size() + 10);
      EXPECT_EQ(res["Properties"]["StageName"], "Stage");
    }
  EXPECT_EQ(deployments, 1);

  EXPECT_EQ(r["Table"]["Type"], "AWS::DynamoDB::Table");
  EXPECT_EQ(r["Table"]["Properties"]["AttributeDefinitions"][0], (json{{"AttributeName", "orderId"}, {"AttributeType", "N"}}));
  EXPECT_EQ(r["Table"]["Properties"]["BillingMode"], "PAY_PER_REQUEST");
}

TEST(SamTransform, ExplicitApiGetsItsStageAndEvents) {
  json t = expand(R"(
Transform: [AWS::Serverless-2016-10-31]
Resources:
  Api: { Type: AWS::Serverless::Api, Properties: { StageName: v1, Variables: { x: "1" } } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.h
      InlineCode: "def h(e, c): return 1"
      Events: { Get: { Type: Api, Properties: { Path: /a, Method: GET, RestApiId: !Ref Api } } }
)");
  ASSERT_FALSE(t.contains("error")) << t["error"];
  const json& r = t["Resources"];
  EXPECT_FALSE(r.contains("ServerlessRestApi"));
  EXPECT_TRUE(r["Api"]["Properties"]["Body"]["paths"]["/a"].contains("get"));
  EXPECT_EQ(r["Apiv1Stage"]["Properties"]["Variables"], (json{{"x", "1"}}));
  EXPECT_EQ(r["Fn"]["Properties"]["Code"], (json{{"ZipFile", "def h(e, c): return 1"}}));
}

TEST(SamTransform, CorsAddsAMockOptionsMethodToEveryPath) {
  json t = expand(R"(
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Cors: { AllowOrigin: "'https://app.example'", AllowHeaders: "'Content-Type'", MaxAge: "'600'" }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.h
      Events:
        Get: { Type: Api, Properties: { Path: /items, Method: get } }
        Post: { Type: Api, Properties: { Path: /items, Method: post } }
)");
  ASSERT_FALSE(t.contains("error")) << t["error"];
  const json& options = t["Resources"]["ServerlessRestApi"]["Properties"]["Body"]["paths"]["/items"]["options"];
  const json& integration = options["x-amazon-apigateway-integration"];
  EXPECT_EQ(integration["type"], "mock");
  const json& headers = integration["responses"]["default"]["responseParameters"];
  EXPECT_EQ(headers["method.response.header.Access-Control-Allow-Origin"], "'https://app.example'");
  EXPECT_EQ(headers["method.response.header.Access-Control-Allow-Methods"], "'GET,POST,OPTIONS'");
  EXPECT_EQ(headers["method.response.header.Access-Control-Allow-Headers"], "'Content-Type'");
  EXPECT_EQ(headers["method.response.header.Access-Control-Max-Age"], "'600'");
}

TEST(SamTransform, ErrorsAndOtherTemplates) {
  EXPECT_EQ(expand("Resources:\n  Q: { Type: AWS::SQS::Queue }\n")["Resources"]["Q"]["Type"], "AWS::SQS::Queue");
  EXPECT_EQ(expand("Transform: AWS::LanguageExtensions\nResources: {}\n")["error"],
            "template.yaml: Transform: \"AWS::LanguageExtensions\" is not supported (only AWS::Serverless-2016-10-31 is)");
  EXPECT_EQ(expand("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
                   "    Properties: { Events: { E: { Type: Api, Properties: { Path: /x } } } }\n")["error"],
            "template.yaml: Resources.F.Properties.Events.E.Properties: an Api event needs Path and Method");
  EXPECT_EQ(expand("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
                   "    Properties: { Events: { E: { Type: Api, Properties: { Path: /x, Method: get, RestApiId: !Ref Nope } } } }\n")["error"],
            "template.yaml: Resources.F.Properties.Events.E.Properties.RestApiId: 'Nope' is not an AWS::Serverless::Api of this template");
}

}  // namespace
}  // namespace localray::config::cloudformation
