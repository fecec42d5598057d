// A segment document's fields as the details panel shows them: annotations, http, aws and the
// exceptions of its cause. Every value is set as text, never as HTML.
import { h } from "../dom.js";
import { jsonBlock, kv } from "./panel.js";

export function exceptionsView(cause) {
  if (cause === undefined || cause === null) return null;
  if (typeof cause === "string") return h("p", {}, `Exception recorded with id ${cause}`);
  const list = Array.isArray(cause.exceptions) ? cause.exceptions : [];
  return h(
    "div",
    { "data-testid": "details-exceptions" },
    kv([
      ["Working directory", cause.working_directory],
      ["Paths", Array.isArray(cause.paths) ? cause.paths.join(", ") : undefined],
    ]),
    list.map((ex) =>
      h(
        "div",
        { class: "exception", "data-testid": "exception" },
        h("div", { class: "exception-head" }, h("span", { class: "exception-type" }, String(ex.type ?? "Exception")), ex.remote ? h("span", { class: "tag" }, "remote") : null),
        h("div", { class: "exception-message" }, String(ex.message ?? "")),
        kv([
          ["Id", ex.id],
          ["Cause", ex.cause],
          ["Truncated frames", ex.truncated],
          ["Skipped", ex.skipped],
        ]),
        Array.isArray(ex.stack) && ex.stack.length
          ? h(
              "ol",
              { class: "stack" },
              ex.stack.map((f) => h("li", {}, h("span", { class: "frame-label" }, String(f.label ?? "")), h("span", { class: "muted" }, ` ${f.path ?? ""}${f.line !== undefined ? `:${f.line}` : ""}`))),
            )
          : null,
      ),
    ),
  );
}

export function annotationsView(annotations) {
  if (!annotations || typeof annotations !== "object" || !Object.keys(annotations).length) return null;
  return h(
    "table",
    { class: "kv-table annotations", "data-testid": "details-annotations" },
    h(
      "tbody",
      {},
      Object.entries(annotations).map(([k, v]) => h("tr", { "data-key": k }, h("td", { class: "mono" }, k), h("td", { class: "mono" }, typeof v === "string" ? v : JSON.stringify(v)))),
    ),
  );
}

export function httpView(http) {
  if (!http || typeof http !== "object") return null;
  const req = http.request ?? {};
  const res = http.response ?? {};
  return kv([
    ["Method", req.method],
    ["URL", req.url],
    ["Client IP", req.client_ip],
    ["User agent", req.user_agent],
    ["X-Forwarded-For", req.x_forwarded_for !== undefined ? String(req.x_forwarded_for) : undefined],
    ["Traced", req.traced !== undefined ? String(req.traced) : undefined],
    ["Status", res.status],
    ["Content length", res.content_length],
  ]);
}

export function awsView(aws) {
  if (!aws || typeof aws !== "object" || !Object.keys(aws).length) return null;
  const flat = Object.entries(aws).filter(([, v]) => v === null || typeof v !== "object");
  const nested = Object.fromEntries(Object.entries(aws).filter(([, v]) => v !== null && typeof v === "object"));
  return h("div", { "data-testid": "details-aws" }, kv(flat.map(([k, v]) => [k, String(v)])), Object.keys(nested).length ? jsonBlock(nested) : null);
}
