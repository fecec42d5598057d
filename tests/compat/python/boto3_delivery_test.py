#!/usr/bin/python3
"""Delivery accounting, configured through the API as a user would: a topic feeds a queue drained by
an event source mapping (batching window, ReportBatchItemFailures, a redrive policy) and a function
invoked asynchronously (retries, on-success and on-failure destinations, a dead-letter queue). The
functions fail at seeded rates; afterwards every message is processed or dead-lettered, exactly as
the seed predicts, and none is both."""
import hashlib
import io
import json
import os
import sys
import time
import unittest
import urllib.request
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from localray_case import LocalrayCase, eventually, trace_root, with_trace_header  # noqa: E402
import boto3  # noqa: E402

MESSAGES = 120
SEED = 7
RATE = 30  # percent

# Fails a record when (n, its receive count) draws under RATE: a failure on the first receive may
# succeed on the second; two failures send it to the dead-letter queue (maxReceiveCount 2).
BATCH_WORKER = """
import hashlib, json, os
import boto3
sqs = boto3.client("sqs")
SEED, RATE = int(os.environ["SEED"]), int(os.environ["RATE"])
def fails(n, receive):
    return int(hashlib.sha256(f"{SEED}:{n}:{receive}".encode()).hexdigest(), 16) % 100 < RATE
def handler(event, context):
    failures = []
    for r in event["Records"]:
        n = int(r["body"])
        if fails(n, int(r["attributes"]["ApproximateReceiveCount"])):
            failures.append({"itemIdentifier": r["messageId"]})
        else:
            sqs.send_message(QueueUrl=os.environ["PROCESSED_URL"], MessageBody=str(n))
    return {"batchItemFailures": failures}
"""

# Fails for good when n draws under RATE: its retries fail too.
ASYNC_WORKER = """
import hashlib, json, os
SEED, RATE = int(os.environ["SEED"]), int(os.environ["RATE"])
def handler(event, context):
    n = int(event["Records"][0]["Sns"]["Message"])
    if int(hashlib.sha256(f"{SEED}:{n}".encode()).hexdigest(), 16) % 100 < RATE:
        raise RuntimeError(f"job {n} failed")
    return {"job": n}
"""


def draw(*key):
    return int(hashlib.sha256(":".join(str(k) for k in (SEED,) + key).encode()).hexdigest(), 16) % 100


def batch_fails(n, receive):
    return draw(n, receive) < RATE


def async_fails(n):
    return draw(n) < RATE


def zipped(name, text):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(name, text)
    return out.getvalue()


class DeliveryAccounting(LocalrayCase):
    def drain(self, sqs, url, seen, parse):
        """Receives and deletes what is in the queue, adding parse(message) for each to seen."""
        while True:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"])
            messages = got.get("Messages", [])
            if not messages:
                return
            for m in messages:
                seen.append(parse(m))
            sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])

    def test_every_message_is_processed_or_dead_lettered_as_the_seed_predicts(self):
        sqs, sns, lam = self.client("sqs"), self.client("sns"), self.client("lambda")
        urls = {name: sqs.create_queue(QueueName=f"acct-{name}")["QueueUrl"] for name in
                ("work-dlq", "processed", "async-succeeded", "async-failed", "async-dlq")}
        arns = {name: self.queue_arn(sqs, url) for name, url in urls.items()}
        # The worker's timeout leaves room for a cold start that imports boto3 on two busy cores (3 s
        # was overrun under ctest -j2: whole batches timed out and were dead-lettered off the seed).
        urls["work"] = sqs.create_queue(QueueName="acct-work", Attributes={
            "VisibilityTimeout": "12", "RedrivePolicy": json.dumps({"deadLetterTargetArn": arns["work-dlq"], "maxReceiveCount": 2})})["QueueUrl"]
        arns["work"] = self.queue_arn(sqs, urls["work"])
        env = {"Variables": {"SEED": str(SEED), "RATE": str(RATE), "PROCESSED_URL": urls["processed"]}}
        lam.create_function(FunctionName="acct-batch", Runtime="python3.11", Handler="app.handler", Role="r", Timeout=10,
                            Code={"ZipFile": zipped("app.py", BATCH_WORKER)}, Environment=env)
        lam.create_function(FunctionName="acct-async", Runtime="python3.11", Handler="app.handler", Role="r",
                            Code={"ZipFile": zipped("app.py", ASYNC_WORKER)}, Environment=env,
                            DeadLetterConfig={"TargetArn": arns["async-dlq"]})
        config = lam.put_function_event_invoke_config(
            FunctionName="acct-async", MaximumRetryAttempts=1, MaximumEventAgeInSeconds=3600,
            DestinationConfig={"OnSuccess": {"Destination": arns["async-succeeded"]}, "OnFailure": {"Destination": arns["async-failed"]}})
        self.assertEqual(config["MaximumRetryAttempts"], 1)
        self.assertEqual(config["DestinationConfig"]["OnFailure"]["Destination"], arns["async-failed"])
        got = lam.get_function_event_invoke_config(FunctionName="acct-async")
        self.assertEqual(got["MaximumEventAgeInSeconds"], 3600)
        self.assertEqual(lam.get_function_configuration(FunctionName="acct-async")["DeadLetterConfig"]["TargetArn"], arns["async-dlq"])
        with self.assertRaises(lam.exceptions.InvalidParameterValueException):
            lam.put_function_event_invoke_config(FunctionName="acct-async", DestinationConfig={
                "OnFailure": {"Destination": "arn:aws:events:us-east-1:000000000000:event-bus/default"}})
        mapping = lam.create_event_source_mapping(FunctionName="acct-batch", EventSourceArn=arns["work"], BatchSize=10,
                                                  MaximumBatchingWindowInSeconds=1, FunctionResponseTypes=["ReportBatchItemFailures"])
        self.assertEqual((mapping["MaximumBatchingWindowInSeconds"], mapping["FunctionResponseTypes"]), (1, ["ReportBatchItemFailures"]))
        with self.assertRaises(lam.exceptions.InvalidParameterValueException):
            lam.create_event_source_mapping(FunctionName="acct-batch", EventSourceArn=arns["work"], BatchSize=100)

        topic = sns.create_topic(Name="acct-jobs")["TopicArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns["work"])["SubscriptionArn"]
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="true")
        fn_arn = lam.get_function_configuration(FunctionName="acct-async")["FunctionArn"]
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn)
        for start in range(0, MESSAGES, 10):
            sent = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": str(n), "Message": str(n)} for n in range(start, start + 10)])
            self.assertEqual(len(sent["Successful"]), 10)

        expected_dead = {n for n in range(MESSAGES) if batch_fails(n, 1) and batch_fails(n, 2)}
        expected_failed = {n for n in range(MESSAGES) if async_fails(n)}
        self.assertTrue(0 < len(expected_dead) < MESSAGES and 0 < len(expected_failed) < MESSAGES, "the seed fails some, not all")
        processed, dead, succeeded, failed, async_dead = [], [], [], [], []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            self.drain(sqs, urls["processed"], processed, lambda m: int(m["Body"]))
            self.drain(sqs, urls["work-dlq"], dead, lambda m: (int(m["Body"]), int(m["Attributes"]["ApproximateReceiveCount"])))
            self.drain(sqs, urls["async-succeeded"], succeeded, lambda m: json.loads(m["Body"]))
            self.drain(sqs, urls["async-failed"], failed, lambda m: json.loads(m["Body"]))
            self.drain(sqs, urls["async-dlq"], async_dead, lambda m: m)
            if (len(set(processed)) + len(dead) >= MESSAGES and len(succeeded) + len(failed) >= MESSAGES
                    and len(async_dead) >= len(expected_failed)):
                break
            time.sleep(0.5)
        time.sleep(1)  # anything that would arrive twice arrives now
        self.drain(sqs, urls["processed"], processed, lambda m: int(m["Body"]))
        self.drain(sqs, urls["work-dlq"], dead, lambda m: (int(m["Body"]), int(m["Attributes"]["ApproximateReceiveCount"])))

        dead_ids = {n for n, _ in dead}
        print(f"\nqueue: {MESSAGES} sent, {len(set(processed))} processed ({len(processed)} deliveries), {len(dead)} dead-lettered; "
              f"async: {len(succeeded)} succeeded, {len(failed)} failed, {len(async_dead)} dead letters", file=sys.stderr)
        self.assertEqual(dead_ids, expected_dead)
        self.assertEqual(len(dead), len(dead_ids), "each dead letter once")
        self.assertTrue(all(count >= 2 for _, count in dead), "dead-lettered after two receives")
        self.assertEqual(set(processed), set(range(MESSAGES)) - expected_dead)
        self.assertEqual(len(processed), len(set(processed)), "no duplicates: every batch ran well within its visibility timeout")

        self.assertEqual({r["requestPayload"]["Records"][0]["Sns"]["Message"] for r in failed}, {str(n) for n in expected_failed})
        self.assertEqual(len(failed) + len(succeeded), MESSAGES)
        for r in failed:
            self.assertEqual((r["requestContext"]["condition"], r["requestContext"]["approximateInvokeCount"]), ("RetriesExhausted", 2))
            self.assertEqual(r["responseContext"]["functionError"], "Unhandled")
        for r in succeeded:
            self.assertEqual(r["requestContext"]["condition"], "Success")
            self.assertEqual(r["responsePayload"], {"job": int(r["requestPayload"]["Records"][0]["Sns"]["Message"])})
        self.assertEqual(sorted(json.loads(m["Body"])["Records"][0]["Sns"]["Message"] for m in async_dead), sorted(str(n) for n in expected_failed))
        self.assertTrue(all(m["MessageAttributes"]["ErrorMessage"]["StringValue"].startswith("job ") for m in async_dead))

    def test_sns_deliveries_that_cannot_get_through_go_to_the_subscriptions_dead_letter_queue(self):
        sqs, sns, lam = self.client("sqs"), self.client("sns"), self.client("lambda")
        urls = {name: sqs.create_queue(QueueName=f"snsdlq-{name}")["QueueUrl"] for name in ("target", "unguarded", "dlq")}
        arns = {name: self.queue_arn(sqs, url) for name, url in urls.items()}
        lam.create_function(FunctionName="snsdlq-fn", Runtime="python3.11", Handler="app.handler", Role="r",
                            Code={"ZipFile": zipped("app.py", "def handler(event, context):\n    return 1\n")})
        fn_arn = lam.get_function_configuration(FunctionName="snsdlq-fn")["FunctionArn"]
        topic = sns.create_topic(Name="snsdlq")["TopicArn"]
        redrive = json.dumps({"deadLetterTargetArn": arns["dlq"]})
        to_queue = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns["target"], ReturnSubscriptionArn=True,
                                 Attributes={"RawMessageDelivery": "true", "RedrivePolicy": redrive})["SubscriptionArn"]
        to_function = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn, ReturnSubscriptionArn=True)["SubscriptionArn"]
        sns.set_subscription_attributes(SubscriptionArn=to_function, AttributeName="RedrivePolicy", AttributeValue=redrive)
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns["unguarded"])
        self.assertEqual(sns.get_subscription_attributes(SubscriptionArn=to_queue)["Attributes"]["RedrivePolicy"], redrive)
        with self.assertRaises(sns.exceptions.InvalidParameterException) as e:
            sns.set_subscription_attributes(SubscriptionArn=to_queue, AttributeName="RedrivePolicy", AttributeValue="{invalidjson}")
        self.assertTrue(e.exception.response["Error"]["Message"].startswith("Invalid parameter: RedrivePolicy: failed to parse JSON."))

        # The endpoints go away behind SNS's back: a client error, not retried, dead-lettered at once.
        sqs.delete_queue(QueueUrl=urls["target"])
        sqs.delete_queue(QueueUrl=urls["unguarded"])
        lam.delete_function(FunctionName="snsdlq-fn")
        root = trace_root("d1e7")
        traced = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1").client(
            "sns", endpoint_url=self.endpoint)
        self.addCleanup(traced.close)
        with_trace_header(traced, "Publish", root)
        for n in range(3):
            traced.publish(TopicArn=topic, Message=f"job {n}", MessageAttributes={"n": {"DataType": "Number", "StringValue": str(n)}})
        letters = []
        deadline = time.monotonic() + 15
        while len(letters) < 6 and time.monotonic() < deadline:
            self.drain(sqs, urls["dlq"], letters, lambda m: m)
        self.assertEqual(len(letters), 6, "three messages to the queue and three to the function")
        raw = [m for m in letters if not m["Body"].startswith("{")]
        envelopes = [m for m in letters if m["Body"].startswith("{")]
        self.assertEqual(sorted(m["Body"] for m in raw), ["job 0", "job 1", "job 2"])
        for m in raw:
            attrs = m["MessageAttributes"]
            self.assertEqual(attrs["ErrorCode"]["StringValue"], "AWS.SimpleQueueService.NonExistentQueue")
            self.assertIn("does not exist", attrs["ErrorMessage"]["StringValue"])
            self.assertTrue(attrs["RequestID"]["StringValue"])
            self.assertEqual(attrs["n"]["StringValue"], m["Body"][-1], "a raw delivery keeps its message attributes")
        self.assertEqual(sorted(json.loads(m["Body"])["Message"] for m in envelopes), ["job 0", "job 1", "job 2"])
        for m in envelopes:
            self.assertEqual(json.loads(m["Body"])["TopicArn"], topic)
            self.assertEqual(m["MessageAttributes"]["ErrorCode"]["StringValue"], "ResourceNotFoundException")
        # Each move to the dead-letter queue is an SQS subsegment of the publish's trace, under the
        # delivery that failed.
        xray = self.client("xray")

        def moves():
            docs = [json.loads(seg["Document"]) for t in xray.batch_get_traces(TraceIds=[root])["Traces"] for seg in t["Segments"]]
            # The store files each move under its parent: the delivery subsegment of the topic's segment.
            found = [m for d in docs if d.get("origin") == "AWS::SNS::Topic" for delivery in d.get("subsegments", [])
                     for m in delivery.get("subsegments", []) if m.get("aws", {}).get("dead_letter")]
            return found if len(found) >= 6 else []
        dead_letter_moves = eventually(moves)
        self.assertEqual(len(dead_letter_moves), 6, "three to the queue's and three to the function's dead-letter queue")
        for m in dead_letter_moves:
            self.assertEqual((m["name"], m["namespace"], m["aws"]["operation"]), ("SQS", "aws", "SendMessage"))
            self.assertEqual(m["aws"]["queue_url"], urls["dlq"])

        # A queue made again under the same name is the subscription's endpoint again, as on AWS.
        urls["target"] = sqs.create_queue(QueueName="snsdlq-target")["QueueUrl"]
        sns.publish(TopicArn=topic, Message="back")
        got = eventually(lambda: sqs.receive_message(QueueUrl=urls["target"], WaitTimeSeconds=1).get("Messages"))
        self.assertEqual([m["Body"] for m in got or []], ["back"])

        # "back" also went to the deleted function (dead-lettered) and the deleted unguarded queue
        # (no dead-letter queue: discarded, as the three before it were).
        def counted():
            metrics = urllib.request.urlopen(self.endpoint + "/_localray/metrics").read().decode()
            return ('localray_sns_deliveries_failed_total{outcome="dead_lettered"} 7' in metrics and
                    'localray_sns_deliveries_failed_total{outcome="discarded"} 4' in metrics)
        self.assertTrue(eventually(counted), "7 dead-lettered and 4 discarded, counted in /_localray/metrics")

if __name__ == "__main__":
    unittest.main()
