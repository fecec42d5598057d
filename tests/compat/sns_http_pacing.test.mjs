// How fast SNS sends to an http endpoint, through the SDK for JavaScript v3: at most 64 POSTs open
// at once to a slow endpoint, the rest waiting their turn; and a subscription's throttle policy
// (maxReceivesPerSecond) pacing its notifications.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { once } from "node:events";
import * as sns from "@aws-sdk/client-sns";
import { startLocalray, v3Options, eventually } from "./lib/localray.mjs";

let lr;
before(async () => {
  lr = await startLocalray();
});
after(async () => {
  await lr?.stop();
});

const client = () => new sns.SNSClient(v3Options(lr.endpoint));

test("a slow endpoint gets at most 64 POSTs at once; a burst waits its turn and is delivered whole", async () => {
  const c = client();
  let open = 0, most = 0, answering = false;
  const held = [];
  const notified = new Set();
  const slow = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const json = JSON.parse(body);
      if (json.Type === "SubscriptionConfirmation") {
        res.end("ok");
        fetch(json.SubscribeURL);
        return;
      }
      notified.add(json.Message);
      ++open;
      most = Math.max(most, open);
      res.on("close", () => --open);
      if (answering) res.end("ok");
      else held.push(res);
    });
  });
  slow.listen(0, "127.0.0.1");
  await once(slow, "listening");
  try {
    const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "http-slow" }));
    await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: `http://127.0.0.1:${slow.address().port}/slow` }));
    assert.ok(await eventually(async () => {
      const { Subscriptions } = await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }));
      return Subscriptions[0].SubscriptionArn !== "PendingConfirmation";
    }), "the endpoint confirmed");
    const entries = (k) => Array.from({ length: 10 }, (_, i) => ({ Id: `m${k}-${i}`, Message: `burst ${k}-${i}` }));
    for (let k = 0; k < 10; ++k) await c.send(new sns.PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries(k) }));
    assert.ok(await eventually(() => held.length === 64), `64 POSTs reach the endpoint (got ${held.length})`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(held.length, 64, "the other 36 wait while 64 are open");
    answering = true;
    held.splice(0).forEach((r) => r.end("ok"));
    assert.ok(await eventually(() => notified.size === 100), `all 100 delivered once the endpoint answers (got ${notified.size})`);
    assert.equal(most, 64, "never more than 64 at once");
  } finally {
    held.forEach((r) => r.destroy());
    slow.close();
  }
});

test("a throttle policy paces the notifications to its endpoint", async () => {
  const c = client();
  const arrivals = [];
  const paced = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const json = JSON.parse(body);
      res.end("ok");
      if (json.Type === "SubscriptionConfirmation") fetch(json.SubscribeURL);
      else arrivals.push({ at: Date.now(), message: json.Message });
    });
  });
  paced.listen(0, "127.0.0.1");
  await once(paced, "listening");
  try {
    const { TopicArn } = await c.send(new sns.CreateTopicCommand({ Name: "http-paced" }));
    const DeliveryPolicy = JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 4 } });
    await c.send(new sns.SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: `http://127.0.0.1:${paced.address().port}/paced`,
                                            Attributes: { DeliveryPolicy } }));
    assert.ok(await eventually(async () => {
      const { Subscriptions } = await c.send(new sns.ListSubscriptionsByTopicCommand({ TopicArn }));
      return Subscriptions[0].SubscriptionArn !== "PendingConfirmation";
    }), "the endpoint confirmed");
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, Message: `paced ${i}` }));
    await c.send(new sns.PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));
    assert.ok(await eventually(() => arrivals.length === 10, 15000), `all 10 arrive (got ${arrivals.length})`);
    // Four a second: the tenth is sent 2.25 s after the first. Unpaced, all ten arrive within a few ms.
    const span = arrivals[9].at - arrivals[0].at;
    assert.ok(span >= 1800, `ten notifications at four a second were spread over ${span} ms`);
    const firstSecond = arrivals.filter((a) => a.at - arrivals[0].at < 1000).length;
    assert.ok(firstSecond <= 6, `${firstSecond} arrived in the first second`);
    assert.deepEqual(new Set(arrivals.map((a) => a.message)), new Set(entries.map((e) => e.Message)));
  } finally {
    paced.close();
  }
});
