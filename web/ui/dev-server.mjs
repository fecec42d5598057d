// Development server: serves a built console (node build.mjs OUTDIR) at /_localray/ and forwards
// every other request (the X-Ray API, /_localray/resources, /_localray/events, ...) to a running
// localray. Usage: node dev-server.mjs OUTDIR http://127.0.0.1:4566 [port]
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import { extname, join, normalize, resolve } from "node:path";

const outDir = resolve(process.argv[2] ?? "dist");
const upstream = new URL(process.argv[3] ?? process.env.LOCALRAY_URL ?? "http://127.0.0.1:4566");
const port = Number(process.argv[4] ?? process.env.PORT ?? 5173);
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json" };

async function serveStatic(req, res) {
  const url = new URL(req.url, "http://x");
  let rel = url.pathname.slice("/_localray/".length) || "index.html";
  const file = normalize(join(outDir, rel));
  if (!file.startsWith(outDir)) return false;
  try {
    if (!(await stat(file)).isFile()) return false;
  } catch {
    return false;
  }
  res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": rel === "index.html" ? "no-cache" : "max-age=31536000, immutable" });
  createReadStream(file).pipe(res);
  return true;
}

function proxy(req, res) {
  const out = http.request(
    { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  out.on("error", (e) => {
    res.writeHead(502, { "Content-Type": "text/plain" });
    res.end(`upstream ${upstream.href}: ${e.message}`);
  });
  req.pipe(out);
}

const server = http.createServer(async (req, res) => {
  if (req.url === "/" || req.url === "/_localray") {
    res.writeHead(302, { Location: "/_localray/" });
    return res.end();
  }
  if (req.method === "GET" && req.url.startsWith("/_localray/") && (await serveStatic(req, res))) return;
  proxy(req, res);
});
server.listen(port, "127.0.0.1", () => console.log(`DEV_SERVER http://127.0.0.1:${server.address().port}/_localray/ -> ${upstream.href}`));
