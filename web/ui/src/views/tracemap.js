// The trace map on the trace page: the services of one trace (GetTraceGraph), laid out and drawn
// as the service map is (graph.js, draw.js), smaller and read-only. Clicking a node selects it
// (the timeline highlights its bars); clicking it again clears the selection.
import { h, s, replaceChildren } from "../dom.js";
import { duration } from "../format.js";
import { average } from "../status.js";
import { arrowDefs, drawEdge, drawNode } from "./draw.js";
import { buildModel, layout } from "./graph.js";

// Drawn at most at this scale and this height (px): smaller than the service map, still legible.
const MAX_SCALE = 0.75;
const MAX_HEIGHT = 380;

const traceStats = (c, stats) => `${duration(average(stats))} · ${c.total}×`;

/** {el, show(graphResponse), fail(message), selected()}; onSelect(svc | null) on every change. */
export function traceMap(onSelect) {
  let model = null;
  let positions = null;
  let selected = null; // node id
  const edgeLayer = s("g", { class: "edges" });
  const nodeLayer = s("g", { class: "nodes" });
  const svg = s("svg", { class: "map-svg trace-map-svg", role: "img", "aria-label": "Trace map" }, arrowDefs("trace-map"), edgeLayer, nodeLayer);
  const message = h("div", { class: "trace-map-message muted", hidden: true, "data-testid": "trace-map-message" });
  const canvas = h("div", { class: "trace-map-canvas" }, svg, message);
  const el = h(
    "div",
    { class: "card trace-map", "data-testid": "trace-map", "data-state": "loading" },
    h("div", { class: "trace-map-head" }, h("span", { class: "legend-title" }, "Trace map"), h("span", { class: "muted small" }, "Click a node to highlight its segments.")),
    canvas,
  );

  function render() {
    const sel = model.nodes.find((n) => n.id === selected);
    replaceChildren(
      edgeLayer,
      model.edges.map((e) => drawEdge(e, { positions, selected: !!sel && (e.source === sel.id || e.target === sel.id), testid: "trace-map-edge", marker: "trace-map", stats: traceStats })),
    );
    replaceChildren(
      nodeLayer,
      model.nodes.map((n) =>
        drawNode(n, { positions, selected: n.id === selected, testid: "trace-map-node", stats: traceStats, onSelect: () => select(n.id === selected ? null : n.id), attrs: { "aria-pressed": String(n.id === selected) } }),
      ),
    );
  }

  function select(id) {
    selected = id;
    el.dataset.selected = id ?? "";
    if (model) render();
    onSelect(model?.nodes.find((n) => n.id === id)?.svc ?? null);
  }

  return {
    el,
    show(resp) {
      const next = buildModel(resp);
      if (model && JSON.stringify(resp?.Services ?? []) === model.raw) return;
      next.raw = JSON.stringify(resp?.Services ?? []);
      if (!model || next.structure !== model.structure) positions = layout(next);
      model = next;
      svg.setAttribute("viewBox", `0 0 ${positions.width} ${positions.height}`);
      svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
      svg.style.maxWidth = `${Math.round(positions.width * MAX_SCALE)}px`;
      canvas.style.height = `${Math.round(Math.min(MAX_HEIGHT, Math.max(120, positions.height * MAX_SCALE)))}px`;
      message.hidden = model.nodes.length > 0;
      message.textContent = model.nodes.length ? "" : "No services in this trace.";
      if (selected && !model.nodes.some((n) => n.id === selected)) select(null);
      render();
      el.dataset.state = "ready";
      el.dataset.nodes = String(model.nodes.length);
    },
    fail(text) {
      if (model) return; // keep what was shown; a later load may succeed
      message.hidden = false;
      message.textContent = text;
      el.dataset.state = "error";
    },
  };
}
