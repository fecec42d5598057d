// AWS SDK for JavaScript v2 (maintenance mode, still everywhere) against localray. v2 checks
// MD5s of SQS messages itself, so a wrong digest fails these calls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startLocalray, eventually } from "./lib/localray.mjs";

const require = createRequire(import.meta.url);
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";
const AWS = require("aws-sdk");

let lr;
let cfg;
before(async () => {
  lr = await startLocalray(["--seed", "6"]);
  cfg = { endpoint: lr.endpoint, region: "us-east-1", accessKeyId: "test", secretAccessKey: "test" };
});
after(async () => lr?.stop());

test("SQS: send, receive and delete with verified MD5s; typed error", async () => {
  const sqs = new AWS.SQS(cfg);
  const { QueueUrl } = await sqs.createQueue({ QueueName: "v2-q" }).promise();
  const sent = await sqs.sendMessage({ QueueUrl, MessageBody: "hello", MessageAttributes: { status: { DataType: "String", StringValue: "ok" } } }).promise();
  assert.equal(sent.MD5OfMessageBody, "5d41402abc4b2a76b9719d911017c592");
  await sqs.sendMessageBatch({ QueueUrl, Entries: [{ Id: "a", MessageBody: "one" }] }).promise();
  const got = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }).promise();
  assert.deepEqual(got.Messages.map((m) => m.Body).sort(), ["hello", "one"]);
  for (const m of got.Messages) await sqs.deleteMessage({ QueueUrl, ReceiptHandle: m.ReceiptHandle }).promise();
  await assert.rejects(sqs.getQueueUrl({ QueueName: "v2-missing" }).promise(), (e) => /NonExistentQueue|QueueDoesNotExist/.test(e.code));
});

test("SNS: publish to a topic with an SQS subscriber", async () => {
  const sns = new AWS.SNS(cfg);
  const sqs = new AWS.SQS(cfg);
  const { TopicArn } = await sns.createTopic({ Name: "v2-topic" }).promise();
  const { QueueUrl } = await sqs.createQueue({ QueueName: "v2-sink" }).promise();
  const { Attributes } = await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["QueueArn"] }).promise();
  await sns.subscribe({ TopicArn, Protocol: "sqs", Endpoint: Attributes.QueueArn }).promise();
  const { MessageId } = await sns.publish({ TopicArn, Message: "v2 says hi" }).promise();
  const msg = await eventually(async () => (await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 }).promise()).Messages?.[0]);
  assert.equal(JSON.parse(msg.Body).MessageId, MessageId);
  await assert.rejects(sns.publish({ TopicArn: TopicArn + "x", Message: "m" }).promise(), (e) => e.code === "NotFound");
});

test("DynamoDB: DocumentClient put/get/update and a typed error", async () => {
  const doc = new AWS.DynamoDB.DocumentClient(cfg);
  await doc.put({ TableName: "hits", Item: { path: "/v2", hits: 41 } }).promise();
  const upd = await doc.update({ TableName: "hits", Key: { path: "/v2" }, UpdateExpression: "ADD hits :one",
                                 ExpressionAttributeValues: { ":one": 1 }, ReturnValues: "UPDATED_NEW" }).promise();
  assert.equal(upd.Attributes.hits, 42);
  assert.equal((await doc.get({ TableName: "hits", Key: { path: "/v2" } }).promise()).Item.hits, 42);
  await assert.rejects(doc.get({ TableName: "nope", Key: { path: "/" } }).promise(), (e) => e.code === "ResourceNotFoundException");
});

test("Lambda and X-Ray: invoke joins the caller's trace", async () => {
  const lambda = new AWS.Lambda(cfg);
  const xray = new AWS.XRay(cfg);
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${"cd".repeat(12)}`;
  const req = lambda.invoke({ FunctionName: "sns_subscribe", Payload: JSON.stringify({ Records: [{ Sns: { Message: "v2" } }] }) });
  req.on("build", () => { req.httpRequest.headers["X-Amzn-Trace-Id"] = `Root=${root};Parent=0123456789abcdef;Sampled=1`; });
  const out = await req.promise();
  assert.equal(out.StatusCode, 200);
  const docs = await eventually(async () => {
    const t = await xray.batchGetTraces({ TraceIds: [root] }).promise();
    return t.Traces[0]?.Segments.map((s) => JSON.parse(s.Document));
  });
  const service = docs.find((d) => d.origin === "AWS::Lambda");
  assert.equal(service.parent_id, "0123456789abcdef", "the invocation hangs off the caller's subsegment");
});
