"""What the boto3 compatibility tests share: a localray process per test class, clients, and the
checksums and polling the SDK tests need."""
import hashlib
import json
import os
import struct
import subprocess
import time
import unittest

import boto3

BINARY = os.environ.get("LOCALRAY_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", "..", "build", "localray"))
ACCOUNT = "000000000000"
SNS_SUBSCRIBE_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:sns_subscribe"


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def md5_of_attributes(attributes):
    """MD5OfMessageAttributes / MD5OfMessageSystemAttributes as the AWS SDKs compute them."""
    h = hashlib.md5()

    def lp(b):
        h.update(struct.pack(">I", len(b)) + b)
    for name in sorted(attributes):
        a = attributes[name]
        lp(name.encode())
        lp(a["DataType"].encode())
        if "StringValue" in a:
            h.update(b"\x01")
            lp(a["StringValue"].encode())
        else:
            h.update(b"\x02")
            lp(a["BinaryValue"])
    return h.hexdigest()


def eventually(probe, timeout=10.0):
    """Polls probe until it returns something truthy or the deadline passes; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def trace_root(fill):
    return f"1-{int(time.time()):08x}-{fill * (24 // len(fill))}"


def with_trace_header(client, operation, root, parent="0123456789abcdef"):
    """Makes every `operation` call of client carry an X-Amzn-Trace-Id header, as a traced caller's would."""
    def add(request, **_):
        request.headers["X-Amzn-Trace-Id"] = f"Root={root};Parent={parent};Sampled=1"
    client.meta.events.register(f"before-sign.{client.meta.service_model.endpoint_prefix}.{operation}", add)


class LocalrayCase(unittest.TestCase):
    """One localray process per test module, started on free ports; clients are made once per service."""
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:", "--log-level", "warn", "--seed", "9"],
                                    stdout=subprocess.PIPE, text=True)
        for line in cls.proc.stdout:
            if line.startswith("LOCALRAY_READY "):
                cls.ready = json.loads(line[len("LOCALRAY_READY "):])
                break
        cls.endpoint = cls.ready["edge_url"]
        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
        cls.clients = {}  # one client per service for the whole run, closed at the end
        cls.client = lambda self_or_cls, name: cls.clients.get(name) or cls.clients.setdefault(name, session.client(name, endpoint_url=cls.endpoint))

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients.values():
            c.close()
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()

    def aws_cli(self, *args):
        """Debian's AWS CLI against this localray, in us-east-1: the finished process (its JSON on stdout)."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
        return subprocess.run(["aws", "--endpoint-url", self.endpoint, "--region", "us-east-1", *args], capture_output=True, text=True, timeout=60, env=env)

    def table_ready(self, ddb, name):
        """Waits for a table made by CreateTable to turn ACTIVE (--dynamodb-create-ms) with the SDK's own
        waiter, polled more often than its 20 s default so that the suite stays quick."""
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})

    def queue_arn(self, sqs, url):
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def counters(self, sqs, url):
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        return a["ApproximateNumberOfMessages"], a["ApproximateNumberOfMessagesNotVisible"]

    def assertEmptyReceive(self, response):
        # Over the query protocol an empty <ReceiveMessageResult/> leaves Messages out.
        self.assertNotIn("Messages", response)
