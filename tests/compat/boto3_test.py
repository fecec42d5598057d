#!/usr/bin/python3
"""Debian's python3-boto3 (botocore 1.29: SQS over the query protocol) against a real localray."""
import json
import os
import subprocess
import sys
import time
import unittest

import boto3
import botocore.exceptions

BINARY = os.environ.get("LOCALRAY_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", "build", "localray"))


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
        cls.client = lambda self_or_cls, name: session.client(name, endpoint_url=cls.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()

    def test_sqs_query_protocol_round_trip_and_errors(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="boto-orders", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
        self.assertTrue(url.endswith("/000000000000/boto-orders"))
        self.assertEqual(sqs.get_queue_url(QueueName="boto-orders")["QueueUrl"], url)
        self.assertIn(url, sqs.list_queues(QueueNamePrefix="boto-")["QueueUrls"])
        sent = sqs.send_message(QueueUrl=url, MessageBody='quote " and \r CR',
                                MessageAttributes={"status": {"DataType": "String", "StringValue": "ok"}})
        self.assertEqual(sent["MD5OfMessageAttributes"], "465059203729da81b6cb1c2fa939318a")
        batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"}])
        self.assertEqual(len(batch["Successful"]), 2)
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"], AttributeNames=["All"])
        bodies = sorted(m["Body"] for m in got["Messages"])
        self.assertEqual(bodies, ["one", 'quote " and \r CR', "two"])
        first = next(m for m in got["Messages"] if m["Body"].startswith("quote"))
        self.assertEqual(first["MessageAttributes"]["status"]["StringValue"], "ok")
        self.assertEqual(first["Attributes"]["ApproximateReceiveCount"], "1")
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
        res = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got["Messages"]) if m is not first])
        self.assertEqual(len(res["Successful"]), 2)
        again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "1"})
        self.assertEqual(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]["DelaySeconds"], "1")
        sqs.purge_queue(QueueUrl=url)
        sqs.delete_queue(QueueUrl=url)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sqs.get_queue_url(QueueName="boto-orders")
        self.assertEqual(e.exception.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue")

    def test_sns_publish_reaches_an_sqs_subscriber(self):
        sns, sqs = self.client("sns"), self.client("sqs")
        topic = sns.create_topic(Name="boto-events")["TopicArn"]
        url = sqs.create_queue(QueueName="boto-sink")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
        self.assertEqual(sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["RawMessageDelivery"], "true")
        self.assertTrue(any(t["TopicArn"] == topic for t in sns.list_topics()["Topics"]))
        self.assertEqual(len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]), 1)
        sns.publish(TopicArn=topic, Message="hello boto", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
        msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, MessageAttributeNames=["All"])["Messages"]
        self.assertEqual(msgs[0]["Body"], "hello boto")
        self.assertEqual(msgs[0]["MessageAttributes"]["k"]["StringValue"], "v")
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.publish(TopicArn=topic + "-missing", Message="x")

    def test_dynamodb_counts_hits_of_the_pattern(self):
        import urllib.request
        ddb = self.client("dynamodb")
        invoke = self.ready["apis"][0]["invoke_url"]
        for _ in range(3):
            req = urllib.request.Request(invoke + "/boto", data=b'{"status":"ok"}', method="POST")
            self.assertEqual(urllib.request.urlopen(req).status, 200)
        deadline = time.time() + 10
        hits = None
        while time.time() < deadline:
            item = ddb.get_item(TableName="hits", Key={"path": {"S": "/prod/boto"}}).get("Item")
            hits = item and item["hits"]["N"]
            if hits == "3":
                break
            time.sleep(0.05)
        self.assertEqual(hits, "3")
        with self.assertRaises(ddb.exceptions.ResourceNotFoundException):
            ddb.scan(TableName="missing")
        tables = ddb.list_tables()["TableNames"]
        self.assertIn("hits", tables)

    def test_lambda_invoke_and_xray_queries(self):
        lam, xray = self.client("lambda"), self.client("xray")
        out = lam.invoke(FunctionName="sns_subscribe", Payload=json.dumps({"Records": [{"Sns": {"Message": "boto"}}]}))
        self.assertEqual(out["StatusCode"], 200)
        self.assertNotIn("FunctionError", out)
        names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
        self.assertIn("sqs_subscribe", names)
        deadline = time.time() + 5
        summaries = []
        while not summaries and time.time() < deadline:
            now = time.time()
            summaries = xray.get_trace_summaries(StartTime=now - 600, EndTime=now + 60)["TraceSummaries"]
        self.assertTrue(summaries, "the invocation above started a trace")
        graph = xray.get_service_graph(StartTime=now - 600, EndTime=now + 60)["Services"]
        self.assertTrue(any(s["Name"] == "sns_subscribe" and s["Type"] == "AWS::Lambda::Function" for s in graph))


if __name__ == "__main__":
    unittest.main(verbosity=2)
