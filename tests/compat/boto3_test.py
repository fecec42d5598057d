#!/usr/bin/python3
"""Debian's python3-boto3 (botocore 1.29: SQS over the query protocol) against a real localray:
every operation of the compatibility brief, results asserted."""
import base64
import datetime
import hashlib
import json
import os
import struct
import subprocess
import time
import unittest
import urllib.request

import boto3
import botocore.exceptions

BINARY = os.environ.get("LOCALRAY_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", "build", "localray"))
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


class LocalrayBoto3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--db", ":memory:", "--log-level", "warn", "--seed", "9"],
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

    def queue_arn(self, sqs, url):
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def counters(self, sqs, url):
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        return a["ApproximateNumberOfMessages"], a["ApproximateNumberOfMessagesNotVisible"]

    def assertEmptyReceive(self, response):
        # Over the query protocol an empty <ReceiveMessageResult/> leaves Messages out.
        self.assertNotIn("Messages", response)

    def test_sqs_query_protocol_round_trip_and_errors(self):
        sqs = self.client("sqs")
        dlq = sqs.create_queue(QueueName="boto-q-dlq")["QueueUrl"]
        dlq_arn = self.queue_arn(sqs, dlq)
        self.assertEqual(dlq_arn, f"arn:aws:sqs:us-east-1:{ACCOUNT}:boto-q-dlq")
        url = sqs.create_queue(QueueName="boto-q-orders", Attributes={
            "VisibilityTimeout": "5", "DelaySeconds": "0",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})["QueueUrl"]
        self.assertTrue(url.endswith("/queue/us-east-1/000000000000/boto-q-orders"), url)
        self.assertEqual(sqs.get_queue_url(QueueName="boto-q-orders")["QueueUrl"], url)
        self.assertEqual(sorted(u.rsplit("/", 1)[1] for u in sqs.list_queues(QueueNamePrefix="boto-q-")["QueueUrls"]), ["boto-q-dlq", "boto-q-orders"])
        created = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(created["VisibilityTimeout"], "5")
        self.assertEqual(created["DelaySeconds"], "0")
        redrive = json.loads(created["RedrivePolicy"])
        self.assertEqual(redrive["deadLetterTargetArn"], dlq_arn)
        self.assertEqual(str(redrive["maxReceiveCount"]), "3")

        trace_header = f"Root={trace_root('ef')};Parent=53995c3f42cd8ad8;Sampled=1"
        attrs = {"status": {"DataType": "String", "StringValue": "ok"}, "n": {"DataType": "Number", "StringValue": "42"}}
        sys_attrs = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace_header}}
        body = 'quote " and \r CR <&> \u00e9'
        sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attrs, MessageSystemAttributes=sys_attrs)
        self.assertEqual(sent["MD5OfMessageBody"], md5(body))
        self.assertEqual(sent["MD5OfMessageAttributes"], md5_of_attributes(attrs))
        self.assertEqual(sent["MD5OfMessageSystemAttributes"], md5_of_attributes(sys_attrs))
        batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two", "DelaySeconds": 0}])
        self.assertEqual(sorted(e["Id"] for e in batch["Successful"]), ["a", "b"])
        self.assertEqual(next(e for e in batch["Successful"] if e["Id"] == "a")["MD5OfMessageBody"], md5("one"))
        self.assertNotIn("Failed", batch)
        self.assertEqual(self.counters(sqs, url), ("3", "0"))

        receive_all = dict(QueueUrl=url, WaitTimeSeconds=1, MessageAttributeNames=["All"], AttributeNames=["All"])
        first_two = sqs.receive_message(**receive_all, MaxNumberOfMessages=2)["Messages"]
        self.assertEqual(len(first_two), 2, "MaxNumberOfMessages caps the batch")
        rest = sqs.receive_message(**receive_all, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual(len(rest), 1)
        got = {"Messages": first_two + rest}
        self.assertEqual(sorted(m["Body"] for m in got["Messages"]), sorted([body, "one", "two"]))
        first = next(m for m in got["Messages"] if m["Body"] == body)
        self.assertEqual(first["MessageId"], sent["MessageId"])
        self.assertEqual(first["MD5OfBody"], md5(body))
        self.assertEqual(first["MessageAttributes"]["status"]["StringValue"], "ok")
        self.assertEqual(first["MessageAttributes"]["n"], {"DataType": "Number", "StringValue": "42"})
        self.assertEqual(first["Attributes"]["AWSTraceHeader"], trace_header)
        self.assertEqual(first["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertLess(abs(int(first["Attributes"]["SentTimestamp"]) - time.time() * 1000), 60000)
        self.assertEqual(self.counters(sqs, url), ("0", "3"))
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0))  # all in flight for 5 s

        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
        res = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                              for i, m in enumerate(m for m in got["Messages"] if m is not first)])
        self.assertEqual(sorted(e["Id"] for e in res["Successful"]), ["0", "1"])
        again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
        self.assertEqual(again["Body"], body)
        self.assertEqual(again["Attributes"]["ApproximateReceiveCount"], "2")
        sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
        self.assertEqual(self.counters(sqs, url), ("0", "0"))

        # Long poll returns on arrival: the send happens while the receive waits.
        import threading
        sender = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1").client(
            "sqs", endpoint_url=self.endpoint)  # a second client: boto3 clients are not shared across threads here
        timer = threading.Timer(0.3, lambda: sender.send_message(QueueUrl=url, MessageBody="late"))
        started = time.monotonic()
        timer.start()
        late = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)
        timer.join()
        sender.close()
        self.assertEqual(late["Messages"][0]["Body"], "late")
        self.assertLess(time.monotonic() - started, 5)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=late["Messages"][0]["ReceiptHandle"])

        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "1", "VisibilityTimeout": "7"})
        self.assertEqual(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds", "VisibilityTimeout"])["Attributes"],
                         {"DelaySeconds": "1", "VisibilityTimeout": "7"})
        sqs.send_message(QueueUrl=url, MessageBody="delayed")
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0))
        self.assertEqual(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])["Attributes"]
                         ["ApproximateNumberOfMessagesDelayed"], "1")
        self.assertEqual(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"][0]["Body"], "delayed")

        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "x", "MessageBody": "x"}, {"Id": "y", "MessageBody": "y"}])
        self.assertEqual(self.counters(sqs, url)[0], "2")
        sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.counters(sqs, url), ("0", "0"))
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0))
        sqs.delete_queue(QueueUrl=url)
        self.assertEqual([u.rsplit("/", 1)[1] for u in sqs.list_queues(QueueNamePrefix="boto-q-")["QueueUrls"]], ["boto-q-dlq"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sqs.get_queue_url(QueueName="boto-q-orders")
        self.assertEqual(e.exception.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue")
        with self.assertRaises(sqs.exceptions.QueueDoesNotExist):
            sqs.send_message(QueueUrl=url, MessageBody="x")

    def test_sqs_redrive_policy_moves_a_message_to_the_dead_letter_queue(self):
        sqs = self.client("sqs")
        dlq = sqs.create_queue(QueueName="boto-redrive-dlq")["QueueUrl"]
        url = sqs.create_queue(QueueName="boto-redrive", Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": self.queue_arn(sqs, dlq), "maxReceiveCount": 1})})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="poison")
        first = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, VisibilityTimeout=0)["Messages"][0]
        self.assertEqual(first["Body"], "poison")
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1))
        moved = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=2)["Messages"][0]
        self.assertEqual((moved["Body"], moved["MessageId"]), ("poison", first["MessageId"]))

    def test_sns_topics_subscriptions_publish_batch_and_errors(self):
        sns, sqs, xray = self.client("sns"), self.client("sqs"), self.client("xray")
        topic = sns.create_topic(Name="boto-events")["TopicArn"]
        self.assertEqual(topic, f"arn:aws:sns:us-east-1:{ACCOUNT}:boto-events")
        self.assertTrue(any(t["TopicArn"] == topic for t in sns.list_topics()["Topics"]))
        self.assertEqual(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"], topic)

        url = sqs.create_queue(QueueName="boto-sink")["QueueUrl"]
        raw_url = sqs.create_queue(QueueName="boto-sink-raw")["QueueUrl"]
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, url))["SubscriptionArn"]
        self.assertTrue(sub.startswith(topic + ":"), sub)
        raw = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, raw_url),
                            Attributes={"RawMessageDelivery": "true"}, ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertEqual(sns.get_subscription_attributes(SubscriptionArn=raw)["Attributes"]["RawMessageDelivery"], "true")
        fn = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=SNS_SUBSCRIBE_ARN)["SubscriptionArn"]
        self.assertTrue(fn.startswith(topic + ":"), fn)
        by_topic = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual(sorted(s["Protocol"] for s in by_topic), ["lambda", "sqs", "sqs"])
        self.assertTrue(any(s["Protocol"] == "lambda" and s["Endpoint"] == SNS_SUBSCRIBE_ARN for s in by_topic))
        self.assertTrue(any(s["SubscriptionArn"] == sub and s["TopicArn"] == topic for s in sns.list_subscriptions()["Subscriptions"]))
        self.assertEqual(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"], "3")

        root = trace_root("b2")
        with_trace_header(sns, "Publish", root)
        message_id = sns.publish(TopicArn=topic, Message="hello boto", Subject="new", MessageAttributes={
            "k": {"DataType": "String", "StringValue": "v"}, "qty": {"DataType": "Number", "StringValue": "3"}})["MessageId"]
        envelope = eventually(lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages"))[0]
        note = json.loads(envelope["Body"])
        self.assertEqual((note["Type"], note["MessageId"], note["TopicArn"], note["Message"], note["Subject"]),
                         ("Notification", message_id, topic, "hello boto", "new"))
        self.assertEqual(note["MessageAttributes"]["k"], {"Type": "String", "Value": "v"})
        self.assertEqual(note["MessageAttributes"]["qty"], {"Type": "Number", "Value": "3"})
        msg = eventually(lambda: sqs.receive_message(QueueUrl=raw_url, WaitTimeSeconds=1, MessageAttributeNames=["All"]).get("Messages"))[0]
        self.assertEqual(msg["Body"], "hello boto")
        self.assertEqual(msg["MessageAttributes"]["k"]["StringValue"], "v")
        self.assertEqual(msg["MessageAttributes"]["qty"], {"DataType": "Number", "StringValue": "3"})
        sqs.delete_message(QueueUrl=raw_url, ReceiptHandle=msg["ReceiptHandle"])

        def fn_segment():
            traces = xray.batch_get_traces(TraceIds=[root])["Traces"]
            docs = [json.loads(s["Document"]) for t in traces for s in t["Segments"]]
            return next((d for d in docs if d["name"] == "sns_subscribe" and d.get("origin") == "AWS::Lambda::Function"), None)
        self.assertIsNotNone(eventually(fn_segment), "the Lambda subscriber ran in the publisher's trace")

        batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "1", "Message": "a"}, {"Id": "2", "Message": "b", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "b"}}}])
        self.assertEqual(sorted(e["Id"] for e in batch["Successful"]), ["1", "2"])
        self.assertEqual(batch["Failed"], [])
        bodies = []

        def drain():
            for m in sqs.receive_message(QueueUrl=raw_url, WaitTimeSeconds=1, MaxNumberOfMessages=10).get("Messages", []):
                bodies.append(m["Body"])
                sqs.delete_message(QueueUrl=raw_url, ReceiptHandle=m["ReceiptHandle"])
            return len(bodies) >= 2
        eventually(drain)
        self.assertEqual(sorted(bodies), ["a", "b"])

        sns.unsubscribe(SubscriptionArn=sub)
        self.assertEqual(len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]), 2)
        sns.delete_topic(TopicArn=topic)
        self.assertFalse(any(t["TopicArn"] == topic for t in sns.list_topics()["Topics"]))
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.publish(TopicArn=topic, Message="x")
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.get_topic_attributes(TopicArn=topic)

    def test_dynamodb_tables_items_expressions_queries_scans_batches(self):
        ddb = self.client("dynamodb")
        t = "boto-orders"
        created = ddb.create_table(
            TableName=t,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": ty} for n, ty in (("pk", "S"), ("sk", "S"), ("status", "S"), ("created", "N"))],
            GlobalSecondaryIndexes=[{"IndexName": "by-status",
                                     "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}, {"AttributeName": "created", "KeyType": "RANGE"}],
                                     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]}}],
            BillingMode="PAY_PER_REQUEST")["TableDescription"]
        self.assertEqual(created["TableName"], t)
        self.assertEqual(created["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        desc = ddb.describe_table(TableName=t)["Table"]
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        self.assertEqual(desc["TableArn"], f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{t}")
        self.assertEqual([k["AttributeName"] for k in desc["KeySchema"]], ["pk", "sk"])
        gsi = next(i for i in desc["GlobalSecondaryIndexes"] if i["IndexName"] == "by-status")
        self.assertEqual(gsi["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]})
        self.assertEqual([k["AttributeName"] for k in gsi["KeySchema"]], ["status", "created"])
        tables = ddb.list_tables()["TableNames"]
        self.assertIn(t, tables)
        self.assertIn("hits", tables)

        for i in range(5):
            put = ddb.put_item(TableName=t, ReturnConsumedCapacity="TOTAL", Item={
                "pk": {"S": "a"}, "sk": {"S": f"item#{i}"}, "v": {"S": f"v{i}"}, "status": {"S": "odd" if i % 2 else "even"},
                "created": {"N": str(100 + i)}, "secret": {"S": "x"}})
            self.assertEqual(put["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 1.0})
        ddb.put_item(TableName=t, Item={"pk": {"S": "a"}, "sk": {"S": "other#0"}, "v": {"S": "o"}})
        key3 = {"pk": {"S": "a"}, "sk": {"S": "item#3"}}
        got = ddb.get_item(TableName=t, Key=key3, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
        self.assertEqual(got["Item"]["v"], {"S": "v3"})
        self.assertEqual(got["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 1.0})
        self.assertEqual(ddb.get_item(TableName=t, Key=key3, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"], 0.5)

        ddb.update_item(TableName=t, Key=key3, UpdateExpression="SET tags = :t", ExpressionAttributeValues={":t": {"SS": ["red", "blue", "green"]}})
        upd = ddb.update_item(
            TableName=t, Key=key3,
            UpdateExpression="SET #v = :v, #c = #c + :one REMOVE secret ADD hits :one DELETE tags :gone",
            ConditionExpression="attribute_exists(pk) AND #v = :old",
            ExpressionAttributeNames={"#v": "v", "#c": "created"},
            ExpressionAttributeValues={":v": {"S": "new"}, ":one": {"N": "1"}, ":gone": {"SS": ["red"]}, ":old": {"S": "v3"}},
            ReturnValues="ALL_NEW", ReturnConsumedCapacity="TOTAL")
        a = upd["Attributes"]
        self.assertEqual((a["v"], a["created"], a["hits"]), ({"S": "new"}, {"N": "104"}, {"N": "1"}))
        self.assertNotIn("secret", a)
        self.assertEqual(sorted(a["tags"]["SS"]), ["blue", "green"])
        self.assertEqual(upd["ConsumedCapacity"]["CapacityUnits"], 1.0)
        old = ddb.update_item(TableName=t, Key=key3, UpdateExpression="ADD hits :one", ExpressionAttributeValues={":one": {"N": "1"}},
                              ReturnValues="UPDATED_OLD")
        self.assertEqual(old["Attributes"], {"hits": {"N": "1"}})
        with self.assertRaises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.update_item(TableName=t, Key=key3, UpdateExpression="SET v = :v", ConditionExpression="v = :old",
                            ExpressionAttributeValues={":v": {"S": "x"}, ":old": {"S": "v3"}})
        with self.assertRaises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.put_item(TableName=t, Item=key3, ConditionExpression="attribute_not_exists(pk)")

        prefix = ddb.query(TableName=t, KeyConditionExpression="pk = :p AND begins_with(sk, :pre)",
                           ExpressionAttributeValues={":p": {"S": "a"}, ":pre": {"S": "item#"}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual([i["sk"]["S"] for i in prefix["Items"]], [f"item#{i}" for i in range(5)])
        self.assertEqual(prefix["Count"], 5)
        self.assertEqual(prefix["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 0.5}, "five small items: one 4 KB read")
        between = dict(TableName=t, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                       ExpressionAttributeValues={":p": {"S": "a"}, ":a": {"S": "item#1"}, ":b": {"S": "item#4"}}, Limit=2, ScanIndexForward=False)
        page1 = ddb.query(**between)
        self.assertEqual([i["sk"]["S"] for i in page1["Items"]], ["item#4", "item#3"])
        self.assertEqual(page1["LastEvaluatedKey"], {"pk": {"S": "a"}, "sk": {"S": "item#3"}})
        page2 = ddb.query(**between, ExclusiveStartKey=page1["LastEvaluatedKey"])
        self.assertEqual([i["sk"]["S"] for i in page2["Items"]], ["item#2", "item#1"])

        by_status = ddb.query(TableName=t, IndexName="by-status", KeyConditionExpression="#s = :s AND created BETWEEN :lo AND :hi",
                              ExpressionAttributeNames={"#s": "status"},
                              ExpressionAttributeValues={":s": {"S": "even"}, ":lo": {"N": "100"}, ":hi": {"N": "103"}})
        self.assertEqual([i["sk"]["S"] for i in by_status["Items"]], ["item#0", "item#2"])
        self.assertEqual(sorted(by_status["Items"][0]), ["created", "pk", "sk", "status", "v"], "INCLUDE projects keys and v only")
        odd = dict(TableName=t, IndexName="by-status", KeyConditionExpression="#s = :s", ExpressionAttributeNames={"#s": "status"},
                   ExpressionAttributeValues={":s": {"S": "odd"}}, Limit=1, ScanIndexForward=False)
        idx1 = ddb.query(**odd)
        self.assertEqual([i["sk"]["S"] for i in idx1["Items"]], ["item#3"])
        idx2 = ddb.query(**odd, ExclusiveStartKey=idx1["LastEvaluatedKey"])
        self.assertEqual([i["sk"]["S"] for i in idx2["Items"]], ["item#1"])

        filtered = ddb.scan(TableName=t, FilterExpression="begins_with(v, :p)", ProjectionExpression="sk, #v",
                            ExpressionAttributeNames={"#v": "v"}, ExpressionAttributeValues={":p": {"S": "v"}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual((filtered["Count"], filtered["ScannedCount"]), (4, 6))
        self.assertTrue(all(sorted(i) == ["sk", "v"] for i in filtered["Items"]))
        self.assertEqual(filtered["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 0.5})
        segments = [ddb.scan(TableName=t, Segment=s, TotalSegments=2)["Items"] for s in (0, 1)]
        self.assertEqual(sorted(i["sk"]["S"] for seg in segments for i in seg),
                         ["item#0", "item#1", "item#2", "item#3", "item#4", "other#0"], "the segments partition the table")

        bw = ddb.batch_write_item(RequestItems={t: [
            {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"S": "1"}, "v": {"S": "b1"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"S": "item#0"}}}}]}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(bw["UnprocessedItems"], {})
        self.assertEqual(bw["ConsumedCapacity"], [{"TableName": t, "CapacityUnits": 2.0}])
        bg = ddb.batch_get_item(RequestItems={t: {"Keys": [
            {"pk": {"S": "b"}, "sk": {"S": "1"}}, {"pk": {"S": "a"}, "sk": {"S": "item#0"}}, {"pk": {"S": "a"}, "sk": {"S": "item#1"}}]}},
            ReturnConsumedCapacity="TOTAL")
        self.assertEqual(sorted(i["v"]["S"] for i in bg["Responses"][t]), ["b1", "v1"])
        self.assertEqual(bg["UnprocessedKeys"], {})
        self.assertEqual(bg["ConsumedCapacity"], [{"TableName": t, "CapacityUnits": 1.5}], "each of the three keys is a 0.5-unit read")

        gone = ddb.delete_item(TableName=t, Key={"pk": {"S": "b"}, "sk": {"S": "1"}}, ReturnValues="ALL_OLD")
        self.assertEqual(gone["Attributes"]["v"], {"S": "b1"})
        self.assertNotIn("Item", ddb.get_item(TableName=t, Key={"pk": {"S": "b"}, "sk": {"S": "1"}}))
        self.assertEqual(ddb.delete_table(TableName=t)["TableDescription"]["TableName"], t)
        self.assertNotIn(t, ddb.list_tables()["TableNames"])
        with self.assertRaises(ddb.exceptions.ResourceNotFoundException):
            ddb.describe_table(TableName=t)

    def test_dynamodb_counts_hits_of_the_pattern(self):
        ddb = self.client("dynamodb")
        invoke = self.ready["apis"][0]["invoke_url"]
        for _ in range(3):
            req = urllib.request.Request(invoke + "/boto", data=b'{"status":"ok"}', method="POST")
            self.assertEqual(urllib.request.urlopen(req).status, 200)

        def hits():
            item = ddb.get_item(TableName="hits", Key={"path": {"S": "/prod/boto"}}).get("Item")
            return item and item["hits"]["N"]
        self.assertEqual(eventually(lambda: hits() == "3") and hits(), "3")
        with self.assertRaises(ddb.exceptions.ResourceNotFoundException):
            ddb.scan(TableName="missing")

    def test_lambda_functions_invoke_modes_and_event_source_mappings(self):
        lam, sqs = self.client("lambda"), self.client("sqs")
        names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
        self.assertEqual(names, ["dynamo", "http", "sns_publish", "sns_subscribe", "sqs", "sqs_subscribe"])
        fn = lam.get_function(FunctionName="sns_subscribe")["Configuration"]
        self.assertEqual((fn["FunctionName"], fn["FunctionArn"]), ("sns_subscribe", SNS_SUBSCRIBE_ARN))

        event = json.dumps({"Records": [{"Sns": {"Message": "boto"}}]})
        out = lam.invoke(FunctionName="sns_subscribe", Payload=event, LogType="Tail")
        self.assertEqual(out["StatusCode"], 200)
        self.assertNotIn("FunctionError", out)
        self.assertIn("received message: boto", base64.b64decode(out["LogResult"]).decode())
        bad = lam.invoke(FunctionName="sns_subscribe", Payload="{}")
        self.assertEqual((bad["StatusCode"], bad["FunctionError"]), (200, "Unhandled"))
        self.assertEqual(json.loads(bad["Payload"].read())["errorMessage"], "event has no SNS message")
        self.assertEqual(lam.invoke(FunctionName="sns_subscribe", InvocationType="Event", Payload=event)["StatusCode"], 202)
        self.assertEqual(lam.invoke(FunctionName="sns_subscribe", InvocationType="DryRun")["StatusCode"], 204)
        with self.assertRaises(lam.exceptions.ResourceNotFoundException):
            lam.invoke(FunctionName="nope")

        self.assertEqual(len(lam.list_event_source_mappings(FunctionName="sqs_subscribe")["EventSourceMappings"]), 1)
        url = sqs.create_queue(QueueName="boto-lambda-source")["QueueUrl"]
        arn = self.queue_arn(sqs, url)
        created = lam.create_event_source_mapping(FunctionName="sqs_subscribe", EventSourceArn=arn, BatchSize=5)
        self.assertEqual((created["BatchSize"], created["EventSourceArn"]), (5, arn))
        self.assertTrue(created["FunctionArn"].endswith(":function:sqs_subscribe"))
        listed = lam.list_event_source_mappings(FunctionName="sqs_subscribe")["EventSourceMappings"]
        self.assertEqual(len(listed), 2)
        self.assertTrue(any(m["UUID"] == created["UUID"] and m["EventSourceArn"] == arn for m in listed))
        self.assertEqual([m["UUID"] for m in lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]], [created["UUID"]])
        sqs.send_message(QueueUrl=url, MessageBody="consumed by the mapping")
        self.assertTrue(eventually(lambda: self.counters(sqs, url) == ("0", "0")), "the mapping consumed and deleted the message")

    def test_xray_segments_summaries_filters_traces_and_graphs(self):
        xray = self.client("xray")
        now = int(time.time())
        ok_id, fault_id = f"1-{now:08x}-{'56' * 12}", f"1-{now:08x}-{'78' * 12}"

        def doc(trace_id, seg_id, status, **extra):
            return json.dumps({"name": "boto-service", "id": seg_id, "trace_id": trace_id, "start_time": now, "end_time": now + 0.25,
                               "http": {"request": {"method": "GET", "url": f"http://example/{status}"}, "response": {"status": status}}, **extra})
        put = xray.put_trace_segments(TraceSegmentDocuments=[
            doc(ok_id, "0123456789abcdef", 200, annotations={"tier": "gold"}), doc(fault_id, "fedcba9876543210", 500, fault=True), "{not json"])
        self.assertEqual(len(put["UnprocessedTraceSegments"]), 1)
        window = dict(StartTime=now - 60, EndTime=now + 60)

        def both():
            ids = {s["Id"] for s in xray.get_trace_summaries(**window)["TraceSummaries"]}
            return {ok_id, fault_id} <= ids
        self.assertTrue(eventually(both), "both traces are summarized")
        faults = xray.get_trace_summaries(**window, FilterExpression='service("boto-service") { fault }')["TraceSummaries"]
        self.assertEqual([s["Id"] for s in faults], [fault_id])
        self.assertTrue(faults[0]["HasFault"])
        self.assertEqual(faults[0]["Http"]["HttpStatus"], 500)
        gold = xray.get_trace_summaries(**window, FilterExpression='annotation.tier = "gold"')["TraceSummaries"]
        self.assertEqual([s["Id"] for s in gold], [ok_id])

        traces = xray.batch_get_traces(TraceIds=[ok_id, fault_id])["Traces"]
        self.assertEqual(sorted(t["Id"] for t in traces), sorted([ok_id, fault_id]))
        ok_doc = json.loads(next(t for t in traces if t["Id"] == ok_id)["Segments"][0]["Document"])
        self.assertEqual((ok_doc["name"], ok_doc["annotations"]["tier"]), ("boto-service", "gold"))
        graph = xray.get_service_graph(**window)["Services"]
        self.assertTrue(any(s["Name"] == "boto-service" and s["Type"] == "client" for s in graph), [(s["Name"], s["Type"]) for s in graph])
        tg = xray.get_trace_graph(TraceIds=[fault_id])["Services"]
        self.assertEqual(sorted(s["Name"] for s in tg), ["boto-service", "boto-service"])
        with self.assertRaises(xray.exceptions.InvalidRequestException):
            xray.get_trace_summaries(StartTime=now, EndTime=now - 10)

    def test_xray_lambda_invocation_is_summarized_and_graphed(self):
        lam, xray = self.client("lambda"), self.client("xray")
        out = lam.invoke(FunctionName="sns_subscribe", Payload=json.dumps({"Records": [{"Sns": {"Message": "boto"}}]}))
        self.assertEqual(out["StatusCode"], 200)
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
        end = start + datetime.timedelta(minutes=11)
        summaries = eventually(lambda: xray.get_trace_summaries(StartTime=start, EndTime=end, FilterExpression='service("sns_subscribe")')["TraceSummaries"])
        self.assertTrue(summaries, "the invocation above started a trace")
        graph = xray.get_service_graph(StartTime=start, EndTime=end)["Services"]
        self.assertTrue(any(s["Name"] == "sns_subscribe" and s["Type"] == "AWS::Lambda::Function" for s in graph))

    def test_xray_groups_and_sampling(self):
        xray = self.client("xray")
        created = xray.create_group(GroupName="boto-errors", FilterExpression="fault")["Group"]
        self.assertRegex(created["GroupARN"], r"^arn:aws:xray:us-east-1:000000000000:group/boto-errors/")
        self.assertEqual(created["FilterExpression"], "fault")
        self.assertEqual(xray.get_group(GroupARN=created["GroupARN"])["Group"]["GroupName"], "boto-errors")
        self.assertEqual(xray.update_group(GroupName="boto-errors", FilterExpression="error OR fault")["Group"]["FilterExpression"], "error OR fault")
        self.assertEqual(xray.get_group(GroupName="boto-errors")["Group"]["FilterExpression"], "error OR fault")
        self.assertEqual(sorted(g["GroupName"] for g in xray.get_groups()["Groups"]), ["Default", "boto-errors"])
        with self.assertRaises(xray.exceptions.InvalidRequestException):
            xray.create_group(GroupName="boto-errors")
        xray.delete_group(GroupName="boto-errors")
        with self.assertRaises(xray.exceptions.InvalidRequestException):
            xray.get_group(GroupName="boto-errors")
        self.assertEqual([g["GroupName"] for g in xray.get_groups()["Groups"]], ["Default"])

        rules = xray.get_sampling_rules()["SamplingRuleRecords"]
        self.assertEqual((rules[-1]["SamplingRule"]["RuleName"], rules[-1]["SamplingRule"]["FixedRate"]), ("Default", 1.0))
        xray.create_sampling_rule(SamplingRule={
            "RuleName": "boto-api", "ResourceARN": "*", "Priority": 1, "FixedRate": 0.25, "ReservoirSize": 3, "ServiceName": "*",
            "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "/api/*", "Version": 1})
        self.assertEqual([r["SamplingRule"]["RuleName"] for r in xray.get_sampling_rules()["SamplingRuleRecords"]], ["boto-api", "Default"])
        now = datetime.datetime.now(datetime.timezone.utc)
        targets = xray.get_sampling_targets(SamplingStatisticsDocuments=[
            {"RuleName": "boto-api", "ClientID": "0123456789abcdef01234567", "Timestamp": now, "RequestCount": 5, "SampledCount": 2},
            {"RuleName": "Default", "ClientID": "0123456789abcdef01234567", "Timestamp": now, "RequestCount": 1, "SampledCount": 1}])
        by_rule = {d["RuleName"]: d for d in targets["SamplingTargetDocuments"]}
        self.assertEqual((by_rule["boto-api"]["FixedRate"], by_rule["boto-api"]["ReservoirQuota"]), (0.25, 3))
        self.assertEqual(by_rule["Default"]["FixedRate"], 1.0)
        self.assertEqual(targets["UnprocessedStatistics"], [])
        xray.delete_sampling_rule(RuleName="boto-api")
        self.assertEqual(len(xray.get_sampling_rules()["SamplingRuleRecords"]), 1)

    def test_each_region_and_account_keeps_its_own_resources(self):
        def client(name, region, key="test"):
            c = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key="test", region_name=region).client(name, endpoint_url=self.endpoint)
            self.addCleanup(c.close)
            return c

        sqs_eu, sqs_us = client("sqs", "eu-west-1"), client("sqs", "us-east-1")
        url = sqs_eu.create_queue(QueueName="boto-regional")["QueueUrl"]
        self.assertIn("/queue/eu-west-1/000000000000/boto-regional", url)
        self.assertEqual(self.queue_arn(sqs_eu, url), f"arn:aws:sqs:eu-west-1:{ACCOUNT}:boto-regional")
        self.assertNotIn("QueueUrls", sqs_us.list_queues(QueueNamePrefix="boto-regional"), "us-east-1 has no such queue")
        with self.assertRaises(botocore.exceptions.ClientError) as missing:
            sqs_us.get_queue_url(QueueName="boto-regional")
        self.assertEqual(missing.exception.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue")
        # The URL says where the queue lives: a client of another region reaches it through it.
        sqs_us.send_message(QueueUrl=url, MessageBody="across")
        self.assertEqual(sqs_eu.receive_message(QueueUrl=url)["Messages"][0]["Body"], "across")

        sns_eu = client("sns", "eu-west-1")
        topic = sns_eu.create_topic(Name="boto-regional")["TopicArn"]
        self.assertEqual(topic, f"arn:aws:sns:eu-west-1:{ACCOUNT}:boto-regional")
        self.assertNotIn(topic, [t["TopicArn"] for t in client("sns", "us-east-1").list_topics()["Topics"]])
        # A us-east-1 topic delivers to the eu-west-1 queue, as SNS does across regions.
        sns_us = client("sns", "us-east-1")
        us_topic = sns_us.create_topic(Name="boto-to-europe")["TopicArn"]
        sns_us.subscribe(TopicArn=us_topic, Protocol="sqs", Endpoint=self.queue_arn(sqs_eu, url), Attributes={"RawMessageDelivery": "true"})
        sns_us.publish(TopicArn=us_topic, Message="over the sea")
        got = eventually(lambda: sqs_eu.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages"))
        self.assertEqual(got[0]["Body"], "over the sea")

        ddb_eu = client("dynamodb", "eu-west-1")
        ddb_eu.create_table(TableName="boto-regional", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        self.assertNotIn("boto-regional", client("dynamodb", "us-east-1").list_tables()["TableNames"])
        self.assertEqual(ddb_eu.describe_table(TableName="boto-regional")["Table"]["TableArn"],
                         f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/boto-regional")
        self.assertEqual(client("lambda", "eu-west-1").list_functions()["Functions"], [], "the pattern's functions live in us-east-1")

        # A twelve-digit access key names an account of its own.
        other = client("sqs", "us-east-1", key="111111111111").create_queue(QueueName="boto-regional")["QueueUrl"]
        self.assertIn("/queue/us-east-1/111111111111/boto-regional", other)

        with urllib.request.urlopen(f"{self.endpoint}/_localray/resources") as r:
            resources = json.loads(r.read())
        scopes = {(x["account"], x["region"]) for x in resources["regions"]}
        self.assertLessEqual({(ACCOUNT, "us-east-1"), (ACCOUNT, "eu-west-1"), ("111111111111", "us-east-1")}, scopes)
        queue = next(q for q in resources["queues"] if q["url"] == url)
        self.assertEqual((queue["region"], queue["account"]), ("eu-west-1", ACCOUNT))


if __name__ == "__main__":
    unittest.main(verbosity=2)
