// Templates compiled into a topology: every emulated type, names CloudFormation would make,
// outputs and exports across stacks, and errors that name the file, resource and property.
#include <gtest/gtest.h>

#include <set>

#include <filesystem>
#include <fstream>

#include "config/cloudformation/loader.hpp"
#include "config/cloudformation/stack_compiler.hpp"
#include "config/cloudformation/template_document.hpp"

namespace localray::config::cloudformation {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

Environment env() { return Environment{"us-east-1", "000000000000", "http://127.0.0.1:4566", 7}; }

fs::path code_dir() {
  fs::path dir = fs::temp_directory_path() / ("localray-cfn-test-" + std::to_string(::getpid()));
  fs::create_directories(dir / "src");
  std::ofstream{dir / "src" / "index.js"} << "exports.handler = async () => ({});\n";
  return dir;
}

tracing::Result<Topology> compile(const std::string& yaml, std::map<std::string, std::string> parameters = {}) {
  auto body = parse_template(yaml, "app.yaml");
  if (!body) return body.error();
  StackInput in{"app.yaml", *body, "app", std::move(parameters), code_dir(), {}};
  Topology t;
  Exports exports;
  if (auto r = compile_stack(in, env(), exports, t); !r) return r.error();
  return t;
}

std::string error_of(const std::string& yaml) {
  auto t = compile(yaml);
  return t ? std::string{"compiled"} : t.error().message;
}

constexpr const char* kApp = R"(
Parameters:
  Stage: { Type: String, Default: prod, AllowedValues: [prod, dev] }
  Memory: { Type: Number, Default: 256 }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Dlq: { Type: AWS::SQS::Queue, Properties: { QueueName: app-dlq } }
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      MessageRetentionPeriod: 3600
      SqsManagedSseEnabled: true
      RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3 }
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
        - { AttributeName: sk, AttributeType: N }
        - { AttributeName: g, AttributeType: S }
      KeySchema: [ { AttributeName: pk, KeyType: HASH }, { AttributeName: sk, KeyType: RANGE } ]
      GlobalSecondaryIndexes:
        - IndexName: byG
          KeySchema: [ { AttributeName: g, KeyType: HASH } ]
          Projection: { ProjectionType: KEYS_ONLY }
  Role: { Type: AWS::IAM::Role, Properties: { AssumeRolePolicyDocument: {} } }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Code: src
      Role: !GetAtt Role.Arn
      MemorySize: !Ref Memory
      Timeout: "15"
      TracingConfig: { Mode: Active }
      Environment:
        Variables:
          QUEUE_URL: !Ref Queue
          TABLE: !Ref Table
          LITERAL: "${not-a-placeholder}"
          OPTIONAL: !If [IsDev, yes, !Ref AWS::NoValue]
  Inline:
    Type: AWS::Lambda::Function
    Condition: IsProd
    Properties: { Runtime: python3.12, Handler: index.handler, Code: { ZipFile: "def handler(e, c): return 1" } }
  DevOnly:
    Type: AWS::SQS::Queue
    Condition: IsDev
  Sub:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn, RawMessageDelivery: "true",
                  FilterPolicy: { kind: [order] } }
  FnSub:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Topic, Protocol: lambda, Endpoint: !GetAtt Fn.Arn }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { EventSourceArn: !GetAtt Queue.Arn, FunctionName: !Ref Fn, BatchSize: 5 }
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: orders } }
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items }
  Item:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !Ref Items, PathPart: "{id}" }
  GetItem:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Item
      HttpMethod: get
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: GetItem
    Properties: { RestApiId: !Ref Api }
  ProdStage:
    Type: AWS::ApiGateway::Stage
    Properties: { RestApiId: !Ref Api, DeploymentId: !Ref Deployment, StageName: !Ref Stage, Variables: { v: "1" } }
  Bucket: { Type: AWS::S3::Bucket }
Outputs:
  Url:
    Value: !Sub https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${ProdStage}/
  QueueArn:
    Value: !GetAtt Queue.Arn
    Export: { Name: !Sub "${AWS::StackName}:QueueArn" }
  DevQueue:
    Condition: IsDev
    Value: !Ref DevOnly
)";

TEST(StackCompiler, EveryEmulatedTypeBecomesTopology) {
  auto t = compile(kApp);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->topics.size(), 1u);
  EXPECT_EQ(t->topics[0].name.rfind("app-Topic-", 0), 0u);
  EXPECT_EQ(t->topics[0].name.size(), std::string{"app-Topic-"}.size() + 13);
  ASSERT_EQ(t->queues.size(), 2u) << "DevOnly's condition is false";
  EXPECT_EQ(t->queues[0].name, "app-dlq");
  EXPECT_EQ(t->queues[1].visibility_timeout, 60);
  EXPECT_EQ(t->queues[1].dead_letter_queue, "app-dlq");
  EXPECT_EQ(t->queues[1].max_receive_count, 3);
  EXPECT_EQ(t->queues[1].retention, 3600);
  EXPECT_EQ(t->queues[1].other_attributes.at("SqsManagedSseEnabled"), "true");
  ASSERT_EQ(t->tables.size(), 1u);
  EXPECT_EQ(t->tables[0].hash_key.name, "pk");
  EXPECT_EQ(t->tables[0].range_key->type, "N");
  ASSERT_EQ(t->tables[0].indexes.size(), 1u);
  EXPECT_EQ(t->tables[0].indexes[0].projection, "KEYS_ONLY");
  EXPECT_FALSE(t->tables[0].provisioned);

  ASSERT_EQ(t->functions.size(), 2u);
  // Resources go in dependency order: Inline needs nothing, Fn comes after its queue and table.
  const auto& fn = t->functions[1];
  EXPECT_EQ(t->functions[0].inline_code, "def handler(e, c): return 1");
  EXPECT_TRUE(fn.from_template);
  EXPECT_EQ(fn.memory, 256);
  EXPECT_EQ(fn.timeout, 15);
  EXPECT_EQ(fn.tracing_mode, "Active");
  EXPECT_EQ(fs::path{fn.code}, code_dir() / "src");
  EXPECT_EQ(fn.environment.at("QUEUE_URL"), "http://127.0.0.1:4566/queue/us-east-1/000000000000/" + t->queues[1].name);
  EXPECT_EQ(fn.environment.at("TABLE"), t->tables[0].name);
  EXPECT_EQ(fn.environment.at("LITERAL"), "${not-a-placeholder}");
  EXPECT_EQ(fn.environment.count("OPTIONAL"), 0u);

  ASSERT_EQ(t->subscriptions.size(), 2u);
  EXPECT_EQ(t->subscriptions[0].protocol, "lambda");
  EXPECT_EQ(t->subscriptions[0].endpoint, fn.name);
  EXPECT_EQ(t->subscriptions[1].protocol, "sqs");
  EXPECT_EQ(t->subscriptions[1].endpoint, t->queues[1].name);
  EXPECT_TRUE(t->subscriptions[1].raw_message_delivery);
  EXPECT_EQ(json::parse(t->subscriptions[1].filter_policy), (json{{"kind", {"order"}}}));
  ASSERT_EQ(t->event_source_mappings.size(), 1u);
  EXPECT_EQ(t->event_source_mappings[0].batch_size, 5);

  ASSERT_EQ(t->apis.size(), 1u);
  const auto& api = t->apis[0];
  EXPECT_EQ(api.name, "orders");
  EXPECT_EQ(api.id.size(), 10u);
  EXPECT_EQ(api.stages, (std::vector<std::string>{"prod"}));
  EXPECT_EQ(api.stage_variables.at("prod").at("v"), "1");
  ASSERT_EQ(api.routes.size(), 1u);
  EXPECT_EQ(api.routes[0].path, "/items/{id}");
  EXPECT_EQ(api.routes[0].method, "GET");
  EXPECT_EQ(api.routes[0].integration.type, "lambda_proxy");
  EXPECT_EQ(api.routes[0].integration.function, fn.name);

  ASSERT_EQ(t->stacks.size(), 1u);
  const auto& stack = t->stacks[0];
  ASSERT_EQ(stack.outputs.size(), 2u);
  EXPECT_EQ(stack.outputs[1].key, "Url");
  EXPECT_EQ(stack.outputs[1].value, "https://" + api.id + ".execute-api.us-east-1.amazonaws.com/prod/");
  EXPECT_EQ(stack.outputs[0].export_name, "app:QueueArn");
  bool bucket_listed = false, role_accepted = false;
  for (const auto& r : stack.resources) {
    bucket_listed |= r.logical_id == "Bucket" && r.status == "not emulated";
    role_accepted |= r.logical_id == "Role" && r.status == "accepted";
  }
  EXPECT_TRUE(bucket_listed);
  EXPECT_TRUE(role_accepted);
}

TEST(StackCompiler, NamesAreSeededAndParametersOverride) {
  auto a = compile(kApp), b = compile(kApp, {{"Stage", "dev"}});
  ASSERT_TRUE(a);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(a->topics[0].name, b->topics[0].name) << "same seed, same stack and logical id";
  EXPECT_EQ(b->apis[0].stages, (std::vector<std::string>{"dev"}));
  EXPECT_EQ(b->functions.size(), 1u) << "Inline is prod only";
  EXPECT_EQ(b->queues.size(), 3u);
  EXPECT_EQ(b->functions[0].environment.at("OPTIONAL"), "yes");  // YAML 1.1's `yes` stays a string
  auto bad = compile(kApp, {{"Stage", "qa"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("app.yaml: Parameters.Stage: 'qa' is not one of its AllowedValues", 0), 0u) << bad.error().message;
}

TEST(StackCompiler, ErrorsNameFileResourceAndProperty) {
  EXPECT_EQ(error_of("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !GetAtt Foo.Arn\n"),
            "app.yaml: Resources.Q.Properties.QueueName.Fn::GetAtt: Fn::GetAtt names unknown resource 'Foo'");
  EXPECT_EQ(error_of("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: !Ref B }\n"
                     "  B:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: !GetAtt A.QueueName }\n"),
            "app.yaml: Resources: circular dependency between A, B");
  EXPECT_EQ(error_of("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: { 'Fn::Join': oops } }\n"),
            "app.yaml: Resources.Q.Properties.QueueName.Fn::Join: needs [delimiter, [values]]");
  EXPECT_EQ(error_of("Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: { Runtime: nodejs20.x, Handler: i.h, Code: missing-folder }\n"),
            "app.yaml: Resources.F.Properties.Code: no folder or .zip file " + (code_dir() / "missing-folder").string());
  EXPECT_EQ(error_of("Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: i.h\n"
                     "      Code: { S3Bucket: b, S3Key: k.zip }\n"),
            "app.yaml: Resources.F.Properties.Code.S3Key: s3://b/k.zip is not an asset of this cloud assembly; S3 is not emulated, so give "
            "the code as a local path");
  EXPECT_EQ(error_of("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    DependsOn: Nope\n"),
            "app.yaml: Resources.Q.DependsOn: no resource named \"Nope\"");
  EXPECT_EQ(error_of("Parameters:\n  P: { Type: String }\nResources:\n  Q: { Type: AWS::SQS::Queue }\n"),
            "app.yaml: Parameters.P: no value: the parameter has no Default (pass --parameter P=VALUE)");
  EXPECT_EQ(error_of("Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties: { RestApiId: x, ResourceId: y, HttpMethod: GET }\n"),
            "app.yaml: Resources.M.Properties.RestApiId: 'x' is not a REST API of these templates");
  EXPECT_EQ(error_of("Resources: {}\n"), "app.yaml: Resources is required and must name at least one resource");
}

TEST(StackCompiler, FifoQueuesAreNamedWithTheirSuffixAndKeepTheirSettings) {
  auto t = compile("Resources:\n  Orders:\n    Type: AWS::SQS::Queue\n    Properties: { FifoQueue: true, ContentBasedDeduplication: true, "
                   "DeduplicationScope: messageGroup, FifoThroughputLimit: perMessageGroupId }\n"
                   "  Named:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: jobs.fifo, FifoQueue: true }\n");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->queues.size(), 2u);
  const auto& orders = t->queues[0].name == "jobs.fifo" ? t->queues[1] : t->queues[0];
  EXPECT_TRUE(orders.fifo);
  EXPECT_TRUE(orders.name.ends_with(".fifo")) << orders.name;
  EXPECT_LE(orders.name.size(), 80u);
  EXPECT_TRUE(orders.content_based_deduplication);
  EXPECT_EQ(orders.deduplication_scope, "messageGroup");
  EXPECT_EQ(orders.fifo_throughput_limit, "perMessageGroupId");
  EXPECT_EQ(error_of("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: jobs, FifoQueue: true }\n"),
            "app.yaml: Resources.Q.Properties.QueueName: a FIFO queue's name must end in .fifo");
  EXPECT_EQ(error_of("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: { ContentBasedDeduplication: true }\n"),
            "app.yaml: Resources.Q.Properties.FifoQueue: ContentBasedDeduplication, DeduplicationScope and FifoThroughputLimit need FifoQueue: true");
}

TEST(StackCompiler, SubscriptionsMayFilterOnTheMessageBody) {
  auto t = compile("Resources:\n  T: { Type: AWS::SNS::Topic }\n  Q: { Type: AWS::SQS::Queue }\n"
                   "  S:\n    Type: AWS::SNS::Subscription\n    Properties: { TopicArn: !Ref T, Protocol: sqs, Endpoint: !GetAtt Q.Arn, "
                   "FilterPolicyScope: MessageBody, FilterPolicy: { order: { status: [paid] } } }\n");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->subscriptions.size(), 1u);
  EXPECT_TRUE(t->subscriptions[0].filter_body);
  EXPECT_EQ(error_of("Resources:\n  T: { Type: AWS::SNS::Topic }\n  Q: { Type: AWS::SQS::Queue }\n"
                     "  S:\n    Type: AWS::SNS::Subscription\n    Properties: { TopicArn: !Ref T, Protocol: sqs, Endpoint: !GetAtt Q.Arn, "
                     "FilterPolicyScope: Everything }\n"),
            "app.yaml: Resources.S.Properties.FilterPolicyScope: must be MessageAttributes or MessageBody");
}

TEST(StackCompiler, DeliveryPoliciesOfTopicsAndSubscriptionsAreCarried) {
  auto t = compile("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n"
                   "      DeliveryPolicy: { http: { defaultHealthyRetryPolicy: { numRetries: 5 } } }\n"
                   "  W:\n    Type: AWS::SNS::Subscription\n    Properties: { TopicArn: !Ref T, Protocol: https, Endpoint: 'https://hooks.example.com/sns', "
                   "DeliveryPolicy: '{\"healthyRetryPolicy\": {\"numRetries\": 7}}' }\n");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->topics.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(t->topics[0].delivery_policy), nlohmann::json::parse(R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}})"));
  ASSERT_EQ(t->subscriptions.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(t->subscriptions[0].delivery_policy), nlohmann::json::parse(R"({"healthyRetryPolicy":{"numRetries":7}})"));
  EXPECT_EQ(error_of("Resources:\n  T: { Type: AWS::SNS::Topic, Properties: { DeliveryPolicy: [ 1 ] } }\n"),
            "app.yaml: Resources.T.Properties.DeliveryPolicy: must be a JSON object");
  EXPECT_EQ(error_of("Resources:\n  T: { Type: AWS::SNS::Topic }\n"
                     "  S:\n    Type: AWS::SNS::Subscription\n    Properties: { TopicArn: !Ref T, Protocol: https, Endpoint: 'https://x', "
                     "DeliveryPolicy: 'not json' }\n"),
            "app.yaml: Resources.S.Properties.DeliveryPolicy: must be a JSON object");
}

TEST(StackCompiler, SubscriptionsToEndpointsOutsideTheStackKeepTheirEndpoint) {
  auto t = compile("Resources:\n  T: { Type: AWS::SNS::Topic }\n"
                   "  W:\n    Type: AWS::SNS::Subscription\n    Properties: { TopicArn: !Ref T, Protocol: https, Endpoint: 'https://hooks.example.com/sns' }\n"
                   "  M:\n    Type: AWS::SNS::Subscription\n    Properties: { TopicArn: !Ref T, Protocol: email, Endpoint: ops@example.com }\n");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->subscriptions.size(), 2u);
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& s : t->subscriptions) got.emplace(s.protocol, s.endpoint);
  EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"https", "https://hooks.example.com/sns"}, {"email", "ops@example.com"}}));
  EXPECT_EQ(error_of("Resources:\n  T: { Type: AWS::SNS::Topic }\n"
                     "  S:\n    Type: AWS::SNS::Subscription\n    Properties: { TopicArn: !Ref T, Protocol: firehose, Endpoint: x }\n"),
            "app.yaml: Resources.S.Properties.Protocol: 'firehose' is not emulated yet: lambda, sqs, http, https, email, email-json and sms "
            "subscriptions are");
}

TEST(StackCompiler, LayersFromLocalFoldersAndTheFunctionsUsingThem) {
  auto t = compile("Resources:\n  Deps:\n    Type: AWS::Lambda::LayerVersion\n    Properties: { LayerName: deps, Content: src, CompatibleRuntimes: [nodejs20.x] }\n"
                   "  Fn:\n    Type: AWS::Lambda::Function\n"
                   "    Properties: { Runtime: nodejs20.x, Handler: index.handler, Code: src,\n"
                   "                  Layers: [!Ref Deps, 'arn:aws:lambda:us-east-1:000000000000:layer:published:3'] }\n");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->layers.size(), 1u);
  EXPECT_EQ(fs::path{t->layers[0].content}, code_dir() / "src");
  EXPECT_EQ(t->functions[0].layers, (std::vector<std::string>{"deps", "arn:aws:lambda:us-east-1:000000000000:layer:published:3"}));
  EXPECT_EQ(error_of("Resources:\n  L:\n    Type: AWS::Lambda::LayerVersion\n    Properties: { Content: nowhere }\n"),
            "app.yaml: Resources.L.Properties.Content: no folder or .zip file " + (code_dir() / "nowhere").string());
}

TEST(StackCompiler, AsynchronousInvocationSettingsFromCloudFormationAndSam) {
  auto t = compile(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Failed: { Type: AWS::SQS::Queue }
  Dead: { Type: AWS::SNS::Topic }
  Plain:
    Type: AWS::Lambda::Function
    Properties: { Runtime: nodejs20.x, Handler: index.handler, Code: src, DeadLetterConfig: { TargetArn: !GetAtt Failed.Arn } }
  PlainConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Plain
      Qualifier: $LATEST
      MaximumRetryAttempts: 0
      DestinationConfig: { OnFailure: { Destination: !GetAtt Failed.Arn } }
  Sam:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src
      DeadLetterQueue: { Type: SNS, TargetArn: !Ref Dead }
      EventInvokeConfig:
        MaximumEventAgeInSeconds: 120
        DestinationConfig: { OnSuccess: { Type: SQS, Destination: !GetAtt Failed.Arn } }
)");
  ASSERT_TRUE(t) << t.error().message;
  auto queue = "arn:aws:sqs:us-east-1:000000000000:" + t->queues[0].name;
  auto plain = std::find_if(t->functions.begin(), t->functions.end(), [](const auto& f) { return f.runtime == "nodejs20.x"; });
  auto sam = std::find_if(t->functions.begin(), t->functions.end(), [](const auto& f) { return f.runtime == "python3.12"; });
  ASSERT_NE(plain, t->functions.end());
  ASSERT_NE(sam, t->functions.end());
  EXPECT_EQ(plain->dead_letter_target, queue);
  ASSERT_TRUE(plain->event_invoke);
  EXPECT_EQ(plain->event_invoke->maximum_retry_attempts, 0);
  EXPECT_EQ(plain->event_invoke->on_failure, queue);
  EXPECT_EQ(sam->dead_letter_target.rfind("arn:aws:sns:us-east-1:000000000000:", 0), 0u);
  ASSERT_TRUE(sam->event_invoke);
  EXPECT_EQ(sam->event_invoke->maximum_event_age_seconds, 120);
  EXPECT_EQ(sam->event_invoke->maximum_retry_attempts, 2);
  EXPECT_EQ(sam->event_invoke->on_success, queue);
  EXPECT_EQ(error_of("Resources:\n  C:\n    Type: AWS::Lambda::EventInvokeConfig\n    Properties: { FunctionName: nobody, Qualifier: $LATEST }\n"),
            "app.yaml: Resources.C.Properties.FunctionName: 'nobody' is not a function of these templates");
}

TEST(StackCompiler, ExportsReachTheNextStack) {
  Topology t;
  Exports exports;
  auto producer = parse_template("Resources:\n  T: { Type: AWS::SNS::Topic, Properties: { TopicName: shared } }\n"
                                 "Outputs:\n  Arn: { Value: !Ref T, Export: { Name: SharedTopic } }\n",
                                 "producer.yaml");
  auto consumer = parse_template("Resources:\n  Q: { Type: AWS::SQS::Queue }\n  S:\n    Type: AWS::SNS::Subscription\n"
                                 "    Properties: { TopicArn: !ImportValue SharedTopic, Protocol: sqs, Endpoint: !GetAtt Q.Arn }\n",
                                 "consumer.yaml");
  ASSERT_TRUE(producer && consumer);
  ASSERT_TRUE(compile_stack({"producer.yaml", *producer, "producer", {}, code_dir(), {}}, env(), exports, t));
  auto r = compile_stack({"consumer.yaml", *consumer, "consumer", {}, code_dir(), {}}, env(), exports, t);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(t.subscriptions.size(), 1u);
  EXPECT_EQ(t.subscriptions[0].topic, "shared");
  EXPECT_EQ(t.stacks.size(), 2u);
}

TEST(StackCompiler, StackNamesFromFiles) {
  EXPECT_EQ(stack_name_for("/x/y/orders.template.json"), "orders");
  EXPECT_EQ(stack_name_for("/x/my_app/template.yaml"), "my-app");
  EXPECT_EQ(stack_name_for("/x/1st.yaml"), "stack-1st");
}

}  // namespace
}  // namespace localray::config::cloudformation
