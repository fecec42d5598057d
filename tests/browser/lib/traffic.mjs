// Traffic for the console test: requests through the pattern, segments put straight into X-Ray
// (one carrying HTML in every user-provided field), and waits until the traces have settled.
import { randomBytes } from "node:crypto";

// X-Ray (and localray) refuse segment names outside [A-Za-z0-9 _.:/%&#=+\-@]; a DynamoDB call's
// table_name is free text and names the inferred table node and segment, so HTML reaches a node
// name that way. Everything else here is free text in a document as X-Ray stores it.
export const XSS = {
  node: "<img src=x onerror=alert(1)>",
  service: "xss-service",
  annotation: "<b>bold</b><img src=x onerror=alert(3)>",
  metadata: "<script>alert(4)</script>",
  url: "http://example.test/<img src=x onerror=alert(5)>",
  exception: "<img src=x onerror=alert(6)>",
  exceptionType: "<b>XssError</b>",
  frame: "<i>handler</i>",
};

export async function xray(endpoint, operation, body) {
  const r = await fetch(`${endpoint}/${operation}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${operation}: ${r.status} ${text}`);
  return JSON.parse(text);
}

export async function hitApi(invokeUrl, path, status = "ok") {
  const r = await fetch(`${invokeUrl}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status }) });
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

const hex = (bytes) => randomBytes(bytes).toString("hex");
export const newTraceId = (t = Date.now() / 1000) => `1-${Math.floor(t).toString(16).padStart(8, "0")}-${hex(12)}`;

/** One trace whose node name, annotation, metadata, URL and exception are HTML; returns its id. */
export async function putXssTrace(endpoint) {
  const now = Date.now() / 1000;
  const traceId = newTraceId(now);
  const doc = {
    name: XSS.service,
    origin: "AWS::EC2::Instance",
    id: hex(8),
    trace_id: traceId,
    start_time: now - 0.25,
    end_time: now,
    fault: true,
    http: { request: { method: "GET", url: XSS.url, user_agent: "<b>agent</b>" }, response: { status: 500 } },
    annotations: { html: XSS.annotation },
    metadata: { default: { note: XSS.metadata } },
    cause: {
      working_directory: "/tmp",
      exceptions: [{ id: hex(8), type: XSS.exceptionType, message: XSS.exception, stack: [{ label: XSS.frame, path: "app.js", line: 7 }] }],
    },
    subsegments: [
      { id: hex(8), name: "DynamoDB", namespace: "aws", start_time: now - 0.2, end_time: now - 0.05, fault: true, aws: { operation: "GetItem", table_name: XSS.node } },
    ],
  };
  const r = await xray(endpoint, "TraceSegments", { TraceSegmentDocuments: [JSON.stringify(doc)] });
  if (r.UnprocessedTraceSegments?.length) throw new Error(`segment refused: ${JSON.stringify(r.UnprocessedTraceSegments)}`);
  return traceId;
}

/** `count` one-segment traces of a service "bulk", so the trace list needs a second page. */
export async function putBulkTraces(endpoint, count) {
  const now = Date.now() / 1000;
  const docs = [];
  for (let i = 0; i < count; i++) {
    docs.push(JSON.stringify({ name: "bulk", id: hex(8), trace_id: newTraceId(now - 30), start_time: now - 30 + i * 0.01, end_time: now - 30 + i * 0.01 + 0.002 * (1 + (i % 5)) }));
  }
  const r = await xray(endpoint, "TraceSegments", { TraceSegmentDocuments: docs });
  if (r.UnprocessedTraceSegments?.length) throw new Error(`segments refused: ${JSON.stringify(r.UnprocessedTraceSegments)}`);
}

/** The console's default window: the last hour. */
export function timeWindow(minutes = 60) {
  const now = Date.now() / 1000;
  return { StartTime: Math.floor(now - minutes * 60), EndTime: Math.ceil(now) };
}

/** All trace summaries matching a filter (every page). */
export async function summaries(endpoint, filter) {
  const out = [];
  let token;
  do {
    const r = await xray(endpoint, "TraceSummaries", { ...timeWindow(), ...(filter ? { FilterExpression: filter } : {}), ...(token ? { NextToken: token } : {}) });
    out.push(...r.TraceSummaries);
    token = r.NextToken;
  } while (token);
  return out;
}

export async function serviceGraph(endpoint) {
  return (await xray(endpoint, "ServiceGraph", timeWindow())).Services;
}

/** Waits until `probe` returns a truthy value; throws with `what` after `ms`. */
export async function until(what, probe, ms = 20000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
