// Live refresh: Server-Sent Events from /_localray/events ("traces" events naming the trace ids
// that changed), batched to at most one refresh a second. Without the stream (404, proxy, network
// error) the console polls every 5 s instead, and keeps trying to get the stream back.

const BATCH_MS = 1000;
const POLL_MS = 5000;
const RETRY_MS = 30000;

let source = null;
let handler = null;
let statusListener = null;
let status = "connecting";
let pending = null; // Set of ids, or "all" when the change is not known
let timer = null;
let paused = false;

function setStatus(s) {
  if (s === status) return;
  status = s;
  statusListener?.(s);
}

function schedule(ids) {
  if (ids === "all" || pending === "all") pending = "all";
  else {
    pending ??= new Set();
    for (const id of ids) pending.add(id);
  }
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    const batch = pending;
    pending = null;
    if (paused || !handler) return;
    handler({ traceIds: batch === "all" ? null : [...batch] });
  }, BATCH_MS);
}

function connect() {
  if (typeof EventSource === "undefined") {
    setStatus("polling");
    return;
  }
  source?.close();
  // Relative to /_localray/ where index.html is served.
  source = new EventSource("events");
  source.addEventListener("open", () => setStatus("live"));
  source.addEventListener("traces", (e) => {
    let ids = "all";
    try {
      const data = JSON.parse(e.data);
      if (Array.isArray(data.traceIds)) ids = data.traceIds.filter((x) => typeof x === "string");
    } catch {
      /* an unreadable event still means "something changed" */
    }
    schedule(ids);
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      // 404 or a non-event-stream answer: the browser gives up, we poll and retry later.
      source = null;
      setStatus("polling");
      setTimeout(connect, RETRY_MS);
    } else {
      setStatus("polling"); // reconnecting by itself; poll meanwhile
    }
  });
}

export function start(onStatus) {
  statusListener = onStatus;
  statusListener?.(status);
  connect();
  setInterval(() => {
    if (document.hidden || paused) return;
    if (!source || source.readyState !== EventSource.OPEN) schedule("all");
  }, POLL_MS);
}

/** The current view's refresh; called with {traceIds: [...] | null}. */
export function onUpdate(fn) {
  handler = fn;
}

export function setPaused(p) {
  paused = p;
}

export function currentStatus() {
  return status;
}
