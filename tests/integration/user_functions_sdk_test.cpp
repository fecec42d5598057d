// The user's functions calling AWS through the SDKs Lambda's runtimes provide, unmodified: every
// call reaches localray, and joins the run's trace either through the X-Ray SDK's own subsegments
// (sent over UDP, nested under the run's Invocation) or, for SDKs that only send the trace header,
// as the aws subsegment localray records for them.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// nodejs16.x: aws-sdk v2 from the runtime's own module path, no endpoint in the code.
constexpr const char* kV2 = R"(
const AWS = require('aws-sdk');
exports.handler = async (event) => {
  const sqs = new AWS.SQS();
  const { QueueUrl } = await sqs.getQueueUrl({ QueueName: 'inbox' }).promise();
  await sqs.sendMessage({ QueueUrl, MessageBody: event.body }).promise();
  return { QueueUrl, version: AWS.VERSION };
};
)";

// nodejs20.x: the v3 clients from the runtime's module path; they send the trace header themselves.
constexpr const char* kV3 = R"(
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
const ddb = new DynamoDBClient({});
const sns = new SNSClient({});
exports.handler = async (event) => {
  await ddb.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: event.id } } }));
  const r = await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC, Message: 'from v3 ' + event.id }));
  return { messageId: r.MessageId };
};
)";

// python3.11 with Debian's boto3.
constexpr const char* kPython = R"(
import os
import boto3
table = boto3.resource("dynamodb").Table("items")
sns = boto3.client("sns")
def handler(event, context):
    table.put_item(Item={"id": event["id"], "by": "python"})
    r = sns.publish(TopicArn=os.environ["TOPIC"], Message="from python " + event["id"])
    return {"messageId": r["MessageId"], "endpoint": sns.meta.endpoint_url}
)";

// The X-Ray SDK in Lambda mode, as users instrument a function.
constexpr const char* kXray = R"(
const AWSXRay = require('aws-xray-sdk-core');
const AWS = AWSXRay.captureAWS(require('aws-sdk'));
const ddb = new AWS.DynamoDB();
exports.handler = async (event) => {
  await AWSXRay.captureAsyncFunc('my work', async (sub) => {
    sub.addAnnotation('order', event.id);
    sub.addMetadata('event', event);
    await ddb.putItem({ TableName: 'items', Item: { id: { S: event.id } } }).promise();
    sub.close();
  });
  return { ok: true };
};
)";

class UserFunctionsSdkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("localray-user-sdk-" + std::to_string(::getpid()));
    write_file(dir_ / "v2" / "index.js", kV2);
    write_file(dir_ / "v3" / "index.js", kV3);
    write_file(dir_ / "py" / "app.py", kPython);
    write_file(dir_ / "xray" / "index.js", kXray);
    // The function's own dependencies, as `npm install` would leave them beside its code.
    fs::create_directory_symlink(fs::path{LOCALRAY_SOURCE_DIR} / "tests/compat/node_modules", dir_ / "xray" / "node_modules");
    json topology = {
        {"tables", {{{"name", "items"}, {"hash_key", {{"name", "id"}, {"type", "S"}}}}}},
        {"topics", {{{"name", "events"}}}},
        {"queues", {{{"name", "inbox"}}}},
        {"functions",
         {{{"name", "v2"}, {"runtime", "nodejs16.x"}, {"code", "v2"}, {"handler", "index.handler"}},
          {{"name", "v3"}, {"runtime", "nodejs20.x"}, {"code", "v3"}, {"handler", "index.handler"}, {"environment", {{"TOPIC", "${topic:events}"}}}},
          {{"name", "py"}, {"runtime", "python3.11"}, {"code", "py"}, {"handler", "app.handler"}, {"environment", {{"TOPIC", "${topic:events}"}}}},
          {{"name", "xray"}, {"runtime", "nodejs20.x"}, {"code", "xray"}, {"handler", "index.handler"}}}},
        {"subscriptions", {{{"topic", "events"}, {"protocol", "sqs"}, {"endpoint", "inbox"}}}}};
    write_file(dir_ / "topology.json", topology.dump());
    lr_ = new LocalrayProcess({"--db", ":memory:", "--config", (dir_ / "topology.json").string()});
  }
  static void TearDownTestSuite() {
    delete lr_;
    fs::remove_all(dir_);
  }

  static json invoke(const std::string& fn, const json& payload) {
    auto r = http_request(lr_->port(), "POST", "/2015-03-31/functions/" + fn + "/invocations", payload.dump());
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_FALSE(r.headers.contains("x-amz-function-error")) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  static json dynamodb(const std::string& op, const json& body) {
    auto r = http_request(lr_->port(), "POST", "/", body.dump(),
                          {{"X-Amz-Target", "DynamoDB_20120810." + op}, {"Content-Type", "application/x-amz-json-1.0"}});
    return json::parse(r.body, nullptr, false);
  }
  // Every document of the trace that holds the run of `function`, once `count` are stored.
  static std::vector<json> trace_of(const std::string& function, std::size_t count) {
    std::vector<json> docs;
    eventually([&] {
      auto summaries = lr_->xray("/TraceSummaries", {{"StartTime", std::time(nullptr) - 60}, {"EndTime", std::time(nullptr) + 5},
                                                     {"FilterExpression", "service(\"" + function + "\")"}});
      if (summaries.at("TraceSummaries").empty()) return false;
      auto r = lr_->xray("/Traces", {{"TraceIds", {summaries.at("TraceSummaries")[0].at("Id")}}});
      docs.clear();
      for (const auto& t : r.at("Traces"))
        for (const auto& s : t.at("Segments")) docs.push_back(json::parse(s.at("Document").get<std::string>()));
      return docs.size() >= count;
    }, 5s);
    return docs;
  }
  static json function_segment(const std::vector<json>& docs, const std::string& name) {
    for (const auto& d : docs)
      if (d.value("origin", "") == "AWS::Lambda::Function" && d.at("name") == name) return d;
    return nullptr;
  }
  static const json* child(const json& parent, const std::string& name) {
    auto subs = parent.find("subsegments");
    if (subs == parent.end()) return nullptr;
    for (const auto& s : *subs)
      if (s.at("name") == name) return &s;
    return nullptr;
  }

  static LocalrayProcess* lr_;
  static fs::path dir_;
};

LocalrayProcess* UserFunctionsSdkTest::lr_ = nullptr;
fs::path UserFunctionsSdkTest::dir_;

TEST_F(UserFunctionsSdkTest, AwsSdkV2FromTheNode16RuntimeReachesLocalray) {
  auto r = invoke("v2", {{"body", "hello from v2"}});
  EXPECT_TRUE(r.at("version").get<std::string>().starts_with("2.")) << r;
  EXPECT_TRUE(r.at("QueueUrl").get<std::string>().starts_with("http://127.0.0.1:" + std::to_string(lr_->port()) + "/")) << r;
  auto received = http_request(lr_->port(), "POST", "/", json{{"QueueUrl", r.at("QueueUrl")}, {"WaitTimeSeconds", 1}}.dump(),
                               {{"X-Amz-Target", "AmazonSQS.ReceiveMessage"}, {"Content-Type", "application/x-amz-json-1.0"}});
  auto messages = json::parse(received.body).value("Messages", json::array());
  ASSERT_FALSE(messages.empty()) << received.body;
  EXPECT_EQ(messages[0].at("Body"), "hello from v2");
}

TEST_F(UserFunctionsSdkTest, AwsSdkV3CallsJoinTheRunsTraceAsAwsSubsegments) {
  auto r = invoke("v3", {{"id", "v3-1"}});
  ASSERT_TRUE(r.contains("messageId")) << r;
  auto item = dynamodb("GetItem", {{"TableName", "items"}, {"Key", {{"id", {{"S", "v3-1"}}}}}});
  EXPECT_EQ(item.at("Item").at("id").at("S"), "v3-1");

  auto docs = trace_of("v3", 4);
  auto fn = function_segment(docs, "v3");
  ASSERT_FALSE(fn.is_null());
  const json* invocation = child(fn, "Invocation");
  ASSERT_NE(invocation, nullptr);
  const json* put = child(*invocation, "DynamoDB");
  ASSERT_NE(put, nullptr) << invocation->dump();
  EXPECT_EQ(put->at("namespace"), "aws");
  EXPECT_EQ(put->at("aws").at("operation"), "PutItem");
  EXPECT_EQ(put->at("aws").at("table_name"), "items");
  EXPECT_FALSE(put->at("aws").value("request_id", "").empty());
  const json* publish = child(*invocation, "SNS");
  ASSERT_NE(publish, nullptr);
  EXPECT_EQ(publish->at("aws").at("operation"), "Publish");
  // The topic's own segment hangs under the Publish subsegment, as under an SDK's.
  bool topic_under_publish = false;
  for (const auto& d : docs)
    if (d.value("origin", "") == "AWS::SNS::Topic") topic_under_publish = d.value("parent_id", "") == publish->at("id");
  EXPECT_TRUE(topic_under_publish);
}

TEST_F(UserFunctionsSdkTest, PythonBoto3WritesAndPublishesTraced) {
  auto r = invoke("py", {{"id", "py-1"}});
  EXPECT_EQ(r.at("endpoint"), "http://127.0.0.1:" + std::to_string(lr_->port())) << "Debian's boto3 pointed at localray";
  auto item = dynamodb("GetItem", {{"TableName", "items"}, {"Key", {{"id", {{"S", "py-1"}}}}}});
  EXPECT_EQ(item.at("Item").at("by").at("S"), "python");
  auto docs = trace_of("py", 4);
  auto fn = function_segment(docs, "py");
  ASSERT_FALSE(fn.is_null());
  const json* invocation = child(fn, "Invocation");
  ASSERT_NE(invocation, nullptr);
  ASSERT_NE(child(*invocation, "DynamoDB"), nullptr) << invocation->dump();
  EXPECT_EQ(child(*invocation, "DynamoDB")->at("aws").at("operation"), "PutItem");
  ASSERT_NE(child(*invocation, "SNS"), nullptr);
}

TEST_F(UserFunctionsSdkTest, XraySdkSubsegmentsNestUnderTheInvocationOnce) {
  invoke("xray", {{"id", "x-1"}});
  auto docs = trace_of("xray", 3);
  auto fn = function_segment(docs, "xray");
  ASSERT_FALSE(fn.is_null());
  const json* invocation = child(fn, "Invocation");
  ASSERT_NE(invocation, nullptr);
  const json* work = nullptr;
  const json* put = nullptr;
  eventually([&] {
    docs = trace_of("xray", 3);
    fn = function_segment(docs, "xray");
    invocation = child(fn, "Invocation");
    work = invocation ? child(*invocation, "my work") : nullptr;
    // aws-sdk v2's capture names the subsegment by the service's identifier.
    put = work ? child(*work, "dynamodb") : nullptr;
    return put != nullptr;
  }, 5s);
  ASSERT_NE(work, nullptr) << fn.dump();
  EXPECT_EQ(work->at("annotations").at("order"), "x-1");
  ASSERT_NE(put, nullptr) << work->dump();
  EXPECT_EQ(put->at("namespace"), "aws");
  EXPECT_EQ(put->at("aws").at("operation"), "PutItem");
  EXPECT_EQ(put->at("aws").at("table_name"), "items");
  // The SDK recorded the call, so localray did not record it a second time.
  std::function<int(const json&)> count_put_items = [&](const json& s) {
    int n = s.contains("aws") && s["aws"].value("operation", "") == "PutItem" ? 1 : 0;
    if (auto subs = s.find("subsegments"); subs != s.end())
      for (const auto& c : *subs) n += count_put_items(c);
    return n;
  };
  EXPECT_EQ(count_put_items(fn), 1);

  // On the map: the function calls the table.
  auto graph = lr_->xray("/ServiceGraph", {{"StartTime", std::time(nullptr) - 60}, {"EndTime", std::time(nullptr) + 5}});
  int function_id = -1, table_id = -1;
  for (const auto& s : graph.at("Services")) {
    if (s.at("Name") == "xray" && s.at("Type") == "AWS::Lambda::Function") function_id = s.at("ReferenceId");
    if (s.at("Name") == "items" && s.at("Type") == "AWS::DynamoDB::Table") table_id = s.at("ReferenceId");
  }
  ASSERT_GE(function_id, 0);
  ASSERT_GE(table_id, 0);
  bool edge = false;
  for (const auto& s : graph.at("Services"))
    if (s.at("ReferenceId") == function_id)
      for (const auto& e : s.at("Edges")) edge = edge || e.at("ReferenceId") == table_id;
  EXPECT_TRUE(edge);
}

}  // namespace
}  // namespace localray::testing
