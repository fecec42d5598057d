// The public X-Ray REST-JSON API of localray (same origin) and the /_localray/ endpoints.

export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
  /** 1-based column named by an "Invalid filter expression: ... at column N" message. */
  get column() {
    const m = /column (\d+)/.exec(this.message);
    return m ? Number(m[1]) : undefined;
  }
}

async function call(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body ?? {}),
    });
  } catch (e) {
    throw new ApiError(0, "NetworkError", `localray is not reachable (${e.message})`);
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const type = response.headers.get("x-amzn-ErrorType")?.split(":")[0] || json?.__type || `HTTP ${response.status}`;
    const message = json?.message ?? json?.Message ?? (text || response.statusText);
    throw new ApiError(response.status, type, message);
  }
  if (json === undefined) throw new ApiError(response.status, "BadResponse", "the response is not JSON");
  return json;
}

const epoch = (ms) => Math.floor(ms / 1000);

export function serviceGraph({ from, to, group }) {
  const body = { StartTime: epoch(from), EndTime: Math.ceil(to / 1000) };
  if (group && group !== "Default") body.GroupName = group;
  return call("/ServiceGraph", body);
}

export function traceSummaries({ from, to, filter, nextToken }) {
  const body = { StartTime: epoch(from), EndTime: Math.ceil(to / 1000), Sampling: false };
  if (filter) body.FilterExpression = filter;
  if (nextToken) body.NextToken = nextToken;
  return call("/TraceSummaries", body);
}

export function batchGetTraces(ids) {
  return call("/Traces", { TraceIds: ids });
}

export function traceGraph(ids) {
  return call("/TraceGraph", { TraceIds: ids });
}

export async function groups() {
  const out = [];
  let token;
  for (let page = 0; page < 20; page++) {
    const r = await call("/Groups", token ? { NextToken: token } : {});
    out.push(...(r.Groups ?? []));
    token = r.NextToken;
    if (!token) break;
  }
  return out;
}

/** What a function's runs in one trace printed (GET /_localray/logs), oldest first. */
export async function functionLogs(functionArn, traceId) {
  const query = new URLSearchParams({ function: functionArn, trace_id: traceId });
  let response;
  try {
    response = await fetch(`/_localray/logs?${query}`);
  } catch (e) {
    throw new ApiError(0, "NetworkError", `localray is not reachable (${e.message})`);
  }
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`, await response.text());
  return (await response.json()).runs ?? [];
}
