#!/usr/bin/env python3
"""The user-code runner's costs (run on purpose, not by ctest), each beside a reference measured in
the same run on the same machine:

  * cold start of a Node.js and of a Python no-op function (first invocation's Init Duration, as
    Lambda's REPORT line gives it), reference = a bare `node -e 0` / `python3 -c pass` process
    run to its end;
  * warm invoke: Invoke round trip of a warm no-op function, reference = the same Invoke of a
    built-in handler (no worker); the difference is what the worker and the Runtime API add;
  * warm throughput: invocations per second from 4 keep-alive clients for 3 s, same reference.

Usage: tests/bench/lambda_runtime.py [path/to/localray] [samples]
Writes the table to stdout and as JSON to build/bench/lambda_runtime.json.
"""
import base64
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "localray")
SAMPLES = int(sys.argv[2]) if len(sys.argv) > 2 else 20
NODE = shutil.which("node") or "/usr/bin/node"
PYTHON = "/usr/bin/python3"
COLD = 8  # functions per runtime, each started once


def topology(folder):
    os.makedirs(os.path.join(folder, "node"))
    os.makedirs(os.path.join(folder, "py"))
    with open(os.path.join(folder, "node", "index.js"), "w") as f:
        f.write("exports.handler = async () => null;\n")
    with open(os.path.join(folder, "py", "app.py"), "w") as f:
        f.write("def handler(event, context):\n    return None\n")
    fns = [{"name": "builtin", "handler": "sqs_subscribe"}]
    for i in range(COLD + 1):
        fns.append({"name": f"node{i}", "runtime": "nodejs20.x", "code": "node", "handler": "index.handler"})
        fns.append({"name": f"py{i}", "runtime": "python3.11", "code": "py", "handler": "app.handler"})
    path = os.path.join(folder, "topology.json")
    with open(path, "w") as f:
        json.dump({"functions": fns}, f)
    return path


def start(config):
    p = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:", "--log-level", "warn", "--config", config],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if line.startswith("LOCALRAY_READY "):
            return p, json.loads(line[len("LOCALRAY_READY "):])["port"]
    raise RuntimeError("localray did not start")


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)

    def invoke(self, fn, payload=b'{"Records":[]}', tail=False):
        headers = {"X-Amz-Log-Type": "Tail"} if tail else {}
        self.conn.request("POST", f"/2015-03-31/functions/{fn}/invocations", body=payload, headers=headers)
        r = self.conn.getresponse()
        body = r.read()
        if r.status != 200 or r.getheader("X-Amz-Function-Error"):
            raise RuntimeError(f"{fn}: {r.status} {body[:200]}")
        return r.getheader("X-Amz-Log-Result")


def timed(f):
    t0 = time.perf_counter()
    f()
    return (time.perf_counter() - t0) * 1000


def init_duration(log_b64):
    m = re.search(r"Init Duration: ([0-9.]+) ms", base64.b64decode(log_b64).decode())
    return float(m.group(1))


def throughput(port, fn, seconds=3.0, clients=4):
    counts = [0] * clients
    stop = time.perf_counter() + seconds

    def run(i):
        c = Client(port)
        while time.perf_counter() < stop:
            c.invoke(fn)
            counts[i] += 1
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def main():
    folder = tempfile.mkdtemp(prefix="localray-bench-")
    proc, port = start(topology(folder))
    rows = []
    try:
        c = Client(port)
        node_ref = statistics.median(timed(lambda: subprocess.run([NODE, "-e", "0"], check=True)) for _ in range(COLD))
        py_ref = statistics.median(timed(lambda: subprocess.run([PYTHON, "-c", "pass"], check=True)) for _ in range(COLD))
        node_cold = statistics.median(init_duration(c.invoke(f"node{i}", tail=True)) for i in range(1, COLD + 1))
        py_cold = statistics.median(init_duration(c.invoke(f"py{i}", tail=True)) for i in range(1, COLD + 1))
        rows.append(("Node.js cold start (Init Duration, median)", node_cold, "bare node -e 0", node_ref, "ms"))
        rows.append(("Python cold start (Init Duration, median)", py_cold, "bare python3 -c pass", py_ref, "ms"))

        for fn in ("builtin", "node0", "py0"):
            for _ in range(50):
                c.invoke(fn)  # warm, and connections settled
        builtin = statistics.median(timed(lambda: c.invoke("builtin")) for _ in range(SAMPLES * 10))
        node = statistics.median(timed(lambda: c.invoke("node0")) for _ in range(SAMPLES * 10))
        py = statistics.median(timed(lambda: c.invoke("py0")) for _ in range(SAMPLES * 10))
        rows.append(("Node.js warm Invoke round trip (median)", node, "built-in handler", builtin, "ms"))
        rows.append(("Python warm Invoke round trip (median)", py, "built-in handler", builtin, "ms"))
        rows.append(("Node.js worker overhead (warm, median)", node - builtin, "", None, "ms"))
        rows.append(("Python worker overhead (warm, median)", py - builtin, "", None, "ms"))

        builtin_tp = throughput(port, "builtin")
        rows.append(("Node.js warm throughput, 4 clients", throughput(port, "node0"), "built-in handler", builtin_tp, "invokes/s"))
        rows.append(("Python warm throughput, 4 clients", throughput(port, "py0"), "built-in handler", builtin_tp, "invokes/s"))
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)

    print("| measure | localray | reference | ratio |\n|---|---|---|---|")
    out = []
    for name, value, ref_name, ref, unit in rows:
        ratio = f"{value / ref:.2f}" if ref else ""
        ref_text = f"{ref:.2f} {unit} ({ref_name})" if ref is not None else ""
        print(f"| {name} | {value:.2f} {unit} | {ref_text} | {ratio} |")
        out.append({"measure": name, "value": value, "unit": unit, "reference": ref_name, "reference_value": ref})
    os.makedirs(os.path.join(ROOT, "build", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench", "lambda_runtime.json"), "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
