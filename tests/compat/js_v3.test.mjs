// AWS SDK for JavaScript v3 against localray: every operation localray serves, results asserted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as sns from "@aws-sdk/client-sns";
import * as sqs from "@aws-sdk/client-sqs";
import * as ddb from "@aws-sdk/client-dynamodb";
import * as ddbDoc from "@aws-sdk/lib-dynamodb";
import * as ddbStreams from "@aws-sdk/client-dynamodb-streams";
import * as lambda from "@aws-sdk/client-lambda";
import * as xray from "@aws-sdk/client-xray";
import { startLocalray, v3Options, eventually } from "./lib/localray.mjs";

let lr;
let opts;
before(async () => {
  lr = await startLocalray(["--seed", "5"]);
  opts = v3Options(lr.endpoint);
});
after(async () => lr?.stop());

test("SQS (JSON protocol): queue lifecycle, messages with attributes and MD5s, batches, long poll, typed errors", async () => {
  const c = new sqs.SQSClient(opts);
  const { QueueUrl: dlqUrl } = await c.send(new sqs.CreateQueueCommand({ QueueName: "v3-dlq" }));
  const dlqArn = (await c.send(new sqs.GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  const { QueueUrl } = await c.send(new sqs.CreateQueueCommand({
    QueueName: "v3-orders",
    Attributes: { VisibilityTimeout: "5", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: "3" }) },
  }));
  assert.match(QueueUrl, /\/000000000000\/v3-orders$/);
  assert.equal((await c.send(new sqs.GetQueueUrlCommand({ QueueName: "v3-orders" }))).QueueUrl, QueueUrl);
  const listed = await c.send(new sqs.ListQueuesCommand({ QueueNamePrefix: "v3-" }));
  assert.deepEqual(listed.QueueUrls.map((u) => u.split("/").pop()).sort(), ["v3-dlq", "v3-orders"]);

  const sent = await c.send(new sqs.SendMessageCommand({
    QueueUrl, MessageBody: "hello", MessageAttributes: { status: { DataType: "String", StringValue: "ok" } },
  }));
  assert.equal(sent.MD5OfMessageBody, "5d41402abc4b2a76b9719d911017c592");
  assert.equal(sent.MD5OfMessageAttributes, "465059203729da81b6cb1c2fa939318a");
  const batch = await c.send(new sqs.SendMessageBatchCommand({
    QueueUrl, Entries: [{ Id: "a", MessageBody: "one" }, { Id: "b", MessageBody: "two", DelaySeconds: 0 }],
  }));
  assert.equal(batch.Successful.length, 2);

  const got = await c.send(new sqs.ReceiveMessageCommand({
    QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"], WaitTimeSeconds: 1,
  }));
  assert.equal(got.Messages.length, 3);
  const hello = got.Messages.find((m) => m.Body === "hello");
  assert.equal(hello.MessageAttributes.status.StringValue, "ok");
  assert.equal(hello.Attributes.ApproximateReceiveCount, "1");
  await c.send(new sqs.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: hello.ReceiptHandle, VisibilityTimeout: 0 }));
  const again = await c.send(new sqs.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
  assert.equal(again.Messages[0].Body, "hello");
  await c.send(new sqs.DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.Messages[0].ReceiptHandle }));
  const del = await c.send(new sqs.DeleteMessageBatchCommand({
    QueueUrl, Entries: got.Messages.filter((m) => m.Body !== "hello").map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
  }));
  assert.equal(del.Successful.length, 2);

  // Long poll: a receive waiting on an empty queue returns when a message arrives.
  const waiting = c.send(new sqs.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
  await new Promise((r) => setTimeout(r, 200));
  await c.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: "late" }));
  assert.equal((await waiting).Messages[0].Body, "late");

  await c.send(new sqs.SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: "2" } }));
  const attrs = (await c.send(new sqs.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }))).Attributes;
  assert.equal(attrs.DelaySeconds, "2");
  assert.equal(attrs.VisibilityTimeout, "5");
  await c.send(new sqs.PurgeQueueCommand({ QueueUrl }));
  await c.send(new sqs.DeleteQueueCommand({ QueueUrl }));
  await assert.rejects(c.send(new sqs.GetQueueUrlCommand({ QueueName: "v3-orders" })), (e) => e.name === "QueueDoesNotExist");
});


test("SQS FIFO, tags, permissions, a DLQ redriven by a message move task, an SNS FIFO topic", async () => {
  const c = new sqs.SQSClient(opts);
  const { QueueUrl } = await c.send(new sqs.CreateQueueCommand({
    QueueName: "v3-jobs.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" }, tags: { team: "jobs" },
  }));
  const first = await c.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: "a", MessageGroupId: "g" }));
  const dup = await c.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: "a", MessageGroupId: "g" }));
  assert.equal(dup.MessageId, first.MessageId);
  assert.equal(dup.SequenceNumber, first.SequenceNumber);
  await c.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: "b", MessageGroupId: "g" }));
  const got = await c.send(new sqs.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }));
  assert.deepEqual(got.Messages.map((m) => m.Body), ["a", "b"]);
  assert.equal(got.Messages[0].Attributes.MessageGroupId, "g");
  await assert.rejects(c.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: "x" })),
    (e) => e.name === "MissingParameter" || e.name === "MissingRequiredParameterException");

  assert.deepEqual((await c.send(new sqs.ListQueueTagsCommand({ QueueUrl }))).Tags, { team: "jobs" });
  await c.send(new sqs.TagQueueCommand({ QueueUrl, Tags: { stage: "dev" } }));
  await c.send(new sqs.UntagQueueCommand({ QueueUrl, TagKeys: ["team"] }));
  assert.deepEqual((await c.send(new sqs.ListQueueTagsCommand({ QueueUrl }))).Tags, { stage: "dev" });
  await c.send(new sqs.AddPermissionCommand({ QueueUrl, Label: "p", AWSAccountIds: ["111122223333"], Actions: ["SendMessage"] }));
  const policy = JSON.parse((await c.send(new sqs.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Policy"] }))).Attributes.Policy);
  assert.equal(policy.Statement[0].Action, "SQS:SendMessage");
  await c.send(new sqs.RemovePermissionCommand({ QueueUrl, Label: "p" }));

  const { QueueUrl: dlq } = await c.send(new sqs.CreateQueueCommand({ QueueName: "v3-mv-dlq" }));
  const dlqArn = (await c.send(new sqs.GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  const { QueueUrl: src } = await c.send(new sqs.CreateQueueCommand({
    QueueName: "v3-mv-src", Attributes: { VisibilityTimeout: "0", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
  }));
  assert.deepEqual((await c.send(new sqs.ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls, [src]);
  const srcArn = (await c.send(new sqs.GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  await c.send(new sqs.SendMessageBatchCommand({ QueueUrl: src, Entries: [0, 1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `poison-${i}` })) }));
  await c.send(new sqs.ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
  await c.send(new sqs.ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
  const dlqDepth = async () => (await c.send(new sqs.GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["ApproximateNumberOfMessages"] })))
    .Attributes.ApproximateNumberOfMessages;
  assert.ok(await eventually(async () => (await dlqDepth()) === "4"), "dead-lettered");

  const rejected = async (command, name, message, status) => assert.rejects(c.send(command), (e) => {
    assert.equal(e.name, name);
    assert.equal(e.message, message);
    if (status) assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
  await rejected(new sqs.StartMessageMoveTaskCommand({ SourceArn: srcArn }), "InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.");
  await rejected(new sqs.StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: `${dlqArn}-gone` }), "ResourceNotFoundException",
    "The resource that you specified for the DestinationArn parameter doesn't exist.", 404);
  // One a second: cancelled before it is through.
  const slow = await c.send(new sqs.StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
  await rejected(new sqs.StartMessageMoveTaskCommand({ SourceArn: dlqArn }), "InvalidParameterValue",
    "There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
  const running = (await c.send(new sqs.ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results[0];
  assert.equal(running.Status, "RUNNING");
  assert.equal(running.TaskHandle, slow.TaskHandle);
  assert.equal(running.ApproximateNumberOfMessagesToMove, 4);
  assert.equal(running.MaxNumberOfMessagesPerSecond, 1);
  assert.equal(JSON.parse(Buffer.from(slow.TaskHandle, "base64").toString()).sourceArn, dlqArn);
  const { ApproximateNumberOfMessagesMoved: movedSlowly } = await c.send(new sqs.CancelMessageMoveTaskCommand({ TaskHandle: slow.TaskHandle }));
  assert.ok(movedSlowly < 4, `${movedSlowly} moved at one a second`);
  assert.ok(await eventually(async () => (await c.send(new sqs.ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results[0].Status === "CANCELLED"));

  await c.send(new sqs.StartMessageMoveTaskCommand({ SourceArn: dlqArn }));  // back to where each came from
  assert.ok(await eventually(async () => (await c.send(new sqs.ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results[0].Status === "COMPLETED"),
    "the move task completed");
  const tasks = (await c.send(new sqs.ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }))).Results;
  assert.deepEqual(tasks.map((t) => t.Status), ["COMPLETED", "CANCELLED"]);
  assert.equal(tasks[0].TaskHandle, undefined);
  assert.equal(tasks[0].ApproximateNumberOfMessagesMoved + movedSlowly, 4);
  const back = await c.send(new sqs.ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  assert.deepEqual(back.Messages.map((m) => m.Body).sort(), ["poison-0", "poison-1", "poison-2", "poison-3"]);
  assert.equal(await dlqDepth(), "0");
  await rejected(new sqs.ListMessageMoveTasksCommand({ SourceArn: `${dlqArn}-gone` }), "ResourceNotFoundException",
    "The resource that you specified for the SourceArn parameter doesn't exist.", 404);

  // An SNS FIFO topic into a FIFO queue: the group and deduplication id travel with the message.
  const topics = new sns.SNSClient(opts);
  const { TopicArn } = await topics.send(new sns.CreateTopicCommand({ Name: "v3-events.fifo", Attributes: { FifoTopic: "true" } }));
  const { QueueUrl: fanned } = await c.send(new sqs.CreateQueueCommand({ QueueName: "v3-fanned.fifo", Attributes: { FifoQueue: "true" } }));
  const fannedArn = (await c.send(new sqs.GetQueueAttributesCommand({ QueueUrl: fanned, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  await topics.send(new sns.SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: fannedArn }));
  const published = await topics.send(new sns.PublishCommand({ TopicArn, Message: "hi", MessageGroupId: "g", MessageDeduplicationId: "d-1" }));
  assert.match(published.SequenceNumber, /^\d{20}$/);
  await assert.rejects(topics.send(new sns.PublishCommand({ TopicArn, Message: "hi", MessageGroupId: "g" })),
    (e) => e.name === "InvalidParameterException" && /ContentBasedDeduplication/.test(e.message));
  const delivered = await c.send(new sqs.ReceiveMessageCommand({ QueueUrl: fanned, WaitTimeSeconds: 2, MessageSystemAttributeNames: ["All"] }));
  const envelope = JSON.parse(delivered.Messages[0].Body);
  assert.equal(envelope.SequenceNumber, published.SequenceNumber);
  assert.equal(envelope.Signature, undefined, "SNS does not sign FIFO notifications");
  assert.equal(delivered.Messages[0].Attributes.MessageGroupId, "g");
  assert.equal(delivered.Messages[0].Attributes.MessageDeduplicationId, "d-1");
  await assert.rejects(c.send(new sqs.CancelMessageMoveTaskCommand({ TaskHandle: "foobared" })), (e) => e.name === "InvalidParameterValue" && e.message === "Value for parameter TaskHandle is invalid.");
});
test("SNS: topics, subscriptions to SQS with raw delivery, publish with attributes, batch, typed errors", async () => {
  const c = new sns.SNSClient(opts);
  const q = new sqs.SQSClient(opts);
  const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "v3-events" }));
  assert.equal(TopicArn, "arn:aws:sns:us-east-1:000000000000:v3-events");
  assert.ok((await c.send(new sns.ListTopicsCommand({}))).Topics.some((t) => t.TopicArn === TopicArn));
  assert.equal((await c.send(new sns.GetTopicAttributesCommand({ TopicArn }))).Attributes.TopicArn, TopicArn);

  const { QueueUrl } = await q.send(new sqs.CreateQueueCommand({ QueueName: "v3-events-sink" }));
  const { QueueUrl: rawUrl } = await q.send(new sqs.CreateQueueCommand({ QueueName: "v3-events-raw" }));
  const arnOf = async (url) => (await q.send(new sqs.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  const { SubscriptionArn } = await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: await arnOf(QueueUrl) }));
  await c.send(new sns.SubscribeCommand({
    TopicArn, Protocol: "sqs", Endpoint: await arnOf(rawUrl), Attributes: { RawMessageDelivery: "true" },
  }));
  assert.equal((await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions.length, 2);
  assert.ok((await c.send(new sns.ListSubscriptionsCommand({}))).Subscriptions.some((s) => s.SubscriptionArn === SubscriptionArn));

  const { MessageId } = await c.send(new sns.PublishCommand({
    TopicArn, Message: "order-1", Subject: "new", MessageAttributes: { kind: { DataType: "String", StringValue: "order" } },
  }));
  const envelope = await eventually(async () => (await q.send(new sqs.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages?.[0]);
  const body = JSON.parse(envelope.Body);
  assert.equal(body.Type, "Notification");
  assert.equal(body.MessageId, MessageId);
  assert.equal(body.Message, "order-1");
  assert.equal(body.Subject, "new");
  assert.deepEqual(body.MessageAttributes.kind, { Type: "String", Value: "order" });
  const raw = await eventually(async () => (await q.send(new sqs.ReceiveMessageCommand({
    QueueUrl: rawUrl, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }))).Messages?.[0]);
  assert.equal(raw.Body, "order-1");
  assert.equal(raw.MessageAttributes.kind.StringValue, "order");

  const batch = await c.send(new sns.PublishBatchCommand({
    TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "a" }, { Id: "2", Message: "b" }],
  }));
  assert.equal(batch.Successful.length, 2);
  await c.send(new sns.UnsubscribeCommand({ SubscriptionArn }));
  assert.equal((await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions.length, 1);
  await c.send(new sns.DeleteTopicCommand({ TopicArn }));
  await assert.rejects(c.send(new sns.PublishCommand({ TopicArn, Message: "x" })), (e) => e.name === "NotFoundException");
});

test("DynamoDB: tables, items, update expressions, query and scan paging, batches, typed errors", async () => {
  const c = new ddb.DynamoDBClient(opts);
  await c.send(new ddb.CreateTableCommand({
    TableName: "v3-orders",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
    BillingMode: "PAY_PER_REQUEST",
  }));
  // The SDK's own waiter, polled more often than its default (20 s at least between tries).
  const ready = await ddb.waitUntilTableExists({ client: c, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 }, { TableName: "v3-orders" });
  assert.equal(ready.state, "SUCCESS");
  assert.equal((await c.send(new ddb.DescribeTableCommand({ TableName: "v3-orders" }))).Table.TableStatus, "ACTIVE");
  assert.ok((await c.send(new ddb.ListTablesCommand({}))).TableNames.includes("hits"));
  for (let i = 0; i < 5; i++)
    await c.send(new ddb.PutItemCommand({ TableName: "v3-orders", Item: { pk: { S: "a" }, sk: { N: String(i) }, v: { S: `v${i}` } } }));
  const got = await c.send(new ddb.GetItemCommand({ TableName: "v3-orders", Key: { pk: { S: "a" }, sk: { N: "3" } } }));
  assert.equal(got.Item.v.S, "v3");
  const upd = await c.send(new ddb.UpdateItemCommand({
    TableName: "v3-orders", Key: { pk: { S: "a" }, sk: { N: "3" } },
    UpdateExpression: "SET #v = :v ADD hits :one", ExpressionAttributeNames: { "#v": "v" },
    ExpressionAttributeValues: { ":v": { S: "new" }, ":one": { N: "1" } }, ReturnValues: "ALL_NEW",
  }));
  assert.equal(upd.Attributes.v.S, "new");
  assert.equal(upd.Attributes.hits.N, "1");
  await assert.rejects(c.send(new ddb.PutItemCommand({
    TableName: "v3-orders", Item: { pk: { S: "a" }, sk: { N: "3" } }, ConditionExpression: "attribute_not_exists(pk)",
  })), (e) => e.name === "ConditionalCheckFailedException");
  const page1 = await c.send(new ddb.QueryCommand({
    TableName: "v3-orders", KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b",
    ExpressionAttributeValues: { ":p": { S: "a" }, ":a": { N: "1" }, ":b": { N: "4" } }, Limit: 2, ScanIndexForward: false,
  }));
  assert.deepEqual(page1.Items.map((i) => i.sk.N), ["4", "3"]);
  const page2 = await c.send(new ddb.QueryCommand({
    TableName: "v3-orders", KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b",
    ExpressionAttributeValues: { ":p": { S: "a" }, ":a": { N: "1" }, ":b": { N: "4" } }, Limit: 2, ScanIndexForward: false,
    ExclusiveStartKey: page1.LastEvaluatedKey,
  }));
  assert.deepEqual(page2.Items.map((i) => i.sk.N), ["2", "1"]);
  const scan = await c.send(new ddb.ScanCommand({
    TableName: "v3-orders", FilterExpression: "begins_with(v, :p)", ExpressionAttributeValues: { ":p": { S: "v" } },
  }));
  assert.equal(scan.Count, 4);
  await c.send(new ddb.BatchWriteItemCommand({ RequestItems: { "v3-orders": [
    { PutRequest: { Item: { pk: { S: "b" }, sk: { N: "1" } } } }, { DeleteRequest: { Key: { pk: { S: "a" }, sk: { N: "0" } } } }] } }));
  const bg = await c.send(new ddb.BatchGetItemCommand({ RequestItems: { "v3-orders": { Keys: [
    { pk: { S: "b" }, sk: { N: "1" } }, { pk: { S: "a" }, sk: { N: "0" } }] } } }));
  assert.equal(bg.Responses["v3-orders"].length, 1);
  await c.send(new ddb.DeleteItemCommand({ TableName: "v3-orders", Key: { pk: { S: "b" }, sk: { N: "1" } } }));
  await c.send(new ddb.DeleteTableCommand({ TableName: "v3-orders" }));
  await assert.rejects(c.send(new ddb.GetItemCommand({ TableName: "v3-orders", Key: { pk: { S: "a" } } })),
    (e) => e.name === "ResourceNotFoundException");
  await assert.rejects(c.send(new ddb.UpdateItemCommand({ TableName: "hits", Key: { path: { S: "/x" } }, UpdateExpression: "SET a = :unused_missing" })),
    (e) => e.name === "ValidationException");
});

test("Lambda: list, get, invoke in every mode, event source mappings, typed errors", async () => {
  const c = new lambda.LambdaClient(opts);
  const names = (await c.send(new lambda.ListFunctionsCommand({}))).Functions.map((f) => f.FunctionName).sort();
  assert.deepEqual(names, ["dynamo", "http", "sns_publish", "sns_subscribe", "sqs", "sqs_subscribe"]);
  const fn = await c.send(new lambda.GetFunctionCommand({ FunctionName: "sns_subscribe" }));
  assert.equal(fn.Configuration.FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:sns_subscribe");
  const event = { Records: [{ Sns: { Message: "from v3" } }] };
  const out = await c.send(new lambda.InvokeCommand({ FunctionName: "sns_subscribe", Payload: JSON.stringify(event), LogType: "Tail" }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, undefined);
  assert.match(Buffer.from(out.LogResult, "base64").toString(), /received message: from v3/);
  const bad = await c.send(new lambda.InvokeCommand({ FunctionName: "sns_subscribe", Payload: "{}" }));
  assert.equal(bad.FunctionError, "Unhandled");
  assert.equal(JSON.parse(Buffer.from(bad.Payload).toString()).errorMessage, "event has no SNS message");
  assert.equal((await c.send(new lambda.InvokeCommand({ FunctionName: "sns_subscribe", InvocationType: "Event", Payload: JSON.stringify(event) }))).StatusCode, 202);
  assert.equal((await c.send(new lambda.InvokeCommand({ FunctionName: "sns_subscribe", InvocationType: "DryRun" }))).StatusCode, 204);
  await assert.rejects(c.send(new lambda.InvokeCommand({ FunctionName: "nope" })), (e) => e.name === "ResourceNotFoundException");

  const mappings = await c.send(new lambda.ListEventSourceMappingsCommand({ FunctionName: "sqs_subscribe" }));
  assert.equal(mappings.EventSourceMappings.length, 1);
  const q = new sqs.SQSClient(opts);
  const { QueueUrl } = await q.send(new sqs.CreateQueueCommand({ QueueName: "v3-lambda-source" }));
  const arn = (await q.send(new sqs.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  const created = await c.send(new lambda.CreateEventSourceMappingCommand({ FunctionName: "sqs_subscribe", EventSourceArn: arn, BatchSize: 5 }));
  assert.equal(created.BatchSize, 5);
  await q.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: "consumed by the mapping" }));
  const drained = await eventually(async () => {
    const a = (await q.send(new sqs.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }))).Attributes;
    return a.ApproximateNumberOfMessages === "0" && a.ApproximateNumberOfMessagesNotVisible === "0";
  });
  assert.ok(drained, "the mapping consumed and deleted the message");
});

test("X-Ray: put segments, summaries, batch get, service and trace graphs, typed errors", async () => {
  const c = new xray.XRayClient(opts);
  const now = Math.floor(Date.now() / 1000);
  const traceId = `1-${now.toString(16)}-${"ab".repeat(12)}`;
  const doc = { name: "v3-service", id: "0123456789abcdef", trace_id: traceId, start_time: now, end_time: now + 0.5,
                http: { request: { method: "GET", url: "http://example/x" }, response: { status: 200 } } };
  const put = await c.send(new xray.PutTraceSegmentsCommand({ TraceSegmentDocuments: [JSON.stringify(doc), "{bad"] }));
  assert.equal(put.UnprocessedTraceSegments.length, 1);
  const summary = await eventually(async () => (await c.send(new xray.GetTraceSummariesCommand({
    StartTime: new Date((now - 60) * 1000), EndTime: new Date((now + 60) * 1000) }))).TraceSummaries.find((s) => s.Id === traceId));
  assert.equal(summary.Http.HttpURL, "http://example/x");
  const traces = await c.send(new xray.BatchGetTracesCommand({ TraceIds: [traceId] }));
  assert.equal(JSON.parse(traces.Traces[0].Segments[0].Document).name, "v3-service");
  const graph = await c.send(new xray.GetServiceGraphCommand({ StartTime: new Date((now - 60) * 1000), EndTime: new Date((now + 60) * 1000) }));
  assert.ok(graph.Services.some((s) => s.Name === "v3-service" && s.Type === "client"));
  const tg = await c.send(new xray.GetTraceGraphCommand({ TraceIds: [traceId] }));
  assert.deepEqual(tg.Services.map((s) => s.Name).sort(), ["v3-service", "v3-service"]);
  await assert.rejects(c.send(new xray.GetTraceSummariesCommand({ StartTime: new Date(now * 1000), EndTime: new Date((now - 10) * 1000) })),
    (e) => e.name === "InvalidRequestException");
});

test("X-Ray: groups and sampling rules", async () => {
  const c = new xray.XRayClient(opts);
  const created = await c.send(new xray.CreateGroupCommand({ GroupName: "errors", FilterExpression: "fault" }));
  assert.match(created.Group.GroupARN, /^arn:aws:xray:us-east-1:000000000000:group\/errors\//);
  assert.equal((await c.send(new xray.GetGroupCommand({ GroupARN: created.Group.GroupARN }))).Group.FilterExpression, "fault");
  const updated = await c.send(new xray.UpdateGroupCommand({ GroupName: "errors", FilterExpression: "error OR fault" }));
  assert.equal(updated.Group.FilterExpression, "error OR fault");
  assert.deepEqual((await c.send(new xray.GetGroupsCommand({}))).Groups.map((g) => g.GroupName).sort(), ["Default", "errors"]);
  await assert.rejects(c.send(new xray.CreateGroupCommand({ GroupName: "errors" })), (e) => e.name === "InvalidRequestException");
  await c.send(new xray.DeleteGroupCommand({ GroupName: "errors" }));
  await assert.rejects(c.send(new xray.GetGroupCommand({ GroupName: "errors" })), (e) => e.name === "InvalidRequestException");

  const rules = (await c.send(new xray.GetSamplingRulesCommand({}))).SamplingRuleRecords;
  assert.equal(rules.at(-1).SamplingRule.RuleName, "Default");
  assert.equal(rules.at(-1).SamplingRule.FixedRate, 1);
  await c.send(new xray.CreateSamplingRuleCommand({ SamplingRule: {
    RuleName: "api", ResourceARN: "*", Priority: 1, FixedRate: 0.5, ReservoirSize: 2, ServiceName: "*", ServiceType: "*",
    Host: "*", HTTPMethod: "*", URLPath: "/api/*", Version: 1 } }));
  const targets = await c.send(new xray.GetSamplingTargetsCommand({ SamplingStatisticsDocuments: [
    { RuleName: "api", ClientID: "0123456789abcdef01234567", Timestamp: new Date(), RequestCount: 5, SampledCount: 2 }] }));
  assert.equal(targets.SamplingTargetDocuments[0].FixedRate, 0.5);
  assert.equal(targets.SamplingTargetDocuments[0].ReservoirQuota, 2);
  await c.send(new xray.DeleteSamplingRuleCommand({ RuleName: "api" }));
  assert.equal((await c.send(new xray.GetSamplingRulesCommand({}))).SamplingRuleRecords.length, 1);
});

test("DynamoDB legacy parameters through lib-dynamodb: Expected, AttributeUpdates, KeyConditions, QueryFilter", async () => {
  const c = new ddb.DynamoDBClient(opts);
  const doc = ddbDoc.DynamoDBDocumentClient.from(c);
  await c.send(new ddb.CreateTableCommand({ TableName: "v3-legacy", BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }] }));
  await ddb.waitUntilTableExists({ client: c, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 }, { TableName: "v3-legacy" });
  for (const sk of [1, 2, 3, 4]) {
    await doc.send(new ddbDoc.PutCommand({ TableName: "v3-legacy", Item: { pk: "p", sk, kind: sk % 2 ? "odd" : "even" },
                                           Expected: { pk: { Exists: false } } }));
  }
  await assert.rejects(doc.send(new ddbDoc.PutCommand({ TableName: "v3-legacy", Item: { pk: "p", sk: 1 }, Expected: { pk: { Exists: false } } })),
                       (e) => e.name === "ConditionalCheckFailedException");
  const updated = await doc.send(new ddbDoc.UpdateCommand({ TableName: "v3-legacy", Key: { pk: "p", sk: 2 }, ReturnValues: "UPDATED_NEW",
    AttributeUpdates: { count: { Action: "ADD", Value: 5 }, kind: { Action: "PUT", Value: "two" } } }));
  assert.deepEqual(updated.Attributes, { count: 5, kind: "two" });
  const page = await doc.send(new ddbDoc.QueryCommand({ TableName: "v3-legacy",
    KeyConditions: { pk: { ComparisonOperator: "EQ", AttributeValueList: ["p"] }, sk: { ComparisonOperator: "LE", AttributeValueList: [3] } },
    QueryFilter: { kind: { ComparisonOperator: "IN", AttributeValueList: ["odd", "two"] } }, ScanIndexForward: false }));
  assert.deepEqual(page.Items.map((i) => i.sk), [3, 2, 1]);
  await assert.rejects(doc.send(new ddbDoc.QueryCommand({ TableName: "v3-legacy", KeyConditionExpression: "pk = :p",
    ExpressionAttributeValues: { ":p": "p" }, KeyConditions: { pk: { ComparisonOperator: "EQ", AttributeValueList: ["p"] } } })),
    (e) => e.name === "ValidationException" && /Non-expression parameters: \{KeyConditions\} Expression parameters: \{KeyConditionExpression\}$/.test(e.message));
});

test("DynamoDB PartiQL through lib-dynamodb: ExecuteStatement with parameters and paging, BatchExecuteStatement, ExecuteTransaction", async () => {
  const c = new ddb.DynamoDBClient(opts);
  const doc = ddbDoc.DynamoDBDocumentClient.from(c);
  await c.send(new ddb.CreateTableCommand({ TableName: "v3-partiql", BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }] }));
  await ddb.waitUntilTableExists({ client: c, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 }, { TableName: "v3-partiql" });
  for (const sk of [1, 2, 3]) {
    await doc.send(new ddbDoc.ExecuteStatementCommand({ Statement: `INSERT INTO "v3-partiql" VALUE {'pk': ?, 'sk': ?, 'doc': ?}`,
                                                        Parameters: ["p", sk, { nested: [sk] }] }));
  }
  const seen = [];
  let NextToken;
  let pages = 0;
  do {
    const page = await doc.send(new ddbDoc.ExecuteStatementCommand({ Statement: `SELECT sk, doc.nested FROM "v3-partiql" WHERE pk = ?`,
                                                                     Parameters: ["p"], Limit: 2, NextToken }));
    seen.push(...page.Items);
    NextToken = page.NextToken;
    pages += 1;
  } while (NextToken && pages < 5);
  assert.deepEqual(seen, [{ sk: 1, nested: [1] }, { sk: 2, nested: [2] }, { sk: 3, nested: [3] }]);
  assert.equal(pages, 2);
  await assert.rejects(doc.send(new ddbDoc.ExecuteStatementCommand({ Statement: `INSERT INTO "v3-partiql" VALUE {'pk': 'p', 'sk': 1}` })),
                       (e) => e.name === "DuplicateItemException" && e.message === "Duplicate primary key exists in table");
  const batch = await doc.send(new ddbDoc.BatchExecuteStatementCommand({ Statements: [
    { Statement: `SELECT sk FROM "v3-partiql" WHERE pk = ? AND sk = ?`, Parameters: ["p", 2] },
    { Statement: `SELECT sk FROM "v3-partiql" WHERE pk = ? AND sk = ?`, Parameters: ["p", 9] }] }));
  assert.deepEqual(batch.Responses, [{ TableName: "v3-partiql", Item: { sk: 2 } }, { TableName: "v3-partiql" }]);
  await doc.send(new ddbDoc.ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `UPDATE "v3-partiql" SET n = ? WHERE pk = 'p' AND sk = 1`, Parameters: [10] },
    { Statement: `DELETE FROM "v3-partiql" WHERE pk = 'p' AND sk = 3` }] }));
  const after = await doc.send(new ddbDoc.ExecuteStatementCommand({ Statement: `SELECT sk, n FROM "v3-partiql" WHERE pk = 'p'` }));
  assert.deepEqual(after.Items, [{ sk: 1, n: 10 }, { sk: 2 }]);
});

test("DynamoDB transactions through lib-dynamodb: all or nothing, cancellation reasons, idempotency, TransactGet", async () => {
  const doc = ddbDoc.DynamoDBDocumentClient.from(new ddb.DynamoDBClient(opts));
  const written = await doc.send(new ddbDoc.TransactWriteCommand({
    ReturnConsumedCapacity: "TOTAL",
    ClientRequestToken: "v3-transaction-1",
    TransactItems: [
      { Put: { TableName: "hits", Item: { path: "/v3-tx-a", hits: 1, tags: new Set(["x"]) } } },
      { Update: { TableName: "hits", Key: { path: "/v3-tx-b" }, UpdateExpression: "ADD hits :n", ExpressionAttributeValues: { ":n": 5 } } },
      { ConditionCheck: { TableName: "hits", Key: { path: "/v3-tx-c" }, ConditionExpression: "attribute_not_exists(#p)", ExpressionAttributeNames: { "#p": "path" } } },
    ],
  }));
  assert.deepEqual(written.ConsumedCapacity, [{ TableName: "hits", CapacityUnits: 6, WriteCapacityUnits: 6 }]);
  // The same token and request again: answered, not written twice.
  await doc.send(new ddbDoc.TransactWriteCommand({
    ClientRequestToken: "v3-transaction-1",
    TransactItems: [
      { Put: { TableName: "hits", Item: { path: "/v3-tx-a", hits: 1, tags: new Set(["x"]) } } },
      { Update: { TableName: "hits", Key: { path: "/v3-tx-b" }, UpdateExpression: "ADD hits :n", ExpressionAttributeValues: { ":n": 5 } } },
      { ConditionCheck: { TableName: "hits", Key: { path: "/v3-tx-c" }, ConditionExpression: "attribute_not_exists(#p)", ExpressionAttributeNames: { "#p": "path" } } },
    ],
  }));
  await assert.rejects(doc.send(new ddbDoc.TransactWriteCommand({
    ClientRequestToken: "v3-transaction-1",
    TransactItems: [{ Delete: { TableName: "hits", Key: { path: "/v3-tx-a" } } }],
  })), (e) => e.name === "IdempotentParameterMismatchException");

  await assert.rejects(doc.send(new ddbDoc.TransactWriteCommand({
    TransactItems: [
      { Delete: { TableName: "hits", Key: { path: "/v3-tx-a" } } },
      { Update: { TableName: "hits", Key: { path: "/v3-tx-b" }, UpdateExpression: "ADD hits :n", ConditionExpression: "hits > :big",
                  ExpressionAttributeValues: { ":n": 1, ":big": 100 }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
    ],
  })), (e) => {
    assert.equal(e.name, "TransactionCanceledException");
    assert.equal(e.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]");
    assert.equal(e.CancellationReasons[0].Code, "None");
    assert.equal(e.CancellationReasons[1].Code, "ConditionalCheckFailed");
    assert.equal(e.CancellationReasons[1].Message, "The conditional request failed");
    assert.equal(e.CancellationReasons[1].Item.hits.N, "5");
    return true;
  });

  const got = await doc.send(new ddbDoc.TransactGetCommand({
    TransactItems: [
      { Get: { TableName: "hits", Key: { path: "/v3-tx-b" } } },
      { Get: { TableName: "hits", Key: { path: "/v3-tx-c" } } },
      { Get: { TableName: "hits", Key: { path: "/v3-tx-a" }, ProjectionExpression: "tags" } },
    ],
  }));
  assert.equal(got.Responses[0].Item.hits, 5, "written once, not again by the repeated token nor by the cancelled transaction");
  assert.equal(got.Responses[1].Item, undefined);
  assert.deepEqual(got.Responses[2].Item, { tags: new Set(["x"]) });
});

test("DynamoDB table lifecycle, time to live, UpdateTable and Streams through the v3 clients", async () => {
  const c = new ddb.DynamoDBClient(opts);
  const streams = new ddbStreams.DynamoDBStreamsClient(opts);
  const created = await c.send(new ddb.CreateTableCommand({
    TableName: "v3-events", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
  }));
  assert.equal(created.TableDescription.TableStatus, "CREATING");
  const arn = created.TableDescription.LatestStreamArn;
  await ddb.waitUntilTableExists({ client: c, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 }, { TableName: "v3-events" });
  await c.send(new ddb.PutItemCommand({ TableName: "v3-events", Item: { id: { S: "e1" }, kind: { S: "click" } } }));
  await c.send(new ddb.UpdateTimeToLiveCommand({ TableName: "v3-events", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
  assert.deepEqual((await c.send(new ddb.DescribeTimeToLiveCommand({ TableName: "v3-events" }))).TimeToLiveDescription,
    { TimeToLiveStatus: "ENABLED", AttributeName: "expires" });
  const updated = await c.send(new ddb.UpdateTableCommand({
    TableName: "v3-events", AttributeDefinitions: [{ AttributeName: "kind", AttributeType: "S" }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "by-kind", KeySchema: [{ AttributeName: "kind", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
  }));
  assert.equal(updated.TableDescription.TableStatus, "UPDATING");
  await ddb.waitUntilTableExists({ client: c, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 }, { TableName: "v3-events" });
  const clicks = await c.send(new ddb.QueryCommand({ TableName: "v3-events", IndexName: "by-kind", KeyConditionExpression: "kind = :k",
    ExpressionAttributeValues: { ":k": { S: "click" } } }));
  assert.equal(clicks.Count, 1);

  const listed = await streams.send(new ddbStreams.ListStreamsCommand({ TableName: "v3-events" }));
  assert.deepEqual(listed.Streams.map((s) => s.StreamArn), [arn]);
  const described = await streams.send(new ddbStreams.DescribeStreamCommand({ StreamArn: arn }));
  assert.equal(described.StreamDescription.StreamStatus, "ENABLED");
  const { ShardIterator } = await streams.send(new ddbStreams.GetShardIteratorCommand({
    StreamArn: arn, ShardId: described.StreamDescription.Shards[0].ShardId, ShardIteratorType: "TRIM_HORIZON" }));
  const got = await streams.send(new ddbStreams.GetRecordsCommand({ ShardIterator }));
  assert.equal(got.Records.length, 1);
  assert.equal(got.Records[0].eventName, "INSERT");
  assert.deepEqual(got.Records[0].dynamodb.NewImage, { id: { S: "e1" }, kind: { S: "click" } });
  assert.ok(got.Records[0].dynamodb.ApproximateCreationDateTime instanceof Date);
  assert.ok(got.NextShardIterator);
  await assert.rejects(streams.send(new ddbStreams.DescribeStreamCommand({ StreamArn: arn + "x" })), (e) => e.name === "ResourceNotFoundException");
});
