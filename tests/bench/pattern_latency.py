#!/usr/bin/env python3
"""Start-up and trace-visibility benchmark for localray (run on purpose, not by ctest).

Measures, against references taken in the same run on the same machine:
  * start-up: process start to the first 200 from /_localray/health,
    reference = start-up of `python3 -c pass` (a process launch with an interpreter);
  * request to trace visible: API Gateway POST answered -> the trace listed by GetTraceSummaries,
    and -> the trace complete (SQS consumer recorded; the pattern delays that message by 1 s),
    reference = one loopback round trip to /_localray/health.

Usage: tests/bench/pattern_latency.py [path/to/localray] [runs]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "build", "localray")
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def post(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, dict(r.headers), r.read()


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.read()


def start(db):
    t0 = time.perf_counter()
    p = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", db, "--log-level", "warn", "--seed", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = None
    for line in p.stdout:
        if line.startswith("LOCALRAY_READY "):
            ready = json.loads(line[len("LOCALRAY_READY "):])
            break
    port = ready["port"]
    while True:
        try:
            if get(port, "/_localray/health")[0] == 200:
                break
        except OSError:
            pass
    return p, ready, time.perf_counter() - t0


def reference_process_start():
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - t0


def main():
    startup, ref_start = [], []
    visible, complete, ref_rtt = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            ref_start.append(reference_process_start())
            p, ready, dt = start(os.path.join(tmp, f"s{i}.db"))
            startup.append(dt)
            p.terminate()
            p.wait()
        p, ready, _ = start(os.path.join(tmp, "latency.db"))
        port = ready["port"]
        invoke = ready["apis"][0]["invoke_url"].split(str(port), 1)[1]
        try:
            for i in range(RUNS):
                t0 = time.perf_counter()
                get(port, "/_localray/health")
                ref_rtt.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                _, headers, _ = post(port, f"{invoke}/bench/{i}", {"status": "ok"})
                root = headers["X-Amzn-Trace-Id"].split(";")[0][5:]
                seen = None
                while True:
                    now = time.time()
                    _, _, body = post(port, "/TraceSummaries", {"StartTime": now - 600, "EndTime": now + 60})
                    if any(s["Id"] == root for s in json.loads(body)["TraceSummaries"]):
                        if seen is None:
                            seen = time.perf_counter() - t0
                        _, _, traces = post(port, "/Traces", {"TraceIds": [root]})
                        docs = [json.loads(s["Document"]) for s in json.loads(traces)["Traces"][0]["Segments"]]
                        if any(d.get("origin") == "AWS::Lambda::Function" and d["name"] == "sqs_subscribe" for d in docs):
                            complete.append(time.perf_counter() - t0)
                            break
                    time.sleep(0.002)
                visible.append(seen)
        finally:
            p.terminate()
            p.wait()

    def row(name, values, ref):
        m, r = statistics.median(values) * 1000, statistics.median(ref) * 1000
        print(f"| {name} | {m:.1f} ms | {r:.2f} ms | {m / r:.1f}x |")

    print(f"localray pattern latency, {RUNS} runs, medians")
    print("| measure | localray | reference | ratio |")
    print("|---|---|---|---|")
    row("start-up to healthy (ref: python3 -c pass)", startup, ref_start)
    row("request to trace listed (ref: health round trip)", visible, ref_rtt)
    row("request to trace complete incl. 1 s SQS delay (ref: health round trip)", complete, ref_rtt)


if __name__ == "__main__":
    main()
