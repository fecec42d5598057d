// Console-wide selections: the time range and the group. Both apply to the map and the traces,
// survive a reload (localStorage) and notify the current view when they change.

export const RANGES = [
  { id: "5m", label: "Last 5 minutes", seconds: 300 },
  { id: "15m", label: "Last 15 minutes", seconds: 900 },
  { id: "1h", label: "Last 1 hour", seconds: 3600 },
  { id: "6h", label: "Last 6 hours", seconds: 6 * 3600 },
  { id: "24h", label: "Last 24 hours", seconds: 86400 },
  { id: "custom", label: "Custom…" },
];

const KEY = "localray.console.v1";
const listeners = new Set();

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    const range = RANGES.some((r) => r.id === saved.range) ? saved.range : "1h";
    const ok = (v) => typeof v === "number" && Number.isFinite(v);
    if (range === "custom" && !(ok(saved.from) && ok(saved.to) && saved.from < saved.to)) return { range: "1h", group: "Default" };
    return { range, from: saved.from, to: saved.to, group: typeof saved.group === "string" ? saved.group : "Default" };
  } catch {
    return { range: "1h", group: "Default" };
  }
}

const state = load();

export function get() {
  return { ...state };
}

export function set(patch) {
  Object.assign(state, patch);
  try {
    localStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    /* private mode: keep it in memory */
  }
  for (const fn of listeners) fn(get());
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The window to query now, in epoch milliseconds: relative ranges end now. */
export function timeWindow() {
  if (state.range === "custom") return { from: state.from, to: state.to, relative: false };
  const r = RANGES.find((x) => x.id === state.range) ?? RANGES[2];
  const to = Date.now();
  return { from: to - r.seconds * 1000, to, relative: true };
}

export function rangeLabel() {
  if (state.range === "custom") {
    const f = (ms, withDate) => {
      const d = new Date(ms);
      const p = (n) => String(n).padStart(2, "0");
      return `${withDate ? `${p(d.getMonth() + 1)}-${p(d.getDate())} ` : ""}${p(d.getHours())}:${p(d.getMinutes())}`;
    };
    const sameDay = new Date(state.from).toDateString() === new Date(state.to).toDateString();
    return `${f(state.from, true)} → ${f(state.to, !sameDay)}`;
  }
  return RANGES.find((r) => r.id === state.range)?.label ?? "";
}
