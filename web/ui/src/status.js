// The four X-Ray states, their colours, and counts taken from SummaryStatistics or a segment.

export const STATES = [
  { key: "ok", label: "OK", color: "#22a06b" },
  { key: "error", label: "Error (4xx)", color: "#f5a524" },
  { key: "throttle", label: "Throttle (429)", color: "#8b5cf6" },
  { key: "fault", label: "Fault (5xx)", color: "#e5484d" },
];

export const colorOf = (key) => STATES.find((s) => s.key === key)?.color ?? "#94a3b8";

/** {ok, error, throttle, fault, total} from a node's or an edge's SummaryStatistics. */
export function counts(stats) {
  const s = stats ?? {};
  const throttle = s.ErrorStatistics?.ThrottleCount ?? 0;
  const error = s.ErrorStatistics?.OtherCount ?? Math.max(0, (s.ErrorStatistics?.TotalCount ?? 0) - throttle);
  const fault = s.FaultStatistics?.TotalCount ?? 0;
  const ok = s.OkCount ?? 0;
  const total = s.TotalCount ?? ok + error + throttle + fault;
  return { ok, error, throttle, fault, total };
}

/** Average response time in seconds, or undefined. */
export function average(stats) {
  const n = stats?.TotalCount ?? 0;
  return n ? (stats.TotalResponseTime ?? 0) / n : undefined;
}

/** The state of one segment or subsegment document. */
export function segmentState(doc) {
  if (doc.fault) return "fault";
  if (doc.throttle) return "throttle";
  if (doc.error) return "error";
  return "ok";
}

/** The state of one trace summary. */
export function summaryState(t) {
  if (t.HasFault) return "fault";
  if (t.HasThrottle) return "throttle";
  if (t.HasError) return "error";
  return "ok";
}
