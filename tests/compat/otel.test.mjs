// OpenTelemetry in and out: spans from the real OpenTelemetry SDK for JavaScript (OTLP/HTTP with
// JSON and with protobuf) join localray's X-Ray traces; a function run by localray and
// instrumented with the OTel SDK nests under its function segment; --otlp-endpoint sends what one
// localray stores to another, which reads back the same documents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { trace, context, propagation, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, RandomIdGenerator, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { AWSXRayIdGenerator } from "@opentelemetry/id-generator-aws-xray";
import { AWSXRayPropagator } from "@opentelemetry/propagator-aws-xray";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { XRayClient, BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand } from "@aws-sdk/client-xray";
import { LambdaClient, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { startLocalray, v3Options, eventually } from "./lib/localray.mjs";

const xrayId = (hex) => `1-${hex.slice(0, 8)}-${hex.slice(8)}`;

async function documents(xray, traceId) {
  const out = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
  return (out.Traces?.[0]?.Segments ?? []).map((s) => JSON.parse(s.Document));
}

// Every segment and subsegment of the documents, nested ones included.
function flatten(docs) {
  const out = [];
  const walk = (s) => {
    out.push(s);
    for (const c of s.subsegments ?? []) walk(c);
  };
  docs.forEach(walk);
  return out;
}

function tracerWith(exporter, service, idGenerator = new AWSXRayIdGenerator()) {
  const provider = new BasicTracerProvider({
    idGenerator,
    resource: resourceFromAttributes({ "service.name": service, "cloud.provider": "aws", "cloud.platform": "aws_ec2" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { provider, tracer: provider.getTracer("shop", "2.0.0") };
}

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

test("spans from the OpenTelemetry SDK (OTLP/JSON) call the pattern and share its trace", async () => {
  const lr = await startLocalray(["--seed", "5"]);
  try {
    const { provider, tracer } = tracerWith(new JsonExporter({ url: `${lr.endpoint}/v1/traces` }), "shop-frontend");
    const propagator = new AWSXRayPropagator();
    // Contexts are passed explicitly: this provider registers no context manager.
    const root = tracer.startSpan("GET /checkout", { kind: SpanKind.SERVER, attributes: { "http.request.method": "GET", "url.full": "http://shop.test/checkout", "http.response.status_code": 200, "cart.size": 3, "customer": "acme", "aws.xray.annotations": ["customer"] } });
    const traceHex = root.spanContext().traceId, rootId = root.spanContext().spanId;
    const inRoot = trace.setSpan(context.active(), root);
    const client = tracer.startSpan("POST", { kind: SpanKind.CLIENT, attributes: { "http.request.method": "POST", "url.full": `${lr.invokeUrl}/otel` } }, inRoot);
    const clientId = client.spanContext().spanId;
    const headers = {};
    propagator.inject(trace.setSpan(context.active(), client), headers, { set: (c, k, v) => (c[k] = v) });
    const res = await fetch(`${lr.invokeUrl}/otel`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ status: "ok" }) });
    assert.equal(res.status, 200);
    client.setAttribute("http.response.status_code", res.status);
    client.end();
    const render = tracer.startSpan("render", {}, inRoot);
    render.recordException(Object.assign(new TypeError("price is undefined"), { stack: "TypeError: price is undefined\n    at render (/srv/shop/view.js:41:9)" }));
    render.setStatus({ code: SpanStatusCode.ERROR, message: "render failed" });
    render.end();
    root.end();
    await provider.forceFlush();

    const traceId = xrayId(traceHex);
    const xray = new XRayClient(v3Options(lr.endpoint));
    // The OTel documents and the pattern's own, in one trace.
    const all = await eventually(async () => {
      const segs = flatten(await documents(xray, traceId));
      const names = new Set(segs.map((s) => s.name));
      return names.has("shop-frontend") && names.has("xrayTracerAPI/prod") && names.has("sns_subscribe") ? segs : null;
    }, 20000);
    assert.ok(all, "the OTel spans and the pattern's segments share one trace");
    const rootDoc = all.find((s) => s.id === rootId);
    assert.equal(rootDoc.name, "shop-frontend");
    assert.equal(rootDoc.origin, "AWS::EC2::Instance");
    assert.equal(rootDoc.http.request.url, "http://shop.test/checkout");
    assert.equal(rootDoc.http.response.status, 200);
    assert.equal(rootDoc.annotations.customer, "acme");
    assert.equal(rootDoc.metadata.default["cart.size"], 3);
    assert.equal(rootDoc.metadata.otel["span.name"], "GET /checkout");
    // Child spans are subsegments, nested into their parent's document as X-Ray returns them.
    const clientDoc = rootDoc.subsegments.find((s) => s.id === clientId);
    assert.ok(clientDoc, "the client span nests under the server span");
    assert.equal(clientDoc.namespace, "remote");
    assert.equal(clientDoc.name, "127.0.0.1");
    const api = all.find((s) => s.name === "xrayTracerAPI/prod");
    assert.equal(api.parent_id, clientId, "API Gateway's segment hangs off the OTel client span");
    const renderDoc = rootDoc.subsegments.find((s) => s.name === "render");
    assert.ok(renderDoc);
    assert.equal(renderDoc.fault, true);
    assert.equal(renderDoc.cause.exceptions[0].type, "TypeError");
    assert.equal(renderDoc.cause.exceptions[0].message, "price is undefined");
    assert.deepEqual(renderDoc.cause.exceptions[0].stack[0], { path: "/srv/shop/view.js", line: 41, label: "render" });

    // The trace is found like any other, and the map draws the OTel service before the API.
    const now = Date.now() / 1000;
    const summaries = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date((now - 300) * 1000), EndTime: new Date((now + 60) * 1000), FilterExpression: 'service("shop-frontend")' }));
    assert.ok(summaries.TraceSummaries.some((t) => t.Id === traceId));
    const graph = await xray.send(new GetServiceGraphCommand({ StartTime: new Date((now - 300) * 1000), EndTime: new Date((now + 60) * 1000) }));
    const node = graph.Services.find((s) => s.Name === "shop-frontend");
    assert.ok(node, "the OTel service is a node of the map");
    assert.equal(node.Type, "AWS::EC2::Instance");
    const api_node = graph.Services.find((s) => s.Name === "xrayTracerAPI/prod");
    assert.ok(node.Edges.some((e) => e.ReferenceId === api_node.ReferenceId), "shop-frontend -> xrayTracerAPI/prod");
  } finally {
    await lr.stop();
  }
});

test("OTLP/protobuf with gzip, on the OTLP port; a taken OTLP port is passed over", async () => {
  const otlpPort = await freePort();
  const lr = await startLocalray(["--otlp-port", String(otlpPort)]);
  const second = await startLocalray(["--otlp-port", String(otlpPort)]);
  try {
    assert.equal(lr.ready.otlp_port, otlpPort);
    assert.equal(second.ready.otlp_port, null, "the port was taken: the second one starts without it");
    const health = await (await fetch(`${second.endpoint}/_localray/health`)).json();
    assert.match(health.services.otlp.detail, /not served/);

    const { provider, tracer } = tracerWith(new ProtoExporter({ url: `http://127.0.0.1:${otlpPort}/v1/traces`, compression: "gzip" }), "batch-job");
    const root = tracer.startSpan("nightly", { kind: SpanKind.CONSUMER });
    const traceHex = root.spanContext().traceId;
    const child = tracer.startSpan("DynamoDB.Query", { kind: SpanKind.CLIENT, attributes: { "rpc.system": "aws-api", "rpc.service": "DynamoDB", "rpc.method": "Query", "aws.dynamodb.table_names": ["hits"], "aws.region": "us-east-1" } }, trace.setSpan(context.active(), root));
    const ids = [root.spanContext().spanId, child.spanContext().spanId];
    child.end();
    root.end();
    await provider.forceFlush();
    const xray = new XRayClient(v3Options(lr.endpoint));
    const segs = await eventually(async () => {
      const s = flatten(await documents(xray, xrayId(traceHex)));
      return s.some((d) => d.id === ids[0]) && s.some((d) => d.id === ids[1]) ? s : null;
    });
    assert.ok(segs, "both spans arrived over protobuf");
    const rootDoc = segs.find((s) => s.id === ids[0]);
    assert.equal(rootDoc.name, "batch-job");
    assert.equal(rootDoc.metadata.otel["span.kind"], "CONSUMER");
    const call = rootDoc.subsegments.find((s) => s.id === ids[1]);
    assert.equal(call.name, "DynamoDB");
    assert.equal(call.namespace, "aws");
    assert.deepEqual(call.aws, { operation: "Query", table_name: "hits", region: "us-east-1" });
    assert.ok(segs.some((d) => d.inferred && d.name === "hits" && d.origin === "AWS::DynamoDB::Table"), "the table is inferred from the call, as X-Ray does");

    // A W3C trace id from the SDK's default generator (its first 32 bits no time) is found by its
    // segments' time, in GetTraceSummaries' default TraceId range.
    const w3c = tracerWith(new ProtoExporter({ url: `${lr.endpoint}/v1/traces` }), "w3c-service", new RandomIdGenerator());
    const span = w3c.tracer.startSpan("job", { kind: SpanKind.SERVER });
    const w3cId = xrayId(span.spanContext().traceId);
    span.end();
    await w3c.provider.forceFlush();
    const now = Date.now() / 1000;
    const found = await eventually(async () => {
      const out = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date((now - 60) * 1000), EndTime: new Date((now + 60) * 1000) }));
      return out.TraceSummaries.some((t) => t.Id === w3cId);
    });
    assert.ok(found, `${w3cId} is found by its time`);

    // The OTLP port serves the traces path alone; a body that is not OTLP is a 400 in OTLP's shape.
    assert.equal((await fetch(`http://127.0.0.1:${otlpPort}/_localray/health`)).status, 404);
    const bad = await fetch(`http://127.0.0.1:${otlpPort}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"resourceSpans":{}}' });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /resourceSpans must be an array/);
    const partial = await fetch(`${lr.endpoint}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "00", spanId: "0000000000000001", name: "x", startTimeUnixNano: "1", endTimeUnixNano: "2" }] }] }] }),
    });
    assert.equal(partial.status, 200);
    const body = await partial.json();
    assert.equal(body.partialSuccess.rejectedSpans, "1");
    assert.match(body.partialSuccess.errorMessage, /traceId/);
  } finally {
    await second.stop();
    await lr.stop();
  }
});

test("a Node function instrumented with the OTel SDK, called through the pattern's topic, nests under its function segment", async () => {
  const lr = await startLocalray(["--seed", "9"]);
  try {
    const lambda = new LambdaClient(v3Options(lr.endpoint));
    const code = fileURLToPath(new URL("./functions/otel-node", import.meta.url));
    await lambda.send(new CreateFunctionCommand({
      FunctionName: "otel_orders", Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/any",
      Code: { S3Bucket: "hot-reload", S3Key: code }, Timeout: 10,
      // How ADOT is switched on: localray then sets OTEL_PROPAGATORS=xray as the layer would.
      Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: "/opt/otel-handler" } },
    }));
    const sns = new SNSClient(v3Options(lr.endpoint));
    await sns.send(new SubscribeCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:xrayTracerTopic", Protocol: "lambda", Endpoint: "arn:aws:lambda:us-east-1:000000000000:function:otel_orders" }));
    const res = await fetch(`${lr.invokeUrl}/orders/42`, { method: "POST", body: JSON.stringify({ status: "ok" }) });
    assert.equal(res.status, 200);
    const [, traceId] = res.headers.get("x-amzn-trace-id").match(/Root=([^;]+)/);

    const xray = new XRayClient(v3Options(lr.endpoint));
    const all = await eventually(async () => {
      const segs = flatten(await documents(xray, traceId));
      return segs.some((s) => s.name === "validate") ? segs : null;
    }, 30000);
    assert.ok(all, "the function's OTel spans reached localray");
    const fn = all.find((s) => s.name === "otel_orders" && s.origin === "AWS::Lambda::Function");
    assert.ok(fn, "the function segment localray records");
    const invocation = fn.subsegments.find((s) => s.name === "Invocation");
    const order = (invocation.subsegments ?? []).find((s) => s.name === "process order");
    assert.ok(order, "the handler's span nests under Invocation");
    assert.equal(order.annotations.order_path, "/prod/orders/42");
    assert.equal(order.metadata.otel.scope.name, "orders-handler");
    const validate = (order.subsegments ?? []).find((s) => s.name === "validate");
    assert.ok(validate, "and its child under it");
    assert.equal(validate.metadata.default.valid, true);
  } finally {
    await lr.stop();
  }
});

test("--otlp-endpoint sends every stored segment to a collector: another localray reads back the same documents", async () => {
  const sink = await startLocalray(["--seed", "1"]);
  const lr = await startLocalray(["--seed", "2", "--otlp-endpoint", sink.endpoint]);
  try {
    const roots = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${lr.invokeUrl}/export/${i}`, { method: "POST", body: JSON.stringify({ status: "ok" }) });
      assert.equal(res.status, 200);
      roots.push(res.headers.get("x-amzn-trace-id").match(/Root=([^;]+)/)[1]);
    }
    const source = new XRayClient(v3Options(lr.endpoint));
    const target = new XRayClient(v3Options(sink.endpoint));
    // Each request's trace is complete when its SQS consumer has run (the queue holds a second).
    const stored = {};
    for (const id of roots) {
      stored[id] = await eventually(async () => {
        const segs = flatten(await documents(source, id)).filter((s) => !s.in_progress);
        return segs.some((s) => s.name === "sqs_subscribe" && s.origin === "AWS::Lambda::Function") && segs.some((s) => s.name === "sns_subscribe" && s.origin === "AWS::Lambda::Function") ? segs : null;
      }, 20000);
      assert.ok(stored[id], `trace ${id} complete in the source`);
    }
    await new Promise((r) => setTimeout(r, 1500));  // the last segments of the slowest hops
    for (const id of roots) {
      const want = flatten(await documents(source, id));
      const got = await eventually(async () => {
        const segs = flatten(await documents(target, id));
        return segs.length >= want.length ? segs : null;
      }, 15000);
      assert.ok(got, `trace ${id} arrived at the collector`);
      assert.equal(got.length, want.length, "exactly the spans stored, once each");
      const byId = new Map(got.map((s) => [s.id, s]));
      for (const w of want) {
        const g = byId.get(w.id);
        assert.ok(g, `${w.name} ${w.id} exported`);
        for (const field of ["name", "origin", "namespace", "http", "aws", "annotations", "metadata", "cause", "links", "error", "fault", "throttle", "resource_arn"])
          assert.deepEqual(g[field], w[field], `${w.name}.${field}`);
        assert.ok(Math.abs(g.start_time - w.start_time) < 1e-6 && Math.abs(g.end_time - w.end_time) < 1e-6, `${w.name} times`);
      }
    }
    const metrics = await (await fetch(`${lr.endpoint}/_localray/metrics`)).text();
    assert.match(metrics, /localray_otlp_export_spans_total\{result="exported"\} [1-9]/);
  } finally {
    await lr.stop();
    await sink.stop();
  }
});
