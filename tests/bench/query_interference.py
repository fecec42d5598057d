#!/usr/bin/env python3
"""Does a heavy X-Ray query slow other requests down? (run on purpose, not by ctest)

Loads TRACES traces through PutTraceSegments, creates a group whose filter no index term can
narrow (so GetServiceGraph on it evaluates the newest 20,000 traces one by one), then measures
SQS SendMessage latency twice in the same run:
  * reference: SendMessage alone;
  * under load: SendMessage while QUERIERS clients run that group's GetServiceGraph back to back.
Prints p50/p99 of both and their ratio, and how long one graph query took.

Usage: tests/bench/query_interference.py [path/to/localray] [sends] [queriers] [traces]
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "build", "localray")
SENDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
QUERIERS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
TRACES = int(sys.argv[4]) if len(sys.argv) > 4 else 20000


def start(db):
    p = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", db, "--log-level", "warn", "--seed", "1",
                          "--retention-traces", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if line.startswith("LOCALRAY_READY "):
            return p, json.loads(line[len("LOCALRAY_READY "):])
    raise RuntimeError("localray did not start")


class Client:
    """One keep-alive connection, as an SDK holds one."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, path, body, headers):
        self.conn.request("POST", path, body=json.dumps(body), headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"{path}: {r.status} {data[:200]!r}")
        return json.loads(data) if data else {}


JSON = {"Content-Type": "application/json"}
SQS = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"}


def documents(i, now):
    trace = "1-%08x-%024x" % (int(now) - 3600 + i % 3000, i)
    root, fn = "%016x" % (2 * i + 1), "%016x" % (2 * i + 2)
    start = now - 3600 + (i % 3000)
    return [
        {"name": "api/prod", "id": root, "trace_id": trace, "start_time": start, "end_time": start + 0.05,
         "origin": "AWS::ApiGateway::Stage", "http": {"request": {"method": "GET", "url": f"http://x/item/{i}"},
                                                      "response": {"status": 200}},
         "annotations": {"path": f"/item/{i % 50}"},
         "subsegments": [{"name": "Lambda", "id": "%016x" % (10**9 + i), "start_time": start + 0.001,
                          "end_time": start + 0.04, "namespace": "aws", "aws": {"operation": "Invoke"}}]},
        {"name": "worker", "id": fn, "trace_id": trace, "parent_id": "%016x" % (10**9 + i), "start_time": start + 0.002,
         "end_time": start + 0.039, "origin": "AWS::Lambda::Function",
         "subsegments": [{"name": "DynamoDB", "id": "%016x" % (2 * 10**9 + i), "start_time": start + 0.003,
                          "end_time": start + 0.03, "namespace": "aws",
                          "aws": {"operation": "GetItem", "table_name": "items"}}]},
    ]


def load(port):
    c = Client(port)
    now = time.time()
    batch = []
    for i in range(TRACES):
        batch += [json.dumps(d) for d in documents(i, now)]
        if len(batch) >= 1000:
            c.call("/TraceSegments", {"TraceSegmentDocuments": batch}, JSON)
            batch = []
    if batch:
        c.call("/TraceSegments", {"TraceSegmentDocuments": batch}, JSON)
    # Stored once the service graph over the hour counts every trace.
    while True:
        g = c.call("/ServiceGraph", {"StartTime": now - 7200, "EndTime": now + 60}, JSON)
        api = [s for s in g["Services"] if s["Name"] == "api/prod" and s["Type"] != "client"]
        if api and api[0]["SummaryStatistics"]["TotalCount"] >= TRACES:
            return now
        time.sleep(0.2)


def send_latencies(port, queue_url, n):
    c = Client(port)
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        c.call("/", {"QueueUrl": queue_url, "MessageBody": f"m{i}"}, SQS)
        out.append(time.perf_counter() - t0)
    return out


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000


def main():
    with tempfile.TemporaryDirectory() as tmp:
        p, ready = start(os.path.join(tmp, "bench.db"))
        port = ready["port"]
        try:
            now = load(port)
            c = Client(port)
            c.call("/CreateGroup", {"GroupName": "slow", "FilterExpression": "responsetime >= 0"}, JSON)
            q = c.call("/", {"QueueName": "bench"}, {**SQS, "X-Amz-Target": "AmazonSQS.CreateQueue"})["QueueUrl"]
            send_latencies(port, q, 100)  # warm up
            idle = send_latencies(port, q, SENDS)

            stop = threading.Event()
            query_times = []

            def query_loop():
                qc = Client(port)
                while not stop.is_set():
                    t0 = time.perf_counter()
                    qc.call("/ServiceGraph", {"StartTime": now - 7200, "EndTime": now + 60, "GroupName": "slow"}, JSON)
                    query_times.append(time.perf_counter() - t0)

            threads = [threading.Thread(target=query_loop) for _ in range(QUERIERS)]
            for t in threads:
                t.start()
            while len(query_times) < QUERIERS:  # every querier has finished one query: all are busy now
                time.sleep(0.05)
            loaded = send_latencies(port, q, SENDS)
            stop.set()
            for t in threads:
                t.join()
        finally:
            p.terminate()
            p.wait()

    print(f"SQS SendMessage latency, {SENDS} sends, {QUERIERS} clients running a {TRACES}-trace filtered GetServiceGraph")
    print("| measure | alone (reference) | during queries | ratio |")
    print("|---|---|---|---|")
    for name, q in (("p50", 50), ("p99", 99)):
        a, b = pct(idle, q), pct(loaded, q)
        print(f"| SendMessage {name} | {a:.2f} ms | {b:.2f} ms | {b / a:.1f}x |")
    print(f"| filtered GetServiceGraph (median of {len(query_times)}) | | {statistics.median(query_times) * 1000:.0f} ms | |")


if __name__ == "__main__":
    main()
