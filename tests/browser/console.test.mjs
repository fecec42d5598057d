// The console at /_localray/ in a real Chromium against the real localray binary: service map
// (nodes, edges, rings, stable layout, side panel), traces (filter, filter errors at their column,
// histogram selection, load more, live refresh), trace timeline (bars, nesting, details, download),
// and no HTML from trace data ever becoming markup.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launch, mapPositions, timedLoad, watchedPage } from "./lib/browser.mjs";
import { startConsole } from "./lib/server.mjs";
import { XSS, hitApi, putBulkTraces, putXssTrace, serviceGraph, summaries, until, xray } from "./lib/traffic.mjs";

const artifacts = process.env.LOCALRAY_ARTIFACTS ?? mkdtempSync(join(tmpdir(), "localray-browser-"));
mkdirSync(artifacts, { recursive: true });

const HELLO = 6; // requests to /hello
const WORLD = 4; // requests to /world
const BULK = 95; // one-segment traces, so that the list has a second page
const FUNCTIONS = ["http", "dynamo", "sns_publish", "sns_subscribe", "sqs", "sqs_subscribe"];

let lr; // the localray process and its console URL
let browser;
let context;
let page;
let problems;
let xssTraceId;
let worldIds;
let requests = HELLO + WORLD;
const loadTimes = {};

const functionCount = (services, name) => services.find((s) => s.Name === name && s.Type === "AWS::Lambda::Function")?.SummaryStatistics?.TotalCount ?? 0;

before(async () => {
  lr = await startConsole(["--seed", "7"]);
  console.log(`# console under test: ${lr.consoleUrl} (served by the ${lr.via})`);
  for (let i = 0; i < HELLO; i++) await hitApi(lr.invokeUrl, "/hello");
  for (let i = 0; i < WORLD; i++) await hitApi(lr.invokeUrl, "/world");
  xssTraceId = await putXssTrace(lr.endpoint);
  await putBulkTraces(lr.endpoint, BULK);
  // Every flow has run (the SQS consumer waits out a 1 s delay) ...
  await until("every function to have run for every request", async () => {
    const services = await serviceGraph(lr.endpoint);
    return FUNCTIONS.filter((f) => f !== "http").every((f) => functionCount(services, f) === requests) && functionCount(services, "http") >= requests;
  });
  // ... and the http function's retries (1 s, then 2 s later) are over.
  let last = -1;
  await until(
    "the http retries to settle",
    async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const n = functionCount(await serviceGraph(lr.endpoint), "http");
      const settled = n === last;
      last = n;
      return settled;
    },
    30000,
  );
  worldIds = (await summaries(lr.endpoint, 'annotation.path = "/prod/world"')).map((t) => t.Id).sort();
  assert.equal(worldIds.length, WORLD, "the API answers the annotation filter with the /world traces");

  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  ({ page, problems } = await watchedPage(context, new URL(lr.consoleUrl).origin));
});

after(async () => {
  await browser?.close();
  await lr?.stop();
  if (Object.keys(loadTimes).length) console.log(`PAGE_LOAD ${["map", "traces", "timeline"].map((p) => `${p}=${loadTimes[p] ?? "NA"}ms`).join(" ")}`);
  console.log(`# screenshots in ${artifacts}`);
});

async function noInjectedMarkup() {
  const found = await page.evaluate(() => ({
    imgX: document.querySelectorAll('img[src="x"]').length,
    handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).map((e) => e.outerHTML.slice(0, 80)),
    injected: document.querySelectorAll("#app b, #app i, #app script, #app img, svg svg[onload]").length,
  }));
  assert.equal(found.imgX, 0, "no <img src=x> in the document");
  assert.deepEqual(found.handlers, [], "no inline event handler attribute in the document");
  assert.equal(found.injected, 0, "no element made from trace data");
}

test("service map: every node and edge of the pattern, ringed and laid out left to right", async () => {
  const services = await serviceGraph(lr.endpoint);
  loadTimes.map = await timedLoad(page, `${lr.consoleUrl}#/map`, "[data-testid=map-node]");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=map-node]").length === n, services.length, { timeout: 10000 });

  const nodes = await page.$$eval("[data-testid=map-node]", (els) =>
    els.map((e) => ({
      name: e.getAttribute("data-node-name"),
      type: e.getAttribute("data-node-type"),
      x: Number(e.getAttribute("data-x")),
      y: Number(e.getAttribute("data-y")),
      total: Number(e.getAttribute("data-total")),
      ok: Number(e.getAttribute("data-ok")),
      fault: Number(e.getAttribute("data-fault")),
      rings: [...e.querySelectorAll(".ring circle[data-state]")].map((c) => c.getAttribute("data-state")),
    })),
  );
  const node = (name, type) => {
    const n = nodes.find((x) => x.name === name && x.type === type);
    assert.ok(n, `map node ${name} (${type}); drawn: ${nodes.map((x) => `${x.name}/${x.type}`).join(", ")}`);
    return n;
  };
  assert.deepEqual(
    nodes.map((n) => `${n.type}|${n.name}`).sort(),
    services.map((s) => `${s.Type}|${s.Name}`).sort(),
    "one map node per service of GetServiceGraph",
  );
  const api = node("xrayTracerAPI/prod", "AWS::ApiGateway::Stage");
  const topic = node("xrayTracerTopic", "AWS::SNS::Topic");
  node("snsFlowTopic", "AWS::SNS::Topic");
  const queue = node("sqsFlowQueue", "AWS::SQS::Queue");
  const table = node("hits", "AWS::DynamoDB::Table");
  for (const f of FUNCTIONS) {
    node(f, "AWS::Lambda");
    node(f, "AWS::Lambda::Function");
  }
  const client = nodes.find((n) => n.type === "client");
  const remote = nodes.find((n) => n.type === "remote");
  assert.ok(client, "a client node");
  assert.ok(remote, "a remote node for the http function's GET");
  assert.equal(api.total, requests, "the API stage counts every request");
  assert.equal(api.ok, requests);
  assert.deepEqual(api.rings, ["ok"], "an all-OK ring");
  const httpFn = node("http", "AWS::Lambda::Function");
  const apiStats = services.find((s) => s.Name === "http" && s.Type === "AWS::Lambda::Function").SummaryStatistics;
  assert.equal(httpFn.fault, apiStats.FaultStatistics.TotalCount, "the http function's fault share is GetServiceGraph's");
  if (httpFn.fault) assert.ok(httpFn.rings.includes("fault"), "a faulting node shows fault in its ring");
  const xss = node(XSS.node, "AWS::DynamoDB::Table");
  assert.deepEqual(xss.rings, ["fault"], "the HTML-named node faulted");
  assert.ok(node(XSS.service, "AWS::EC2::Instance").x < xss.x);
  // Left to right along the flow.
  assert.ok(client.x < api.x && api.x < topic.x, "client -> API -> topic, left to right");
  assert.ok(topic.x < node("sqs", "AWS::Lambda").x && node("sqs", "AWS::Lambda").x < node("sqs", "AWS::Lambda::Function").x);
  assert.ok(node("sqs", "AWS::Lambda::Function").x < queue.x && node("dynamo", "AWS::Lambda::Function").x < table.x);
  assert.ok(httpFn.x < remote.x);

  // Edges: those of GetServiceGraph, once the map has caught up with the API (it refreshes by itself).
  const mapEdges = () =>
    page.$$eval("[data-testid=map-edge]", (els) =>
      els.map((e) => `${e.getAttribute("data-source")}|${e.getAttribute("data-source-type")} -> ${e.getAttribute("data-target")}|${e.getAttribute("data-target-type")}`).sort(),
    );
  const apiEdges = async () => {
    const list = await serviceGraph(lr.endpoint);
    const byRef = new Map(list.map((s) => [s.ReferenceId, s]));
    return list.flatMap((s) => s.Edges.map((e) => `${s.Name}|${s.Type} -> ${byRef.get(e.ReferenceId)?.Name}|${byRef.get(e.ReferenceId)?.Type}`)).sort();
  };
  let edges = await mapEdges();
  let expectedEdges = await apiEdges();
  for (let i = 0; i < 24 && JSON.stringify(edges) !== JSON.stringify(expectedEdges); i++) {
    await page.waitForTimeout(500);
    edges = await mapEdges();
    expectedEdges = await apiEdges();
  }
  assert.deepEqual(edges, expectedEdges, "one map edge per edge of GetServiceGraph");
  const expectEdge = (from, to) => assert.ok(edges.includes(`${from} -> ${to}`), `edge ${from} -> ${to}; drawn: ${edges.join("; ")}`);
  expectEdge("xrayTracerAPI/prod|client", "xrayTracerAPI/prod|AWS::ApiGateway::Stage");
  expectEdge("xrayTracerAPI/prod|AWS::ApiGateway::Stage", "xrayTracerTopic|AWS::SNS::Topic");
  for (const f of ["http", "dynamo", "sns_publish", "sqs"]) expectEdge("xrayTracerTopic|AWS::SNS::Topic", `${f}|AWS::Lambda`);
  for (const f of FUNCTIONS) expectEdge(`${f}|AWS::Lambda`, `${f}|AWS::Lambda::Function`);
  expectEdge("dynamo|AWS::Lambda::Function", "hits|AWS::DynamoDB::Table");
  expectEdge("sqs|AWS::Lambda::Function", "sqsFlowQueue|AWS::SQS::Queue");
  expectEdge("sqsFlowQueue|AWS::SQS::Queue", "sqs_subscribe|AWS::Lambda");
  expectEdge("sns_publish|AWS::Lambda::Function", "snsFlowTopic|AWS::SNS::Topic");
  expectEdge("snsFlowTopic|AWS::SNS::Topic", "sns_subscribe|AWS::Lambda");
  expectEdge("http|AWS::Lambda::Function", `${remote.name}|remote`);
  const label = await page.locator('[data-testid=map-edge][data-source="xrayTracerAPI/prod"][data-source-type="AWS::ApiGateway::Stage"] .edge-label').textContent();
  assert.match(label, /^\d+(\.\d+)? (µs|ms|s) · \d+(\.\d+)?\/min$/, "edge label: average latency and calls per minute");
  await noInjectedMarkup();
  assert.deepEqual(problems, []);
});

test("service map: the same graph gets the same positions, across reloads and live refreshes", async () => {
  const first = await mapPositions(page);
  assert.ok(Object.keys(first).length > 20);
  await page.reload();
  await page.locator("[data-testid=map-node]").first().waitFor();
  assert.deepEqual(await mapPositions(page), first, "identical positions after a reload");

  // A fresh browser context, another window size: the layout is computed again, to the same positions.
  const fresh = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const other = await fresh.newPage();
  await other.goto(`${lr.consoleUrl}#/map`);
  await other.locator("[data-testid=map-node]").first().waitFor();
  assert.deepEqual(await mapPositions(other), first, "identical positions from a fresh layout");
  await fresh.close();

  // New traffic: the map refreshes by itself (event stream or polling) and nothing moves.
  await hitApi(lr.invokeUrl, "/hello");
  requests++;
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=map-node][data-node-type="AWS::ApiGateway::Stage"]')?.getAttribute("data-total") === String(n),
    requests,
    { timeout: 15000 },
  );
  assert.deepEqual(await mapPositions(page), first, "a live refresh moves no node");
});

test("service map: a node and an edge open the side panel with histogram, counts and traces link", async () => {
  await page.locator('[data-testid=map-node][data-node-name="xrayTracerAPI/prod"][data-node-type="AWS::ApiGateway::Stage"]').click();
  const panel = page.locator("[data-testid=map-panel]");
  await panel.waitFor({ state: "visible" });
  assert.equal(await panel.locator("[data-testid=panel-title]").textContent(), "xrayTracerAPI/prod");
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=map-panel] dt")].some((dt) => dt.textContent === "Region"));
  assert.equal(await panel.locator("dt:text-is('Region') + dd").textContent(), "us-east-1", "where the stage lives");
  await panel.locator("[data-testid=panel-histogram] canvas").waitFor();
  assert.ok(Number(await panel.locator("[data-testid=panel-histogram]").getAttribute("data-total")) >= requests - 1, "the histogram holds the requests");
  assert.equal(await panel.locator('[data-testid=status-counts] tr[data-state="ok"]').getAttribute("data-count"), String(requests));
  assert.equal(await panel.locator('[data-testid=status-counts] tr[data-state="fault"]').getAttribute("data-count"), "0");
  assert.equal(
    await panel.locator("[data-testid=panel-traces-link]").getAttribute("data-filter"),
    'service(id(name: "xrayTracerAPI/prod", type: "AWS::ApiGateway::Stage"))',
  );

  await page.locator('[data-testid=map-edge][data-source="sqsFlowQueue"][data-target="sqs_subscribe"]').click();
  await page.waitForFunction(() => document.querySelector("[data-testid=panel-title]")?.textContent === "sqsFlowQueue → sqs_subscribe");
  const link = panel.locator("[data-testid=panel-traces-link]");
  assert.equal(await link.getAttribute("data-filter"), 'edge("sqsFlowQueue", "sqs_subscribe")');
  await page.screenshot({ path: join(artifacts, "map.png") });

  // The link opens the traces page with that filter: every request crossed that edge.
  await link.click();
  await page.waitForFunction(() => location.hash.startsWith("#/traces?filter="));
  assert.equal(await page.locator("[data-testid=filter-input]").inputValue(), 'edge("sqsFlowQueue", "sqs_subscribe")');
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-row]").length === n, requests, { timeout: 10000 });
  assert.deepEqual(problems, []);
});

test("traces: the list, a filter, a filter error at its column, the histogram selection, load more", async () => {
  loadTimes.traces = await timedLoad(page, `${lr.consoleUrl}#/traces`, "[data-testid=trace-row]");
  const all = await summaries(lr.endpoint);
  assert.equal(all.length, requests + 1 + BULK);
  const rows = page.locator("[data-testid=trace-row]");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=trace-row]").length === 100);
  const more = page.locator("[data-testid=load-more]");
  await more.waitFor({ state: "visible" });
  await more.click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-row]").length === n, all.length);
  assert.equal(await more.isVisible(), false, "no more pages");
  const shown = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-trace-id")).sort());
  assert.deepEqual(shown, all.map((t) => t.Id).sort(), "the two pages together are every trace");

  // One row as the API describes it.
  const world = all.find((t) => t.Id === worldIds[0]);
  const row = page.locator(`[data-testid=trace-row][data-trace-id="${world.Id}"]`);
  assert.equal(await row.locator(".col-method").textContent(), "POST");
  assert.equal(await row.locator(".col-url").textContent(), `${new URL(lr.invokeUrl).pathname}/world`);
  assert.equal(await row.locator(".col-http").textContent(), "200");
  assert.match(await row.locator(".col-time").textContent(), /s ago|min ago/);

  // The XSS trace: its URL and name are text.
  const xssRow = page.locator(`[data-testid=trace-row][data-trace-id="${xssTraceId}"]`);
  assert.equal(await xssRow.locator(".col-url").textContent(), "/<img src=x onerror=alert(5)>", JSON.stringify(all.find((t) => t.Id === xssTraceId)));
  await noInjectedMarkup();

  // A filter whose answer is known: the /world requests.
  const input = page.locator("[data-testid=filter-input]");
  await input.fill('annotation.path = "/prod/world"');
  await input.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-row]").length === n, WORLD);
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-trace-id")).sort()), worldIds);
  assert.ok(decodeURIComponent(await page.evaluate(() => location.hash)).includes('filter=annotation.path = "/prod/world"'), "the filter is in the URL");

  // An invalid filter: the server's message, and a caret under its column.
  await input.fill("http.status = ");
  await input.press("Enter");
  const error = page.locator("[data-testid=filter-error]");
  await error.waitFor({ state: "visible" });
  assert.match(await error.textContent(), /Invalid filter expression: .* at column 15/);
  assert.equal(await error.getAttribute("data-column"), "15");
  assert.equal(await page.locator("[data-testid=filter-error-caret]").textContent(), `http.status = \n${" ".repeat(14)}^`);
  assert.equal(await rows.count(), 0);
  await input.fill("http.status = 200");
  await input.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-row]").length === n, requests);
  assert.equal(await error.isVisible(), false, "the error goes away with a valid filter");

  // The histogram: clicking its first bar narrows the list to the traces in that bar.
  const histogram = page.locator("[data-testid=trace-histogram]");
  await histogram.locator("canvas").waitFor();
  const over = await histogram.locator(".u-over").boundingBox();
  const bins = Number(await histogram.getAttribute("data-bins"));
  await page.mouse.click(over.x + over.width / bins / 2, over.y + over.height / 2);
  const selection = page.locator("[data-testid=histogram-selection]");
  await selection.locator("[data-testid=histogram-clear]").waitFor();
  const from = Number(await selection.getAttribute("data-from"));
  const to = Number(await selection.getAttribute("data-to"));
  const narrowed = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-response-time"))));
  assert.ok(narrowed.length >= 1 && narrowed.length < requests, `the first bar narrows the list (${narrowed.length} of ${requests})`);
  for (const rt of narrowed) assert.ok(rt >= from - 1e-9 && rt <= to + 1e-9, `${rt} in [${from}, ${to}]`);
  const expected = (await summaries(lr.endpoint, "http.status = 200")).filter((t) => t.ResponseTime >= from - 1e-9 && t.ResponseTime <= to + 1e-9).length;
  assert.equal(narrowed.length, expected, "exactly the traces whose response time is in the bar");
  await page.screenshot({ path: join(artifacts, "traces.png") });
  await selection.locator("[data-testid=histogram-clear]").click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-row]").length === n, requests);

  // A click on a row opens its timeline.
  await page.locator(`[data-testid=trace-row][data-trace-id="${worldIds[0]}"] .col-url`).click();
  await page.waitForFunction((id) => location.hash === `#/trace/${id}`, worldIds[0]);
  await page.locator("[data-testid=timeline-bar]").first().waitFor();
  assert.deepEqual(problems, []);
});

test("traces: a new request shows up without reloading (event stream)", async () => {
  await page.goto(`${lr.consoleUrl}#/traces?filter=${encodeURIComponent('annotation.path = "/prod/live"')}`);
  await page.locator("[data-testid=traces-empty]").waitFor({ state: "visible" });
  // The binary streams changes at /_localray/events; the console says it is live.
  await page.waitForFunction(() => document.querySelector("[data-testid=live-status]")?.dataset.status === "live", null, { timeout: 10000 });
  await hitApi(lr.invokeUrl, "/live");
  requests++;
  await page.locator("[data-testid=trace-row]").first().waitFor({ timeout: 15000 });
  assert.equal(await page.locator("[data-testid=trace-row]").count(), 1);
});

test("traces: without the event stream (404) the console polls instead", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.route("**/_localray/events", (route) => route.fulfill({ status: 404, contentType: "application/json", body: "{}" }));
  const other = await ctx.newPage();
  const errors = [];
  other.on("pageerror", (e) => errors.push(e.message));
  await other.goto(`${lr.consoleUrl}#/traces?filter=${encodeURIComponent('annotation.path = "/prod/polled"')}`);
  await other.locator("[data-testid=traces-empty]").waitFor({ state: "visible" });
  await other.waitForFunction(() => document.querySelector("[data-testid=live-status]")?.dataset.status === "polling");
  await hitApi(lr.invokeUrl, "/polled");
  requests++;
  await other.locator("[data-testid=trace-row]").first().waitFor({ timeout: 15000 });
  assert.equal(await other.locator("[data-testid=trace-row]").count(), 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("timeline: every segment and subsegment as a bar, nested, with details and the raw download", async () => {
  const id = worldIds[0];
  loadTimes.timeline = await timedLoad(page, `${lr.consoleUrl}#/trace/${id}`, "[data-testid=timeline-bar]");
  const trace = (await xray(lr.endpoint, "Traces", { TraceIds: [id] })).Traces[0];
  const docs = trace.Segments.map((s) => JSON.parse(s.Document));
  const countAll = (d) => 1 + (d.subsegments ?? []).reduce((n, s) => n + countAll(s), 0);
  const expected = docs.reduce((n, d) => n + countAll(d), 0);
  const bars = await page.$$eval("[data-testid=timeline-bar]", (els) =>
    els.map((e) => ({
      id: e.getAttribute("data-id"),
      name: e.getAttribute("data-name"),
      kind: e.getAttribute("data-kind"),
      depth: Number(e.getAttribute("data-depth")),
      origin: e.getAttribute("data-origin"),
      left: parseFloat(e.style.left),
      width: parseFloat(e.style.width),
    })),
  );
  assert.equal(bars.length, expected, "one bar per segment and subsegment");
  const bar = (name, origin) => {
    const b = bars.find((x) => x.name === name && (origin === undefined || x.origin === origin));
    assert.ok(b, `a bar for ${name}`);
    return b;
  };
  const api = bar("xrayTracerAPI/prod", "AWS::ApiGateway::Stage");
  assert.equal(api.depth, 0);
  assert.ok(api.left < 0.5, "the first segment starts the axis");
  const topic = bar("xrayTracerTopic");
  assert.ok(topic.depth > api.depth, "the topic hangs under the API's SNS subsegment");
  const fn = bars.find((b) => b.name === "dynamo" && b.origin === "AWS::Lambda::Function" && b.kind === "segment");
  const query = bar("DynamoDB Query");
  assert.ok(query.depth > fn.depth && fn.depth > topic.depth, "nested: topic > dynamo function > DynamoDB Query");
  const consumer = bars.find((b) => b.name === "sqs_subscribe" && b.origin === "AWS::Lambda::Function" && b.kind === "segment");
  assert.ok(consumer.left > 10, "the SQS consumer runs a second later, to the right");
  for (const b of bars) assert.ok(b.left >= 0 && b.left + b.width <= 100.5, `${b.name} inside the axis`);

  // The trace map above the timeline: GetTraceGraph's nodes for this trace, drawn as on the map.
  const graph = (await xray(lr.endpoint, "TraceGraph", { TraceIds: [id] })).Services;
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-map] [data-testid=trace-map-node]").length === n, graph.length, { timeout: 10000 });
  const mapNodes = await page.$$eval("[data-testid=trace-map] [data-testid=trace-map-node]", (els) => els.map((e) => `${e.getAttribute("data-node-type")}|${e.getAttribute("data-node-name")}`).sort());
  assert.deepEqual(mapNodes, graph.map((s) => `${s.Type}|${s.Name}`).sort(), "one trace-map node per service of GetTraceGraph");
  assert.ok(mapNodes.includes("AWS::ApiGateway::Stage|xrayTracerAPI/prod"), "the trace map holds the API stage");
  assert.ok(mapNodes.some((n) => n.startsWith("AWS::Lambda::Function|")), "the trace map holds a Lambda function");
  assert.ok(mapNodes.includes("AWS::Lambda::Function|dynamo"), "the trace map holds the dynamo function");
  // Clicking the dynamo function's node marks its bars (its segment and subsegments), dims the rest.
  const ownIds = new Set();
  const collect = (d) => {
    ownIds.add(d.id);
    for (const s of d.subsegments ?? []) collect(s);
  };
  for (const d of docs) if (d.name === "dynamo" && d.origin === "AWS::Lambda::Function") collect(d);
  assert.ok(ownIds.size > 1, "the dynamo function's segment has subsegments");
  const fnNode = page.locator('[data-testid=trace-map-node][data-node-name="dynamo"][data-node-type="AWS::Lambda::Function"]');
  await fnNode.click();
  await page.waitForFunction(() => document.querySelector("[data-testid=timeline-bar][data-highlight]"));
  const marks = await page.$$eval("[data-testid=timeline-bar]", (els) =>
    els.map((e) => ({ id: e.getAttribute("data-id"), mark: e.getAttribute("data-highlight"), on: e.classList.contains("node-highlighted"), off: e.classList.contains("node-dimmed") })),
  );
  assert.deepEqual(marks.filter((m) => m.mark === "on").map((m) => m.id).sort(), [...ownIds].sort(), "exactly the function's bars are highlighted");
  for (const m of marks) {
    if (ownIds.has(m.id)) assert.ok(m.on && !m.off, `bar ${m.id} of the function highlighted`);
    else assert.ok(m.mark === "off" && m.off && !m.on, `bar ${m.id} of another node dimmed`);
  }
  assert.equal(await fnNode.getAttribute("class"), "map-node selected");
  await page.screenshot({ path: join(artifacts, "trace-map.png") });
  // Clicking it again clears the marks.
  await page.locator('[data-testid=trace-map-node][data-node-name="dynamo"][data-node-type="AWS::Lambda::Function"]').click();
  await page.waitForFunction(() => !document.querySelector("[data-testid=timeline-bar][data-highlight]"));
  assert.equal(await page.locator("[data-testid=timeline-bar].node-dimmed, [data-testid=timeline-bar].node-highlighted").count(), 0);

  // Details of the DynamoDB Query subsegment: its annotation and metadata.
  await page.locator(`[data-testid=timeline-row][data-id="${query.id}"]`).click();
  const details = page.locator("[data-testid=details]");
  await details.waitFor({ state: "visible" });
  assert.equal(await details.locator("[data-testid=details-name]").textContent(), "DynamoDB Query");
  assert.equal(await details.locator('[data-testid=details-annotations] tr[data-key="path"] td:last-child').textContent(), "/prod/world");
  assert.match(await details.locator("[data-testid=details-metadata]").textContent(), /"EventSource": "aws:sns"/);
  // Zoom to it: its bar fills most of the axis, the SQS consumer (a second later) is out of view.
  await details.locator("[data-testid=zoom-to]").click();
  await page.locator("[data-testid=zoom-reset]").waitFor({ state: "visible" });
  const zoomedWidth = await page.locator(`[data-testid=timeline-bar][data-id="${query.id}"]`).evaluate((e) => parseFloat(e.style.width));
  assert.ok(zoomedWidth > 80 && zoomedWidth <= 100, `zoomed bar width ${zoomedWidth}%`);
  assert.equal(await page.locator(`[data-testid=timeline-bar][data-id="${consumer.id}"]`).isVisible(), false);
  await page.locator("[data-testid=zoom-reset]").click();
  await page.locator(`[data-testid=timeline-bar][data-id="${consumer.id}"]`).waitFor({ state: "visible" });
  // An AWS call: its aws fields.
  const ddbCall = bars.find((b) => b.name === "DynamoDB" && b.depth > query.depth);
  await page.locator(`[data-testid=timeline-row][data-id="${ddbCall.id}"]`).click();
  await page.waitForFunction(() => document.querySelector("[data-testid=details-name]")?.textContent === "DynamoDB");
  assert.match(await details.locator("[data-testid=details-aws]").textContent(), /UpdateItem/);
  assert.match(await details.locator("[data-testid=details-aws]").textContent(), /hits/);
  await page.screenshot({ path: join(artifacts, "timeline.png") });
  // The function's own segment: what its run printed, from /_localray/logs.
  const fnBar = bars.find((b) => b.kind === "segment" && b.name === "dynamo" && b.origin === "AWS::Lambda::Function");
  await page.locator(`[data-testid=timeline-row][data-id="${fnBar.id}"]`).click();
  await page.waitForFunction(() => /REPORT RequestId: /.test(document.querySelector("[data-testid=details-log]")?.textContent ?? ""));
  assert.match(await details.locator("[data-testid=details-log]").textContent(), /START RequestId: [0-9a-f-]+ Version: \$LATEST/);

  // The raw documents.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-testid=download-raw]").click()]);
  const raw = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(raw.Id, id);
  assert.deepEqual(raw.Segments, docs);

  // GetTraceGraph failing: the timeline still shows, the map area says why.
  await page.route("**/TraceGraph", (route) =>
    route.fulfill({ status: 500, contentType: "application/json", headers: { "x-amzn-ErrorType": "ServiceException" }, body: JSON.stringify({ message: "graph unavailable" }) }),
  );
  await page.goto(`${lr.consoleUrl}#/trace/${worldIds[1]}`);
  await page.waitForFunction((tid) => document.querySelector("[data-testid=trace-title]")?.textContent === tid, worldIds[1]);
  await page.locator("[data-testid=timeline-bar]").first().waitFor();
  await page.waitForFunction(() => document.querySelector("[data-testid=trace-map]")?.dataset.state === "error");
  assert.equal(await page.locator("[data-testid=trace-map-message]").textContent(), "Could not load the trace map: graph unavailable");
  assert.equal(await page.locator("[data-testid=trace-map-node]").count(), 0);
  await page.unroute("**/TraceGraph");
  assert.deepEqual(problems, []);
});

test("XSS: HTML in a node name, annotation, metadata, URL and exception renders as text", async () => {
  await page.goto(`${lr.consoleUrl}#/trace/${xssTraceId}`);
  await page.locator("[data-testid=timeline-bar]").first().waitFor();
  const names = await page.$$eval("[data-testid=timeline-row] .tl-name", (els) => els.map((e) => e.textContent));
  assert.deepEqual(names, [XSS.service, "DynamoDB", XSS.node], "the segment, its call, and the inferred table segment");
  const xssMapNode = page.locator(`[data-testid=trace-map-node][data-node-name="${XSS.node}"]`);
  await xssMapNode.waitFor();
  assert.equal(await xssMapNode.locator(".node-name").textContent(), XSS.node.slice(0, 19) + "…", "the trace map's node name is text");
  await page.locator("[data-testid=timeline-row]").first().click();
  const details = page.locator("[data-testid=details]");
  await details.waitFor({ state: "visible" });
  assert.equal(await details.locator("[data-testid=details-name]").textContent(), XSS.service);
  assert.equal(await details.locator('[data-testid=details-annotations] tr[data-key="html"] td:last-child').textContent(), XSS.annotation);
  assert.match(await details.locator("[data-testid=details-metadata]").textContent(), /<script>alert\(4\)<\/script>/);
  const exception = details.locator("[data-testid=exception]");
  assert.equal(await exception.locator(".exception-type").textContent(), XSS.exceptionType);
  assert.equal(await exception.locator(".exception-message").textContent(), XSS.exception);
  assert.match(await exception.locator(".stack").textContent(), /<i>handler<\/i> app\.js:7/);
  assert.match(await details.textContent(), /http:\/\/example\.test\/<img src=x onerror=alert\(5\)>/);
  await page.locator("[data-testid=timeline-row]").nth(2).click();
  await page.waitForFunction((n) => document.querySelector("[data-testid=details-name]")?.textContent === n, XSS.node);
  await noInjectedMarkup();

  // On the map too: the node's name is text.
  await page.goto(`${lr.consoleUrl}#/map`);
  const node = page.locator(`[data-testid=map-node][data-node-name="${XSS.node}"]`);
  await node.waitFor();
  await node.click();
  assert.equal(await page.locator("[data-testid=panel-title]").textContent(), XSS.node);
  assert.match(await node.locator("title").textContent(), /^<img src=x onerror=alert\(1\)>/);
  await noInjectedMarkup();
  await page.waitForTimeout(500); // a late handler would have fired by now
  assert.deepEqual(problems, [], "no dialog, no page error, no request elsewhere");
});

test("pickers: a group and a custom time range scope the traces and the map", async () => {
  await xray(lr.endpoint, "CreateGroup", { GroupName: "world", FilterExpression: 'annotation.path = "/prod/world"' });
  await page.goto(`${lr.consoleUrl}#/traces`);
  await page.locator("[data-testid=trace-row]").first().waitFor();
  const picker = page.locator("[data-testid=group-picker]");
  await picker.focus(); // opening the picker reads the groups again
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=group-picker] option")].some((o) => o.value === "world"));
  await picker.selectOption("world");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-row]").length === n, WORLD);
  assert.deepEqual(await page.locator("[data-testid=trace-row]").evaluateAll((els) => els.map((e) => e.getAttribute("data-trace-id")).sort()), worldIds);
  // The user's filter applies inside the group's.
  const input = page.locator("[data-testid=filter-input]");
  await input.fill("http.status = 200");
  await input.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=trace-row]").length === n, WORLD);

  await page.locator("[data-testid=nav-map]").click();
  const stage = page.locator('[data-testid=map-node][data-node-type="AWS::ApiGateway::Stage"]');
  await stage.waitFor();
  await page.waitForFunction((n) => document.querySelector('[data-testid=map-node][data-node-type="AWS::ApiGateway::Stage"]')?.getAttribute("data-total") === String(n), WORLD);
  assert.equal(await page.locator(`[data-testid=map-node][data-node-name="bulk"]`).count(), 0, "the group's map leaves out other traces");
  await picker.selectOption("Default");
  await page.waitForFunction((n) => document.querySelector('[data-testid=map-node][data-node-type="AWS::ApiGateway::Stage"]')?.getAttribute("data-total") === String(n), requests);

  // A custom range that ended before any trace: nothing on the map.
  await page.locator("[data-testid=time-range]").selectOption("custom");
  const local = (ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  await page.locator("[data-testid=time-from]").fill(local(Date.now() - 3 * 3600e3));
  await page.locator("[data-testid=time-to]").fill(local(Date.now() - 2 * 3600e3));
  await page.locator("[data-testid=time-apply]").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=map-node]").length === 0);
  await page.locator("text=No traces in this time range").waitFor();
  await page.locator("[data-testid=time-range]").selectOption("1h");
  await page.locator("[data-testid=map-node]").first().waitFor();
  assert.deepEqual(problems, []);
});
