// The X-Ray SDK for Node sends segments over UDP exactly as it would to the X-Ray daemon; they
// join a trace that localray started, and come back through BatchGetTraces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { XRayClient, BatchGetTracesCommand } from "@aws-sdk/client-xray";
import { startLocalray, v3Options, eventually } from "./lib/localray.mjs";

const require = createRequire(import.meta.url);

test("aws-xray-sdk-core segment with subsegment, annotation and metadata joins a localray trace", async () => {
  const lr = await startLocalray(["--seed", "3"]);
  try {
    // A request through the pattern: localray starts trace T and answers with its header.
    const res = await fetch(`${lr.invokeUrl}/from-sdk`, { method: "POST", body: JSON.stringify({ status: "ok" }) });
    assert.equal(res.status, 200);
    const header = res.headers.get("x-amzn-trace-id");
    const [, root] = header.match(/Root=([^;]+)/);
    const [, parent] = header.match(/Parent=([^;]+)/);

    process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${lr.udpPort}`;
    process.env.AWS_XRAY_CONTEXT_MISSING = "IGNORE_ERROR";
    const AWSXRay = require("aws-xray-sdk-core");
    AWSXRay.setDaemonAddress(`127.0.0.1:${lr.udpPort}`);
    AWSXRay.middleware.disableCentralizedSampling();

    const segment = new AWSXRay.Segment("sdk-client", root, parent);
    const sub = segment.addNewSubsegment("compute");
    sub.addAnnotation("customer", "acme");
    sub.addMetadata("payload", { items: [1, 2, 3] });
    sub.close();
    segment.close();

    const xray = new XRayClient(v3Options(lr.endpoint));
    const doc = await eventually(async () => {
      const out = await xray.send(new BatchGetTracesCommand({ TraceIds: [root] }));
      const docs = (out.Traces?.[0]?.Segments ?? []).map((s) => JSON.parse(s.Document));
      return docs.find((d) => d.name === "sdk-client");
    });
    assert.ok(doc, "the SDK's segment is in the trace localray started");
    assert.equal(doc.trace_id, root);
    assert.equal(doc.parent_id, parent);
    const compute = doc.subsegments.find((s) => s.name === "compute");
    assert.equal(compute.annotations.customer, "acme");
    assert.deepEqual(compute.metadata.default.payload, { items: [1, 2, 3] });
  } finally {
    await lr.stop();
  }
});
