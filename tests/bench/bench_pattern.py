"""The full pattern at one offered rate, for tests/bench/suite.py: the load through the invoke URL,
requests sampled beside it and followed until their traces are queryable, every trace counted
through BatchGetTraces afterwards, and localray's CPU per request."""
import glob
import http.client
import json
import os
import threading
import time

from bench_servers import run_wrk


def process_cpu_seconds(pid):
    """User and system CPU time of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def documents_of(lr, roots, conn=None):
    """Documents stored per trace, from BatchGetTraces (five ids per call); on `conn` when given."""
    counts = {}
    for i in range(0, len(roots), 5):
        chunk = roots[i:i + 5]
        body, headers = json.dumps({"TraceIds": chunk}).encode(), {"Content-Type": "application/json"}
        if conn:
            conn.request("POST", "/Traces", body=body, headers=headers)
            r = conn.getresponse()
            status, data = r.status, r.read()
        else:
            status, data, _ = lr.request("POST", "/Traces", body, headers)
        if status != 200:
            raise RuntimeError(f"BatchGetTraces: {status} {data[:200]!r}")
        for t in json.loads(data)["Traces"]:
            counts[t["Id"]] = len(t["Segments"])
    return counts


def pattern_step(lr, path, body, headers, full, connections, delay, seconds):
    """One step of the full pattern at a fixed offered rate: the requests answered and failed, the
    traces complete once the load stopped, the latencies, and localray's CPU per request."""
    roots_prefix = os.path.join(lr.dir, f"roots-{connections}-{delay}")
    stop = threading.Event()
    loaded = threading.Event()
    probe = http.client.HTTPConnection("127.0.0.1", lr.port, timeout=30)
    # Response to queryable: beside the load, one request every 100 ms, each followed (polled every
    # 20 ms, on a connection of its own) until its trace is listed (any document) and complete.
    pending, lock = {}, threading.Lock()
    queryable, complete = {}, {}

    def sampler():
        while not stop.is_set():
            probe.request("POST", path, body=body.encode(), headers=headers)
            r = probe.getresponse()
            r.read()
            if r.status == 200:
                root = r.getheader("X-Amzn-Trace-Id", "").split(";")[0].replace("Root=", "")
                with lock:
                    pending[root] = time.perf_counter()
            stop.wait(0.1)

    def follower():
        conn = http.client.HTTPConnection("127.0.0.1", lr.port, timeout=30)
        deadline = None
        while True:
            if loaded.is_set() and deadline is None:
                deadline = time.time() + 30
            with lock:
                following = dict(pending)
            if (not following and loaded.is_set()) or (deadline and time.time() > deadline):
                break
            if following:
                counts = documents_of(lr, list(following), conn)
                now = time.perf_counter()
                for root, at in following.items():
                    n = counts.get(root, 0)
                    if n and root not in queryable:
                        queryable[root] = (now - at) * 1000
                    if n >= full:
                        complete[root] = (now - at) * 1000
                        with lock:
                            del pending[root]
            time.sleep(0.02)

    cpu_before = process_cpu_seconds(lr.proc.pid)
    threads = [threading.Thread(target=sampler), threading.Thread(target=follower)]
    for t in threads:
        t.start()
    r = run_wrk(lr.port, path, "POST", body, headers, False, connections, seconds, delay, roots_prefix)
    stop.set()
    threads[0].join()
    loaded.set()
    threads[1].join()
    # What the requests cost, their traces' storage included: read once the pipeline has drained,
    # before the settling below polls the store.
    drain_deadline = time.time() + 60
    while lr.metric("localray_trace_pipeline_waiting") > 0 and time.time() < drain_deadline:
        time.sleep(0.1)
    cpu_seconds = process_cpu_seconds(lr.proc.pid) - cpu_before
    roots = []
    for f in glob.glob(roots_prefix + ".*"):
        with open(f) as fh:
            roots += [line.strip() for line in fh if line.strip()]
    settle_start = time.time()
    counts = {}
    while time.time() - settle_start < 30:
        counts = documents_of(lr, roots)
        if sum(1 for x in roots if counts.get(x, 0) >= full) == len(roots):
            break
        time.sleep(1)
    done = sum(1 for x in roots if counts.get(x, 0) >= full)
    cpu_us = cpu_seconds * 1e6 / max(1, len(roots) + len(queryable))

    def p99(values):
        v = sorted(values)
        return v[min(len(v) - 1, int(len(v) * 0.99))] if v else 0.0

    return {"rate": r["rate"], "answered": len(roots), "failed": r["failed"], "complete": done, "settle_s": time.time() - settle_start,
            "p99_ms": r["p99_us"] / 1000, "queryable_p99_ms": p99(queryable.values()), "complete_p99_ms": p99(complete.values()),
            "cpu_us": cpu_us}
