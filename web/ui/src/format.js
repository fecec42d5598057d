// Number, time and duration formatting shared by the views.

/** Seconds -> "183 µs", "12.4 ms", "1.52 s", "2 min 3 s". */
export function duration(seconds) {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return "–";
  const abs = Math.abs(seconds);
  if (Math.round(abs * 1e6) < 1000) return `${Math.round(seconds * 1e6)} µs`;
  if (abs < 1) return `${trim(seconds * 1000)} ms`;
  if (abs < 120) return `${trim(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

function trim(x) {
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** Calls per minute over a window in seconds. */
export function perMinute(count, windowSeconds) {
  if (!count || !windowSeconds) return "0/min";
  const r = count / (windowSeconds / 60);
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}/min`;
}

/** Epoch seconds -> "4 s ago", "12 min ago", ... */
export function age(epochSeconds, now = Date.now() / 1000) {
  if (!epochSeconds) return "–";
  const d = Math.max(0, now - epochSeconds);
  if (d < 60) return `${Math.floor(d)} s ago`;
  if (d < 3600) return `${Math.floor(d / 60)} min ago`;
  if (d < 86400) return `${Math.floor(d / 3600)} h ago`;
  return `${Math.floor(d / 86400)} d ago`;
}

/** Epoch seconds -> local "2024-05-01 12:03:04.123". */
export function timestamp(epochSeconds) {
  if (!epochSeconds) return "–";
  const d = new Date(epochSeconds * 1000);
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Start time of a trace from its id (1-<8 hex epoch>-<24 hex>). */
export function traceIdTime(id) {
  const m = /^1-([0-9a-fA-F]{8})-/.exec(id ?? "");
  return m ? parseInt(m[1], 16) : undefined;
}

export function percent(part, total) {
  if (!total) return "0%";
  const p = (part / total) * 100;
  return `${p > 0 && p < 1 ? p.toFixed(1) : Math.round(p)}%`;
}
