// The console shell: header (navigation, group and time pickers, live status), hash routing
// (#/map, #/traces?filter=..., #/trace/<id>) and the live refresh of the current view.
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import * as api from "./api.js";
import { h, replaceChildren } from "./dom.js";
import * as live from "./live.js";
import * as state from "./state.js";
import * as mapView from "./views/map.js";
import * as tracesView from "./views/traces.js";
import * as timelineView from "./views/timeline.js";

const app = document.getElementById("app");
const main = h("main", { class: "page", id: "page" });
const navMap = h("a", { href: "#/map", class: "nav-link", "data-testid": "nav-map" }, "Service map");
const navTraces = h("a", { href: "#/traces", class: "nav-link", "data-testid": "nav-traces" }, "Traces");

// Group picker
const groupSelect = h("select", { class: "control", "data-testid": "group-picker", "aria-label": "Group", title: "Group: scopes the map and the traces" });
let groupsByName = new Map();
let groupsLoadedAt = 0;
function fillGroups(list, complete) {
  let current = state.get().group;
  const names = list.map((g) => g.GroupName);
  if (!names.includes("Default")) names.unshift("Default");
  if (complete && !names.includes(current)) {
    // The selected group was deleted: back to the default group.
    current = "Default";
    state.set({ group: current });
  }
  if (current && !names.includes(current)) names.push(current);
  const same = names.length === groupSelect.options.length && names.every((n, i) => groupSelect.options[i].value === n);
  if (!same) replaceChildren(groupSelect, names.map((n) => h("option", { value: n, selected: n === current }, n)));
  groupSelect.value = current;
  groupsByName = new Map(list.map((g) => [g.GroupName, g]));
}
async function loadGroups() {
  groupsLoadedAt = Date.now();
  let list;
  try {
    list = await api.groups();
  } catch {
    fillGroups([], false);
    return;
  }
  fillGroups(list, true);
}
groupSelect.addEventListener("mousedown", loadGroups);
groupSelect.addEventListener("focus", loadGroups);
groupSelect.addEventListener("change", () => state.set({ group: groupSelect.value }));

/** The filter expression of the selected group ("" for Default or an unknown group). */
async function groupFilter() {
  await groupsReady;
  const g = groupsByName.get(state.get().group);
  return g?.FilterExpression ?? "";
}

// Time range picker
const rangeSelect = h(
  "select",
  { class: "control", "data-testid": "time-range", "aria-label": "Time range" },
  state.RANGES.map((r) => h("option", { value: r.id }, r.label)),
);
const toLocal = (ms) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
};
const fromInput = h("input", { type: "datetime-local", class: "control", "data-testid": "time-from", "aria-label": "From" });
const toInput = h("input", { type: "datetime-local", class: "control", "data-testid": "time-to", "aria-label": "To" });
const customError = h("div", { class: "custom-error", role: "alert" });
const applyCustom = h("button", { class: "btn primary", "data-testid": "time-apply", type: "button" }, "Apply");
const cancelCustom = h("button", { class: "btn", type: "button" }, "Cancel");
const customBox = h(
  "div",
  { class: "custom-range", hidden: true, role: "dialog", "aria-label": "Custom time range", "data-testid": "time-custom" },
  h("label", { class: "custom-field" }, h("span", {}, "From"), fromInput),
  h("label", { class: "custom-field" }, h("span", {}, "To"), toInput),
  customError,
  h("div", { class: "custom-actions" }, cancelCustom, applyCustom),
);
const customEdit = h("button", { class: "btn custom-edit", type: "button", hidden: true, "data-testid": "time-custom-edit", title: "Change the custom range" });
function openCustom() {
  const w = state.timeWindow();
  fromInput.value = toLocal(w.from);
  toInput.value = toLocal(w.to);
  customError.textContent = "";
  customBox.hidden = false;
  fromInput.focus();
}
function syncRange() {
  const st = state.get();
  rangeSelect.value = st.range;
  customEdit.hidden = st.range !== "custom";
  customEdit.textContent = st.range === "custom" ? `${state.rangeLabel()} ✎` : "";
}
rangeSelect.addEventListener("change", () => {
  if (rangeSelect.value === "custom") openCustom();
  else {
    customBox.hidden = true;
    state.set({ range: rangeSelect.value });
  }
});
customEdit.addEventListener("click", () => (customBox.hidden ? openCustom() : (customBox.hidden = true)));
cancelCustom.addEventListener("click", () => {
  customBox.hidden = true;
  syncRange();
});
customBox.addEventListener("keydown", (e) => {
  if (e.key === "Escape") cancelCustom.click();
  if (e.key === "Enter") applyCustom.click();
});
applyCustom.addEventListener("click", () => {
  const from = new Date(fromInput.value).getTime();
  const to = new Date(toInput.value).getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    customError.textContent = "From must be before To";
    return;
  }
  customError.textContent = "";
  customBox.hidden = true;
  state.set({ range: "custom", from, to });
});

// Live status and manual refresh
const liveDot = h("span", { class: "live-dot" });
const liveText = h("span", {}, "connecting");
const liveBadge = h("span", { class: "live", "data-testid": "live-status", title: "" }, liveDot, liveText);
function showLive(status) {
  liveBadge.dataset.status = status;
  liveText.textContent = status === "live" ? "Live" : status === "polling" ? "Auto-refresh 5 s" : "Connecting";
  liveBadge.title =
    status === "live" ? "Updates stream from /_localray/events" : status === "polling" ? "No event stream; polling every 5 seconds" : "";
}
const refreshButton = h("button", { class: "btn icon-btn", type: "button", title: "Refresh now", "aria-label": "Refresh", "data-testid": "refresh" }, "↻");
refreshButton.addEventListener("click", () => current?.refresh?.({ traceIds: null, manual: true }));

const header = h(
  "header",
  { class: "topbar" },
  h(
    "a",
    { class: "brand", href: "#/map" },
    h("span", { class: "brand-mark", "aria-hidden": "true" }),
    h("span", { class: "brand-name" }, "localray"),
    h("span", { class: "brand-sub" }, "X-Ray console"),
  ),
  h("nav", { class: "nav" }, navMap, navTraces),
  h("div", { class: "spacer" }),
  h("div", { class: "pickers", "data-testid": "pickers" }, h("label", { class: "picker" }, h("span", { class: "picker-label" }, "Group"), groupSelect), h("label", { class: "picker" }, h("span", { class: "picker-label" }, "Time"), rangeSelect), customEdit, customBox),
  liveBadge,
  refreshButton,
);

replaceChildren(app, header, main);

// Routing
let current = null;
let currentKey = "";

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/map";
  const [path, query = ""] = raw.split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "traces") return { name: "traces", params, key: "traces?" + query };
  if (parts[0] === "trace" && parts[1]) {
    let id = parts[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      /* keep it as written */
    }
    return { name: "trace", id, params, key: "trace/" + parts[1] };
  }
  return { name: "map", params, key: "map" };
}

function route() {
  const r = parseHash();
  if (r.key === currentKey && current) return;
  const sameView = current && current.name === r.name && current.reroute;
  if (sameView) {
    currentKey = r.key;
    current.reroute(r);
    return;
  }
  current?.unmount?.();
  currentKey = r.key;
  navMap.classList.toggle("active", r.name === "map");
  navTraces.classList.toggle("active", r.name === "traces" || r.name === "trace");
  document.body.dataset.page = r.name;
  const host = h("div", { class: `view view-${r.name}` });
  replaceChildren(main, host);
  const ctx = { groupFilter };
  const view = r.name === "traces" ? tracesView : r.name === "trace" ? timelineView : mapView;
  current = { name: r.name, ...view.mount(host, r, ctx) };
}

window.addEventListener("hashchange", route);
state.subscribe(() => {
  syncRange();
  current?.refresh?.({ traceIds: null, settingsChanged: true });
});
live.onUpdate((ev) => current?.refresh?.(ev));
// Groups made elsewhere (CLI, SDK) show up without a reload; not while the list is open.
setInterval(() => {
  if (!document.hidden && Date.now() - groupsLoadedAt > 9000 && document.activeElement !== groupSelect) loadGroups();
}, 10000);

syncRange();
const groupsReady = loadGroups();
route();
live.start(showLive);
