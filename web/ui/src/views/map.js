// Service map: layered layout (dagre), left to right; nodes ringed by their share of ok / error /
// throttle / fault; edges labelled with average latency and calls per minute. Clicking a node or
// an edge opens a side panel with its histogram, counts and a link to its traces.
import * as api from "../api.js";
import { histogram } from "../chart.js";
import { h, s, replaceChildren } from "../dom.js";
import { duration, perMinute } from "../format.js";
import { icon, kindOf } from "../icons.js";
import * as state from "../state.js";
import { STATES, average, counts } from "../status.js";
import { arrowDefs, drawEdge as drawEdgeShared, drawNode as drawNodeShared, rateStats } from "./draw.js";
import { buildModel, layout } from "./graph.js";
import { kv, quote, section, statusBreakdown } from "./panel.js";

export function legend() {
  return h(
    "div",
    { class: "legend", "data-testid": "legend" },
    STATES.map((st) => h("span", { class: "legend-item" }, h("span", { class: "legend-ring", style: { "border-color": st.color } }), st.label)),
  );
}

export function mount(host, _route) {
  let model = null;
  let positions = null;
  let windowSec = 0;
  let selected = null; // {kind: "node"|"edge", id}
  let transform = { x: 0, y: 0, k: 1 };
  let userMoved = false;
  let seq = 0;
  let destroyed = false;
  let panelChart = null;
  let resources = null;

  const edgeLayer = s("g", { class: "edges" });
  const nodeLayer = s("g", { class: "nodes" });
  const viewport = s("g", { class: "viewport" }, edgeLayer, nodeLayer);
  const background = s("rect", { class: "map-bg", x: -100000, y: -100000, width: 200000, height: 200000 });
  const svg = s("svg", { class: "map-svg", "data-testid": "map-canvas", role: "img", "aria-label": "Service map" }, arrowDefs("map"), background, viewport);

  const zoomIn = h("button", { class: "btn icon-btn", type: "button", title: "Zoom in", "aria-label": "Zoom in" }, "+");
  const zoomOut = h("button", { class: "btn icon-btn", type: "button", title: "Zoom out", "aria-label": "Zoom out" }, "−");
  const zoomFit = h("button", { class: "btn", type: "button", title: "Fit the map to the window", "data-testid": "map-fit" }, "Fit");
  const message = h("div", { class: "map-message", hidden: true });
  const canvas = h(
    "div",
    { class: "map-canvas" },
    svg,
    h("div", { class: "zoom-controls" }, zoomIn, zoomOut, zoomFit),
    h("div", { class: "map-legend-card" }, h("div", { class: "legend-title" }, "Ring: share of requests"), legend()),
    message,
  );
  const panel = h("aside", { class: "side-panel", "data-testid": "map-panel", hidden: true });
  const summary = h("span", { class: "muted", "data-testid": "map-summary" });
  const errorBox = h("div", { class: "banner error", hidden: true, "data-testid": "map-error", role: "alert" });
  replaceChildren(
    host,
    h("div", { class: "toolbar" }, h("h1", {}, "Service map"), summary),
    errorBox,
    h("div", { class: "map-wrap" }, canvas, panel),
  );
  host.dataset.state = "loading";

  // ---- pan and zoom ----
  const applyTransform = () => viewport.setAttribute("transform", `translate(${transform.x} ${transform.y}) scale(${transform.k})`);
  function fit() {
    if (!positions) return;
    const W = canvas.clientWidth, H = canvas.clientHeight;
    if (!W || !H) return;
    const k = Math.max(0.25, Math.min(1.15, (W - 24) / positions.width, (H - 24) / positions.height));
    transform = { k, x: (W - positions.width * k) / 2, y: Math.max(8, (H - positions.height * k) / 2) };
    applyTransform();
  }
  function zoomAt(factor, px, py) {
    const k = Math.max(0.2, Math.min(3, transform.k * factor));
    transform = { k, x: px - ((px - transform.x) * k) / transform.k, y: py - ((py - transform.y) * k) / transform.k };
    userMoved = true;
    applyTransform();
  }
  svg.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    },
    { passive: false },
  );
  let drag = null;
  background.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, tx: transform.x, ty: transform.y, moved: false };
    background.setPointerCapture(e.pointerId);
  });
  background.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    transform = { ...transform, x: drag.tx + dx, y: drag.ty + dy };
    if (drag.moved) userMoved = true;
    applyTransform();
  });
  background.addEventListener("pointerup", () => {
    if (drag && !drag.moved) select(null);
    drag = null;
  });
  zoomIn.addEventListener("click", () => zoomAt(1.25, canvas.clientWidth / 2, canvas.clientHeight / 2));
  zoomOut.addEventListener("click", () => zoomAt(0.8, canvas.clientWidth / 2, canvas.clientHeight / 2));
  zoomFit.addEventListener("click", () => {
    userMoved = false;
    fit();
  });
  const resize = new ResizeObserver(() => {
    if (!userMoved) fit();
  });
  resize.observe(canvas);

  // ---- drawing (shared with the trace map: draw.js) ----
  const drawNode = (n) =>
    drawNodeShared(n, { positions, selected: isSelected("node", n.id), testid: "map-node", stats: rateStats(windowSec), onSelect: () => select({ kind: "node", id: n.id }) });
  const drawEdge = (e) =>
    drawEdgeShared(e, { positions, selected: isSelected("edge", e.id), testid: "map-edge", marker: "map", stats: rateStats(windowSec), onSelect: () => select({ kind: "edge", id: e.id }) });

  // Elements are kept while what they show is unchanged, so a live refresh only touches the nodes
  // and edges whose numbers moved (and a click in progress on the others is not lost).
  let drawnNodes = new Map();
  let drawnEdges = new Map();
  function keyed(layer, cache, items, sigOf, draw) {
    const next = new Map();
    const els = items.map((it) => {
      const sig = sigOf(it);
      const old = cache.get(it.id);
      const el = old && old.sig === sig ? old.el : draw(it);
      next.set(it.id, { el, sig });
      return el;
    });
    els.forEach((el, i) => {
      if (layer.childNodes[i] !== el) layer.insertBefore(el, layer.childNodes[i] ?? null);
    });
    while (layer.childNodes.length > els.length) layer.lastChild.remove();
    return next;
  }
  const isSelected = (kind, id) => selected?.kind === kind && selected.id === id;

  function render() {
    const pos = (id) => JSON.stringify(positions.nodes.get(id));
    drawnEdges = keyed(
      edgeLayer,
      drawnEdges,
      model.edges,
      (e) => JSON.stringify([pos(e.source), pos(e.target), e.edge.SummaryStatistics, windowSec, isSelected("edge", e.id)]),
      drawEdge,
    );
    drawnNodes = keyed(
      nodeLayer,
      drawnNodes,
      model.nodes,
      (n) => JSON.stringify([pos(n.id), n.svc.Name, n.svc.Type, n.svc.SummaryStatistics, windowSec, isSelected("node", n.id)]),
      drawNode,
    );
    svg.setAttribute("data-layout-width", String(Math.round(positions.width)));
    svg.setAttribute("data-layout-height", String(Math.round(positions.height)));
  }

  // ---- side panel ----
  function select(sel) {
    selected = sel;
    if (model) render();
    renderPanel();
  }

  function closeButton() {
    const b = h("button", { class: "btn icon-btn close", type: "button", "aria-label": "Close", "data-testid": "panel-close" }, "×");
    b.addEventListener("click", () => select(null));
    return b;
  }

  function chartSection(title, buckets) {
    const box = h("div", { class: "chart-box", "data-testid": "panel-histogram" });
    const sec = section(title, box);
    return { sec, draw: () => (panelChart = histogram(box, (buckets ?? []).map((b) => ({ value: b.Value, count: b.Count })), { height: 150, unit: "requests", color: "#3b82f6" })) };
  }

  function tracesLink(filter, label) {
    return h("a", { class: "btn primary", href: `#/traces?filter=${encodeURIComponent(filter)}`, "data-testid": "panel-traces-link", "data-filter": filter }, label);
  }

  // Where a node's resource lives, from /_localray/resources: one name may stand in several regions.
  function regionsOf(svc) {
    if (!resources) return undefined;
    const lists = {
      "AWS::SNS::Topic": resources.topics,
      "AWS::SQS::Queue": resources.queues,
      "AWS::DynamoDB::Table": resources.tables,
      "AWS::Lambda": resources.functions,
      "AWS::Lambda::Function": resources.functions,
    };
    const found =
      svc.Type === "AWS::ApiGateway::Stage"
        ? (resources.apis ?? []).filter((a) => `${a.name}/${a.stage}` === svc.Name)
        : (lists[svc.Type] ?? []).filter((r) => r.name === svc.Name);
    const accounts = new Set(found.map((r) => r.account));
    const where = [...new Set(found.map((r) => (accounts.size > 1 ? `${r.region} (${r.account})` : r.region)))];
    return where.length ? where.join(", ") : undefined;
  }

  async function loadResources() {
    try {
      resources = await (await fetch("resources")).json();
      panelSig = "";
      renderPanel();
    } catch {
      /* the panel goes without regions */
    }
  }

  let panelSig = "";
  function renderPanel() {
    const item =
      selected?.kind === "node" ? model?.nodes.find((n) => n.id === selected.id) : selected?.kind === "edge" ? model?.edges.find((e) => e.id === selected.id) : null;
    const sig = item ? JSON.stringify([selected, item.svc ?? item.edge, windowSec, item.edge ? model.edges.length : model.edges.filter((e) => e.source === item.id).map((e) => e.id)]) : "";
    if (sig && sig === panelSig && !panel.hidden) return; // nothing new to show
    panelSig = sig;
    panelChart?.destroy();
    panelChart = null;
    if (!item) {
      panel.hidden = true;
      replaceChildren(panel);
      return;
    }
    panel.hidden = false;
    if (selected.kind === "node") {
      if (!resources) loadResources();
      const svc = item.svc;
      const c = counts(svc.SummaryStatistics);
      const kind = kindOf(svc.Type);
      const chart = chartSection("Response time distribution", svc.ResponseTimeHistogram);
      const filter = `service(id(name: ${quote(svc.Name)}, type: ${quote(svc.Type)}))`;
      replaceChildren(
        panel,
        h(
          "div",
          { class: "panel-head" },
          h("span", { class: "panel-icon" }, icon(svc.Type, 22)),
          h("div", { class: "panel-title" }, h("h2", { "data-testid": "panel-title" }, svc.Name ?? ""), h("div", { class: "muted" }, `${kind.label} · ${svc.Type}`)),
          closeButton(),
        ),
        h("div", { class: "panel-actions" }, tracesLink(filter, "View traces")),
        section(
          "Summary",
          kv([
            ["Average response time", c.total ? duration(average(svc.SummaryStatistics)) : "–"],
            ["Requests per minute", perMinute(c.total, windowSec)],
            ["Names", (svc.Names ?? []).join(", ")],
            ["Account", svc.AccountId],
            ["Region", regionsOf(svc)],
            ["State", svc.State],
          ]),
        ),
        section("Requests by status", statusBreakdown(c)),
        chart.sec,
        svc.Edges?.length
          ? section(
              "Calls to",
              h(
                "ul",
                { class: "link-list" },
                model.edges
                  .filter((e) => e.source === item.id)
                  .map((e) => {
                    const a = h("a", { href: "#/map" }, `${e.to.Name} (${kindOf(e.to.Type).label})`);
                    a.addEventListener("click", (ev) => {
                      ev.preventDefault();
                      select({ kind: "edge", id: e.id });
                    });
                    return h("li", {}, a);
                  }),
              ),
            )
          : null,
      );
      chart.draw();
    } else {
      const e = item;
      const stats = e.edge.SummaryStatistics;
      const c = counts(stats);
      const chart = chartSection("Response time distribution", e.edge.ResponseTimeHistogram);
      const filter = `edge(${quote(e.from.Name)}, ${quote(e.to.Name)})`;
      replaceChildren(
        panel,
        h(
          "div",
          { class: "panel-head" },
          h("span", { class: "panel-icon" }, "⇢"),
          h(
            "div",
            { class: "panel-title" },
            h("h2", { "data-testid": "panel-title" }, `${e.from.Name} → ${e.to.Name}`),
            h("div", { class: "muted" }, `${kindOf(e.from.Type).label} → ${kindOf(e.to.Type).label}`),
          ),
          closeButton(),
        ),
        h("div", { class: "panel-actions" }, tracesLink(filter, "View traces")),
        section(
          "Summary",
          kv([
            ["Average response time", c.total ? duration(average(stats)) : "–"],
            ["Calls per minute", perMinute(c.total, windowSec)],
            ["Aliases", (e.edge.Aliases ?? []).map((a) => a.Name ?? a).join(", ")],
          ]),
        ),
        section("Calls by status", statusBreakdown(c)),
        chart.sec,
      );
      chart.draw();
    }
  }

  // ---- data ----
  async function showEmpty() {
    message.hidden = false;
    const w = state.timeWindow();
    const mins = Math.round((w.to - w.from) / 60000);
    const hint = h("code", { class: "hint-code" }, "curl -X POST <invoke_url>/hello");
    replaceChildren(
      message,
      h("div", { class: "empty-title" }, "No traces in this time range"),
      h("p", { class: "muted" }, `Nothing was recorded in the selected ${mins >= 60 ? mins / 60 + " h" : mins + " min"}${state.get().group !== "Default" ? ` for group ${state.get().group}` : ""}. Send a request through your API:`),
      hint,
    );
    try {
      resources ??= await (await fetch("resources")).json();
      const url = resources?.apis?.[0]?.invoke_url;
      if (url) hint.textContent = `curl -X POST -H 'Content-Type: application/json' -d '{"status":"ok"}' ${url}/hello`;
    } catch {
      /* keep the generic hint */
    }
  }

  async function refresh() {
    const my = ++seq;
    const w = state.timeWindow();
    let resp;
    try {
      resp = await api.serviceGraph({ from: w.from, to: w.to, group: state.get().group });
    } catch (err) {
      if (my !== seq || destroyed) return;
      errorBox.hidden = false;
      errorBox.textContent = `Could not load the service graph: ${err.message}`;
      host.dataset.state = "error";
      return;
    }
    if (my !== seq || destroyed) return;
    errorBox.hidden = true;
    const next = buildModel(resp);
    let relaid = false;
    if (!model || next.structure !== model.structure) {
      positions = layout(next); // synchronous; only a new node or edge lays the map out again
      relaid = true;
    }
    model = next;
    windowSec = resp.StartTime && resp.EndTime && resp.EndTime > resp.StartTime ? resp.EndTime - resp.StartTime : (w.to - w.from) / 1000;
    summary.textContent = `${model.nodes.length} nodes · ${model.edges.length} edges · ${state.rangeLabel().toLowerCase()}`;
    render();
    if (relaid && !userMoved) fit();
    if (!model.nodes.length) showEmpty();
    else message.hidden = true;
    if (selected) renderPanel();
    host.dataset.state = "ready";
    host.dataset.nodes = String(model.nodes.length);
  }

  refresh();
  return {
    refresh,
    unmount() {
      destroyed = true;
      resize.disconnect();
      panelChart?.destroy();
    },
  };
}
