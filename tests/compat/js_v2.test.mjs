// AWS SDK for JavaScript v2 (maintenance mode, still everywhere) against localray: every operation
// the compatibility brief lists, results asserted. v2 checks MD5s of SQS messages itself, so a
// wrong digest fails these calls as well as the explicit assertions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startLocalray, eventually } from "./lib/localray.mjs";
import { md5, md5OfAttributes } from "./lib/md5.mjs";

const require = createRequire(import.meta.url);
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";
const AWS = require("aws-sdk");

const ACCOUNT = "000000000000";
const SNS_SUBSCRIBE_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:sns_subscribe`;

let lr;
let cfg;
before(async () => {
  lr = await startLocalray(["--seed", "6"]);
  cfg = { endpoint: lr.endpoint, region: "us-east-1", accessKeyId: "test", secretAccessKey: "test" };
});
after(async () => lr?.stop());

const traceRoot = (fill) => `1-${Math.floor(Date.now() / 1000).toString(16)}-${fill.repeat(24 / fill.length)}`;
// A v2 request carrying an X-Amzn-Trace-Id header, as a traced caller would send it.
function traced(req, root, parent = "0123456789abcdef") {
  req.on("build", () => { req.httpRequest.headers["X-Amzn-Trace-Id"] = `Root=${root};Parent=${parent};Sampled=1`; });
  return req.promise();
}
const queueArn = async (sqs, QueueUrl) =>
  (await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["QueueArn"] }).promise()).Attributes.QueueArn;
// An empty receive: localray answers {} as AWS does, and v2 (awsQueryCompatible) fills in Messages: [].
const assertEmpty = (res) => assert.deepEqual(res.Messages, []);
const counters = async (sqs, QueueUrl) => {
  const a = (await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["All"] }).promise()).Attributes;
  return [a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible];
};

test("SQS: queue lifecycle with attributes, messages with MD5s and AWSTraceHeader, batches, visibility, long poll, purge, typed error", async () => {
  const sqs = new AWS.SQS(cfg);
  const { QueueUrl: dlqUrl } = await sqs.createQueue({ QueueName: "v2-dlq" }).promise();
  const dlqArn = await queueArn(sqs, dlqUrl);
  assert.equal(dlqArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:v2-dlq`);
  const { QueueUrl } = await sqs.createQueue({
    QueueName: "v2-orders",
    Attributes: { VisibilityTimeout: "5", DelaySeconds: "0", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: "3" }) },
  }).promise();
  assert.match(QueueUrl, /\/000000000000\/v2-orders$/);
  assert.equal((await sqs.getQueueUrl({ QueueName: "v2-orders" }).promise()).QueueUrl, QueueUrl);
  const listed = await sqs.listQueues({ QueueNamePrefix: "v2-" }).promise();
  assert.deepEqual(listed.QueueUrls.map((u) => u.split("/").pop()).sort(), ["v2-dlq", "v2-orders"]);
  const created = (await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["All"] }).promise()).Attributes;
  assert.equal(created.VisibilityTimeout, "5");
  assert.equal(created.DelaySeconds, "0");
  const redrive = JSON.parse(created.RedrivePolicy);
  assert.equal(redrive.deadLetterTargetArn, dlqArn);
  assert.equal(String(redrive.maxReceiveCount), "3");

  const traceHeader = `Root=${traceRoot("ef")};Parent=53995c3f42cd8ad8;Sampled=1`;
  const attrs = { status: { DataType: "String", StringValue: "ok" }, n: { DataType: "Number", StringValue: "42" } };
  const sysAttrs = { AWSTraceHeader: { DataType: "String", StringValue: traceHeader } };
  const body = 'hello "v2" <&> \u00e9';
  const sent = await sqs.sendMessage({ QueueUrl, MessageBody: body, MessageAttributes: attrs, MessageSystemAttributes: sysAttrs }).promise();
  assert.equal(sent.MD5OfMessageBody, md5(body));
  assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(attrs));
  assert.equal(sent.MD5OfMessageSystemAttributes, md5OfAttributes(sysAttrs));
  const batch = await sqs.sendMessageBatch({
    QueueUrl, Entries: [{ Id: "a", MessageBody: "one" }, { Id: "b", MessageBody: "two", DelaySeconds: 0, MessageAttributes: { k: { DataType: "String", StringValue: "v" } } }],
  }).promise();
  assert.deepEqual(batch.Successful.map((e) => e.Id).sort(), ["a", "b"]);
  assert.equal(batch.Successful.find((e) => e.Id === "a").MD5OfMessageBody, md5("one"));
  assert.equal(batch.Successful.find((e) => e.Id === "b").MD5OfMessageAttributes, md5OfAttributes({ k: { DataType: "String", StringValue: "v" } }));
  assert.equal(batch.Failed.length, 0);
  assert.deepEqual(await counters(sqs, QueueUrl), ["3", "0"]);

  const receiveAll = { QueueUrl, WaitTimeSeconds: 1, MessageAttributeNames: ["All"], AttributeNames: ["All"] };
  const firstTwo = await sqs.receiveMessage({ ...receiveAll, MaxNumberOfMessages: 2 }).promise();
  assert.equal(firstTwo.Messages.length, 2, "MaxNumberOfMessages caps the batch");
  const rest = await sqs.receiveMessage({ ...receiveAll, MaxNumberOfMessages: 10 }).promise();
  assert.equal(rest.Messages.length, 1);
  const got = { Messages: [...firstTwo.Messages, ...rest.Messages] };
  assert.deepEqual(got.Messages.map((m) => m.Body).sort(), ["hello \"v2\" <&> \u00e9", "one", "two"].sort());
  const hello = got.Messages.find((m) => m.Body === body);
  assert.equal(hello.MessageId, sent.MessageId);
  assert.equal(hello.MD5OfBody, md5(body));
  assert.equal(hello.MessageAttributes.status.StringValue, "ok");
  assert.equal(hello.MessageAttributes.n.DataType, "Number");
  assert.equal(hello.MessageAttributes.n.StringValue, "42");
  assert.equal(hello.Attributes.AWSTraceHeader, traceHeader);
  assert.equal(hello.Attributes.ApproximateReceiveCount, "1");
  assert.ok(Math.abs(Number(hello.Attributes.SentTimestamp) - Date.now()) < 60000, "SentTimestamp is epoch milliseconds");
  assert.deepEqual(await counters(sqs, QueueUrl), ["0", "3"]);
  // In flight for the queue's 5 s visibility timeout: nothing to receive now.
  assertEmpty(await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 0 }).promise());

  await sqs.changeMessageVisibility({ QueueUrl, ReceiptHandle: hello.ReceiptHandle, VisibilityTimeout: 0 }).promise();
  const again = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, AttributeNames: ["ApproximateReceiveCount"] }).promise();
  assert.equal(again.Messages[0].Body, body);
  assert.equal(again.Messages[0].Attributes.ApproximateReceiveCount, "2");
  await sqs.deleteMessage({ QueueUrl, ReceiptHandle: again.Messages[0].ReceiptHandle }).promise();
  const del = await sqs.deleteMessageBatch({
    QueueUrl, Entries: got.Messages.filter((m) => m.Body !== body).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
  }).promise();
  assert.deepEqual(del.Successful.map((e) => e.Id).sort(), ["d0", "d1"]);
  assert.deepEqual(await counters(sqs, QueueUrl), ["0", "0"]);

  // Long poll: a receive waiting on an empty queue returns as soon as a message arrives.
  const started = Date.now();
  const waiting = sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 10 }).promise();
  await new Promise((r) => setTimeout(r, 200));
  await sqs.sendMessage({ QueueUrl, MessageBody: "late" }).promise();
  assert.equal((await waiting).Messages[0].Body, "late");
  assert.ok(Date.now() - started < 5000, "the long poll returned on arrival, not at its timeout");

  // DelaySeconds set on the queue holds new messages back.
  await sqs.setQueueAttributes({ QueueUrl, Attributes: { DelaySeconds: "1", VisibilityTimeout: "7" } }).promise();
  const after = (await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["DelaySeconds", "VisibilityTimeout"] }).promise()).Attributes;
  assert.deepEqual(after, { DelaySeconds: "1", VisibilityTimeout: "7" });
  await sqs.sendMessage({ QueueUrl, MessageBody: "delayed" }).promise();
  assertEmpty(await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 0 }).promise());
  const delayedAttrs = (await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessagesDelayed"] }).promise()).Attributes;
  assert.equal(delayedAttrs.ApproximateNumberOfMessagesDelayed, "1");
  const delayed = await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 5 }).promise();
  assert.equal(delayed.Messages[0].Body, "delayed");

  await sqs.setQueueAttributes({ QueueUrl, Attributes: { DelaySeconds: "0" } }).promise();
  await sqs.sendMessageBatch({ QueueUrl, Entries: [{ Id: "x", MessageBody: "x" }, { Id: "y", MessageBody: "y" }] }).promise();
  assert.equal((await counters(sqs, QueueUrl))[0], "2");
  await sqs.purgeQueue({ QueueUrl }).promise();
  assert.deepEqual(await counters(sqs, QueueUrl), ["0", "0"]);
  assertEmpty(await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 0 }).promise());

  await sqs.deleteQueue({ QueueUrl }).promise();
  assert.deepEqual((await sqs.listQueues({ QueueNamePrefix: "v2-" }).promise()).QueueUrls.map((u) => u.split("/").pop()), ["v2-dlq"]);
  await assert.rejects(sqs.getQueueUrl({ QueueName: "v2-orders" }).promise(),
    (e) => e.code === "AWS.SimpleQueueService.NonExistentQueue" || e.code === "QueueDoesNotExist");
});

test("SQS: the redrive policy moves a message to the dead-letter queue after maxReceiveCount receives", async () => {
  const sqs = new AWS.SQS(cfg);
  const { QueueUrl: dlqUrl } = await sqs.createQueue({ QueueName: "v2-redrive-dlq" }).promise();
  const { QueueUrl } = await sqs.createQueue({
    QueueName: "v2-redrive",
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlqUrl), maxReceiveCount: 1 }) },
  }).promise();
  await sqs.sendMessage({ QueueUrl, MessageBody: "poison" }).promise();
  const first = await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 1, VisibilityTimeout: 0 }).promise();
  assert.equal(first.Messages[0].Body, "poison");
  // The next receive would be the second: the message goes to the dead-letter queue instead.
  assertEmpty(await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 }).promise());
  const moved = (await sqs.receiveMessage({ QueueUrl: dlqUrl, WaitTimeSeconds: 2, AttributeNames: ["All"] }).promise()).Messages?.[0];
  assert.equal(moved?.Body, "poison");
  assert.equal(moved.MessageId, first.Messages[0].MessageId);
  assert.deepEqual(await counters(sqs, QueueUrl), ["0", "0"]);
});

test("SNS: topics, SQS (envelope and raw) and Lambda subscriptions, publish with attributes, batch, unsubscribe, delete, typed error", async () => {
  const sns = new AWS.SNS(cfg);
  const sqs = new AWS.SQS(cfg);
  const xray = new AWS.XRay(cfg);
  const { TopicArn } = await sns.createTopic({ Name: "v2-events" }).promise();
  assert.equal(TopicArn, `arn:aws:sns:us-east-1:${ACCOUNT}:v2-events`);
  assert.ok((await sns.listTopics({}).promise()).Topics.some((t) => t.TopicArn === TopicArn));
  assert.equal((await sns.getTopicAttributes({ TopicArn }).promise()).Attributes.TopicArn, TopicArn);

  const { QueueUrl } = await sqs.createQueue({ QueueName: "v2-events-sink" }).promise();
  const { QueueUrl: rawUrl } = await sqs.createQueue({ QueueName: "v2-events-raw" }).promise();
  const { SubscriptionArn } = await sns.subscribe({ TopicArn, Protocol: "sqs", Endpoint: await queueArn(sqs, QueueUrl) }).promise();
  assert.ok(SubscriptionArn.startsWith(`${TopicArn}:`), SubscriptionArn);
  const raw = await sns.subscribe({
    TopicArn, Protocol: "sqs", Endpoint: await queueArn(sqs, rawUrl), Attributes: { RawMessageDelivery: "true" }, ReturnSubscriptionArn: true,
  }).promise();
  assert.equal((await sns.getSubscriptionAttributes({ SubscriptionArn: raw.SubscriptionArn }).promise()).Attributes.RawMessageDelivery, "true");
  const fn = await sns.subscribe({ TopicArn, Protocol: "lambda", Endpoint: SNS_SUBSCRIBE_ARN }).promise();
  assert.ok(fn.SubscriptionArn.startsWith(`${TopicArn}:`), fn.SubscriptionArn);

  const byTopic = (await sns.listSubscriptionsByTopic({ TopicArn }).promise()).Subscriptions;
  assert.deepEqual(byTopic.map((s) => s.Protocol).sort(), ["lambda", "sqs", "sqs"]);
  assert.ok(byTopic.some((s) => s.Protocol === "lambda" && s.Endpoint === SNS_SUBSCRIBE_ARN));
  assert.ok((await sns.listSubscriptions({}).promise()).Subscriptions.some((s) => s.SubscriptionArn === SubscriptionArn && s.TopicArn === TopicArn));
  assert.equal((await sns.getTopicAttributes({ TopicArn }).promise()).Attributes.SubscriptionsConfirmed, "3");

  const root = traceRoot("a1");
  const { MessageId } = await traced(sns.publish({
    TopicArn, Message: "order-1", Subject: "new",
    MessageAttributes: { kind: { DataType: "String", StringValue: "order" }, qty: { DataType: "Number", StringValue: "3" } },
  }), root);
  const envelope = await eventually(async () => (await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 }).promise()).Messages?.[0]);
  const note = JSON.parse(envelope.Body);
  assert.equal(note.Type, "Notification");
  assert.equal(note.MessageId, MessageId);
  assert.equal(note.TopicArn, TopicArn);
  assert.equal(note.Message, "order-1");
  assert.equal(note.Subject, "new");
  assert.deepEqual(note.MessageAttributes.kind, { Type: "String", Value: "order" });
  assert.deepEqual(note.MessageAttributes.qty, { Type: "Number", Value: "3" });
  const rawMsg = await eventually(async () => (await sqs.receiveMessage({ QueueUrl: rawUrl, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }).promise()).Messages?.[0]);
  assert.equal(rawMsg.Body, "order-1");
  assert.equal(rawMsg.MessageAttributes.kind.StringValue, "order");
  assert.equal(rawMsg.MessageAttributes.qty.StringValue, "3");
  await sqs.deleteMessage({ QueueUrl: rawUrl, ReceiptHandle: rawMsg.ReceiptHandle }).promise();
  // The Lambda subscriber ran in the publisher's trace.
  const fnDoc = await eventually(async () => {
    const t = await xray.batchGetTraces({ TraceIds: [root] }).promise();
    return t.Traces[0]?.Segments.map((s) => JSON.parse(s.Document)).find((d) => d.name === "sns_subscribe" && d.origin === "AWS::Lambda::Function");
  });
  assert.ok(fnDoc, "sns_subscribe ran for the publish");

  const batch = await sns.publishBatch({
    TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "a" }, { Id: "2", Message: "b", MessageAttributes: { kind: { DataType: "String", StringValue: "b" } } }],
  }).promise();
  assert.deepEqual(batch.Successful.map((e) => e.Id).sort(), ["1", "2"]);
  assert.equal(batch.Failed.length, 0);
  const bodies = [];
  await eventually(async () => {
    for (const m of (await sqs.receiveMessage({ QueueUrl: rawUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }).promise()).Messages ?? []) {
      bodies.push(m.Body);
      await sqs.deleteMessage({ QueueUrl: rawUrl, ReceiptHandle: m.ReceiptHandle }).promise();
    }
    return bodies.length >= 2;
  });
  assert.deepEqual(bodies.sort(), ["a", "b"]);

  await sns.unsubscribe({ SubscriptionArn }).promise();
  assert.equal((await sns.listSubscriptionsByTopic({ TopicArn }).promise()).Subscriptions.length, 2);
  await sns.deleteTopic({ TopicArn }).promise();
  assert.ok(!(await sns.listTopics({}).promise()).Topics.some((t) => t.TopicArn === TopicArn));
  await assert.rejects(sns.publish({ TopicArn, Message: "x" }).promise(), (e) => e.code === "NotFound");
  await assert.rejects(sns.getTopicAttributes({ TopicArn }).promise(), (e) => e.code === "NotFound");
});

test("DynamoDB: table with a GSI, items, update expressions, queries on table and index, paging, parallel scan, batches, consumed capacity, typed errors", async () => {
  const ddb = new AWS.DynamoDB(cfg);
  const T = "v2-orders";
  const created = await ddb.createTable({
    TableName: T,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "status", AttributeType: "S" }, { AttributeName: "created", AttributeType: "N" }],
    GlobalSecondaryIndexes: [{
      IndexName: "by-status",
      KeySchema: [{ AttributeName: "status", KeyType: "HASH" }, { AttributeName: "created", KeyType: "RANGE" }],
      Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["v"] },
    }],
    BillingMode: "PAY_PER_REQUEST",
  }).promise();
  assert.equal(created.TableDescription.TableName, T);
  assert.equal(created.TableDescription.TableStatus, "CREATING");
  assert.equal(created.TableDescription.BillingModeSummary.BillingMode, "PAY_PER_REQUEST");
  // The SDK's own waiter, polled more often than its 20 s default.
  const ready = await ddb.waitFor("tableExists", { TableName: T, $waiter: { delay: 0.05, maxAttempts: 200 } }).promise();
  assert.equal(ready.Table.TableStatus, "ACTIVE");
  const desc = (await ddb.describeTable({ TableName: T }).promise()).Table;
  assert.equal(desc.TableStatus, "ACTIVE");
  assert.equal(desc.TableArn, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${T}`);
  assert.deepEqual(desc.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }]);
  const gsi = desc.GlobalSecondaryIndexes.find((i) => i.IndexName === "by-status");
  assert.deepEqual(gsi.Projection, { ProjectionType: "INCLUDE", NonKeyAttributes: ["v"] });
  assert.deepEqual(gsi.KeySchema.map((k) => k.AttributeName), ["status", "created"]);
  const tables = (await ddb.listTables({}).promise()).TableNames;
  assert.ok(tables.includes(T) && tables.includes("hits"), tables.join());

  for (let i = 0; i < 5; i++) {
    const put = await ddb.putItem({
      TableName: T, ReturnConsumedCapacity: "TOTAL",
      Item: { pk: { S: "a" }, sk: { S: `item#${i}` }, v: { S: `v${i}` }, status: { S: i % 2 ? "odd" : "even" }, created: { N: String(100 + i) }, secret: { S: "x" } },
    }).promise();
    assert.deepEqual(put.ConsumedCapacity, { TableName: T, CapacityUnits: 1 });
  }
  await ddb.putItem({ TableName: T, Item: { pk: { S: "a" }, sk: { S: "other#0" }, v: { S: "o" } } }).promise();

  const got = await ddb.getItem({ TableName: T, Key: { pk: { S: "a" }, sk: { S: "item#3" } }, ReturnConsumedCapacity: "TOTAL", ConsistentRead: true }).promise();
  assert.equal(got.Item.v.S, "v3");
  assert.equal(got.ConsumedCapacity.TableName, T);
  assert.equal(got.ConsumedCapacity.CapacityUnits, 1);
  assert.equal((await ddb.getItem({ TableName: T, Key: { pk: { S: "a" }, sk: { S: "item#3" } }, ReturnConsumedCapacity: "TOTAL" }).promise()).ConsumedCapacity.CapacityUnits, 0.5);

  const key3 = { pk: { S: "a" }, sk: { S: "item#3" } };
  await ddb.updateItem({ TableName: T, Key: key3, UpdateExpression: "SET tags = :t", ExpressionAttributeValues: { ":t": { SS: ["red", "blue", "green"] } } }).promise();
  const upd = await ddb.updateItem({
    TableName: T, Key: key3,
    UpdateExpression: "SET #v = :v, #c = #c + :one REMOVE secret ADD hits :one DELETE tags :gone",
    ConditionExpression: "attribute_exists(pk) AND #v = :old",
    ExpressionAttributeNames: { "#v": "v", "#c": "created" },
    ExpressionAttributeValues: { ":v": { S: "new" }, ":one": { N: "1" }, ":gone": { SS: ["red"] }, ":old": { S: "v3" } },
    ReturnValues: "ALL_NEW", ReturnConsumedCapacity: "TOTAL",
  }).promise();
  assert.equal(upd.Attributes.v.S, "new");
  assert.equal(upd.Attributes.created.N, "104");
  assert.equal(upd.Attributes.hits.N, "1");
  assert.equal(upd.Attributes.secret, undefined);
  assert.deepEqual(upd.Attributes.tags.SS.sort(), ["blue", "green"]);
  assert.equal(upd.ConsumedCapacity.CapacityUnits, 1);
  const old = await ddb.updateItem({
    TableName: T, Key: key3, UpdateExpression: "ADD hits :one", ExpressionAttributeValues: { ":one": { N: "1" } }, ReturnValues: "UPDATED_OLD",
  }).promise();
  assert.deepEqual(old.Attributes, { hits: { N: "1" } });
  await assert.rejects(ddb.updateItem({
    TableName: T, Key: key3, UpdateExpression: "SET v = :v", ConditionExpression: "v = :old",
    ExpressionAttributeValues: { ":v": { S: "x" }, ":old": { S: "v3" } },
  }).promise(), (e) => e.code === "ConditionalCheckFailedException");
  await assert.rejects(ddb.putItem({
    TableName: T, Item: { pk: { S: "a" }, sk: { S: "item#3" } }, ConditionExpression: "attribute_not_exists(pk)",
  }).promise(), (e) => e.code === "ConditionalCheckFailedException");

  const prefix = await ddb.query({
    TableName: T, KeyConditionExpression: "pk = :p AND begins_with(sk, :pre)",
    ExpressionAttributeValues: { ":p": { S: "a" }, ":pre": { S: "item#" } }, ReturnConsumedCapacity: "TOTAL",
  }).promise();
  assert.deepEqual(prefix.Items.map((i) => i.sk.S), ["item#0", "item#1", "item#2", "item#3", "item#4"]);
  assert.equal(prefix.Count, 5);
  assert.deepEqual(prefix.ConsumedCapacity, { TableName: T, CapacityUnits: 0.5 }, "five small items: one 4 KB read, eventually consistent");
  const between = { TableName: T, KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b",
    ExpressionAttributeValues: { ":p": { S: "a" }, ":a": { S: "item#1" }, ":b": { S: "item#4" } }, Limit: 2, ScanIndexForward: false };
  const page1 = await ddb.query(between).promise();
  assert.deepEqual(page1.Items.map((i) => i.sk.S), ["item#4", "item#3"]);
  assert.deepEqual(page1.LastEvaluatedKey, { pk: { S: "a" }, sk: { S: "item#3" } });
  const page2 = await ddb.query({ ...between, ExclusiveStartKey: page1.LastEvaluatedKey }).promise();
  assert.deepEqual(page2.Items.map((i) => i.sk.S), ["item#2", "item#1"]);

  const byStatus = await ddb.query({
    TableName: T, IndexName: "by-status", KeyConditionExpression: "#s = :s AND created BETWEEN :lo AND :hi",
    ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":s": { S: "even" }, ":lo": { N: "100" }, ":hi": { N: "103" } },
  }).promise();
  assert.deepEqual(byStatus.Items.map((i) => i.sk.S), ["item#0", "item#2"]);
  assert.deepEqual(Object.keys(byStatus.Items[0]).sort(), ["created", "pk", "sk", "status", "v"], "INCLUDE projects keys and v only");
  const idx1 = await ddb.query({
    TableName: T, IndexName: "by-status", KeyConditionExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ":s": { S: "odd" } }, Limit: 1, ScanIndexForward: false,
  }).promise();
  assert.deepEqual(idx1.Items.map((i) => i.sk.S), ["item#3"]);
  const idx2 = await ddb.query({
    TableName: T, IndexName: "by-status", KeyConditionExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ":s": { S: "odd" } }, Limit: 1, ScanIndexForward: false, ExclusiveStartKey: idx1.LastEvaluatedKey,
  }).promise();
  assert.deepEqual(idx2.Items.map((i) => i.sk.S), ["item#1"]);

  const filtered = await ddb.scan({
    TableName: T, FilterExpression: "begins_with(v, :p)", ProjectionExpression: "sk, #v", ExpressionAttributeNames: { "#v": "v" },
    ExpressionAttributeValues: { ":p": { S: "v" } }, ReturnConsumedCapacity: "TOTAL",
  }).promise();
  assert.equal(filtered.Count, 4);
  assert.equal(filtered.ScannedCount, 6);
  assert.ok(filtered.Items.every((i) => Object.keys(i).sort().join() === "sk,v"));
  assert.deepEqual(filtered.ConsumedCapacity, { TableName: T, CapacityUnits: 0.5 });
  const segments = await Promise.all([0, 1].map((Segment) => ddb.scan({ TableName: T, Segment, TotalSegments: 2 }).promise()));
  const union = segments.flatMap((s) => s.Items.map((i) => i.sk.S)).sort();
  assert.deepEqual(union, ["item#0", "item#1", "item#2", "item#3", "item#4", "other#0"], "the segments partition the table");

  const bw = await ddb.batchWriteItem({ RequestItems: { [T]: [
    { PutRequest: { Item: { pk: { S: "b" }, sk: { S: "1" }, v: { S: "b1" } } } },
    { DeleteRequest: { Key: { pk: { S: "a" }, sk: { S: "item#0" } } } }] }, ReturnConsumedCapacity: "TOTAL" }).promise();
  assert.deepEqual(bw.UnprocessedItems, {});
  assert.equal(bw.ConsumedCapacity[0].TableName, T);
  assert.equal(bw.ConsumedCapacity[0].CapacityUnits, 2);
  const bg = await ddb.batchGetItem({ RequestItems: { [T]: { Keys: [
    { pk: { S: "b" }, sk: { S: "1" } }, { pk: { S: "a" }, sk: { S: "item#0" } }, { pk: { S: "a" }, sk: { S: "item#1" } }] } },
  ReturnConsumedCapacity: "TOTAL" }).promise();
  assert.deepEqual(bg.Responses[T].map((i) => i.v.S).sort(), ["b1", "v1"]);
  assert.deepEqual(bg.UnprocessedKeys, {});
  assert.deepEqual(bg.ConsumedCapacity, [{ TableName: T, CapacityUnits: 1.5 }], "each of the three keys is a 0.5-unit read");

  const gone = await ddb.deleteItem({ TableName: T, Key: { pk: { S: "b" }, sk: { S: "1" } }, ReturnValues: "ALL_OLD" }).promise();
  assert.equal(gone.Attributes.v.S, "b1");
  assert.equal((await ddb.getItem({ TableName: T, Key: { pk: { S: "b" }, sk: { S: "1" } } }).promise()).Item, undefined);
  const deleted = await ddb.deleteTable({ TableName: T }).promise();
  assert.equal(deleted.TableDescription.TableName, T);
  assert.equal(deleted.TableDescription.TableStatus, "DELETING");
  await ddb.waitFor("tableNotExists", { TableName: T, $waiter: { delay: 0.05, maxAttempts: 200 } }).promise();
  assert.ok(!(await ddb.listTables({}).promise()).TableNames.includes(T));
  await assert.rejects(ddb.describeTable({ TableName: T }).promise(), (e) => e.code === "ResourceNotFoundException");
});

test("DynamoDB: DocumentClient put/get/update and a typed error", async () => {
  const doc = new AWS.DynamoDB.DocumentClient(cfg);
  await doc.put({ TableName: "hits", Item: { path: "/v2", hits: 41 } }).promise();
  const upd = await doc.update({ TableName: "hits", Key: { path: "/v2" }, UpdateExpression: "ADD hits :one",
                                 ExpressionAttributeValues: { ":one": 1 }, ReturnValues: "UPDATED_NEW" }).promise();
  assert.equal(upd.Attributes.hits, 42);
  assert.equal((await doc.get({ TableName: "hits", Key: { path: "/v2" } }).promise()).Item.hits, 42);
  await assert.rejects(doc.get({ TableName: "nope", Key: { path: "/" } }).promise(), (e) => e.code === "ResourceNotFoundException");

  await doc.transactWrite({ TransactItems: [
    { Put: { TableName: "hits", Item: { path: "/v2-tx", hits: 7 } } },
    { Update: { TableName: "hits", Key: { path: "/v2" }, UpdateExpression: "ADD hits :one", ExpressionAttributeValues: { ":one": 1 } } },
  ] }).promise();
  await assert.rejects(doc.transactWrite({ TransactItems: [
    { Delete: { TableName: "hits", Key: { path: "/v2-tx" } } },
    { ConditionCheck: { TableName: "hits", Key: { path: "/v2" }, ConditionExpression: "hits = :h", ExpressionAttributeValues: { ":h": 0 } } },
  ] }).promise(), (e) => e.code === "TransactionCanceledException" && /\[None, ConditionalCheckFailed\]$/.test(e.message));
  const got = await doc.transactGet({ TransactItems: [
    { Get: { TableName: "hits", Key: { path: "/v2-tx" } } }, { Get: { TableName: "hits", Key: { path: "/v2" } } }] }).promise();
  assert.deepEqual(got.Responses.map((r) => r.Item.hits), [7, 43]);

  // The legacy parameters, which the DocumentClient translates like the expression ones.
  await doc.put({ TableName: "hits", Item: { path: "/v2-legacy", hits: 1 }, Expected: { path: { Exists: false } } }).promise();
  await assert.rejects(doc.put({ TableName: "hits", Item: { path: "/v2-legacy" }, Expected: { path: { Exists: false } } }).promise(),
                       (e) => e.code === "ConditionalCheckFailedException");
  const legacy = await doc.update({ TableName: "hits", Key: { path: "/v2-legacy" }, ReturnValues: "ALL_NEW",
                                    AttributeUpdates: { hits: { Action: "ADD", Value: 2 }, seen: { Action: "ADD", Value: ["a"] } },
                                    Expected: { hits: { ComparisonOperator: "LT", AttributeValueList: [5] } } }).promise();
  assert.deepEqual(legacy.Attributes, { path: "/v2-legacy", hits: 3, seen: ["a"] });
  const scanned = await doc.scan({ TableName: "hits", ScanFilter: { path: { ComparisonOperator: "BEGINS_WITH", AttributeValueList: ["/v2-l"] } } }).promise();
  assert.deepEqual(scanned.Items.map((i) => i.path), ["/v2-legacy"]);

  // PartiQL through the low-level client.
  const ddbLow = new AWS.DynamoDB(cfg);
  await ddbLow.executeStatement({ Statement: `INSERT INTO "hits" VALUE {'path': ?, 'hits': 5}`, Parameters: [{ S: "/v2-partiql" }] }).promise();
  const updated = await ddbLow.executeStatement({ Statement: `UPDATE "hits" SET hits = hits + 1 WHERE path = '/v2-partiql' RETURNING MODIFIED NEW *` }).promise();
  assert.deepEqual(updated.Items, [{ hits: { N: "6" } }]);
  await assert.rejects(ddbLow.executeStatement({ Statement: `INSERT INTO "hits" VALUE {'path': '/v2-partiql'}` }).promise(),
                       (e) => e.code === "DuplicateItemException");
});

test("Lambda: list, get, invoke in every mode, a function error, event source mappings, typed error", async () => {
  const lambda = new AWS.Lambda(cfg);
  const sqs = new AWS.SQS(cfg);
  const names = (await lambda.listFunctions({}).promise()).Functions.map((f) => f.FunctionName).sort();
  assert.deepEqual(names, ["dynamo", "http", "sns_publish", "sns_subscribe", "sqs", "sqs_subscribe"]);
  const fn = await lambda.getFunction({ FunctionName: "sns_subscribe" }).promise();
  assert.equal(fn.Configuration.FunctionArn, SNS_SUBSCRIBE_ARN);
  assert.equal(fn.Configuration.FunctionName, "sns_subscribe");

  const event = { Records: [{ Sns: { Message: "from v2" } }] };
  const out = await lambda.invoke({ FunctionName: "sns_subscribe", Payload: JSON.stringify(event), LogType: "Tail" }).promise();
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, undefined);
  assert.match(Buffer.from(out.LogResult, "base64").toString(), /received message: from v2/);
  const bad = await lambda.invoke({ FunctionName: "sns_subscribe", Payload: "{}" }).promise();
  assert.equal(bad.StatusCode, 200);
  assert.equal(bad.FunctionError, "Unhandled");
  assert.equal(JSON.parse(Buffer.from(bad.Payload).toString()).errorMessage, "event has no SNS message");
  assert.equal((await lambda.invoke({ FunctionName: "sns_subscribe", InvocationType: "Event", Payload: JSON.stringify(event) }).promise()).StatusCode, 202);
  assert.equal((await lambda.invoke({ FunctionName: "sns_subscribe", InvocationType: "DryRun" }).promise()).StatusCode, 204);
  await assert.rejects(lambda.invoke({ FunctionName: "nope" }).promise(), (e) => e.code === "ResourceNotFoundException");

  const before = (await lambda.listEventSourceMappings({ FunctionName: "sqs_subscribe" }).promise()).EventSourceMappings;
  assert.equal(before.length, 1);
  const { QueueUrl } = await sqs.createQueue({ QueueName: "v2-lambda-source" }).promise();
  const arn = await queueArn(sqs, QueueUrl);
  const created = await lambda.createEventSourceMapping({ FunctionName: "sqs_subscribe", EventSourceArn: arn, BatchSize: 5 }).promise();
  assert.equal(created.BatchSize, 5);
  assert.equal(created.EventSourceArn, arn);
  assert.match(created.FunctionArn, /:function:sqs_subscribe$/);
  const listed = (await lambda.listEventSourceMappings({ FunctionName: "sqs_subscribe" }).promise()).EventSourceMappings;
  assert.equal(listed.length, 2);
  assert.ok(listed.some((m) => m.UUID === created.UUID && m.EventSourceArn === arn));
  assert.deepEqual((await lambda.listEventSourceMappings({ EventSourceArn: arn }).promise()).EventSourceMappings.map((m) => m.UUID), [created.UUID]);
  await sqs.sendMessage({ QueueUrl, MessageBody: "consumed by the mapping" }).promise();
  const drained = await eventually(async () => (await counters(sqs, QueueUrl)).join() === "0,0");
  assert.ok(drained, "the mapping consumed and deleted the message");
});

test("Lambda and X-Ray: invoke joins the caller's trace", async () => {
  const lambda = new AWS.Lambda(cfg);
  const xray = new AWS.XRay(cfg);
  const root = traceRoot("cd");
  const out = await traced(lambda.invoke({ FunctionName: "sns_subscribe", Payload: JSON.stringify({ Records: [{ Sns: { Message: "v2" } }] }) }), root);
  assert.equal(out.StatusCode, 200);
  const docs = await eventually(async () => {
    const t = await xray.batchGetTraces({ TraceIds: [root] }).promise();
    return t.Traces[0]?.Segments.map((s) => JSON.parse(s.Document));
  });
  const service = docs.find((d) => d.origin === "AWS::Lambda");
  assert.equal(service.parent_id, "0123456789abcdef", "the invocation hangs off the caller's subsegment");
});

test("X-Ray: put segments, filtered summaries, batch get, service and trace graphs, typed error", async () => {
  const xray = new AWS.XRay(cfg);
  const now = Math.floor(Date.now() / 1000);
  const okId = `1-${now.toString(16)}-${"12".repeat(12)}`;
  const faultId = `1-${now.toString(16)}-${"34".repeat(12)}`;
  const doc = (traceId, id, status, extra = {}) => ({
    name: "v2-service", id, trace_id: traceId, start_time: now, end_time: now + 0.25,
    http: { request: { method: "GET", url: `http://example/${status}` }, response: { status } }, ...extra });
  const put = await xray.putTraceSegments({ TraceSegmentDocuments: [
    JSON.stringify(doc(okId, "0123456789abcdef", 200, { annotations: { tier: "gold" } })),
    JSON.stringify(doc(faultId, "fedcba9876543210", 500, { fault: true })),
    "{not json"] }).promise();
  assert.equal(put.UnprocessedTraceSegments.length, 1);
  const window = { StartTime: new Date((now - 60) * 1000), EndTime: new Date((now + 60) * 1000) };
  const all = await eventually(async () => {
    const s = (await xray.getTraceSummaries(window).promise()).TraceSummaries;
    return s.some((t) => t.Id === okId) && s.some((t) => t.Id === faultId) && s;
  });
  assert.ok(all, "both traces are summarized");
  const faults = (await xray.getTraceSummaries({ ...window, FilterExpression: 'service("v2-service") { fault }' }).promise()).TraceSummaries;
  assert.deepEqual(faults.map((t) => t.Id), [faultId]);
  assert.equal(faults[0].HasFault, true);
  assert.equal(faults[0].Http.HttpStatus, 500);
  const gold = (await xray.getTraceSummaries({ ...window, FilterExpression: 'annotation.tier = "gold"' }).promise()).TraceSummaries;
  assert.deepEqual(gold.map((t) => t.Id), [okId]);

  const traces = await xray.batchGetTraces({ TraceIds: [okId, faultId] }).promise();
  assert.deepEqual(traces.Traces.map((t) => t.Id).sort(), [okId, faultId].sort());
  const okDoc = JSON.parse(traces.Traces.find((t) => t.Id === okId).Segments[0].Document);
  assert.equal(okDoc.name, "v2-service");
  assert.equal(okDoc.annotations.tier, "gold");
  const graph = await xray.getServiceGraph(window).promise();
  const svc = graph.Services.find((s) => s.Name === "v2-service" && s.Type === "client");
  assert.ok(svc, JSON.stringify(graph.Services.map((s) => [s.Name, s.Type])));
  const tg = await xray.getTraceGraph({ TraceIds: [faultId] }).promise();
  assert.deepEqual(tg.Services.map((s) => s.Name).sort(), ["v2-service", "v2-service"]);
  await assert.rejects(xray.getTraceSummaries({ StartTime: new Date(now * 1000), EndTime: new Date((now - 10) * 1000) }).promise(),
    (e) => e.code === "InvalidRequestException");
});

test("X-Ray: groups and sampling", async () => {
  const xray = new AWS.XRay(cfg);
  const created = await xray.createGroup({ GroupName: "v2-errors", FilterExpression: "fault" }).promise();
  assert.match(created.Group.GroupARN, /^arn:aws:xray:us-east-1:000000000000:group\/v2-errors\//);
  assert.equal(created.Group.FilterExpression, "fault");
  assert.equal((await xray.getGroup({ GroupARN: created.Group.GroupARN }).promise()).Group.GroupName, "v2-errors");
  const updated = await xray.updateGroup({ GroupName: "v2-errors", FilterExpression: "error OR fault" }).promise();
  assert.equal(updated.Group.FilterExpression, "error OR fault");
  assert.equal((await xray.getGroup({ GroupName: "v2-errors" }).promise()).Group.FilterExpression, "error OR fault");
  assert.deepEqual((await xray.getGroups({}).promise()).Groups.map((g) => g.GroupName).sort(), ["Default", "v2-errors"]);
  await assert.rejects(xray.createGroup({ GroupName: "v2-errors" }).promise(), (e) => e.code === "InvalidRequestException");
  await xray.deleteGroup({ GroupName: "v2-errors" }).promise();
  await assert.rejects(xray.getGroup({ GroupName: "v2-errors" }).promise(), (e) => e.code === "InvalidRequestException");
  assert.deepEqual((await xray.getGroups({}).promise()).Groups.map((g) => g.GroupName), ["Default"]);

  const rules = (await xray.getSamplingRules({}).promise()).SamplingRuleRecords;
  const def = rules.at(-1).SamplingRule;
  assert.equal(def.RuleName, "Default");
  assert.equal(def.FixedRate, 1);
  await xray.createSamplingRule({ SamplingRule: {
    RuleName: "v2-api", ResourceARN: "*", Priority: 1, FixedRate: 0.25, ReservoirSize: 3, ServiceName: "*", ServiceType: "*",
    Host: "*", HTTPMethod: "*", URLPath: "/api/*", Version: 1 } }).promise();
  assert.deepEqual((await xray.getSamplingRules({}).promise()).SamplingRuleRecords.map((r) => r.SamplingRule.RuleName), ["v2-api", "Default"]);
  const targets = await xray.getSamplingTargets({ SamplingStatisticsDocuments: [
    { RuleName: "v2-api", ClientID: "0123456789abcdef01234567", Timestamp: new Date(), RequestCount: 5, SampledCount: 2 },
    { RuleName: "Default", ClientID: "0123456789abcdef01234567", Timestamp: new Date(), RequestCount: 1, SampledCount: 1 }] }).promise();
  const byRule = Object.fromEntries(targets.SamplingTargetDocuments.map((d) => [d.RuleName, d]));
  assert.equal(byRule["v2-api"].FixedRate, 0.25);
  assert.equal(byRule["v2-api"].ReservoirQuota, 3);
  assert.equal(byRule.Default.FixedRate, 1);
  assert.deepEqual(targets.UnprocessedStatistics, []);
  await xray.deleteSamplingRule({ RuleName: "v2-api" }).promise();
  assert.equal((await xray.getSamplingRules({}).promise()).SamplingRuleRecords.length, 1);
});
