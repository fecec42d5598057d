#!/usr/bin/env python3
"""What --persist costs (run on purpose, not by ctest).

Loads one localray without --persist (the reference) and one with it, in the same run on the same
machine, with the same clients: SQS SendMessage (JSON protocol) to one queue, then DynamoDB PutItem
to one table, from CLIENTS processes over keep-alive connections for SECONDS each. Prints
requests/s of each and the ratio with/without, then checks that the persisted run kept every
message and item it acknowledged (rows of traces.resources.db after a clean stop).

Usage: tests/bench/persist_overhead.py [path/to/localray] [seconds] [clients]
"""
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "build", "localray")
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 5
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
BODY = "x" * 200  # a typical small message


def start(db, persist):
    args = [BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", db, "--log-level", "warn", "--dynamodb-create-ms", "0"]
    proc = subprocess.Popen(args + (["--persist"] if persist else []), stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("LOCALRAY_READY "):
            return proc, json.loads(line[len("LOCALRAY_READY "):])["port"]
    raise SystemExit("localray did not start")


def call(conn, target, body):
    conn.request("POST", "/", json.dumps(body), {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target,
                                                  "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        raise RuntimeError(f"{target}: {r.status} {data[:200]!r}")
    return json.loads(data or b"{}")


def load(port, kind, worker, seconds, out):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    n, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        if kind == "sqs":
            call(conn, "AmazonSQS.SendMessage", {"QueueUrl": f"http://127.0.0.1:{port}/queue/us-east-1/000000000000/bench", "MessageBody": BODY})
        else:
            call(conn, "DynamoDB_20120810.PutItem", {"TableName": "bench", "Item": {"pk": {"S": f"{worker}-{n}"}, "v": {"S": BODY}}})
        n += 1
    out.put(n)


def measure(persist, workdir):
    db = os.path.join(workdir, ("on" if persist else "off") + ".db")
    proc, port = start(db, persist)
    conn = http.client.HTTPConnection("127.0.0.1", port)
    call(conn, "AmazonSQS.CreateQueue", {"QueueName": "bench"})
    call(conn, "DynamoDB_20120810.CreateTable", {"TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
                                                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                                 "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
    rates, counts = {}, {}
    for kind in ("sqs", "dynamodb"):
        out = multiprocessing.Queue()
        workers = [multiprocessing.Process(target=load, args=(port, kind, w, SECONDS, out)) for w in range(CLIENTS)]
        for w in workers:
            w.start()
        total = sum(out.get() for _ in workers)
        for w in workers:
            w.join()
        rates[kind], counts[kind] = total / SECONDS, total
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    kept = None
    if persist:
        with sqlite3.connect(os.path.join(workdir, "on.resources.db")) as c:
            kept = {kind: c.execute("SELECT count(*) FROM resource_state WHERE kind = ?", (rows,)).fetchone()[0]
                    for kind, rows in (("sqs", "sqs.message"), ("dynamodb", "dynamodb.item"))}
    return rates, counts, kept


def main():
    workdir = tempfile.mkdtemp(prefix="localray-persist-bench-")
    try:
        off, _, _ = measure(False, workdir)
        on, counts, kept = measure(True, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{'measure':<28}{'--persist':>12}{'reference':>12}{'ratio':>8}")
    for kind, name in (("sqs", "SQS SendMessage req/s"), ("dynamodb", "DynamoDB PutItem req/s")):
        print(f"{name:<28}{on[kind]:>12.0f}{off[kind]:>12.0f}{on[kind] / off[kind]:>8.2f}")
    # The pattern's own table rows and the queue rows are not counted: only what this run sent.
    for kind in ("sqs", "dynamodb"):
        print(f"{kind}: {counts[kind]} acknowledged, {kept[kind]} rows kept after a clean stop")
        if kept[kind] < counts[kind]:
            raise SystemExit(f"{kind}: {counts[kind] - kept[kind]} acknowledged changes were not kept")


if __name__ == "__main__":
    main()
