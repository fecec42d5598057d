// SNS to http endpoints through the SDK for JavaScript v3: an endpoint this test runs confirms its
// subscription, gets signed notifications (verified with the certificate localray serves, as SNS
// message validators verify them), raw ones, retries on its delivery policy, a dead-letter queue,
// and the UnsubscribeURL; tags and permissions of topics; the hop in the service graph; email,
// email-json and sms recorded at /_localray/sns/deliveries (mobile push: sns_push_and_sms.test.mjs;
// how fast an endpoint is sent to: sns_http_pacing.test.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { once } from "node:events";
import crypto from "node:crypto";
import * as sns from "@aws-sdk/client-sns";
import * as sqs from "@aws-sdk/client-sqs";
import * as xray from "@aws-sdk/client-xray";
import { startLocalray, v3Options, eventually } from "./lib/localray.mjs";

let lr;
let server;
let endpoint;  // the test's http endpoint
const received = [];  // {path, headers, body, json}
// What each path answers: a status, or a function of how many times the path was hit.
const answers = new Map();

before(async () => {
  lr = await startLocalray();
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {}
      received.push({ path: req.url, headers: req.headers, body, json });
      const hits = received.filter((r) => r.path === req.url).length;
      const answer = answers.get(req.url);
      res.statusCode = typeof answer === "function" ? answer(hits) : answer ?? 200;
      res.end("ok");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  endpoint = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server?.close();
  await lr?.stop();
});

const client = () => new sns.SNSClient(v3Options(lr.endpoint));
const messagesTo = (path, type) => received.filter((r) => r.path === path && r.json?.Type === type);

// As SNS message validators check a message: the certificate from SigningCertURL, the string to sign
// from the type's fields in order, SHA1 (version 1) or SHA256 (version 2).
async function verifySignature(m) {
  const pem = await (await fetch(m.SigningCertURL)).text();
  const fields = m.Type === "Notification" ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
                                           : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  let text = "";
  for (const f of fields) if (m[f] !== undefined) text += `${f}\n${m[f]}\n`;
  const algorithm = m.SignatureVersion === "2" ? "RSA-SHA256" : "RSA-SHA1";
  return crypto.createVerify(algorithm).update(text, "utf8").verify(new crypto.X509Certificate(pem).publicKey, m.Signature, "base64");
}

async function subscribeAndConfirm(c, topicArn, path, attributes = {}) {
  const sub = await c.send(new sns.SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: endpoint + path, Attributes: attributes }));
  assert.equal(sub.SubscriptionArn, "pending confirmation");
  const confirmation = await eventually(() => messagesTo(path, "SubscriptionConfirmation")[0]);
  assert.ok(confirmation, `no SubscriptionConfirmation at ${path}`);
  const answer = await fetch(confirmation.json.SubscribeURL);
  assert.equal(answer.status, 200);
  const arn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(await answer.text())[1];
  return { arn, confirmation };
}

test("an http subscription: confirmation, signed notifications, raw delivery, the trace passed on, the UnsubscribeURL", async () => {
  const c = client();
  const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "http-topic" }));
  const sub = await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: endpoint + "/hook" }));
  assert.equal(sub.SubscriptionArn, "pending confirmation");
  const withArn = await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: endpoint + "/hook", ReturnSubscriptionArn: true }));
  assert.match(withArn.SubscriptionArn, /^arn:aws:sns:us-east-1:\d{12}:http-topic:[0-9a-f-]{36}$/);

  // Subscribing again asks again: two confirmations, same token.
  const confirmations = await eventually(() => messagesTo("/hook", "SubscriptionConfirmation").length >= 2 && messagesTo("/hook", "SubscriptionConfirmation"));
  assert.ok(confirmations, "two SubscriptionConfirmations");
  const confirmation = confirmations[0];
  assert.equal(confirmation.json.Token, confirmations[1].json.Token);
  assert.equal(confirmation.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
  assert.equal(confirmation.headers["x-amz-sns-message-id"], confirmation.json.MessageId);
  assert.equal(confirmation.headers["x-amz-sns-topic-arn"], TopicArn);
  assert.equal(confirmation.headers["x-amz-sns-subscription-arn"], undefined, "not on a confirmation");
  assert.equal(confirmation.headers["user-agent"], "Amazon Simple Notification Service Agent");
  assert.equal(confirmation.headers["content-type"], "text/plain; charset=UTF-8");
  assert.deepEqual(Object.keys(confirmation.json),
                   ["Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL"]);
  assert.match(confirmation.json.Token, /^[0-9a-f]{288}$/);
  assert.equal(confirmation.json.Message,
               `You have chosen to subscribe to the topic ${TopicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`);
  assert.ok(confirmation.body.startsWith('{\n  "Type" : "SubscriptionConfirmation",\n'), confirmation.body.slice(0, 60));
  assert.ok(await verifySignature(confirmation.json), "the confirmation's signature verifies");

  // Pending: listed as such, counted, and given nothing.
  let listed = await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.deepEqual(listed.Subscriptions.map((s) => s.SubscriptionArn), ["PendingConfirmation"]);
  let attributes = (await c.send(new sns.GetTopicAttributesCommand({ TopicArn }))).Attributes;
  assert.equal(attributes.SubscriptionsPending, "1");
  assert.equal(attributes.SubscriptionsConfirmed, "0");
  const pending = await c.send(new sns.GetSubscriptionAttributesCommand({ SubscriptionArn: withArn.SubscriptionArn }));
  assert.equal(pending.Attributes.PendingConfirmation, "true");
  assert.equal(pending.Attributes.ConfirmationWasAuthenticated, "false");
  await c.send(new sns.PublishCommand({ TopicArn, Message: "before confirmation" }));

  // Typed errors of ConfirmSubscription.
  await assert.rejects(c.send(new sns.ConfirmSubscriptionCommand({ TopicArn, Token: "randomtoken" })),
                       (e) => e.name === "InvalidParameterException" && e.message === "Invalid token");
  await assert.rejects(c.send(new sns.ConfirmSubscriptionCommand({ TopicArn, Token: "ab".repeat(144) })),
                       (e) => e.name === "InvalidParameterException" && e.message === "Invalid parameter: Token");
  await assert.rejects(c.send(new sns.ConfirmSubscriptionCommand({ TopicArn: "not-an-arn", Token: "ab".repeat(144) })),
                       (e) => e.name === "InvalidParameterException" && e.message === "Invalid parameter: Topic");

  // The SubscribeURL confirms (an unsigned GET); the SDK's ConfirmSubscription then answers the same ARN.
  const answer = await fetch(confirmation.json.SubscribeURL);
  assert.equal(answer.status, 200);
  assert.match(await answer.text(), new RegExp(`<SubscriptionArn>${withArn.SubscriptionArn}</SubscriptionArn>`));
  const again = await c.send(new sns.ConfirmSubscriptionCommand({ TopicArn, Token: confirmation.json.Token }));
  assert.equal(again.SubscriptionArn, withArn.SubscriptionArn);
  const confirmed = await c.send(new sns.GetSubscriptionAttributesCommand({ SubscriptionArn: withArn.SubscriptionArn }));
  assert.equal(confirmed.Attributes.PendingConfirmation, "false");
  assert.equal(confirmed.Attributes.ConfirmationWasAuthenticated, "false", "confirmed by the unsigned SubscribeURL");
  assert.match(confirmed.Attributes.EffectiveDeliveryPolicy, /"numRetries":3/);
  listed = await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.deepEqual(listed.Subscriptions.map((s) => s.SubscriptionArn), [withArn.SubscriptionArn]);

  // A notification: SNS's headers, body and signature (version 1), the trace passed on.
  const published = await c.send(new sns.PublishCommand({
    TopicArn, Message: "héllo", Subject: "greeting",
    MessageAttributes: { colour: { DataType: "String", StringValue: "blue" } },
  }));
  const notification = await eventually(() => messagesTo("/hook", "Notification").find((m) => m.json.MessageId === published.MessageId));
  assert.ok(notification, "the notification arrived");
  assert.equal(messagesTo("/hook", "Notification").filter((m) => m.json.Message === "before confirmation").length, 0,
               "nothing is delivered before confirmation");
  assert.equal(notification.headers["x-amz-sns-message-type"], "Notification");
  assert.equal(notification.headers["x-amz-sns-message-id"], published.MessageId);
  assert.equal(notification.headers["x-amz-sns-topic-arn"], TopicArn);
  assert.equal(notification.headers["x-amz-sns-subscription-arn"], withArn.SubscriptionArn);
  assert.equal(notification.headers["x-amz-sns-rawdelivery"], undefined);
  assert.deepEqual(Object.keys(notification.json), ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                                                    "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]);
  assert.deepEqual(notification.json.MessageAttributes, { colour: { Type: "String", Value: "blue" } });
  assert.equal(notification.json.Message, "héllo");
  assert.equal(notification.json.SignatureVersion, "1");
  assert.ok(await verifySignature(notification.json), "the notification's signature (SHA1withRSA) verifies");
  const tampered = { ...notification.json, Message: "changed" };
  assert.equal(await verifySignature(tampered), false, "a changed message does not verify");
  const traceHeader = notification.headers["x-amzn-trace-id"];
  assert.match(traceHeader ?? "", /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]/);

  // SignatureVersion 2: SHA256withRSA.
  await c.send(new sns.SetTopicAttributesCommand({ TopicArn, AttributeName: "SignatureVersion", AttributeValue: "2" }));
  const second = await c.send(new sns.PublishCommand({ TopicArn, Message: "v2" }));
  const v2 = await eventually(() => messagesTo("/hook", "Notification").find((m) => m.json.MessageId === second.MessageId));
  assert.ok(v2);
  assert.equal(v2.json.SignatureVersion, "2");
  assert.equal(v2.json.Subject, undefined);
  assert.ok(await verifySignature(v2.json), "the SHA256withRSA signature verifies");

  // A traced endpoint joins the trace: its segment, a child of the delivery, hangs off the topic in the graph.
  const [, root, parent] = /Root=([^;]+);Parent=([^;]+)/.exec(traceHeader);
  const now = Date.now() / 1000;
  const x = new xray.XRayClient(v3Options(lr.endpoint));
  await x.send(new xray.PutTraceSegmentsCommand({ TraceSegmentDocuments: [JSON.stringify({
    name: "http-subscriber", id: crypto.randomBytes(8).toString("hex"), trace_id: root, parent_id: parent, start_time: now, end_time: now + 0.01,
    http: { request: { method: "POST", url: endpoint + "/hook" }, response: { status: 200 } },
  })] }));
  const graph = await eventually(async () => {
    const g = await x.send(new xray.GetServiceGraphCommand({ StartTime: new Date((now - 60) * 1000), EndTime: new Date((now + 60) * 1000) }));
    const topic = g.Services.find((s) => s.Name === "http-topic");
    const subscriber = g.Services.find((s) => s.Name === "http-subscriber");
    return topic && subscriber && topic.Edges.some((e) => e.ReferenceId === subscriber.ReferenceId) && g;
  });
  assert.ok(graph, "an edge from the topic to the traced http subscriber");

  // Raw delivery: the message alone, and SNS's header saying so.
  await c.send(new sns.SetSubscriptionAttributesCommand({ SubscriptionArn: withArn.SubscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "true" }));
  await c.send(new sns.PublishCommand({ TopicArn, Message: "raw body" }));
  const raw = await eventually(() => received.find((r) => r.path === "/hook" && r.body === "raw body"));
  assert.ok(raw, "the raw message arrived");
  assert.equal(raw.headers["x-amz-sns-rawdelivery"], "true");
  assert.equal(raw.headers["x-amz-sns-message-type"], "Notification");

  // The UnsubscribeURL (an unsigned GET) ends the subscription and tells the endpoint, with a token to come back.
  const bye = await fetch(notification.json.UnsubscribeURL);
  assert.equal(bye.status, 200);
  listed = await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.equal(listed.Subscriptions.length, 0);
  const unsubscribed = await eventually(() => messagesTo("/hook", "UnsubscribeConfirmation")[0]);
  assert.ok(unsubscribed, "an UnsubscribeConfirmation");
  assert.equal(unsubscribed.headers["x-amz-sns-subscription-arn"], withArn.SubscriptionArn);
  assert.match(unsubscribed.json.Message, /^You have chosen to deactivate subscription /);
  assert.ok(await verifySignature(unsubscribed.json));
  const back = await fetch(unsubscribed.json.SubscribeURL);
  assert.equal(back.status, 200);
  listed = await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.equal(listed.Subscriptions.length, 1, "the UnsubscribeConfirmation's SubscribeURL subscribes again");
});

test("http deliveries: retries on the delivery policy, 4xx taken as delivered, a dead-letter queue after the last retry", async () => {
  const c = client();
  const q = new sqs.SQSClient(v3Options(lr.endpoint));
  const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "http-retries" }));
  const fast = JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 1, numRetries: 2 } });

  // Two server errors, then success: the third attempt gets through.
  answers.set("/flaky", (hits) => (hits <= 1 ? 200 : hits <= 3 ? 500 : 200));  // hit 1 is the confirmation
  await subscribeAndConfirm(c, TopicArn, "/flaky", { DeliveryPolicy: fast });
  // A client error counts as delivered: never retried.
  answers.set("/gone", (hits) => (hits <= 1 ? 200 : 404));
  await subscribeAndConfirm(c, TopicArn, "/gone", { DeliveryPolicy: fast });
  // Always failing: after the policy's one retry the message goes to the dead-letter queue.
  const { QueueUrl } = await q.send(new sqs.CreateQueueCommand({ QueueName: "http-dlq" }));
  const dlqArn = (await q.send(new sqs.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  answers.set("/down", (hits) => (hits <= 1 ? 200 : 503));
  await subscribeAndConfirm(c, TopicArn, "/down", {
    DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 1, numRetries: 1 } }),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn }),
  });

  const { MessageId } = await c.send(new sns.PublishCommand({ TopicArn, Message: "try hard" }));
  const flaky = await eventually(() => {
    const got = messagesTo("/flaky", "Notification").filter((m) => m.json.MessageId === MessageId);
    return got.length >= 3 && got;
  }, 15000);
  assert.ok(flaky, "three attempts at /flaky");
  const letters = await eventually(async () => (await q.send(new sqs.ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"] }))).Messages, 15000);
  assert.ok(letters, "the undeliverable notification is in the dead-letter queue");
  assert.equal(JSON.parse(letters[0].Body).MessageId, MessageId);
  assert.equal(messagesTo("/down", "Notification").filter((m) => m.json.MessageId === MessageId).length, 2, "the first attempt and one retry");
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(messagesTo("/flaky", "Notification").filter((m) => m.json.MessageId === MessageId).length, 3, "no attempt after success");
  assert.equal(messagesTo("/gone", "Notification").filter((m) => m.json.MessageId === MessageId).length, 1, "a 404 is not retried");

  // A protocol the endpoint's scheme does not match.
  await assert.rejects(c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "https", Endpoint: endpoint + "/x" })),
                       (e) => e.name === "InvalidParameterException" && e.message === "Invalid parameter: Endpoint must match the specified protocol");
});

test("topic tags and permissions", async () => {
  const c = client();
  const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "admin-topic", Tags: [{ Key: "team", Value: "a" }] }));
  await c.send(new sns.TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "b" }] }));
  let tags = await c.send(new sns.ListTagsForResourceCommand({ ResourceArn: TopicArn }));
  assert.deepEqual(tags.Tags.sort((a, b) => a.Key.localeCompare(b.Key)), [{ Key: "env", Value: "dev" }, { Key: "team", Value: "b" }]);
  await c.send(new sns.UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ["team", "unknown"] }));
  tags = await c.send(new sns.ListTagsForResourceCommand({ ResourceArn: TopicArn }));
  assert.deepEqual(tags.Tags, [{ Key: "env", Value: "dev" }]);
  await assert.rejects(c.send(new sns.TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "k", Value: "1" }, { Key: "k", Value: "2" }] })),
                       (e) => e.name === "InvalidParameterException" && e.message === "Invalid parameter: Duplicated keys are not allowed.");
  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  await assert.rejects(c.send(new sns.TagResourceCommand({ ResourceArn: TopicArn, Tags: many })),
                       (e) => e.name === "TagLimitExceededException");
  assert.equal((await c.send(new sns.ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags.length, 1, "a refused call changes nothing");
  await assert.rejects(c.send(new sns.ListTagsForResourceCommand({ ResourceArn: TopicArn + "-missing" })),
                       (e) => e.name === "ResourceNotFoundException" && e.$metadata.httpStatusCode === 404);

  await c.send(new sns.AddPermissionCommand({ TopicArn, Label: "one", AWSAccountId: ["111122223333"], ActionName: ["Publish"] }));
  await c.send(new sns.AddPermissionCommand({ TopicArn, Label: "two", AWSAccountId: ["111122223333", "444455556666"], ActionName: ["Publish", "Subscribe"] }));
  let policy = JSON.parse((await c.send(new sns.GetTopicAttributesCommand({ TopicArn }))).Attributes.Policy);
  assert.deepEqual(policy.Statement.map((s) => s.Sid), ["__default_statement_ID", "one", "two"]);
  assert.deepEqual(policy.Statement[1], { Sid: "one", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "SNS:Publish", Resource: TopicArn });
  assert.deepEqual(policy.Statement[2].Principal.AWS, ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]);
  assert.deepEqual(policy.Statement[2].Action, ["SNS:Publish", "SNS:Subscribe"]);
  await assert.rejects(c.send(new sns.AddPermissionCommand({ TopicArn, Label: "one", AWSAccountId: ["111122223333"], ActionName: ["Publish"] })),
                       (e) => e.name === "InvalidParameterException" && e.message === "Invalid parameter: Statement already exists");
  await assert.rejects(c.send(new sns.AddPermissionCommand({ TopicArn, Label: "bad", AWSAccountId: ["111122223333"], ActionName: ["InvalidAction"] })),
                       (e) => e.message === "Invalid parameter: Policy statement action out of service scope!");
  await c.send(new sns.RemovePermissionCommand({ TopicArn, Label: "one" }));
  await c.send(new sns.RemovePermissionCommand({ TopicArn, Label: "never-added" }));
  policy = JSON.parse((await c.send(new sns.GetTopicAttributesCommand({ TopicArn }))).Attributes.Policy);
  assert.deepEqual(policy.Statement.map((s) => s.Sid), ["__default_statement_ID", "two"]);
  await assert.rejects(c.send(new sns.RemovePermissionCommand({ TopicArn: TopicArn + "-missing", Label: "two" })),
                       (e) => e.name === "NotFoundException" && e.message === "Topic does not exist");
});

test("email, email-json and sms: what SNS would send is recorded at /_localray/sns/deliveries; SMS settings and opt-outs", async () => {
  const c = client();
  const deliveries = async (query = "") => (await (await fetch(`${lr.endpoint}/_localray/sns/deliveries${query}`)).json()).deliveries;
  const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "people" }));
  assert.equal((await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "ann@example.com" }))).SubscriptionArn,
               "pending confirmation");
  assert.equal((await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: "bob@example.com" }))).SubscriptionArn,
               "pending confirmation");
  const smsSub = await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "sms", Endpoint: "+15550100" }));
  assert.match(smsSub.SubscriptionArn, /^arn:aws:sns:/, "sms subscriptions need no confirmation");
  await assert.rejects(c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "not-an-address" })),
                       (e) => e.name === "InvalidParameterException");

  // The confirmations were "sent": each has its token and SubscribeURL.
  const confirmations = await eventually(async () => {
    const d = await deliveries(`?topic=${encodeURIComponent(TopicArn)}`);
    return d.filter((m) => m.type === "SubscriptionConfirmation").length === 2 && d;
  });
  assert.ok(confirmations, "two confirmations recorded");
  const ann = confirmations.find((m) => m.endpoint === "ann@example.com");
  assert.equal(ann.protocol, "email");
  assert.match(ann.message, /To confirm the subscription, visit the SubscribeURL included in this message\.\nhttp/);
  assert.equal((await fetch(ann.subscribe_url)).status, 200);
  const bob = confirmations.find((m) => m.endpoint === "bob@example.com");
  assert.equal(JSON.parse(bob.message).Type, "SubscriptionConfirmation");
  await c.send(new sns.ConfirmSubscriptionCommand({ TopicArn, Token: bob.token }));

  const { MessageId } = await c.send(new sns.PublishCommand({
    TopicArn, Message: "dinner at eight", Subject: "tonight", MessageAttributes: { kind: { DataType: "String", StringValue: "invite" } },
  }));
  const sent = await eventually(async () => {
    const d = (await deliveries()).filter((m) => m.message_id === MessageId);
    return d.length === 3 && d;
  });
  assert.ok(sent, "one message per confirmed subscription");
  const byProtocol = Object.fromEntries(sent.map((m) => [m.protocol, m]));
  assert.equal(byProtocol.email.message, "dinner at eight");
  assert.equal(byProtocol.email.subject, "tonight");
  assert.deepEqual(byProtocol.email.message_attributes, { kind: { Type: "String", Value: "invite" } });
  const json = JSON.parse(byProtocol["email-json"].message);
  assert.equal(json.Message, "dinner at eight");
  assert.ok(await verifySignature(json), "email-json's message is signed as an http endpoint's is");
  assert.equal(byProtocol.sms.endpoint, "+15550100");
  assert.equal(byProtocol.sms.message, "dinner at eight");
  assert.deepEqual((await deliveries("?endpoint=%2B15550100&limit=1")).map((m) => m.message_id), [MessageId], "filtered, newest first");

  // Straight to a phone number; a number that opted out gets nothing.
  const direct = await c.send(new sns.PublishCommand({ PhoneNumber: "+15550199", Message: "your code is 1234" }));
  let d = await deliveries("?endpoint=%2B15550199");
  assert.deepEqual(d.map((m) => [m.message_id, m.topic_arn, m.message]), [[direct.MessageId, null, "your code is 1234"]]);
  await assert.rejects(c.send(new sns.PublishCommand({ PhoneNumber: "+1a234", Message: "x" })),
                       (e) => e.message === "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to");
  assert.equal((await c.send(new sns.CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: "+15550199" }))).isOptedOut, false);
  const stop = await fetch(`${lr.endpoint}/_localray/sns/opt-outs`, { method: "POST", body: JSON.stringify({ phoneNumber: "+15550199" }) });
  assert.equal(stop.status, 200);
  assert.equal((await c.send(new sns.CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: "+15550199" }))).isOptedOut, true);
  assert.deepEqual((await c.send(new sns.ListPhoneNumbersOptedOutCommand({}))).phoneNumbers, ["+15550199"]);
  await c.send(new sns.PublishCommand({ PhoneNumber: "+15550199", Message: "not sent" }));
  d = await deliveries("?endpoint=%2B15550199");
  assert.equal(d.length, 1, "nothing to a number that opted out");
  await c.send(new sns.OptInPhoneNumberCommand({ phoneNumber: "+15550199" }));
  assert.equal((await c.send(new sns.CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: "+15550199" }))).isOptedOut, false);

  // SMS settings: SNS's default, then what was set, by name.
  assert.deepEqual((await c.send(new sns.GetSMSAttributesCommand({}))).attributes, { MonthlySpendLimit: "1" });
  await c.send(new sns.SetSMSAttributesCommand({ attributes: { DefaultSMSType: "Transactional", DefaultSenderID: "LOCALRAY" } }));
  assert.deepEqual((await c.send(new sns.GetSMSAttributesCommand({ attributes: ["DefaultSMSType"] }))).attributes, { DefaultSMSType: "Transactional" });
  await assert.rejects(c.send(new sns.SetSMSAttributesCommand({ attributes: { DefaultSMSType: "Loud" } })),
                       (e) => e.name === "InvalidParameterException" && e.message === "DefaultSMSType is invalid");
  await assert.rejects(c.send(new sns.SetSMSAttributesCommand({ attributes: { Nope: "1" } })),
                       (e) => e.message === "Nope is not a valid attribute");
});

test("a template's http subscription asks its endpoint to confirm when the stack is made, with the delivery policies it gives", async () => {
  const { writeFileSync, mkdtempSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "localray-sns-"));
  const template = join(dir, "app.yaml");
  writeFileSync(template, [
    "Resources:",
    "  Hooks:",
    "    Type: AWS::SNS::Topic",
    "    Properties:",
    "      TopicName: hooks",
    "      DeliveryPolicy: { http: { defaultHealthyRetryPolicy: { numRetries: 5, minDelayTarget: 2, maxDelayTarget: 4 } } }",
    "  Web:",
    "    Type: AWS::SNS::Subscription",
    `    Properties: { TopicArn: !Ref Hooks, Protocol: http, Endpoint: '${endpoint}/from-template',`,
    `                  DeliveryPolicy: '{"healthyRetryPolicy":{"numRetries":7,"minDelayTarget":1,"maxDelayTarget":3}}' }`,
    "",
  ].join("\n"));
  const other = await startLocalray(["--template", template]);
  try {
    const confirmation = await eventually(() => messagesTo("/from-template", "SubscriptionConfirmation")[0]);
    assert.ok(confirmation, "the stack's subscription asked for confirmation");
    assert.match(confirmation.json.TopicArn, /:hooks$/);
    assert.equal((await fetch(confirmation.json.SubscribeURL)).status, 200);
    const c = new sns.SNSClient(v3Options(other.endpoint));
    const { MessageId } = await c.send(new sns.PublishCommand({ TopicArn: confirmation.json.TopicArn, Message: "from the stack" }));
    assert.ok(await eventually(() => messagesTo("/from-template", "Notification").find((m) => m.json.MessageId === MessageId)));
    // The policies as SNS keeps them: the topic's with its defaults filled in, the subscription's in force.
    const topic = (await c.send(new sns.GetTopicAttributesCommand({ TopicArn: confirmation.json.TopicArn }))).Attributes;
    assert.equal(JSON.parse(topic.DeliveryPolicy).http.defaultHealthyRetryPolicy.numRetries, 5);
    assert.equal(JSON.parse(topic.DeliveryPolicy).http.disableSubscriptionOverrides, false);
    const { Subscriptions } = await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn: confirmation.json.TopicArn }));
    const sub = (await c.send(new sns.GetSubscriptionAttributesCommand({ SubscriptionArn: Subscriptions[0].SubscriptionArn }))).Attributes;
    assert.deepEqual(JSON.parse(sub.DeliveryPolicy).healthyRetryPolicy,
                     { minDelayTarget: 1, maxDelayTarget: 3, numRetries: 7, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0,
                       backoffFunction: "linear" });
    assert.equal(JSON.parse(sub.EffectiveDeliveryPolicy).healthyRetryPolicy.numRetries, 7);
  } finally {
    await other.stop();
  }
});

test("an https endpoint with a self-signed certificate gets its messages over TLS", async () => {
  const { execFileSync } = await import("node:child_process");
  const { readFileSync, mkdtempSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const https = await import("node:https");
  const dir = mkdtempSync(join(tmpdir(), "localray-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
                           "-days", "1", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
  const bodies = [];
  const tls = https.createServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      bodies.push({ headers: req.headers, json: JSON.parse(body) });
      res.end();
    });
  });
  tls.listen(0, "127.0.0.1");
  await once(tls, "listening");
  try {
    const c = client();
    const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "tls-topic" }));
    await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "https", Endpoint: `https://127.0.0.1:${tls.address().port}/secure` }));
    const confirmation = await eventually(() => bodies.find((b) => b.json.Type === "SubscriptionConfirmation"));
    assert.ok(confirmation, "the confirmation came over TLS");
    await c.send(new sns.ConfirmSubscriptionCommand({ TopicArn, Token: confirmation.json.Token }));
    const { MessageId } = await c.send(new sns.PublishCommand({ TopicArn, Message: "sealed" }));
    const got = await eventually(() => bodies.find((b) => b.json.MessageId === MessageId));
    assert.ok(got);
    assert.equal(got.json.Message, "sealed");
    assert.ok(await verifySignature(got.json));
  } finally {
    tls.close();
  }
});
