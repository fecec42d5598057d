// Traces: filter expression (X-Ray grammar, errors pointed at their column), a response-time
// histogram whose selection narrows the list, the list itself, and "load more" via NextToken.
import * as api from "../api.js";
import { histogram } from "../chart.js";
import { h, replaceChildren } from "../dom.js";
import { age, duration, timestamp, traceIdTime } from "../format.js";
import * as state from "../state.js";
import { colorOf, summaryState } from "../status.js";

const EXAMPLES = ["http.status = 200", "fault", "responsetime > 0.5", 'service("http") { fault }', 'annotation.path = "/prod/hello"', 'edge("sqsFlowQueue", "sqs_subscribe")'];
const STATE_LABEL = { ok: "OK", error: "Error", throttle: "Throttle", fault: "Fault" };

/** The path of a URL as recorded (not re-encoded): "http://host:1/a/b?c" -> "/a/b?c". */
function urlPath(url) {
  if (!url) return "";
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(url);
  return m ? m[1] || "/" : url;
}

/** Combines the group's filter with the user's; returns the expression and where the user's starts. */
function combine(groupExpr, userExpr) {
  if (!groupExpr) return { expr: userExpr, offset: 0 };
  if (!userExpr) return { expr: groupExpr, offset: -1 };
  const prefix = `(${groupExpr}) AND (`;
  return { expr: `${prefix}${userExpr})`, offset: prefix.length };
}

export function mount(host, route, ctx) {
  let filter = route.params.get("filter") ?? "";
  let summaries = [];
  let nextToken = null;
  let pages = 0;
  let processed = 0;
  let range = null; // {from, to} seconds selected on the histogram
  let sort = { key: "time", dir: -1 };
  let seq = 0;
  let chart = null;
  let destroyed = false;
  let lastDrawn = "";

  const input = h("input", {
    class: "filter-input",
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: 'Filter expression, e.g. service("http") { fault }  or  http.status = 200',
    "aria-label": "Filter expression",
    "data-testid": "filter-input",
    value: filter,
  });
  const runButton = h("button", { class: "btn primary", type: "button", "data-testid": "filter-run" }, "Run");
  const clearButton = h("button", { class: "btn", type: "button", "data-testid": "filter-clear" }, "Clear");
  const errorBox = h("div", { class: "filter-error", "data-testid": "filter-error", hidden: true, role: "alert" });
  const examples = h(
    "div",
    { class: "examples" },
    h("span", { class: "muted" }, "Examples:"),
    EXAMPLES.map((ex) => {
      const b = h("button", { class: "chip", type: "button" }, ex);
      b.addEventListener("click", () => {
        input.value = ex;
        run();
      });
      return b;
    }),
  );
  const summary = h("span", { class: "muted", "data-testid": "traces-summary" });
  const selectionInfo = h("div", { class: "selection-info", "data-testid": "histogram-selection" });
  const chartBox = h("div", { class: "chart-box", "data-testid": "trace-histogram" });
  const tableBody = h("tbody", { "data-testid": "trace-rows" });
  const headers = [
    ["state", "Status", false],
    ["id", "ID", false],
    ["method", "Method", false],
    ["url", "URL", false],
    ["http", "HTTP", false],
    ["rt", "Response time", true],
    ["duration", "Duration", true],
    ["time", "Age", true],
  ];
  const headRow = h("tr", {});
  const table = h("table", { class: "traces-table", "data-testid": "traces-table" }, h("thead", {}, headRow), tableBody);
  const loadMore = h("button", { class: "btn", type: "button", "data-testid": "load-more", hidden: true }, "Load more");
  const listMessage = h("div", { class: "list-message", hidden: true, "data-testid": "traces-empty" });
  const banner = h("div", { class: "banner error", hidden: true, role: "alert", "data-testid": "traces-error" });

  replaceChildren(
    host,
    h("div", { class: "toolbar" }, h("h1", {}, "Traces"), summary),
    h(
      "div",
      { class: "card filter-card" },
      h("div", { class: "filter-row" }, input, runButton, clearButton),
      errorBox,
      examples,
    ),
    banner,
    h("div", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "Response time distribution"), selectionInfo), chartBox, h("div", { class: "muted small" }, "Drag across bars, or click one, to narrow the list.")),
    h("div", { class: "card table-card" }, table, listMessage, h("div", { class: "table-foot" }, loadMore)),
  );
  host.dataset.state = "loading";

  function renderHead() {
    replaceChildren(
      headRow,
      headers.map(([key, label, sortable]) => {
        if (!sortable) return h("th", { class: `col-${key}` }, label);
        const arrow = sort.key === key ? (sort.dir < 0 ? " ↓" : " ↑") : "";
        const b = h("button", { class: "th-sort", type: "button" }, label + arrow);
        b.addEventListener("click", () => {
          sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: -1 };
          renderHead();
          renderRows();
        });
        return h("th", { class: `col-${key}`, "aria-sort": sort.key === key ? (sort.dir < 0 ? "descending" : "ascending") : "none" }, b);
      }),
    );
  }

  const rt = (t) => t.ResponseTime ?? t.Duration ?? 0;
  const started = (t) => t.StartTime ?? traceIdTime(t.Id) ?? 0;

  function visible() {
    let list = summaries;
    if (range) list = list.filter((t) => rt(t) >= range.from - 1e-9 && rt(t) <= range.to + 1e-9);
    const key = { rt, duration: (t) => t.Duration ?? 0, time: started }[sort.key] ?? started;
    return [...list].sort((a, b) => (key(a) - key(b)) * sort.dir || (a.Id < b.Id ? 1 : -1));
  }

  // Rows are kept while their trace is unchanged (only the age is updated), so live refreshes do
  // not rebuild the table under the pointer.
  let rowCache = new Map();
  function rowFor(t, now) {
    const sig = JSON.stringify(t);
    const old = rowCache.get(t.Id);
    if (old && old.sig === sig) {
      old.ageCell.textContent = age(started(t), now);
      return old;
    }
    const st = summaryState(t);
    const http = t.Http ?? {};
    const href = `#/trace/${encodeURIComponent(t.Id)}`;
    const ageCell = h("td", { class: "col-time num", title: timestamp(started(t)) }, age(started(t), now));
    const row = h(
      "tr",
      {
        class: "trace-row",
        "data-testid": "trace-row",
        "data-trace-id": t.Id,
        "data-state": st,
        "data-http-status": http.HttpStatus ?? "",
        "data-response-time": rt(t),
        tabindex: 0,
      },
      h("td", { class: "col-state" }, h("span", { class: `state-badge state-${st}` }, h("span", { class: "dot", style: { background: colorOf(st) } }), STATE_LABEL[st])),
      h("td", { class: "col-id mono" }, h("a", { href }, t.Id)),
      h("td", { class: "col-method" }, http.HttpMethod ?? ""),
      h("td", { class: "col-url", title: http.HttpURL ?? "" }, urlPath(http.HttpURL) || (t.EntryPoint?.Name ?? "")),
      h("td", { class: `col-http num http-${String(http.HttpStatus ?? "x")[0]}` }, http.HttpStatus ?? ""),
      h("td", { class: "col-rt num" }, duration(rt(t))),
      h("td", { class: "col-duration num" }, duration(t.Duration)),
      ageCell,
    );
    row.addEventListener("click", (e) => {
      if (e.target.closest("a")) return;
      location.hash = href;
    });
    row.addEventListener("keydown", (e) => {
      if (e.key === "Enter") location.hash = href;
    });
    return { el: row, sig, ageCell };
  }

  function renderRows() {
    const list = visible();
    const now = Date.now() / 1000;
    const next = new Map();
    const els = list.map((t) => {
      const r = rowFor(t, now);
      next.set(t.Id, r);
      return r.el;
    });
    rowCache = next;
    els.forEach((el, i) => {
      if (tableBody.childNodes[i] !== el) tableBody.insertBefore(el, tableBody.childNodes[i] ?? null);
    });
    while (tableBody.childNodes.length > els.length) tableBody.lastChild.remove();
    listMessage.hidden = list.length > 0;
    listMessage.textContent = summaries.length ? "No loaded trace falls in the selected response-time range." : "No traces match in this time range.";
    loadMore.hidden = !nextToken;
    const shown = range ? `${list.length} of ${summaries.length} loaded` : `${summaries.length}${nextToken ? "+" : ""}`;
    summary.textContent = `${shown} traces · ${processed} processed · ${state.rangeLabel().toLowerCase()}`;
    if (range) {
      const clear = h("button", { class: "link-btn", type: "button", "data-testid": "histogram-clear" }, "Clear selection");
      clear.addEventListener("click", () => {
        range = null;
        chart?.clearSelection();
        renderRows();
      });
      selectionInfo.dataset.from = String(range.from);
      selectionInfo.dataset.to = String(range.to);
      replaceChildren(selectionInfo, `Selected ${duration(range.from)} – ${duration(range.to)} · ${list.length} traces `, clear);
    } else {
      delete selectionInfo.dataset.from;
      delete selectionInfo.dataset.to;
      replaceChildren(selectionInfo);
    }
  }

  function renderChart() {
    const samples = summaries.map((t) => ({ value: rt(t), count: 1 }));
    const key = JSON.stringify(samples.map((x) => x.value));
    if (key === lastDrawn && (chart || !samples.length)) return;
    lastDrawn = key;
    chart?.destroy();
    chart = null;
    if (!samples.length) {
      replaceChildren(chartBox, h("div", { class: "chart-empty muted" }, "No traces to chart."));
      chartBox.setAttribute("data-total", "0");
      return;
    }
    chart = histogram(chartBox, samples, {
      height: 140,
      unit: "traces",
      color: "#6366f1",
      onSelect: (sel) => {
        range = sel ? { from: sel.from, to: sel.to } : null;
        renderRows();
      },
    });
    if (range) chart.showSelection(range);
  }

  function showFilterError(err, combined, interactive) {
    const col = err.column;
    replaceChildren(errorBox);
    errorBox.hidden = false;
    input.setAttribute("aria-invalid", "true");
    errorBox.appendChild(h("div", { class: "filter-error-message" }, err.message));
    if (col !== undefined) {
      const userCol = combined.offset >= 0 ? col - combined.offset : -1;
      if (combined.offset >= 0 && userCol >= 1 && userCol <= filter.length + 1) {
        errorBox.dataset.column = String(userCol);
        errorBox.appendChild(h("pre", { class: "caret-line", "data-testid": "filter-error-caret" }, `${filter}\n${" ".repeat(userCol - 1)}^`));
        if (interactive && input.value === filter) {
          input.focus();
          input.setSelectionRange(userCol - 1, Math.min(filter.length, userCol));
        }
      } else if (combined.offset > 0 || combined.offset === -1) {
        errorBox.appendChild(h("div", { class: "muted" }, `The error is in the filter of group "${state.get().group}".`));
      }
    }
  }

  async function fetchPage(token) {
    const w = state.timeWindow();
    const combined = combine(await ctx.groupFilter(), filter);
    try {
      return { combined, resp: await api.traceSummaries({ from: w.from, to: w.to, filter: combined.expr, nextToken: token }) };
    } catch (err) {
      err.combined = combined;
      throw err;
    }
  }

  async function load(interactive = false) {
    const my = ++seq;
    host.dataset.state = "loading";
    try {
      const r = await fetchPage(null);
      if (my !== seq || destroyed) return;
      summaries = r.resp.TraceSummaries ?? [];
      nextToken = r.resp.NextToken ?? null;
      processed = r.resp.TracesProcessedCount ?? summaries.length;
      pages = 1;
      errorBox.hidden = true;
      banner.hidden = true;
      input.removeAttribute("aria-invalid");
      delete errorBox.dataset.column;
    } catch (err) {
      if (my !== seq || destroyed) return;
      summaries = [];
      nextToken = null;
      pages = 1;
      if (err.type === "InvalidRequestException" && /filter/i.test(err.message) && err.combined) showFilterError(err, err.combined, interactive);
      else {
        banner.hidden = false;
        banner.textContent = `Could not load traces: ${err.message}`;
      }
      renderChart();
      renderRows();
      host.dataset.state = "error";
      return;
    }
    renderChart();
    renderRows();
    host.dataset.state = "ready";
  }

  loadMore.addEventListener("click", async () => {
    if (!nextToken) return;
    const my = seq;
    loadMore.disabled = true;
    try {
      const r = await fetchPage(nextToken);
      if (my !== seq || destroyed) return;
      const known = new Set(summaries.map((t) => t.Id));
      summaries = summaries.concat((r.resp.TraceSummaries ?? []).filter((t) => !known.has(t.Id)));
      nextToken = r.resp.NextToken ?? null;
      pages++;
      renderChart();
      renderRows();
    } catch (err) {
      banner.hidden = false;
      banner.textContent = `Could not load more traces: ${err.message}`;
    } finally {
      loadMore.disabled = false;
    }
  });

  function run() {
    // Sent as typed (not trimmed), so that the columns of an error match the input box.
    const value = input.value.trim() ? input.value : "";
    const target = value ? `#/traces?filter=${encodeURIComponent(value)}` : "#/traces";
    range = null;
    if (location.hash !== target) location.hash = target;
    else {
      filter = value;
      load(true);
    }
  }
  runButton.addEventListener("click", run);
  clearButton.addEventListener("click", () => {
    input.value = "";
    run();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") run();
  });
  input.addEventListener("input", () => {
    if (!errorBox.hidden) input.removeAttribute("aria-invalid");
  });

  renderHead();
  load();

  return {
    reroute(r) {
      filter = r.params.get("filter") ?? "";
      input.value = filter;
      range = null;
      load(true);
    },
    refresh(ev) {
      // Live updates only replace the first page; after "load more" they wait for a manual refresh.
      if (ev?.settingsChanged || ev?.manual || pages <= 1) load();
    },
    unmount() {
      destroyed = true;
      chart?.destroy();
    },
  };
}
