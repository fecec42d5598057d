#!/usr/bin/env python3
"""localray's benchmark suite: every figure beside a reference measured in the same run.

  * the ceiling: tests/bench/hello_server.cpp (Boost.Beast answering a fixed 200, same tree, same
    flags, as many I/O threads as localray) loaded by the same generator (Debian's wrk, with
    tests/bench/bench.lua) with the same connections; a measure whose body is filled per request
    is compared with the ceiling loaded the same way;
  * dynalite (npm, pinned in tests/bench/package.json) under the same DynamoDB loads;
  * start-up against the ceiling server's start-up; the store's ingest against a bare SQLite
    insert (build/tests/localray_store_bench).
The processes and wire calls it uses are in tests/bench/bench_servers.py, one step of the full
pattern in tests/bench/bench_pattern.py.

  tests/bench/suite.py [--quick] [--seconds S] [--connections C] [--json PATH] [--only NAME,...]

Prints a table (measure, localray, reference, ratio) and writes it as JSON (default
build/bench/suite.json). --quick (what CTest runs) uses small counts and asserts only that every
measure produced a figure, that no request failed and that no segment was lost: never a time.
"""
import argparse
import base64
import http.client
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
ACCOUNT = "000000000000"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--localray", default=os.path.join(ROOT, "build", "localray"))
    p.add_argument("--hello", default=os.path.join(ROOT, "build", "tests", "localray_hello_server"))
    p.add_argument("--store-bench", default=os.path.join(ROOT, "build", "tests", "localray_store_bench"))
    p.add_argument("--dynalite", default=os.path.join(HERE, "node_modules", "dynalite", "cli.js"))
    p.add_argument("--quick", action="store_true", help="small counts; assert figures, no failures, no loss")
    p.add_argument("--seconds", type=float, default=None, help="length of each load (default 5, quick 1)")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--json", default=os.path.join(ROOT, "build", "bench", "suite.json"))
    p.add_argument("--only", default="", help="comma-separated measure names (prefix match)")
    a = p.parse_args()
    if a.seconds is None:
        a.seconds = 1.0 if a.quick else 5.0
    return a


from bench_pattern import documents_of, pattern_step  # noqa: E402
from bench_servers import Dynalite, Hello, Localray, aws_json, call, form, run_wrk  # noqa: E402

ARGS = None
RESULTS = []  # rows: measure, value, unit, reference, reference_name, ratio, extra
PROBLEMS = []  # what a quick run fails on


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def row(measure, value, unit, reference=None, reference_name="", extra=None, higher_is_better=True):
    ratio = None
    if reference:
        ratio = value / reference if higher_is_better else reference / value if value else None
    RESULTS.append({"measure": measure, "value": value, "unit": unit, "reference": reference, "reference_name": reference_name,
                    "ratio": ratio, **(extra or {})})
    ref = f"{reference:,.1f} {unit} ({reference_name})" if reference else ""
    log(f"  {measure}: {value:,.2f} {unit}" + (f"  vs {ref} = {ratio:.2f}x" if ratio is not None else ""))


def problem(text):
    PROBLEMS.append(text)
    log("  PROBLEM: " + text)


def wrk(port, path, method="GET", body="", headers=None, templated=False, connections=None, seconds=None, delay_ms=None, roots=None):
    return run_wrk(port, path, method, body, headers, templated, connections or ARGS.connections, seconds or ARGS.seconds, delay_ms, roots)


# ---------------------------------------------------------------------------------------------
# Measures


class Ceiling:
    """The hello server loaded statically (a fixed request) and with a body filled per request."""

    def __init__(self):
        self.server = Hello(ARGS.hello)
        self.cache = {}

    def rate(self, templated, connections=None):
        key = (templated, connections or ARGS.connections)
        if key not in self.cache:
            body = '{"TableName":"kvs","Item":{"k":{"S":"k{{seq}}"},"v":{"N":"{{rand:1000}}"}}}' if templated else ""
            r = wrk(self.server.port, "/", "POST" if templated else "GET", body, templated=templated, connections=key[1])
            self.cache[key] = r["rate"]
        return self.cache[key]


def load_row(name, lr, ceiling, spec, connections=None):
    method, path, headers, body, templated = spec
    r = wrk(lr.port, path, method, body, headers, templated, connections=connections)
    if r["failed"]:
        problem(f"{name}: {r['failed']} of {r['requests']} requests failed")
    if r["requests"] == 0:
        problem(f"{name}: no request answered")
    ref = ceiling.rate(templated, connections)
    row(name, r["rate"], "req/s", ref, "ceiling", {"p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000, "failed": r["failed"],
                                                    "requests": r["requests"], "rss_mib": lr.rss()})
    return r


def sqs_specs(lr):
    queue_url = call(lr, "AmazonSQS.CreateQueue", {"QueueName": "bench"})["QueueUrl"]
    full_url = call(lr, "AmazonSQS.CreateQueue", {"QueueName": "bench-full"})["QueueUrl"]
    n = 200 if ARGS.quick else 10000
    for i in range(0, n, 10):
        call(lr, "AmazonSQS.SendMessageBatch", {"QueueUrl": full_url, "Entries": [{"Id": str(j), "MessageBody": f"m{i + j}"} for j in range(10)]})
    send = ("POST", "/", *aws_json("AmazonSQS.SendMessage", {"QueueUrl": queue_url, "MessageBody": "hello {{seq}}"}), True)
    # VisibilityTimeout 0 leaves the queue as it was: every receive faces the same n messages.
    receive = ("POST", "/", *aws_json("AmazonSQS.ReceiveMessage", {"QueueUrl": full_url, "MaxNumberOfMessages": 10, "VisibilityTimeout": 0}), False)
    return send, receive, n


def dynamodb_setup(server, items):
    call(server, "DynamoDB_20120810.CreateTable", {
        "TableName": "kvs", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]})
    call(server, "DynamoDB_20120810.CreateTable", {
        "TableName": "events", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]})
    for table in ("kvs", "events"):
        for _ in range(100):
            if call(server, "DynamoDB_20120810.DescribeTable", {"TableName": table})["Table"]["TableStatus"] == "ACTIVE":
                break
            time.sleep(0.05)
    partitions = items // 10  # ten items each, what one Query reads
    for i in range(0, items, 25):
        call(server, "DynamoDB_20120810.BatchWriteItem", {"RequestItems": {
            "kvs": [{"PutRequest": {"Item": {"k": {"S": f"k{i + j}"}, "v": {"N": str(i + j)}, "payload": {"S": "x" * 100}}}} for j in range(25)],
        }})
        call(server, "DynamoDB_20120810.BatchWriteItem", {"RequestItems": {
            "events": [{"PutRequest": {"Item": {"pk": {"S": f"p{(i + j) % partitions}"}, "sk": {"S": f"s{i + j:06d}"}, "payload": {"S": "y" * 100}}}}
                       for j in range(25)]}})
    D = "DynamoDB_20120810."
    return {
        "DynamoDB GetItem": ("POST", "/", *aws_json(D + "GetItem", {"TableName": "kvs", "Key": {"k": {"S": f"k{{{{rand:{items}}}}}"}}}), True),
        "DynamoDB PutItem": ("POST", "/", *aws_json(D + "PutItem", {"TableName": "kvs", "Item": {"k": {"S": "n{{seq}}"}, "v": {"N": "{{rand:1000}}"}}}), True),
        "DynamoDB UpdateItem ADD, one hot key": ("POST", "/", *aws_json(D + "UpdateItem", {
            "TableName": "kvs", "Key": {"k": {"S": "hot"}}, "UpdateExpression": "ADD hits :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}}}), False),
        "DynamoDB Query, 10 items": ("POST", "/", *aws_json(D + "Query", {
            "TableName": "events", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": f"p{{{{rand:{partitions}}}}}"}}}), True),
    }


def measure_services(lr, ceiling):
    log("AWS APIs against the ceiling")
    r = load_row("GET /_localray/health", lr, ceiling, ("GET", "/_localray/health", {}, "", False))
    send, receive, n = sqs_specs(lr)
    load_row("SQS SendMessage", lr, ceiling, send)
    load_row(f"SQS ReceiveMessage, 10 of {n} messages", lr, ceiling, receive)
    items = 200 if ARGS.quick else 10000
    ddb = dynamodb_setup(lr, items)
    ours = {}
    for name, spec in ddb.items():
        ours[name] = load_row(name, lr, ceiling, spec)
    # SNS Publish to a topic with one SQS subscriber.
    body = form(lr, {"Action": "CreateTopic", "Name": "bench", "Version": "2010-03-31"})
    topic = body.split("<TopicArn>")[1].split("</TopicArn>")[0]
    call(lr, "AmazonSQS.CreateQueue", {"QueueName": "bench-sub"})
    form(lr, {"Action": "Subscribe", "TopicArn": topic, "Protocol": "sqs", "Endpoint": f"arn:aws:sqs:us-east-1:{ACCOUNT}:bench-sub",
              "Version": "2010-03-31"})
    publish = urllib.parse.urlencode({"Action": "Publish", "TopicArn": topic, "Message": "hello", "Version": "2010-03-31"})
    load_row("SNS Publish, one SQS subscriber", lr, ceiling,
             ("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, publish, False))
    # Lambda: a built-in handler and the user's own code in a Node.js worker, from 8 connections:
    # a function runs at most 10 at once here (its concurrency), and a call beyond is throttled.
    load_row("Lambda Invoke, built-in", lr, ceiling, ("POST", "/2015-03-31/functions/sqs_subscribe/invocations", {}, '{"Records":[]}', False),
             connections=8)
    create_user_function(lr)
    load_row("Lambda Invoke, Node.js user code", lr, ceiling, ("POST", "/2015-03-31/functions/bench-node/invocations", {}, '{"n":1}', False),
             connections=8)
    # X-Ray: five documents of one new trace per request.
    quiet(lr)
    before = lr.metric("localray_trace_segments_stored_total")
    epoch = "%x" % int(time.time())
    docs = ['{"trace_id":"1-%s-{{seq:24}}","id":"{{hex:16}}","name":"bench%d","start_time":{{now}},"end_time":{{now}}}' % (epoch, k)
            for k in range(5)]
    put = '{"TraceSegmentDocuments":[' + ",".join(json.dumps(d) for d in docs) + "]}"
    r = wrk(lr.port, "/TraceSegments", "POST", put, {"Content-Type": "application/json"}, True)
    stored = settle_counter(lr, "localray_trace_segments_stored_total", before, r["requests"] * 5)
    if r["failed"]:
        problem(f"X-Ray PutTraceSegments: {r['failed']} requests failed")
    if stored < r["requests"] * 5:
        problem(f"X-Ray PutTraceSegments: {r['requests'] * 5 - stored:.0f} documents not stored")
    row("X-Ray PutTraceSegments, 5 documents each", r["rate"], "req/s", ceiling.rate(True), "ceiling",
        {"documents_stored_per_s": stored / (r["duration_us"] / 1e6), "failed": r["failed"]})
    return ours


def quiet(lr, timeout=30):
    """Waits until the pipeline holds nothing: a counter read after it counts only what comes next."""
    deadline = time.time() + timeout
    while lr.metric("localray_trace_pipeline_waiting") > 0 and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # segments of the last answers may still be on their way into the pipeline
    while lr.metric("localray_trace_pipeline_waiting") > 0 and time.time() < deadline:
        time.sleep(0.05)


def settle_counter(lr, name, before, expected, timeout=30):
    deadline = time.time() + timeout
    value = lr.metric(name) - before
    while value < expected and time.time() < deadline:
        time.sleep(0.1)
        value = lr.metric(name) - before
    return value


def create_user_function(lr):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "exports.handler = async (event) => ({ ok: true, n: event.n });\n")
    body = json.dumps({"FunctionName": "bench-node", "Runtime": "nodejs20.x", "Role": f"arn:aws:iam::{ACCOUNT}:role/bench",
                       "Handler": "index.handler", "Code": {"ZipFile": base64.b64encode(buf.getvalue()).decode()}})
    status, data, _ = lr.request("POST", "/2015-03-31/functions", body.encode(), {"Content-Type": "application/json"})
    if status not in (200, 201):
        raise RuntimeError(f"CreateFunction: {status} {data[:300]!r}")
    for _ in range(200):
        status, data, _ = lr.request("GET", "/2015-03-31/functions/bench-node")
        if status == 200 and json.loads(data)["Configuration"].get("State", "Active") == "Active":
            return
        time.sleep(0.05)
    raise RuntimeError("bench-node never became Active")


def measure_dynalite(ceiling, ours):
    log("DynamoDB against dynalite")
    if not os.path.exists(ARGS.dynalite):
        problem("dynalite is not installed (cd tests/bench && npm ci)")
        return
    d = Dynalite(ARGS.dynalite)
    try:
        specs = dynamodb_setup(d, 200 if ARGS.quick else 10000)
        for name, (method, path, headers, body, templated) in specs.items():
            r = wrk(d.port, path, method, body, headers, templated)
            if r["failed"]:
                problem(f"dynalite {name}: {r['failed']} requests failed")
            row(name + " vs dynalite", ours[name]["rate"], "req/s", r["rate"], "dynalite 3.2.2")
    finally:
        d.stop()


def measure_pattern(lr):
    log("the full pattern through the invoke URL")
    path = lr.invoke_path() + "/bench"
    body = '{"status":"ok"}'
    headers = {"Content-Type": "application/json"}
    status, _, r = lr.request("POST", path, body.encode(), headers)
    root = r.getheader("X-Amzn-Trace-Id", "").split(";")[0].replace("Root=", "")
    full, last = 0, -1
    deadline = time.time() + 15
    while time.time() < deadline:
        time.sleep(0.5)
        n = documents_of(lr, [root]).get(root, 0)
        if n > 5 and n == last:
            full = n
            break
        last = n
    if not full:
        problem("the pattern's first trace never settled")
        return
    log(f"  a complete trace holds {full} documents")
    rates = [50] if ARGS.quick else [500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000]
    best = fresh = None
    for rate in rates:
        connections = max(4, min(256, rate // 40))
        delay = max(0, round(connections * 1000 / rate))
        result = pattern_step(lr, path, body, headers, full, connections, delay, ARGS.seconds)
        ok = result["failed"] == 0 and result["complete"] == result["answered"] and result["answered"] > 0
        log(f"  offered ~{rate}/s: {result['rate']:.0f}/s answered, {result['failed']} failed, "
            f"{result['complete']} of {result['answered']} traces complete within {result['settle_s']:.1f} s, "
            f"p99 {result['p99_ms']:.1f} ms, response to queryable p99 {result['queryable_p99_ms']:.0f} ms, "
            f"localray CPU {result['cpu_us']:.0f} us a request")
        if ok:
            best = result
            if result["queryable_p99_ms"] < 1000:
                fresh = result
        else:
            if ARGS.quick:
                problem(f"pattern at {rate}/s: {result['failed']} failed, {result['answered'] - result['complete']} traces incomplete")
            break
        if result["rate"] < rate * 0.8:
            break  # localray (or the generator) cannot offer more
    if best:
        row("full pattern, every trace complete", best["rate"], "req/s", None, "",
            {"p99_ms": best["p99_ms"], "queryable_p99_ms": best["queryable_p99_ms"], "complete_p99_ms": best["complete_p99_ms"],
             "documents_per_trace": full})
        row("full pattern p99 latency at that rate", best["p99_ms"], "ms")
        row("full pattern response to queryable p99", best["queryable_p99_ms"], "ms")
        row("full pattern localray CPU a request at that rate", best["cpu_us"], "us")
    if fresh:
        # The rate the store keeps up with as it goes, not only once the load stops.
        row("full pattern, every trace queryable within 1 s (p99)", fresh["rate"], "req/s", None, "",
            {"queryable_p99_ms": fresh["queryable_p99_ms"], "cpu_us": fresh["cpu_us"]})


def measure_udp(lr):
    log("X-Ray daemon UDP port")
    rates = [2000] if ARGS.quick else [5000, 20000, 50000]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    header = b'{"format":"json","version":1}\n'
    for rate in rates:
        quiet(lr)
        before = lr.metric("localray_trace_segments_stored_total")
        n = int(rate * ARGS.seconds)
        t0 = time.perf_counter()
        epoch = "%x" % int(time.time())
        for i in range(n):
            doc = ('{"trace_id":"1-%s-%024x","id":"%016x","name":"udp","start_time":%f,"end_time":%f}'
                   % (epoch, i + rate * 1000000, i + 1, time.time(), time.time()))
            sock.sendto(header + doc.encode(), ("127.0.0.1", lr.udp_port))
            target = t0 + (i + 1) / rate
            wait = target - time.perf_counter()
            if wait > 0.001:
                time.sleep(wait)
        offered = n / (time.perf_counter() - t0)
        stored = settle_counter(lr, "localray_trace_segments_stored_total", before, n, timeout=15)
        lost = n - stored
        if ARGS.quick and lost:
            problem(f"UDP at {rate}/s: {lost:.0f} of {n} segments lost")
        row(f"X-Ray UDP, offered {offered:,.0f} segments/s: stored", stored / n * 100, "%", None, "", {"offered": offered, "lost": lost})


def measure_startup():
    log("start-up to healthy")
    runs = 3 if ARGS.quick else 20

    def until_healthy(cmd, port_of):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = port_of(p)
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/_localray/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.0005)
        elapsed = (time.perf_counter() - t0) * 1000
        p.kill()
        p.wait()
        return elapsed

    def ready_port(p):
        for line in p.stdout:
            if line.startswith("LOCALRAY_READY "):
                return json.loads(line[len("LOCALRAY_READY "):])["port"]
        raise RuntimeError("localray did not start")

    ours = [until_healthy([ARGS.localray, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:", "--log-level", "warn"],
                          ready_port) for _ in range(runs)]
    ref = [until_healthy([ARGS.hello], lambda p: int(p.stdout.readline().split()[1])) for _ in range(runs)]
    row("start to healthy (median)", statistics.median(ours), "ms", statistics.median(ref), "ceiling server", higher_is_better=False)


def delete_what_the_loads_made(lr):
    """The loads leave messages, items and a worker behind: user data, held as long as it exists.
    Deleting it shows whether what they cost is handed back."""
    for name in ("bench", "bench-full", "bench-sub"):
        headers, body = aws_json("AmazonSQS.GetQueueUrl", {"QueueName": name})
        status, data, _ = lr.request("POST", "/", body.encode(), headers)
        if status == 200:
            call(lr, "AmazonSQS.DeleteQueue", {"QueueUrl": json.loads(data)["QueueUrl"]})
    for table in ("kvs", "events"):
        headers, body = aws_json("DynamoDB_20120810.DeleteTable", {"TableName": table})
        lr.request("POST", "/", body.encode(), headers)
    lr.request("DELETE", "/2015-03-31/functions/bench-node")


def measure_memory(lr, idle):
    log("resident memory")
    row("RSS idle", idle, "MiB")
    row("RSS after the loads above", lr.rss(), "MiB")
    delete_what_the_loads_made(lr)
    traces = 2000 if ARGS.quick else 100000
    quiet(lr)
    before = lr.metric("localray_trace_segments_stored_total")
    epoch = "%x" % int(time.time())
    now = time.time()
    for i in range(0, traces, 50):
        docs = [json.dumps({"trace_id": f"1-{epoch}-{i + j:024x}", "id": f"{i + j + 1:016x}", "name": "mem", "start_time": now, "end_time": now + 0.01,
                            "annotations": {"n": i + j}})
                for j in range(50)]
        status, data, _ = lr.request("POST", "/TraceSegments", json.dumps({"TraceSegmentDocuments": docs}).encode(),
                                     {"Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"PutTraceSegments: {status} {data[:200]!r}")
    settle_counter(lr, "localray_trace_segments_stored_total", before, traces, timeout=60)
    row(f"RSS after {traces:,} more traces", lr.rss(), "MiB")
    time.sleep(2 if ARGS.quick else 10)
    row(f"RSS {2 if ARGS.quick else 10} s later, the queues, tables and function deleted", lr.rss(), "MiB")
    lost = lr.metric("localray_trace_segments_lost_total")
    # A full run raises the pattern's rate until the store falls behind, which may refuse segments
    # at the last step; a quick run stays far below that and must lose none.
    if lost and ARGS.quick:
        problem(f"{lost:.0f} segments lost")
    row("segments lost over the run (the pattern's last step included)", lost, "")


def measure_logging(ceiling):
    log("the cost of per-request logging (info against warn)")
    figures = {}
    for level in ("info", "warn"):
        lr = Localray(ARGS.localray, log_level=level)
        try:
            send, _, _ = sqs_specs(lr)
            method, path, headers, body, templated = send
            r = wrk(lr.port, path, method, body, headers, templated)
            if r["failed"]:
                problem(f"SQS SendMessage at {level}: {r['failed']} failed")
            figures[level] = r["rate"]
        finally:
            lr.stop()
    row("SQS SendMessage, --log-level info", figures["info"], "req/s", figures["warn"], "--log-level warn")


def measure_store():
    log("trace store ingest")
    traces = 2000 if ARGS.quick else 100000
    out = subprocess.run([ARGS.store_bench, "--traces", str(traces)], capture_output=True, text=True, timeout=1800)
    for line in out.stdout.splitlines():
        if line.startswith("ingest"):
            parts = line.split()
            values = [float(p.rstrip("/s").replace(",", "")) for p in parts if p.endswith("/s")]
            row(f"store ingest, {traces * 10:,} documents", values[0], "documents/s", values[1], "bare SQLite insert")
            return
    problem("the store bench gave no ingest figure: " + out.stdout[-300:] + out.stderr[-300:])


def want(name):
    return not ARGS.only or any(name.startswith(o) for o in ARGS.only.split(","))


def main():
    global ARGS
    ARGS = parse_args()
    started = time.time()
    ceiling = Ceiling()
    try:
        log(f"ceiling: {ceiling.rate(False):,.0f} req/s static, {ceiling.rate(True):,.0f} req/s with bodies filled per request")
        row("ceiling, fixed request", ceiling.rate(False), "req/s")
        row("ceiling, body filled per request", ceiling.rate(True), "req/s")
        if want("startup"):
            measure_startup()
        lr = Localray(ARGS.localray)
        try:
            time.sleep(0.5)
            idle = lr.rss()
            ours = measure_services(lr, ceiling) if want("services") else None
            # Before the pattern: its SQS hop delivers a second after the answer, and those segments
            # would count as the daemon's.
            if want("udp"):
                measure_udp(lr)
            if want("pattern"):
                measure_pattern(lr)
            if want("memory"):
                measure_memory(lr, idle)
        finally:
            lr.stop()
        if ours and want("dynalite"):
            measure_dynalite(ceiling, ours)
        if want("logging"):
            measure_logging(ceiling)
        if want("store"):
            measure_store()
    finally:
        ceiling.server.stop()

    print(f"\n| measure | localray | reference | ratio |\n|---|---|---|---|")
    for r in RESULTS:
        ref = f"{r['reference']:,.1f} ({r['reference_name']})" if r["reference"] else ""
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else ""
        extra = f", p99 {r['p99_ms']:.1f} ms" if "p99_ms" in r and r["unit"] == "req/s" else ""
        print(f"| {r['measure']} | {r['value']:,.1f} {r['unit']}{extra} | {ref} | {ratio} |")
    machine = {"cpus": os.cpu_count(), "machine": platform.machine(), "kernel": platform.release(),
               "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")}
    os.makedirs(os.path.dirname(ARGS.json), exist_ok=True)
    with open(ARGS.json, "w") as f:
        json.dump({"machine": machine, "quick": ARGS.quick, "seconds": ARGS.seconds, "connections": ARGS.connections,
                   "took_s": time.time() - started, "results": RESULTS, "problems": PROBLEMS}, f, indent=2)
    print(f"\n{len(RESULTS)} figures in {time.time() - started:.0f} s on {machine['cpus']} CPUs ({machine['cpu']}); JSON: {ARGS.json}")
    if ARGS.quick:
        missing = [r["measure"] for r in RESULTS if not r["value"] and r["unit"] not in ("",)]
        for m in missing:
            problem(f"{m}: no figure")
    if PROBLEMS:
        print("\nproblems:\n  " + "\n  ".join(PROBLEMS))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
