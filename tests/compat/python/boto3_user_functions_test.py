"""A topology built only through AWS API calls, as a user deploys: functions created from zips with
boto3 and the AWS CLI, subscribed to a topic, fed by a queue through an event source mapping, and
each hop in the same trace as when the topology comes from a file."""
import io
import json
import os
import subprocess
import sys
import time
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from localray_case import ACCOUNT, LocalrayCase, eventually  # noqa: E402

CONSUMER = """
exports.handler = async (event) => {
  for (const r of event.Records || []) console.log('consumed', r.EventSource || r.eventSource, JSON.stringify(r.Sns ? r.Sns.Message : r.body));
  return { records: (event.Records || []).length };
};
"""

PRODUCER = """
import json, os
import boto3
sqs = boto3.client("sqs")
def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(event))
    return {"sent": True, "version": os.environ.get("VERSION", "1")}
"""


STREAM_CONSUMER = """
import json, os
import boto3
sqs = boto3.client("sqs")
def handler(event, context):
    # Fails its first batch once, so that the stream hands the same records out again.
    marker = os.environ["MARKER"]
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise RuntimeError("first try fails")
    for r in event["Records"]:
        sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(
            {"name": r["eventName"], "key": r["dynamodb"]["Keys"]["id"]["S"], "source": r["eventSource"], "arn": r["eventSourceARN"],
             "new": r["dynamodb"].get("NewImage"), "old": r["dynamodb"].get("OldImage")}))
    return {"records": len(event["Records"])}
"""


FIFO_CONSUMER = """
import json, os, time
import boto3
sqs = boto3.client("sqs")
def handler(event, context):
    time.sleep(0.05)  # long enough for another poller to take the group if it were not locked
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(
        [[r["body"], r["attributes"]["MessageGroupId"], r["attributes"]["SequenceNumber"]] for r in event["Records"]]))
"""


POISON_CONSUMER = """
import json, os
import boto3
sqs = boto3.client("sqs")
def handler(event, context):
    keys = [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
    if "poison" in keys:
        raise RuntimeError("cannot process the poison record")
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(keys))
"""


def zipped(files, modes=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (modes or {}).get(name, 0o644) << 16
            info.create_system = 3
            z.writestr(info, text)
    return out.getvalue()


class UserFunctionsThroughTheApi(LocalrayCase):
    def setUp(self):
        self.lam = self.client("lambda")
        self.sns = self.client("sns")
        self.sqs = self.client("sqs")
        self.xray = self.client("xray")

    def cli(self, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
        out = subprocess.run(["aws", "--endpoint-url", self.endpoint, *args], capture_output=True, text=True, env=env)
        return out.returncode, out.stdout, out.stderr

    def test_a_topology_made_of_api_calls_runs_and_is_traced(self):
        queue_url = self.sqs.create_queue(QueueName="work")["QueueUrl"]
        queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:work"
        topic_arn = self.sns.create_topic(Name="orders")["TopicArn"]
        created = self.lam.create_function(FunctionName="producer", Runtime="python3.11", Handler="app.handler",
                                           Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": zipped({"app.py": PRODUCER})},
                                           Environment={"Variables": {"QUEUE_URL": queue_url}}, TracingConfig={"Mode": "Active"})
        self.assertEqual(created["State"], "Active")
        self.assertEqual(created["Runtime"], "python3.11")
        self.assertTrue(created["CodeSha256"])
        # The consumer through the AWS CLI, from a zip file on disk.
        path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"consumer-{os.getpid()}.zip")
        with open(path, "wb") as f:
            f.write(zipped({"index.js": CONSUMER}))
        rc, out, err = self.cli("lambda", "create-function", "--function-name", "consumer", "--runtime", "nodejs20.x", "--handler",
                                "index.handler", "--role", "arn:aws:iam::000000000000:role/r", "--zip-file", f"fileb://{path}")
        os.unlink(path)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["FunctionName"], "consumer")
        rc, out, err = self.cli("sns", "subscribe", "--topic-arn", topic_arn, "--protocol", "lambda", "--notification-endpoint",
                                f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:producer")
        self.assertEqual(rc, 0, err)
        mapping = self.lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="consumer", BatchSize=1)
        self.assertEqual(mapping["State"], "Enabled")

        self.sns.publish(TopicArn=topic_arn, Message="order 42")

        def consumer_trace():
            now = time.time()
            ids = [s["Id"] for s in self.xray.get_trace_summaries(StartTime=now - 60, EndTime=now + 5,
                                                                  FilterExpression='service("consumer")')["TraceSummaries"]]
            if not ids:
                return None
            docs = [json.loads(s["Document"]) for t in self.xray.batch_get_traces(TraceIds=ids[:1])["Traces"] for s in t["Segments"]]
            names = {(d["name"], d.get("origin")) for d in docs}
            return docs if {("orders", "AWS::SNS::Topic"), ("producer", "AWS::Lambda::Function"),
                            ("work", "AWS::SQS::Queue"), ("consumer", "AWS::Lambda::Function")} <= names else None
        docs = eventually(consumer_trace, 15)
        self.assertTrue(docs, "topic -> producer -> queue -> consumer in one trace")
        producer = next(d for d in docs if d["name"] == "producer" and d.get("origin") == "AWS::Lambda::Function")
        invocation = next(s for s in producer["subsegments"] if s["name"] == "Invocation")
        sends = [s for s in invocation.get("subsegments", []) if s.get("aws", {}).get("operation") == "SendMessage"]
        self.assertEqual(len(sends), 1, "boto3's SendMessage recorded under the producer's Invocation")
        self.assertEqual(sends[0]["aws"]["queue_url"], queue_url)

        graph = self.xray.get_service_graph(StartTime=time.time() - 60, EndTime=time.time() + 5)["Services"]
        by_id = {s["ReferenceId"]: s for s in graph}
        edges = {(s["Name"], by_id[e["ReferenceId"]]["Name"]) for s in graph for e in s.get("Edges", [])}
        self.assertIn(("orders", "producer"), edges)
        self.assertIn(("work", "consumer"), edges)

    def test_a_table_stream_feeds_a_function_in_order_and_retries_a_failed_batch(self):
        ddb = self.client("dynamodb")
        queue_url = self.sqs.create_queue(QueueName="stream-out")["QueueUrl"]
        arn = ddb.create_table(TableName="streamed", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                               KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                               StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})["TableDescription"]["LatestStreamArn"]
        self.table_ready(ddb, "streamed")
        marker = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"stream-marker-{os.getpid()}")
        self.addCleanup(lambda: os.path.exists(marker) and os.unlink(marker))
        self.lam.create_function(FunctionName="stream_consumer", Runtime="python3.11", Handler="app.handler", Role="r",
                                 Code={"ZipFile": zipped({"app.py": STREAM_CONSUMER})},
                                 Environment={"Variables": {"QUEUE_URL": queue_url, "MARKER": marker}})
        with self.assertRaises(self.lam.exceptions.InvalidParameterValueException):
            self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="stream_consumer")  # no StartingPosition
        mapping = self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="stream_consumer", StartingPosition="TRIM_HORIZON")
        self.assertEqual((mapping["BatchSize"], mapping["StartingPosition"]), (100, "TRIM_HORIZON"))

        ddb.put_item(TableName="streamed", Item={"id": {"S": "a"}, "v": {"N": "1"}})
        ddb.update_item(TableName="streamed", Key={"id": {"S": "a"}}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "2"}})
        ddb.put_item(TableName="streamed", Item={"id": {"S": "b"}})
        ddb.delete_item(TableName="streamed", Key={"id": {"S": "a"}})

        seen = []
        def four():
            for m in self.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
                seen.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
            return len(seen) >= 4
        self.assertTrue(eventually(four, 20), seen)
        self.assertTrue(os.path.exists(marker), "the first batch failed once")
        self.assertEqual([(r["name"], r["key"]) for r in seen], [("INSERT", "a"), ("MODIFY", "a"), ("INSERT", "b"), ("REMOVE", "a")])
        self.assertEqual(seen[1]["old"], {"id": {"S": "a"}, "v": {"N": "1"}})
        self.assertEqual(seen[1]["new"], {"id": {"S": "a"}, "v": {"N": "2"}})
        self.assertEqual({(r["source"], r["arn"]) for r in seen}, {("aws:dynamodb", arn)})
        self.assertEqual(self.sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", []), [], "each record once")

    def test_a_fifo_queue_feeds_a_function_in_group_order(self):
        url = self.sqs.create_queue(QueueName="fifo-in.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
        seen_url = self.sqs.create_queue(QueueName="fifo-seen")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for n in range(0, 20, 10):
            self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"e{i}", "MessageBody": f"{'ab'[(n + i) % 2]}-{n + i:02d}",
                                                                "MessageGroupId": "ab"[(n + i) % 2]} for i in range(10)])
        self.lam.create_function(FunctionName="fifo_consumer", Runtime="python3.11", Handler="app.handler", Role="r",
                                 Code={"ZipFile": zipped({"app.py": FIFO_CONSUMER})}, Environment={"Variables": {"QUEUE_URL": seen_url}})
        self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="fifo_consumer", BatchSize=3)
        batches = []
        def all_twenty():
            for m in self.sqs.receive_message(QueueUrl=seen_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
                batches.append(json.loads(m["Body"]))
            return sum(len(b) for b in batches) >= 20
        self.assertTrue(eventually(all_twenty, 30), batches)
        records = [r for b in batches for r in b]
        for group in "ab":
            bodies = [body for body, g, _ in records if g == group]
            self.assertEqual(bodies, sorted(bodies), f"group {group} reached the function out of order")
            self.assertEqual(len(bodies), 10)
            sequence = [int(seq) for _, g, seq in records if g == group]
            self.assertEqual(sequence, sorted(sequence))
        for b in batches:
            self.assertLessEqual(len(b), 3)

    def test_a_poison_record_is_bisected_out_retried_and_reported_to_the_failure_destination(self):
        ddb = self.client("dynamodb")
        seen_url = self.sqs.create_queue(QueueName="poison-seen")["QueueUrl"]
        failed_url = self.sqs.create_queue(QueueName="poison-failed")["QueueUrl"]
        failed_arn = self.sqs.get_queue_attributes(QueueUrl=failed_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        arn = ddb.create_table(TableName="poisoned", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                               KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                               StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]["LatestStreamArn"]
        self.table_ready(ddb, "poisoned")
        for key in ["a", "poison", "b", "c"]:
            ddb.put_item(TableName="poisoned", Item={"id": {"S": key}})
        self.lam.create_function(FunctionName="poison_consumer", Runtime="python3.11", Handler="app.handler", Role="r",
                                 Code={"ZipFile": zipped({"app.py": POISON_CONSUMER})}, Environment={"Variables": {"QUEUE_URL": seen_url}})
        with self.assertRaises(self.lam.exceptions.InvalidParameterValueException):
            self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="poison_consumer", StartingPosition="TRIM_HORIZON",
                                                 MaximumRetryAttempts=10001)
        mapping = self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="poison_consumer", StartingPosition="TRIM_HORIZON",
                                                       BisectBatchOnFunctionError=True, MaximumRetryAttempts=1,
                                                       DestinationConfig={"OnFailure": {"Destination": failed_arn}})
        self.assertEqual((mapping["MaximumRetryAttempts"], mapping["BisectBatchOnFunctionError"], mapping["MaximumRecordAgeInSeconds"]), (1, True, -1))
        self.assertEqual(mapping["DestinationConfig"], {"OnFailure": {"Destination": failed_arn}})

        reports = []
        def reported():
            reports.extend(m["Body"] for m in self.sqs.receive_message(QueueUrl=failed_url, WaitTimeSeconds=1).get("Messages", []))
            return reports
        self.assertTrue(eventually(reported, 20), "the poison record was given up on and reported")
        report = json.loads(reports[0])
        self.assertEqual(report["requestContext"]["condition"], "RetryAttemptsExhausted")
        self.assertEqual(report["requestContext"]["approximateInvokeCount"], 2, "the first try and one retry")
        self.assertEqual(report["requestContext"]["functionArn"], mapping["FunctionArn"])
        batch = report["DDBStreamBatchInfo"]
        self.assertEqual((batch["batchSize"], batch["streamArn"]), (1, arn))
        self.assertEqual(batch["startSequenceNumber"], batch["endSequenceNumber"])

        processed = []
        def three():
            for m in self.sqs.receive_message(QueueUrl=seen_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
                processed.extend(json.loads(m["Body"]))
            return len(processed) >= 3
        self.assertTrue(eventually(three, 20), processed)
        self.assertEqual(processed, ["a", "b", "c"], "the records around the poison one, each once and in order")

    def test_updates_reach_the_next_invocation(self):
        self.lam.create_function(FunctionName="versioned", Runtime="python3.12", Handler="app.handler", Role="r",
                                 Code={"ZipFile": zipped({"app.py": "def handler(e, c):\n    return 'one'\n"})})
        self.assertEqual(json.load(self.lam.invoke(FunctionName="versioned")["Payload"]), "one")
        updated = self.lam.update_function_code(FunctionName="versioned",
                                                ZipFile=zipped({"app.py": "import os\ndef handler(e, c):\n    return 'two ' + os.environ.get('X', '')\n"}))
        self.assertNotEqual(updated["CodeSha256"], "")
        self.assertEqual(json.load(self.lam.invoke(FunctionName="versioned")["Payload"]), "two ")
        self.lam.update_function_configuration(FunctionName="versioned", Environment={"Variables": {"X": "y"}}, Timeout=7)
        self.assertEqual(json.load(self.lam.invoke(FunctionName="versioned")["Payload"]), "two y")
        config = self.lam.get_function_configuration(FunctionName="versioned")
        self.assertEqual(config["Timeout"], 7)
        self.assertEqual(config["Environment"]["Variables"], {"X": "y"})
        self.lam.put_function_concurrency(FunctionName="versioned", ReservedConcurrentExecutions=0)
        with self.assertRaises(self.lam.exceptions.TooManyRequestsException):
            self.lam.invoke(FunctionName="versioned")
        self.lam.delete_function_concurrency(FunctionName="versioned")
        self.assertEqual(self.lam.invoke(FunctionName="versioned")["StatusCode"], 200)
        self.lam.delete_function(FunctionName="versioned")
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.get_function(FunctionName="versioned")

    def test_custom_runtime_from_a_zip_keeps_its_bootstrap_executable(self):
        bootstrap = ("#!/bin/sh\nAPI=\"http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime\"\nwhile true; do\n"
                     "  ID=$(curl -sS -D - -o /dev/null \"$API/invocation/next\" | grep -i lambda-runtime-aws-request-id | tr -d '\\r' | cut -d' ' -f2)\n"
                     "  curl -sS -X POST \"$API/invocation/$ID/response\" -d '\"from bootstrap\"' >/dev/null\ndone\n")
        self.lam.create_function(FunctionName="custom", Runtime="provided.al2023", Handler="unused", Role="r",
                                 Code={"ZipFile": zipped({"bootstrap": bootstrap}, {"bootstrap": 0o755})})
        self.assertEqual(json.load(self.lam.invoke(FunctionName="custom")["Payload"]), "from bootstrap")

    def test_bad_packages_and_parameters_get_lambdas_errors(self):
        for bad in (zipped({"../escape.py": "x"}), zipped({"/abs.py": "x"}), b"not a zip"):
            with self.assertRaises(self.lam.exceptions.InvalidParameterValueException) as e:
                self.lam.create_function(FunctionName="bad", Runtime="python3.11", Handler="a.b", Role="r", Code={"ZipFile": bad})
            self.assertIn("Could not unzip uploaded file", str(e.exception))
        # Symlinks out, straight or through a link that only seems to stay inside.
        for target in ("../../etc/passwd", "/etc", ".."):
            link = io.BytesIO()
            with zipfile.ZipFile(link, "w") as z:
                info = zipfile.ZipInfo("p/q")
                info.create_system = 3
                info.external_attr = 0o120777 << 16
                z.writestr(info, target)
                z.writestr("p/q/x.py", "escaped = True\n")
            with self.assertRaises(self.lam.exceptions.InvalidParameterValueException):
                self.lam.create_function(FunctionName="bad", Runtime="python3.11", Handler="a.b", Role="r", Code={"ZipFile": link.getvalue()})
        with self.assertRaises(self.lam.exceptions.InvalidParameterValueException) as e:
            self.lam.create_function(FunctionName="bad", Runtime="ruby2.5", Handler="a.b", Role="r", Code={"ZipFile": zipped({"a.py": ""})})
        self.assertIn("at 'runtime' failed to satisfy constraint", str(e.exception))
        self.lam.create_function(FunctionName="twice", Runtime="python3.11", Handler="a.b", Role="r", Code={"ZipFile": zipped({"a.py": ""})})
        with self.assertRaises(self.lam.exceptions.ResourceConflictException):
            self.lam.create_function(FunctionName="twice", Runtime="python3.11", Handler="a.b", Role="r", Code={"ZipFile": zipped({"a.py": ""})})
        with self.assertRaises(self.lam.exceptions.ResourceNotFoundException):
            self.lam.get_function(FunctionName="bad")
        self.lam.add_permission(FunctionName="twice", StatementId="sns", Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
        with self.assertRaises(self.lam.exceptions.ResourceConflictException):
            self.lam.add_permission(FunctionName="twice", StatementId="sns", Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
        policy = json.loads(self.lam.get_policy(FunctionName="twice")["Policy"])
        self.assertEqual(policy["Statement"][0]["Principal"], {"Service": "sns.amazonaws.com"})


class Layers(LocalrayCase):
    def test_layers_are_on_the_module_paths_as_opt_is_on_lambda(self):
        lam = self.client("lambda")
        node_layer = lam.publish_layer_version(LayerName="greeting", Description="shared code", CompatibleRuntimes=["nodejs20.x"],
                                               Content={"ZipFile": zipped({"nodejs/node_modules/greet/index.js":
                                                                           "exports.greet = (n) => 'hello ' + n;\n"})})
        self.assertEqual(node_layer["Version"], 1)
        self.assertTrue(node_layer["LayerVersionArn"].endswith(":layer:greeting:1"))
        py_layer = lam.publish_layer_version(LayerName="greeting",
                                             Content={"ZipFile": zipped({"python/greet.py": "def greet(n):\n    return 'hi ' + n\n"})})
        self.assertEqual(py_layer["Version"], 2)
        self.assertEqual([v["Version"] for v in lam.list_layer_versions(LayerName="greeting")["LayerVersions"]], [2, 1])
        self.assertEqual(lam.get_layer_version(LayerName="greeting", VersionNumber=1)["Description"], "shared code")
        self.assertEqual(lam.list_layers()["Layers"][0]["LatestMatchingVersion"]["Version"], 2)

        created = lam.create_function(FunctionName="node_with_layer", Runtime="nodejs20.x", Handler="index.handler", Role="r",
                                      Layers=[node_layer["LayerVersionArn"]],
                                      Code={"ZipFile": zipped({"index.js": "const { greet } = require('greet');\n"
                                                                           "exports.handler = async (e) => greet(e.name);\n"})})
        self.assertEqual(created["Layers"][0]["Arn"], node_layer["LayerVersionArn"])
        self.assertEqual(json.load(lam.invoke(FunctionName="node_with_layer", Payload=b'{"name":"node"}')["Payload"]), "hello node")
        lam.create_function(FunctionName="py_with_layer", Runtime="python3.11", Handler="app.handler", Role="r",
                            Layers=[py_layer["LayerVersionArn"]],
                            Code={"ZipFile": zipped({"app.py": "from greet import greet\ndef handler(e, c):\n    return greet(e['name'])\n"})})
        self.assertEqual(json.load(lam.invoke(FunctionName="py_with_layer", Payload=b'{"name":"py"}')["Payload"]), "hi py")
        with self.assertRaises(lam.exceptions.InvalidParameterValueException):
            lam.create_function(FunctionName="missing_layer", Runtime="python3.11", Handler="app.handler", Role="r",
                                Layers=[py_layer["LayerVersionArn"].replace(":2", ":9")], Code={"ZipFile": zipped({"app.py": ""})})


class PayloadLimits(LocalrayCase):
    def test_asynchronous_payloads_up_to_one_megabyte(self):
        lam = self.client("lambda")
        lam.create_function(FunctionName="sink", Runtime="python3.11", Handler="a.h", Role="r",
                            Code={"ZipFile": zipped({"a.py": "def h(e, c):\n    return len(e['pad'])\n"})})
        big = json.dumps({"pad": "x" * (600 * 1024)}).encode()
        self.assertEqual(lam.invoke(FunctionName="sink", InvocationType="Event", Payload=big)["StatusCode"], 202)
        too_big = json.dumps({"pad": "x" * (1024 * 1024)}).encode()
        with self.assertRaises(lam.exceptions.RequestTooLargeException) as e:
            lam.invoke(FunctionName="sink", InvocationType="Event", Payload=too_big)
        self.assertIn("1048576 bytes", str(e.exception))
        self.assertEqual(json.load(lam.invoke(FunctionName="sink", Payload=too_big)["Payload"]), 1024 * 1024)


if __name__ == "__main__":
    unittest.main()
