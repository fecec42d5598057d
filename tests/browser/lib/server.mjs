// The process under test: the real localray binary, and the URL of its console, which the binary
// serves at /_localray/. For work on the front end, LOCALRAY_UI_DIST=DIR (a build made with
// node web/ui/build.mjs DIR) tests that build instead, served by web/ui/dev-server.mjs in front of
// the same binary; the test prints which one it tests.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { startLocalray } from "../../compat/lib/localray.mjs";

const devServer = new URL("../../../web/ui/dev-server.mjs", import.meta.url).pathname;

async function servesConsole(endpoint) {
  try {
    const r = await fetch(`${endpoint}/_localray/`);
    const text = await r.text();
    return r.ok && /text\/html/.test(r.headers.get("content-type") ?? "") && text.includes("<div id=\"app\">");
  } catch {
    return false;
  }
}

async function startDevServer(dist, endpoint) {
  const child = spawn(process.execPath, [devServer, dist, endpoint, "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("dev server did not start")), 10000);
    lines.on("line", (line) => {
      const m = /^DEV_SERVER (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`dev server exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

/** {endpoint, invokeUrl, consoleUrl, via: "binary"|"dev-server", stop()} */
export async function startConsole(extraArgs = []) {
  const lr = await startLocalray(extraArgs);
  let dev = null;
  let consoleUrl = `${lr.endpoint}/_localray/`;
  let via = "binary";
  const dist = process.env.LOCALRAY_UI_DIST;
  if (!dist && !(await servesConsole(lr.endpoint))) {
    await lr.stop();
    throw new Error(`${lr.endpoint}/_localray/ does not serve the console (set LOCALRAY_UI_DIST to test a build through web/ui/dev-server.mjs)`);
  }
  if (dist) {
    dev = await startDevServer(dist, lr.endpoint);
    consoleUrl = dev.url;
    via = "dev-server";
  }
  return {
    ...lr,
    consoleUrl,
    via,
    async stop() {
      await dev?.stop();
      await lr.stop();
    },
  };
}
