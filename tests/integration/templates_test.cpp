// Apps described for CloudFormation, run by the real binary: a SAM template (an Api-triggered
// function, an SQS-triggered one, a SimpleTable) driven end to end through its own API, and
// malformed templates that stop the start naming the resource and property at fault.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>
#include <thread>

#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

fs::path work_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("localray-templates-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

constexpr const char* kSamTemplate = R"(AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: orders, queued and stored
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
    Tracing: Active
    Environment:
      Variables:
        TABLE: !Ref Orders
  Api:
    Cors: "'*'"
Resources:
  Orders:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: { Name: orderId, Type: String }
  Inbox:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 20
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
      CompatibleRuntimes: [nodejs20.x]
  Intake:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: intake.handler
      Layers: [!Ref Shared]
      Environment:
        Variables:
          QUEUE_URL: !Ref Inbox
      Events:
        Post:
          Type: Api
          Properties:
            Path: /orders/{id}
            Method: post
  Store:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: store.handler
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Inbox.Arn
            BatchSize: 5
  Schedule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 minute)
Outputs:
  ApiUrl:
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/"
  TableName:
    Value: !Ref Orders
)";

constexpr const char* kIntake = R"(
const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
const { prefix } = require('order-ids');  // from the layer
const sqs = new SQSClient({});
exports.handler = async (event) => {
  const id = prefix + event.pathParameters.id;
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify({ id, body: event.body }) }));
  return { statusCode: 202, headers: { 'content-type': 'application/json' },
           body: JSON.stringify({ queued: id, resource: event.resource, stage: event.requestContext.stage }) };
};
)";

constexpr const char* kStore = R"(
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
exports.handler = async (event) => {
  for (const r of event.Records) {
    const m = JSON.parse(r.body);
    await db.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { orderId: { S: m.id }, body: { S: m.body } } }));
  }
};
)";

double now_seconds() { return static_cast<double>(std::time(nullptr)); }

// "Type Name -> Type Name" of every edge of the service graph.
std::set<std::string> graph_edges(const LocalrayProcess& lr) {
  auto g = lr.xray("/ServiceGraph", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}});
  std::map<int, std::string> names;
  for (const auto& s : g.at("Services")) names[s.at("ReferenceId").get<int>()] = s.at("Type").get<std::string>() + " " + s.at("Name").get<std::string>();
  std::set<std::string> edges;
  for (const auto& s : g.at("Services"))
    for (const auto& e : s.value("Edges", json::array())) edges.insert(names[s.at("ReferenceId").get<int>()] + " -> " + names[e.at("ReferenceId").get<int>()]);
  return edges;
}

TEST(SamTemplate, RunsEndToEndThroughItsOwnApi) {
  fs::path dir = work_dir("orders-app");
  write_file((dir / "template.yaml").string(), kSamTemplate);
  write_file((dir / "src" / "intake.js").string(), kIntake);
  write_file((dir / "src" / "store.js").string(), kStore);
  write_file((dir / "layer" / "nodejs" / "node_modules" / "order-ids" / "index.js").string(), "exports.prefix = 'o-';\n");
  LocalrayProcess lr{{"--db", ":memory:", "--template", (dir / "template.yaml").string(), "--seed", "3"}};

  // The implicit API's two stages, as SAM makes them.
  std::set<std::string> stages;
  for (const auto& api : lr.ready().at("apis")) stages.insert(api.at("stage").get<std::string>());
  EXPECT_EQ(stages, (std::set<std::string>{"Prod", "Stage"}));

  auto resources = json::parse(http_request(lr.port(), "GET", "/_localray/resources").body);
  ASSERT_EQ(resources.at("stacks").size(), 1u);
  const json& stack = resources["stacks"][0];
  EXPECT_EQ(stack.at("name"), "orders-app");
  std::string api_id, table, intake, store;
  std::map<std::string, std::string> status;
  for (const auto& r : stack.at("resources")) {
    status[r.at("logical_id")] = r.at("status");
    if (r.at("logical_id") == "ServerlessRestApi") api_id = r.at("physical_id");
    if (r.at("logical_id") == "Orders") table = r.at("physical_id");
    if (r.at("logical_id") == "Intake") intake = r.at("physical_id");
    if (r.at("logical_id") == "Store") store = r.at("physical_id");
  }
  EXPECT_EQ(status["Schedule"], "not emulated");
  EXPECT_EQ(status["IntakeRole"], "accepted");
  EXPECT_EQ(status["StoreQueue"], "emulated");
  EXPECT_EQ(status["Shared"], "emulated");
  EXPECT_EQ(table.rfind("orders-app-Orders-", 0), 0u) << table;
  json outputs;
  for (const auto& o : stack.at("outputs")) outputs[o.at("key").get<std::string>()] = o.at("value");
  EXPECT_EQ(outputs["ApiUrl"], "https://" + api_id + ".execute-api.us-east-1.amazonaws.com/Prod/");
  EXPECT_EQ(outputs["TableName"], table);

  for (int i = 0; i < 3; ++i) {
    auto r = http_request(lr.port(), "POST", "/restapis/" + api_id + "/Prod/_user_request_/orders/" + std::to_string(i), "note " + std::to_string(i),
                          {{"Content-Type", "text/plain"}});
    ASSERT_EQ(r.status, 202u) << r.body;
    auto body = json::parse(r.body);
    EXPECT_EQ(body.at("queued"), "o-" + std::to_string(i)) << "the prefix comes from the layer";
    EXPECT_EQ(body.at("resource"), "/orders/{id}");
    EXPECT_EQ(body.at("stage"), "Prod");
  }
  // Cors: SAM's OPTIONS method, a MOCK with the CORS headers.
  auto preflight = http_request(lr.port(), "OPTIONS", "/restapis/" + api_id + "/Prod/_user_request_/orders/o-1");
  EXPECT_EQ(preflight.status, 200u);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "*");
  EXPECT_EQ(preflight.headers["access-control-allow-methods"], "POST,OPTIONS");
  // A method the template does not declare.
  EXPECT_EQ(http_request(lr.port(), "GET", "/restapis/" + api_id + "/Prod/_user_request_/orders/o-1").status, 403u);

  // The queue's consumer stores each order.
  json items;
  ASSERT_TRUE(eventually([&] {
    auto r = http_request(lr.port(), "POST", "/", json{{"TableName", table}}.dump(),
                          {{"X-Amz-Target", "DynamoDB_20120810.Scan"}, {"Content-Type", "application/x-amz-json-1.0"}});
    items = json::parse(r.body).value("Items", json::array());
    return items.size() == 3;
  }, 20s)) << items.dump();
  std::set<std::string> bodies;
  for (const auto& item : items) bodies.insert(item.at("body").at("S").get<std::string>());
  EXPECT_EQ(bodies, (std::set<std::string>{"note 0", "note 1", "note 2"}));

  // Traced through every hop, as the stack would be on AWS.
  std::set<std::string> edges;
  ASSERT_TRUE(eventually([&] {
    edges = graph_edges(lr);
    return edges.count("AWS::Lambda::Function " + store + " -> AWS::DynamoDB::Table " + table) > 0;
  }, 20s));
  EXPECT_TRUE(edges.count("client orders-app/Prod -> AWS::ApiGateway::Stage orders-app/Prod"));
  EXPECT_TRUE(edges.count("AWS::ApiGateway::Stage orders-app/Prod -> AWS::Lambda " + intake));
  bool intake_to_queue = false, queue_to_store = false;
  for (const auto& e : edges) {
    intake_to_queue |= e.rfind("AWS::Lambda::Function " + intake + " -> AWS::SQS::Queue orders-app-Inbox-", 0) == 0;
    queue_to_store |= e.rfind("AWS::SQS::Queue orders-app-Inbox-", 0) == 0 && e.find("-> AWS::Lambda " + store) != std::string::npos;
  }
  EXPECT_TRUE(intake_to_queue);
  EXPECT_TRUE(queue_to_store);
}

// The seed's own front door written as plain CloudFormation: API Gateway publishes to SNS through
// an AWS integration whose request template is Velocity, a MOCK answers CORS preflights, and
// integration responses map SNS's errors.
constexpr const char* kApiToSns = R"yaml(Resources:
  Topic: { Type: AWS::SNS::Topic, Properties: { TopicName: front-door } }
  Reader:
    Type: AWS::Lambda::Function
    Properties: { Runtime: nodejs20.x, Handler: index.handler, Code: src, FunctionName: reader }
  ReaderSubscription:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Topic, Protocol: lambda, Endpoint: !GetAtt Reader.Arn }
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: front } }
  Proxy:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: "{proxy+}" }
  Missing:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: missing }
  Publish:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Proxy
      HttpMethod: ANY
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:sns:path//
        PassthroughBehavior: NEVER
        RequestParameters:
          integration.request.header.Content-Type: "'application/x-www-form-urlencoded'"
        RequestTemplates:
          application/json: !Join ["", ["Action=Publish&TargetArn=$util.urlEncode('", !Ref Topic, "')&Message=$util.urlEncode($context.path)",
                                        "&MessageAttributes.entry.1.Name=status&MessageAttributes.entry.1.Value.DataType=String",
                                        "&MessageAttributes.entry.1.Value.StringValue=$util.urlEncode($input.path('$.status'))"]]
        IntegrationResponses:
          - StatusCode: "200"
            ResponseTemplates: { application/json: '{"message": "message added to topic"}' }
  PublishNowhere:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Missing
      HttpMethod: POST
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:sns:action/Publish
        RequestParameters:
          integration.request.header.Content-Type: "'application/x-www-form-urlencoded'"
          integration.request.querystring.Message: method.request.querystring.m
          integration.request.querystring.TopicArn: "'arn:aws:sns:us-east-1:000000000000:nowhere'"
        IntegrationResponses:
          - StatusCode: "200"
          - StatusCode: "400"
            SelectionPattern: '4\d{2}'
            ResponseParameters: { method.response.header.X-Failed: "'publish'" }
            ResponseTemplates:
              application/json: |
                #set($context.responseOverride.header.X-Request = $context.requestId)
                {"state": "error", "stage": "$context.stage"}
  Elsewhere:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: elsewhere }
  ToElsewhere:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Elsewhere
      HttpMethod: GET
      Integration: { Type: HTTP_PROXY, IntegrationHttpMethod: GET, Uri: "https://example.com/" }
  Preflight:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Proxy
      HttpMethod: OPTIONS
      Integration:
        Type: MOCK
        RequestTemplates: { application/json: '{"statusCode": 204}' }
        IntegrationResponses:
          - StatusCode: "204"
            ResponseParameters: { method.response.header.Access-Control-Allow-Origin: "'*'" }
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [Publish, PublishNowhere, Preflight, ToElsewhere]
    Properties: { RestApiId: !Ref Api, StageName: prod }
)yaml";

constexpr const char* kStreamTemplate = R"(AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
  Failures:
    Type: AWS::SQS::Queue
  Audit:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: { Name: seq, Type: String }
  Auditor:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src/
      Handler: audit.handler
      Environment:
        Variables:
          AUDIT: !Ref Audit
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 10
            MaximumRetryAttempts: 2
            BisectBatchOnFunctionError: true
            DestinationConfig: { OnFailure: { Destination: !GetAtt Failures.Arn } }
Outputs:
  StreamArn:
    Value: !GetAtt Orders.StreamArn
)";

constexpr const char* kAudit = R"(
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
exports.handler = async (event) => {
  for (const r of event.Records) {
    await db.send(new PutItemCommand({ TableName: process.env.AUDIT, Item: {
      seq: { S: r.dynamodb.SequenceNumber }, what: { S: r.eventName + ' ' + r.dynamodb.Keys.id.S }, source: { S: r.eventSourceARN } } }));
  }
};
)";

TEST(SamTemplate, ATableStreamFeedsItsFunction) {
  fs::path dir = work_dir("stream-app");
  write_file((dir / "template.yaml").string(), kStreamTemplate);
  write_file((dir / "src" / "audit.js").string(), kAudit);
  LocalrayProcess lr{{"--db", ":memory:", "--template", (dir / "template.yaml").string(), "--seed", "3"}};
  auto resources = json::parse(http_request(lr.port(), "GET", "/_localray/resources").body);
  const json& stack = resources.at("stacks").at(0);
  std::string orders, audit, stream_arn;
  for (const auto& r : stack.at("resources")) {
    if (r.at("logical_id") == "Orders") orders = r.at("physical_id");
    if (r.at("logical_id") == "Audit") audit = r.at("physical_id");
    if (r.at("logical_id") == "AuditorChanges") EXPECT_EQ(r.at("status"), "emulated");
  }
  for (const auto& o : stack.at("outputs"))
    if (o.at("key") == "StreamArn") stream_arn = o.at("value");
  auto call = [&](const std::string& operation, const json& body) {
    auto r = http_request(lr.port(), "POST", "/", body.dump(), {{"X-Amz-Target", "DynamoDB_20120810." + operation}, {"Content-Type", "application/x-amz-json-1.0"}});
    EXPECT_EQ(r.status, 200u) << operation << ": " << r.body;
    return json::parse(r.body);
  };
  // The output names the stream the table has.
  EXPECT_EQ(call("DescribeTable", {{"TableName", orders}}).at("Table").at("LatestStreamArn"), stream_arn);
  // The event's failure handling reaches the mapping.
  auto mappings = json::parse(http_request(lr.port(), "GET", "/2015-03-31/event-source-mappings").body).at("EventSourceMappings");
  ASSERT_EQ(mappings.size(), 1u) << mappings.dump();
  EXPECT_EQ(mappings[0].at("MaximumRetryAttempts"), 2);
  EXPECT_EQ(mappings[0].at("BisectBatchOnFunctionError"), true);
  EXPECT_EQ(mappings[0].at("DestinationConfig").at("OnFailure").at("Destination").get<std::string>().substr(0, 12), "arn:aws:sqs:");
  call("PutItem", {{"TableName", orders}, {"Item", {{"id", {{"S", "o-1"}}}}}});
  json update = json::parse(R"({"Key":{"id":{"S":"o-1"}},"UpdateExpression":"SET n = :n","ExpressionAttributeValues":{":n":{"N":"1"}}})");
  update["TableName"] = orders;
  call("UpdateItem", update);
  call("DeleteItem", {{"TableName", orders}, {"Key", {{"id", {{"S", "o-1"}}}}}});
  json items;
  ASSERT_TRUE(eventually([&] {
    items = call("Scan", {{"TableName", audit}}).value("Items", json::array());
    return items.size() == 3;
  }, 20s)) << items.dump();
  std::map<std::string, std::string> by_sequence;
  for (const auto& i : items) by_sequence[i.at("seq").at("S")] = i.at("what").at("S");
  std::vector<std::string> in_order;
  for (const auto& [seq, what] : by_sequence) in_order.push_back(what);
  EXPECT_EQ(in_order, (std::vector<std::string>{"INSERT o-1", "MODIFY o-1", "REMOVE o-1"}));
  EXPECT_EQ(items[0].at("source").at("S"), stream_arn);
}

TEST(CloudFormationTemplate, ApiPublishesToSnsThroughVelocity) {
  fs::path dir = work_dir("front-door");
  write_file((dir / "front.yaml").string(), kApiToSns);
  write_file((dir / "src" / "index.js").string(),
             "exports.handler = async (e) => { console.log('message ' + e.Records[0].Sns.Message + ' ' + "
             "e.Records[0].Sns.MessageAttributes.status.Value); };\n");
  LocalrayProcess lr{{"--db", ":memory:", "--template", (dir / "front.yaml").string()}};
  std::string base = lr.invoke_path();

  auto ok = lr.post_json(base + "/orders/7", {{"status", "new"}});
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(json::parse(ok.body), (json{{"message", "message added to topic"}}));
  // The function subscribed to the topic got the mapped message and attribute.
  std::string logs;
  ASSERT_TRUE(eventually([&] {
    logs = http_request(lr.port(), "GET", "/_localray/logs?function=reader").body;
    return logs.find("message /prod/orders/7 new") != std::string::npos;
  }, 10s)) << logs;

  // A Content-Type with no template, and passthrough NEVER: 415.
  auto text = http_request(lr.port(), "POST", base + "/orders/8", "x", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415u);
  EXPECT_EQ(json::parse(text.body).at("message"), "Unsupported Media Type");

  // SNS's 404 for an unknown topic, selected by "4\d{2}": 400, its parameters and override.
  auto failed = http_request(lr.port(), "POST", base + "/missing?m=hello", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(failed.status, 400u) << failed.body;
  EXPECT_EQ(json::parse(failed.body), (json{{"state", "error"}, {"stage", "prod"}}));
  EXPECT_EQ(failed.headers["x-failed"], "publish");
  EXPECT_FALSE(failed.headers["x-request"].empty());

  // An integration localray does not emulate: that method says so, the rest of the API serves.
  auto elsewhere = http_request(lr.port(), "GET", base + "/elsewhere");
  EXPECT_EQ(elsewhere.status, 500u);
  EXPECT_EQ(json::parse(elsewhere.body).at("localray"), "HTTP_PROXY integrations are not emulated yet");
  auto listed = json::parse(http_request(lr.port(), "GET", "/_localray/resources").body);
  for (const auto& r : listed.at("stacks").at(0).at("resources"))
    if (r.at("logical_id") == "ToElsewhere") EXPECT_EQ(r.at("status"), "not emulated");

  auto preflight = http_request(lr.port(), "OPTIONS", base + "/anything");
  EXPECT_EQ(preflight.status, 204u);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "*");

  // Traced as the seed's pattern is: the stage calls the topic, the topic the function.
  std::set<std::string> edges;
  ASSERT_TRUE(eventually([&] {
    edges = graph_edges(lr);
    return edges.count("AWS::SNS::Topic front-door -> AWS::Lambda reader") > 0;
  }, 10s));
  EXPECT_TRUE(edges.count("AWS::ApiGateway::Stage front/prod -> AWS::SNS::Topic front-door"));
  for (const auto& e : edges) EXPECT_EQ(e.find("AWS::SNS SNS"), std::string::npos) << "the integration names its topic: " << e;
}

std::string watched_template(const std::string& greeting) {
  return R"yaml(Resources:
  Inbox: { Type: AWS::SQS::Queue, Properties: { QueueName: kept-inbox } }
  Greeter:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: greeter
      Runtime: nodejs20.x
      Handler: index.handler
      Code: src
      Environment: { Variables: { GREETING: )yaml" + greeting + R"yaml( } }
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: greet } }
  Root:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      Integration: { Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Greeter.Arn}/invocations" }
  Deployment: { Type: AWS::ApiGateway::Deployment, DependsOn: Root, Properties: { RestApiId: !Ref Api, StageName: live } }
)yaml";
}

// --watch: an edited template is compiled again and only what changed is replaced; the queue
// keeps the message it holds.
TEST(CloudFormationTemplate, WatchReplacesWhatChangedAndKeepsTheRest) {
  fs::path dir = work_dir("watched");
  write_file((dir / "app.yaml").string(), watched_template("first"));
  write_file((dir / "src" / "index.js").string(), "exports.handler = async () => ({ statusCode: 200, body: process.env.GREETING });\n");
  LocalrayProcess lr{{"--db", ":memory:", "--template", (dir / "app.yaml").string(), "--watch"}};
  const std::string base = lr.invoke_path();
  EXPECT_EQ(http_request(lr.port(), "GET", base + "/").body, "first");
  const std::string queue_url = "http://127.0.0.1:" + std::to_string(lr.port()) + "/queue/us-east-1/000000000000/kept-inbox";
  const std::map<std::string, std::string> sqs_json = {{"Content-Type", "application/x-amz-json-1.0"}};
  auto sqs = [&](const std::string& action, const json& body) {
    auto headers = sqs_json;
    headers["X-Amz-Target"] = "AmazonSQS." + action;
    return http_request(lr.port(), "POST", "/", body.dump(), headers);
  };
  ASSERT_EQ(sqs("SendMessage", {{"QueueUrl", queue_url}, {"MessageBody", "still here"}}).status, 200u);

  write_file((dir / "app.yaml").string(), watched_template("second"));
  std::string answer;
  ASSERT_TRUE(eventually([&] {
    answer = http_request(lr.port(), "GET", base + "/").body;
    return answer == "second";
  }, 15s)) << answer;
  auto received = json::parse(sqs("ReceiveMessage", {{"QueueUrl", queue_url}, {"WaitTimeSeconds", 1}}).body);
  ASSERT_EQ(received.value("Messages", json::array()).size(), 1u) << received.dump();
  EXPECT_EQ(received["Messages"][0]["Body"], "still here");

  // A template that no longer compiles changes nothing.
  write_file((dir / "app.yaml").string(), "Resources:\n  Broken: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt Nope.Arn } }\n");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(http_request(lr.port(), "GET", base + "/").body, "second");
}

struct Malformed {
  const char* name;
  const char* yaml;
  const char* expected;  // in the error, right after the file's name
};

class MalformedTemplate : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedTemplate, StopsTheStartNamingResourceAndProperty) {
  fs::path dir = work_dir(std::string{"bad-"} + GetParam().name);
  std::string file = (dir / "app.yaml").string();
  write_file(file, GetParam().yaml);
  auto r = run_to_exit({"--template", file});
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("localray: " + file + GetParam().expected), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("LOCALRAY_READY"), std::string::npos) << "nothing starts";
}

INSTANTIATE_TEST_SUITE_P(
    Templates, MalformedTemplate,
    ::testing::Values(
        Malformed{"unknown-reference",
                  "Resources:\n  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }\n  M:\n    Type: AWS::ApiGateway::Method\n"
                  "    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n"
                  "      Integration:\n        Type: AWS_PROXY\n        Uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Foo.Arn}/invocations'\n",
                  ": Resources.M.Properties.Integration.Uri.Fn::Sub: Fn::Sub ${Foo.Arn}: Fn::GetAtt names unknown resource 'Foo'"},
        Malformed{"bad-intrinsic", "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Select [ 3, [ a, b ] ]\n",
                  ": Resources.T.Properties.TopicName.Fn::Select: index 3 is out of range for a list of 2"},
        Malformed{"cycle",
                  "Resources:\n  A: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt B.QueueName } }\n"
                  "  B: { Type: AWS::SQS::Queue, Properties: { QueueName: !GetAtt A.QueueName } }\n",
                  ": Resources: circular dependency between A, B"},
        Malformed{"missing-asset",
                  "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: { Runtime: nodejs20.x, Handler: index.handler, Code: ./gone }\n",
                  ": Resources.F.Properties.Code: no folder or .zip file "},
        Malformed{"yaml", "Resources:\n  T: { Type: AWS::SNS::Topic\n", ":3:1: not valid YAML: end of map flow not found"},
        Malformed{"velocity",
                  "Resources:\n  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: a } }\n  M:\n    Type: AWS::ApiGateway::Method\n"
                  "    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n"
                  "      Integration:\n        Type: MOCK\n        RequestTemplates: { application/json: '#if($x) never closed' }\n"
                  "  D: { Type: AWS::ApiGateway::Deployment, DependsOn: M, Properties: { RestApiId: !Ref Api, StageName: s } }\n",
                  ": Resources.M.Properties.Integration.RequestTemplates.application/json: #if without #end at line 1, column 1"}),
    [](const ::testing::TestParamInfo<Malformed>& info) {
      std::string n = info.param.name;
      for (auto& c : n)
        if (c == '-') c = '_';
      return n;
    });

}  // namespace
}  // namespace localray::testing
