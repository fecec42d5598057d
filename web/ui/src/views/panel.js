// Pieces shared by the side panels: status breakdown, key/value lists, sections.
import { h } from "../dom.js";
import { percent } from "../format.js";
import { STATES } from "../status.js";

/** Stacked bar and a table of OK / error / throttle / fault counts. */
export function statusBreakdown(c) {
  const bar = h(
    "div",
    { class: "stack-bar", role: "img", "aria-label": STATES.map((s) => `${s.label} ${c[s.key]}`).join(", ") },
    STATES.filter((s) => c[s.key] > 0).map((s) => h("span", { style: { width: percent(c[s.key], c.total), background: s.color } })),
  );
  const rows = STATES.map((s) =>
    h(
      "tr",
      { "data-state": s.key, "data-count": c[s.key] },
      h("td", {}, h("span", { class: "swatch", style: { background: s.color } }), s.label),
      h("td", { class: "num" }, String(c[s.key])),
      h("td", { class: "num muted" }, percent(c[s.key], c.total)),
    ),
  );
  return h(
    "div",
    { class: "status-breakdown", "data-testid": "status-counts" },
    c.total ? bar : h("div", { class: "stack-bar empty" }),
    h("table", { class: "kv-table" }, h("tbody", {}, rows, h("tr", { class: "total" }, h("td", {}, "Total"), h("td", { class: "num" }, String(c.total)), h("td", {})))),
  );
}

/** A definition list of [label, value] pairs; values are text or nodes; empty ones are skipped. */
export function kv(pairs) {
  const items = pairs.filter(([, v]) => v !== undefined && v !== null && v !== "");
  if (!items.length) return null;
  return h("dl", { class: "kv" }, items.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v instanceof Node ? v : String(v))]));
}

export function section(title, ...body) {
  const content = body.flat().filter(Boolean);
  if (!content.length) return null;
  return h("section", { class: "panel-section" }, h("h3", {}, title), content);
}

/** Pretty JSON as text in a <pre>. */
export function jsonBlock(value, testid) {
  return h("pre", { class: "json", "data-testid": testid }, JSON.stringify(value, null, 2));
}

/** A filter-expression string literal. */
export function quote(text) {
  return `"${String(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r")}"`;
}
