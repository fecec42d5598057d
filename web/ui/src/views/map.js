// Service map: layered layout (dagre), left to right; nodes ringed by their share of ok / error /
// throttle / fault; edges labelled with average latency and calls per minute. Clicking a node or
// an edge opens a side panel with its histogram, counts and a link to its traces.
import * as api from "../api.js";
import { histogram } from "../chart.js";
import { h, s, replaceChildren } from "../dom.js";
import { duration, perMinute } from "../format.js";
import { iconGroup, icon, kindOf } from "../icons.js";
import * as state from "../state.js";
import { STATES, average, counts } from "../status.js";
import { NODE_BOX, RING_R, buildModel, layout } from "./graph.js";
import { kv, quote, section, statusBreakdown } from "./panel.js";

const CLIENT_R = 22;

function truncate(text, max) {
  const t = String(text ?? "");
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

function bezier(t, p0, p1, p2, p3) {
  const u = 1 - t;
  const f = (i) => u * u * u * p0[i] + 3 * u * u * t * p1[i] + 3 * u * t * t * p2[i] + t * t * t * p3[i];
  return { x: f(0), y: f(1) };
}

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

  const arrow = s(
    "marker",
    { id: "map-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
    s("path", { d: "M0 1L9 5L0 9z", class: "arrow-head" }),
  );
  const arrowSel = s(
    "marker",
    { id: "map-arrow-sel", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
    s("path", { d: "M0 1L9 5L0 9z", class: "arrow-head selected" }),
  );
  const edgeLayer = s("g", { class: "edges" });
  const nodeLayer = s("g", { class: "nodes" });
  const viewport = s("g", { class: "viewport" }, edgeLayer, nodeLayer);
  const background = s("rect", { class: "map-bg", x: -100000, y: -100000, width: 200000, height: 200000 });
  const svg = s("svg", { class: "map-svg", "data-testid": "map-canvas", role: "img", "aria-label": "Service map" }, s("defs", {}, arrow, arrowSel), background, viewport);

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

  // ---- drawing ----
  function ring(c, r, width) {
    const g = s("g", { transform: "rotate(-90)", class: "ring" });
    const C = 2 * Math.PI * r;
    if (!c.total) {
      g.appendChild(s("circle", { r, class: "ring-empty", "stroke-width": width }));
      return g;
    }
    let offset = 0;
    for (const st of STATES) {
      const v = c[st.key];
      if (!v) continue;
      const len = (C * v) / c.total;
      g.appendChild(
        s("circle", { r, fill: "none", stroke: st.color, "stroke-width": width, "stroke-dasharray": `${len} ${C - len}`, "stroke-dashoffset": -offset, "data-state": st.key }),
      );
      offset += len;
    }
    return g;
  }

  function center(id) {
    const p = positions.nodes.get(id);
    return { x: p.x + NODE_BOX / 2, y: p.y + NODE_BOX / 2 };
  }

  function drawNode(n) {
    const { svc } = n;
    const p = positions.nodes.get(n.id);
    const c = counts(svc.SummaryStatistics);
    const kind = kindOf(svc.Type);
    const isClient = svc.Type === "client";
    const r = isClient ? CLIENT_R : RING_R;
    const { x: cx, y: cy } = center(n.id);
    const avg = average(svc.SummaryStatistics);
    const stats = isClient ? "" : c.total ? `${duration(avg)} · ${perMinute(c.total, windowSec)}` : "no requests";
    const isSel = selected?.kind === "node" && selected.id === n.id;
    const g = s(
      "g",
      {
        class: `map-node${isSel ? " selected" : ""}${isClient ? " client" : ""}`,
        transform: `translate(${cx} ${cy})`,
        "data-testid": "map-node",
        "data-node-id": n.id,
        "data-node-name": svc.Name ?? "",
        "data-node-type": svc.Type ?? "",
        "data-x": p.x,
        "data-y": p.y,
        "data-total": c.total,
        "data-ok": c.ok,
        "data-error": c.error,
        "data-throttle": c.throttle,
        "data-fault": c.fault,
        tabindex: 0,
        role: "button",
        "aria-label": `${svc.Name} (${kind.label})`,
      },
      s("title", {}, `${svc.Name}\n${svc.Type}`),
      s("circle", { r: r + 9, class: "node-halo" }),
      ring(c, r, isClient ? 4 : 6),
      s("circle", { r: r - (isClient ? 3 : 4), class: "node-disc" }),
      iconGroup(svc.Type, 0, 0, isClient ? 20 : 26),
      s("text", { class: "node-name", y: NODE_BOX / 2 + 16 }, isClient ? "Client" : truncate(svc.Name, 20)),
      s("text", { class: "node-type", y: NODE_BOX / 2 + 31 }, isClient ? truncate(`→ ${svc.Name}`, 22) : kind.label),
      stats ? s("text", { class: "node-stats", y: NODE_BOX / 2 + 45 }, stats) : null,
    );
    g.addEventListener("click", () => select({ kind: "node", id: n.id }));
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        select({ kind: "node", id: n.id });
      }
    });
    return g;
  }

  function drawEdge(e) {
    const a = center(e.source), b = center(e.target);
    const ra = e.from.Type === "client" ? CLIENT_R : RING_R;
    const rb = e.to.Type === "client" ? CLIENT_R : RING_R;
    let d, mid;
    if (b.x > a.x + 1) {
      const sx = a.x + ra + 4, sy = a.y, tx = b.x - rb - 6, ty = b.y;
      const dx = Math.max(30, (tx - sx) / 2);
      d = `M${sx} ${sy}C${sx + dx} ${sy} ${tx - dx} ${ty} ${tx} ${ty}`;
      // The label sits past the middle, where fanned-out edges are already apart.
      mid = bezier(0.62, [sx, sy], [sx + dx, sy], [tx - dx, ty], [tx, ty]);
    } else {
      // Backwards or same layer: loop below the nodes.
      const sx = a.x, sy = a.y + ra + 4, tx = b.x, ty = b.y + rb + 6;
      const drop = 70 + Math.abs(a.x - b.x) * 0.15;
      d = `M${sx} ${sy}C${sx} ${sy + drop} ${tx} ${ty + drop} ${tx} ${ty}`;
      mid = bezier(0.5, [sx, sy], [sx, sy + drop], [tx, ty + drop], [tx, ty]);
    }
    const stats = e.edge.SummaryStatistics;
    const c = counts(stats);
    const text = `${duration(average(stats))} · ${perMinute(c.total, windowSec)}`;
    const w = text.length * 6.1 + 12;
    const isSel = selected?.kind === "edge" && selected.id === e.id;
    const worst = c.fault ? "fault" : c.throttle ? "throttle" : c.error ? "error" : "ok";
    const g = s(
      "g",
      {
        class: `map-edge${isSel ? " selected" : ""}`,
        "data-testid": "map-edge",
        "data-edge-id": e.id,
        "data-source": e.from.Name ?? "",
        "data-source-type": e.from.Type ?? "",
        "data-target": e.to.Name ?? "",
        "data-target-type": e.to.Type ?? "",
        "data-total": c.total,
        "data-state": worst,
        tabindex: 0,
        role: "button",
        "aria-label": `${e.from.Name} to ${e.to.Name}`,
      },
      s("title", {}, `${e.from.Name} → ${e.to.Name}`),
      s("path", { d, class: "edge-hit" }),
      s("path", { d, class: "edge-line", "marker-end": `url(#${isSel ? "map-arrow-sel" : "map-arrow"})` }),
      s(
        "g",
        { class: "edge-label", transform: `translate(${mid.x} ${mid.y})` },
        s("rect", { x: -w / 2, y: -9, width: w, height: 18, rx: 9 }),
        worst !== "ok" ? s("circle", { cx: -w / 2 + 8, cy: 0, r: 3, fill: STATES.find((x) => x.key === worst).color }) : null,
        s("text", { y: 4, x: worst !== "ok" ? 4 : 0 }, text),
      ),
    );
    g.addEventListener("click", () => select({ kind: "edge", id: e.id }));
    g.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        select({ kind: "edge", id: e.id });
      }
    });
    return g;
  }

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
