// Trace timeline: every segment and subsegment as a bar on one time axis, nested under its parent
// (segments hang off the subsegment named by their parent_id), coloured by state; clicking a bar
// opens the details panel (annotations, metadata, http, aws, exceptions); raw documents download.
import * as api from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { duration, timestamp } from "../format.js";
import { kindOf } from "../icons.js";
import { colorOf, segmentState } from "../status.js";
import { jsonBlock, kv, section } from "./panel.js";
import { annotationsView, awsView, exceptionsView, httpView } from "./segment_fields.js";
import { traceMap } from "./tracemap.js";

const STATE_LABEL = { ok: "OK", error: "Error", throttle: "Throttle", fault: "Fault" };

/** Parses a BatchGetTraces trace into a forest of {doc, segment, kind, children}. */
export function buildTree(trace) {
  const docs = [];
  for (const seg of trace?.Segments ?? []) {
    try {
      const doc = typeof seg.Document === "string" ? JSON.parse(seg.Document) : seg.Document;
      if (doc && typeof doc === "object") docs.push(doc);
    } catch {
      /* an unreadable document is skipped; the raw download still has it */
    }
  }
  const byId = new Map();
  const up = new Map(); // node -> the node it is drawn under
  const all = [];
  const visit = (doc, segment, kind) => {
    const node = { doc, segment, kind, children: [] };
    all.push(node);
    if (doc.id && !byId.has(doc.id)) byId.set(doc.id, node);
    for (const sub of Array.isArray(doc.subsegments) ? doc.subsegments : []) {
      if (sub && typeof sub === "object") {
        const child = visit(sub, segment, "subsegment");
        up.set(child, node);
        node.children.push(child);
      }
    }
    return node;
  };
  const segments = docs.map((doc) => visit(doc, doc, "segment"));
  const roots = [];
  for (const node of segments) {
    const parent = node.doc.parent_id ? byId.get(node.doc.parent_id) : undefined;
    let p = parent;
    while (p && p !== node) p = up.get(p); // would hanging it there close a loop?
    if (parent && p !== node) {
      parent.children.push(node);
      up.set(node, parent);
    } else roots.push(node);
  }
  const byStart = (a, b) => (a.doc.start_time ?? 0) - (b.doc.start_time ?? 0) || (a.kind === b.kind ? 0 : a.kind === "segment" ? 1 : -1);
  const sortRec = (list, seen = new Set()) => {
    list.sort(byStart);
    for (const n of list) {
      if (seen.has(n)) continue;
      seen.add(n);
      sortRec(n.children, seen);
    }
  };
  sortRec(roots);
  const starts = all.map((n) => n.doc.start_time).filter(Number.isFinite);
  const ends = all.map((n) => n.doc.end_time).filter(Number.isFinite);
  const t0 = starts.length ? Math.min(...starts) : 0;
  const t1 = Math.max(t0 + 1e-6, ...ends, ...starts);
  return { roots, all, docs, t0, t1, segmentCount: segments.length };
}

function urlHost(url) {
  try {
    return new URL(String(url ?? "")).hostname;
  } catch {
    return "";
  }
}

/** The node (as GetTraceGraph names it) an unanswered aws or remote call is inferred as. */
function inferredNode(d) {
  if (d.namespace === "remote") return { Name: urlHost(d.http?.request?.url) || d.name, Type: "remote" };
  const aws = d.aws && typeof d.aws === "object" ? d.aws : {};
  if (typeof aws.table_name === "string" && aws.table_name) return { Name: aws.table_name, Type: "AWS::DynamoDB::Table" };
  if (typeof aws.queue_url === "string" && aws.queue_url) return { Name: aws.queue_url.split("/").filter(Boolean).pop() ?? "", Type: "AWS::SQS::Queue" };
  if (typeof aws.topic_arn === "string" && aws.topic_arn) return { Name: aws.topic_arn.split(":").pop(), Type: "AWS::SNS" };
  if (d.name === "SNS") return { Name: "SNS", Type: "AWS::SNS" };
  return { Name: d.name, Type: `AWS::${d.name}` };
}

/**
 * The timeline nodes a trace-map node stands for: the segments of that service (name, origin) with
 * their subsegments; for a node inferred from calls, the unanswered calls to it with theirs.
 */
export function nodeEntities(tree, svc) {
  const out = new Set();
  const add = (n) => {
    if (out.has(n)) return;
    out.add(n);
    for (const c of n.children) if (c.kind === "subsegment") add(c);
  };
  for (const n of tree.all) if (n.kind === "segment" && (n.doc.name ?? "") === (svc.Name ?? "") && (n.doc.origin ?? "") === (svc.Type ?? "")) add(n);
  const answered = new Set(tree.all.filter((n) => n.kind === "segment" && n.doc.parent_id).map((n) => n.doc.parent_id));
  for (const n of tree.all) {
    const d = n.doc;
    if (n.kind !== "subsegment" || (d.namespace !== "aws" && d.namespace !== "remote") || answered.has(d.id)) continue;
    const inf = inferredNode(d);
    if (inf.Name === svc.Name && inf.Type === svc.Type) add(n);
  }
  return out;
}

function niceStep(span, target = 6) {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function nodeLabel(node) {
  const d = node.doc;
  if (node.kind === "segment") return d.origin ? `${kindOf(d.origin).label}` : "segment";
  return d.namespace === "aws" ? "AWS call" : d.namespace === "remote" ? "remote call" : "";
}

export function mount(host, route) {
  const traceId = route.id;
  let tree = null;
  let raw = null;
  let rawKey = "";
  let selectedId = null;
  const collapsed = new Set();
  let destroyed = false;
  let seq = 0;

  let marked = null; // the trace map's selected node: {svc, entities: Set of tree nodes}
  const map = traceMap((svc) => {
    marked = svc ? { svc, entities: null } : null;
    host.dataset.mapSelected = svc ? `${svc.Type}::${svc.Name}` : "";
    if (tree) renderRows();
  });
  let view = null; // zoomed window {from, to} in epoch seconds, or null for the whole trace
  const title = h("h1", { class: "mono", "data-testid": "trace-title" }, traceId);
  const zoomReset = h("button", { class: "btn", type: "button", "data-testid": "zoom-reset", hidden: true }, "Show whole trace");
  const zoomInfo = h("span", { class: "muted small", "data-testid": "zoom-info" }, "Drag across the time axis to zoom.");
  const meta = h("div", { class: "trace-meta", "data-testid": "trace-meta" });
  const download = h("button", { class: "btn", type: "button", "data-testid": "download-raw", disabled: true }, "Download raw JSON");
  const banner = h("div", { class: "banner error", hidden: true, role: "alert", "data-testid": "trace-error" });
  const axis = h("div", { class: "tl-axis" });
  const rows = h("div", { class: "tl-rows", "data-testid": "timeline" });
  const details = h("aside", { class: "side-panel details", "data-testid": "details", hidden: true });
  const timeline = h(
    "div",
    { class: "card tl-card" },
    h("div", { class: "tl-head" }, h("div", { class: "tl-col-name" }, "Segment / subsegment"), h("div", { class: "tl-col-dur" }, "Duration"), h("div", { class: "tl-col-status" }, "Status"), axis),
    rows,
  );
  replaceChildren(
    host,
    h(
      "div",
      { class: "toolbar" },
      h("a", { href: "#/traces", class: "back-link" }, "← Traces"),
      title,
      h("div", { class: "spacer" }),
      zoomInfo,
      zoomReset,
      download,
    ),
    meta,
    banner,
    map.el,
    h("div", { class: "tl-wrap" }, timeline, details),
  );
  host.dataset.state = "loading";

  download.addEventListener("click", () => {
    if (!raw) return;
    const documents = raw.Segments.map((s) => {
      try {
        return JSON.parse(s.Document);
      } catch {
        return s.Document;
      }
    });
    const blob = new Blob([JSON.stringify({ Id: raw.Id, Duration: raw.Duration, Segments: documents }, null, 2)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: `${traceId}.json`, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });

  function renderMeta() {
    const root = tree.roots[0]?.doc;
    const req = root?.http?.request ?? {};
    const res = root?.http?.response ?? {};
    const states = tree.all.map((n) => segmentState(n.doc));
    const worst = ["fault", "throttle", "error"].find((s) => states.includes(s)) ?? "ok";
    replaceChildren(
      meta,
      h("span", { class: `state-badge state-${worst}` }, h("span", { class: "dot", style: { background: colorOf(worst) } }), STATE_LABEL[worst]),
      req.method || req.url ? h("span", { class: "mono" }, `${req.method ?? ""} ${req.url ?? ""}`.trim()) : null,
      res.status ? h("span", {}, `HTTP ${res.status}`) : null,
      h("span", {}, `Duration ${duration(tree.t1 - tree.t0)}`),
      h("span", {}, `Started ${timestamp(tree.t0)}`),
      h("span", {}, `${tree.segmentCount} segments · ${tree.all.length - tree.segmentCount} subsegments`),
    );
  }

  const win = () => (view ? [view.from, view.to] : [tree.t0, tree.t1]);

  function setView(v) {
    const full = tree.t1 - tree.t0;
    view = v && v.to - v.from > 1e-7 && v.to - v.from < full * 0.999 ? v : null;
    zoomReset.hidden = !view;
    zoomInfo.textContent = view ? `Showing +${duration(view.from - tree.t0)} to +${duration(view.to - tree.t0)}` : "Drag across the time axis to zoom.";
    host.dataset.zoomed = view ? "true" : "false";
    renderAxis();
    renderRows();
  }
  zoomReset.addEventListener("click", () => setView(null));

  // Brush: drag across the axis to zoom into that time range.
  const brush = h("div", { class: "tl-brush", hidden: true });
  let brushStart = null;
  const axisFrac = (e) => {
    const r = axis.getBoundingClientRect();
    return Math.max(0, Math.min(1, (e.clientX - r.left) / r.width));
  };
  axis.addEventListener("pointerdown", (e) => {
    if (!tree) return;
    brushStart = axisFrac(e);
    axis.setPointerCapture(e.pointerId);
    brush.hidden = false;
    brush.style.left = `${brushStart * 100}%`;
    brush.style.width = "0";
  });
  axis.addEventListener("pointermove", (e) => {
    if (brushStart === null) return;
    const f = axisFrac(e);
    brush.style.left = `${Math.min(f, brushStart) * 100}%`;
    brush.style.width = `${Math.abs(f - brushStart) * 100}%`;
  });
  axis.addEventListener("pointerup", (e) => {
    if (brushStart === null) return;
    const f = axisFrac(e);
    const [a, b] = [Math.min(f, brushStart), Math.max(f, brushStart)];
    brushStart = null;
    brush.hidden = true;
    if (b - a < 0.01) return;
    const [v0, v1] = win();
    setView({ from: v0 + a * (v1 - v0), to: v0 + b * (v1 - v0) });
  });

  function renderAxis() {
    const [v0, v1] = win();
    const span = v1 - v0;
    const step = niceStep(span);
    const ticks = [];
    // Labels are offsets from the trace's start, placed within the window shown.
    for (let t = Math.ceil((v0 - tree.t0) / step - 1e-9) * step; t <= v1 - tree.t0 + 1e-12; t += step) ticks.push(t);
    const frac = (t) => (tree.t0 + t - v0) / span;
    replaceChildren(
      axis,
      ticks.map((t, i) => h("span", { class: `tick${i === 0 && frac(t) < 0.02 ? " first" : ""}`, style: { left: `${frac(t) * 100}%` } }, duration(t))),
      brush,
    );
    rows.style.setProperty("--grid-img", ticks.map(() => "linear-gradient(#eef2f7, #eef2f7)").join(", ") || "none");
    rows.style.setProperty("--grid-pos", ticks.map((t) => `${frac(t) * 100}% 0`).join(", ") || "0 0");
  }

  function renderRows() {
    const [v0, v1] = win();
    const span = v1 - v0;
    const out = [];
    if (marked && !marked.entities) marked.entities = nodeEntities(tree, marked.svc);
    const seen = new Set();
    const walk = (node, depth) => {
      if (seen.has(node)) return;
      seen.add(node);
      const d = node.doc;
      const st = segmentState(d);
      const start = Number.isFinite(d.start_time) ? d.start_time : tree.t0;
      const inProgress = !Number.isFinite(d.end_time);
      const end = inProgress ? tree.t1 : d.end_time;
      const outside = end < v0 || start > v1;
      const left = Math.max(0, ((start - v0) / span) * 100);
      const right = Math.min(100, ((end - v0) / span) * 100);
      const width = Math.max(0.15, right - left);
      const hasKids = node.children.length > 0;
      const isCollapsed = collapsed.has(d.id);
      const toggle = h("button", { class: "tl-toggle", type: "button", "aria-label": isCollapsed ? "Expand" : "Collapse", tabindex: -1 }, hasKids ? (isCollapsed ? "▸" : "▾") : "");
      if (hasKids)
        toggle.addEventListener("click", (e) => {
          e.stopPropagation();
          if (isCollapsed) collapsed.delete(d.id);
          else collapsed.add(d.id);
          renderRows();
        });
      const label = nodeLabel(node);
      const mark = marked ? (marked.entities.has(node) ? "on" : "off") : undefined;
      const bar = h(
        "div",
        {
          class: `tl-bar state-${st}${node.kind === "segment" ? " is-segment" : ""}${inProgress ? " in-progress" : ""}${d.inferred ? " inferred" : ""}${outside ? " outside" : ""}${mark === "on" ? " node-highlighted" : mark === "off" ? " node-dimmed" : ""}`,
          style: { left: `${left}%`, width: `${width}%`, background: colorOf(st) },
          "data-testid": "timeline-bar",
          "data-id": d.id ?? "",
          "data-name": d.name ?? "",
          "data-kind": node.kind,
          "data-state": st,
          "data-depth": depth,
          "data-origin": node.segment.origin ?? "",
          "data-highlight": mark,
          title: `${d.name ?? ""} · ${duration(end - start)}`,
        },
      );
      const row = h(
        "div",
        {
          class: `tl-row${node.kind === "segment" ? " segment-row" : ""}${selectedId === d.id ? " selected" : ""}`,
          "data-testid": "timeline-row",
          "data-id": d.id ?? "",
          tabindex: 0,
          role: "button",
        },
        h(
          "div",
          { class: "tl-col-name", style: { "padding-left": `${8 + depth * 16}px` } },
          toggle,
          h("span", { class: "tl-name" }, String(d.name ?? "(unnamed)")),
          label ? h("span", { class: "tl-node" }, label) : null,
        ),
        h("div", { class: "tl-col-dur num" }, inProgress ? "in progress" : duration(end - start)),
        h("div", { class: "tl-col-status" }, d.http?.response?.status ? String(d.http.response.status) : st === "ok" ? "" : STATE_LABEL[st]),
        h("div", { class: "tl-track" }, bar),
      );
      const open = () => {
        selectedId = d.id;
        for (const r of rows.querySelectorAll(".tl-row.selected")) r.classList.remove("selected");
        row.classList.add("selected");
        renderDetails();
      };
      row.addEventListener("click", open);
      row.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        }
      });
      out.push(row);
      if (!isCollapsed) for (const c of node.children) walk(c, depth + 1);
    };
    for (const r of tree.roots) walk(r, 0);
    replaceChildren(rows, out);
  }

  function renderDetails() {
    const node = tree?.all.find((n) => n.doc.id === selectedId);
    if (!node) {
      details.hidden = true;
      replaceChildren(details);
      return;
    }
    const d = node.doc;
    const st = segmentState(d);
    const close = h("button", { class: "btn icon-btn close", type: "button", "aria-label": "Close", "data-testid": "details-close" }, "×");
    close.addEventListener("click", () => {
      selectedId = null;
      for (const r of rows.querySelectorAll(".tl-row.selected")) r.classList.remove("selected");
      renderDetails();
    });
    const { subsegments, ...rest } = d;
    const zoomTo = h("button", { class: "btn", type: "button", "data-testid": "zoom-to" }, "Zoom to this");
    zoomTo.addEventListener("click", () => {
      const s0 = Number.isFinite(d.start_time) ? d.start_time : tree.t0;
      const s1 = Number.isFinite(d.end_time) ? d.end_time : tree.t1;
      const pad = Math.max((s1 - s0) * 0.05, 1e-6);
      setView({ from: Math.max(tree.t0, s0 - pad), to: Math.min(tree.t1, s1 + pad) });
    });
    details.hidden = false;
    details.dataset.id = d.id ?? "";
    replaceChildren(
      details,
      h(
        "div",
        { class: "panel-head" },
        h("span", { class: "dot big", style: { background: colorOf(st) } }),
        h("div", { class: "panel-title" }, h("h2", { "data-testid": "details-name" }, String(d.name ?? "")), h("div", { class: "muted" }, `${node.kind === "segment" ? "Segment" : "Subsegment"}${d.origin ? ` · ${d.origin}` : ""}${d.namespace ? ` · ${d.namespace}` : ""}`)),
        close,
      ),
      h("div", { class: "panel-actions" }, zoomTo),
      section(
        "Overview",
        kv([
          ["Status", STATE_LABEL[st]],
          ["Id", d.id],
          ["Parent id", d.parent_id],
          ["Trace id", d.trace_id],
          ["Segment", node.kind === "subsegment" ? `${node.segment.name ?? ""} (${node.segment.id ?? ""})` : undefined],
          ["Start", timestamp(d.start_time)],
          ["End", Number.isFinite(d.end_time) ? timestamp(d.end_time) : "in progress"],
          ["Duration", Number.isFinite(d.end_time) ? duration(d.end_time - d.start_time) : undefined],
          ["Offset", Number.isFinite(d.start_time) ? `+${duration(d.start_time - tree.t0)}` : undefined],
          ["Resource ARN", d.resource_arn],
          ["Inferred", d.inferred ? "yes" : undefined],
          ["User", d.user],
        ]),
      ),
      section("Annotations", annotationsView(d.annotations)),
      section("HTTP", httpView(d.http)),
      section("AWS", awsView(d.aws)),
      section("Exceptions", exceptionsView(d.cause)),
      section("Metadata", d.metadata && Object.keys(d.metadata).length ? jsonBlock(d.metadata, "details-metadata") : null),
      section("SQL", d.sql ? jsonBlock(d.sql) : null),
      logSection(d),
      h("details", { class: "raw" }, h("summary", {}, "Raw document"), jsonBlock(rest, "details-raw")),
    );
  }

  // A function's segment: what its runs in this trace printed, fetched when it is selected.
  function logSection(d) {
    if (!["AWS::Lambda::Function", "AWS::Lambda"].includes(d.origin) || !d.resource_arn) return null;
    const body = h("pre", { class: "json", "data-testid": "details-log" }, "loading…");
    const selected = d.id;
    api
      .functionLogs(d.resource_arn, traceId)
      .then((runs) => {
        if (destroyed || selectedId !== selected) return;
        body.textContent = runs.length
          ? runs.map((r) => `── ${r.request_id}${r.failed ? " (failed)" : ""}\n${r.log}`).join("\n")
          : "nothing printed by this function in this trace (or its runs have left the log)";
      })
      .catch((err) => {
        if (!destroyed && selectedId === selected) body.textContent = `Could not load the log: ${err.message}`;
      });
    return section("Log", body);
  }

  async function loadMap(my) {
    let graph;
    try {
      graph = await api.traceGraph([traceId]);
    } catch (err) {
      if (my === seq && !destroyed) map.fail(`Could not load the trace map: ${err.message}`);
      return;
    }
    if (my !== seq || destroyed) return;
    map.show(graph);
  }

  async function load() {
    const my = ++seq;
    loadMap(my);
    let resp;
    try {
      resp = await api.batchGetTraces([traceId]);
    } catch (err) {
      if (my !== seq || destroyed) return;
      banner.hidden = false;
      banner.textContent = `Could not load the trace: ${err.message}`;
      host.dataset.state = "error";
      return;
    }
    if (my !== seq || destroyed) return;
    const trace = (resp.Traces ?? []).find((t) => t.Id === traceId);
    if (!trace) {
      banner.hidden = false;
      banner.textContent = `Trace ${traceId} was not found.`;
      host.dataset.state = "error";
      return;
    }
    banner.hidden = true;
    const key = JSON.stringify(trace.Segments);
    if (key === rawKey) return;
    rawKey = key;
    raw = trace;
    tree = buildTree(trace);
    if (marked) marked.entities = null;
    download.disabled = false;
    renderMeta();
    renderAxis();
    renderRows();
    renderDetails();
    host.dataset.state = "ready";
  }

  load();
  return {
    refresh(ev) {
      if (!ev?.traceIds || ev.traceIds.includes(traceId)) load();
    },
    unmount() {
      destroyed = true;
    },
  };
}
