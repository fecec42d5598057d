// Drawing of a service graph's nodes and edges, shared by the service map and the trace map: a
// node is a ring of its share of ok / error / throttle / fault around its icon, with name, kind
// and numbers under it; an edge is a curve with a label. Text only ever goes in as text nodes.
import { s } from "../dom.js";
import { duration, perMinute } from "../format.js";
import { iconGroup, kindOf } from "../icons.js";
import { STATES, average, counts } from "../status.js";
import { NODE_BOX, RING_R } from "./graph.js";

export const CLIENT_R = 22;

export function truncate(text, max) {
  const t = String(text ?? "");
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

function bezier(t, p0, p1, p2, p3) {
  const u = 1 - t;
  const f = (i) => u * u * u * p0[i] + 3 * u * u * t * p1[i] + 3 * u * t * t * p2[i] + t * t * t * p3[i];
  return { x: f(0), y: f(1) };
}

/** <defs> with the arrow heads `${prefix}-arrow` and `${prefix}-arrow-sel`. */
export function arrowDefs(prefix) {
  const marker = (id, cls) =>
    s(
      "marker",
      { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      s("path", { d: "M0 1L9 5L0 9z", class: cls }),
    );
  return s("defs", {}, marker(`${prefix}-arrow`, "arrow-head"), marker(`${prefix}-arrow-sel`, "arrow-head selected"));
}

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
    g.appendChild(s("circle", { r, fill: "none", stroke: st.color, "stroke-width": width, "stroke-dasharray": `${len} ${C - len}`, "stroke-dashoffset": -offset, "data-state": st.key }));
    offset += len;
  }
  return g;
}

function center(positions, id) {
  const p = positions.nodes.get(id);
  return { x: p.x + NODE_BOX / 2, y: p.y + NODE_BOX / 2 };
}

/** Requests per minute over the window (the service map's numbers). */
export const rateStats = (windowSec) => (c, stats) => `${duration(average(stats))} · ${perMinute(c.total, windowSec)}`;

function activate(g, onSelect) {
  if (!onSelect) return;
  g.addEventListener("click", onSelect);
  g.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onSelect();
    }
  });
}

/**
 * One node, drawn at its layout position.
 * opts: {positions, selected, testid, stats: (counts, SummaryStatistics) -> text, onSelect, attrs}
 */
export function drawNode(n, opts) {
  const { svc } = n;
  const p = opts.positions.nodes.get(n.id);
  const c = counts(svc.SummaryStatistics);
  const kind = kindOf(svc.Type);
  const isClient = svc.Type === "client";
  const r = isClient ? CLIENT_R : RING_R;
  const { x: cx, y: cy } = center(opts.positions, n.id);
  const stats = isClient ? "" : c.total ? opts.stats(c, svc.SummaryStatistics) : "no requests";
  const g = s(
    "g",
    {
      class: `map-node${opts.selected ? " selected" : ""}${isClient ? " client" : ""}`,
      transform: `translate(${cx} ${cy})`,
      "data-testid": opts.testid,
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
      ...(opts.attrs ?? {}),
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
  activate(g, opts.onSelect);
  return g;
}

/**
 * One edge between two laid-out nodes.
 * opts: {positions, selected, testid, marker (arrow prefix), stats: (counts, SummaryStatistics) -> text, onSelect}
 */
export function drawEdge(e, opts) {
  const a = center(opts.positions, e.source), b = center(opts.positions, e.target);
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
  const text = opts.stats(c, stats);
  const w = text.length * 6.1 + 12;
  const worst = c.fault ? "fault" : c.throttle ? "throttle" : c.error ? "error" : "ok";
  const g = s(
    "g",
    {
      class: `map-edge${opts.selected ? " selected" : ""}`,
      "data-testid": opts.testid,
      "data-edge-id": e.id,
      "data-source": e.from.Name ?? "",
      "data-source-type": e.from.Type ?? "",
      "data-target": e.to.Name ?? "",
      "data-target-type": e.to.Type ?? "",
      "data-total": c.total,
      "data-state": worst,
      tabindex: opts.onSelect ? 0 : undefined,
      role: opts.onSelect ? "button" : undefined,
      "aria-label": `${e.from.Name} to ${e.to.Name}`,
    },
    s("title", {}, `${e.from.Name} → ${e.to.Name}`),
    s("path", { d, class: "edge-hit" }),
    s("path", { d, class: "edge-line", "marker-end": `url(#${opts.marker}-arrow${opts.selected ? "-sel" : ""})` }),
    s(
      "g",
      { class: "edge-label", transform: `translate(${mid.x} ${mid.y})` },
      s("rect", { x: -w / 2, y: -9, width: w, height: 18, rx: 9 }),
      worst !== "ok" ? s("circle", { cx: -w / 2 + 8, cy: 0, r: 3, fill: STATES.find((x) => x.key === worst).color }) : null,
      s("text", { y: 4, x: worst !== "ok" ? 4 : 0 }, text),
    ),
  );
  activate(g, opts.onSelect);
  return g;
}
