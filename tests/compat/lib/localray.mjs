// Starts the real localray binary on free ports for a compatibility test, and stops it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export const binary = process.env.LOCALRAY_BINARY ?? new URL("../../../build/localray", import.meta.url).pathname;

export async function startLocalray(extraArgs = []) {
  const child = spawn(binary, ["--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:", "--log-level", "warn", ...extraArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("localray did not start")), 20000);
    lines.on("line", (line) => {
      if (line.startsWith("LOCALRAY_READY ")) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice("LOCALRAY_READY ".length)));
      }
    });
    child.once("exit", (code) => reject(new Error(`localray exited with ${code}`)));
  });
  return {
    ready,
    endpoint: ready.edge_url,
    udpPort: ready.xray_udp_port,
    invokeUrl: ready.apis[0]?.invoke_url,
    async stop() {
      child.kill("SIGINT");
      await once(child, "exit");
    },
  };
}

// Client options every AWS SDK v3 client takes to talk to localray.
export function v3Options(endpoint) {
  return { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
}

export async function eventually(probe, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
