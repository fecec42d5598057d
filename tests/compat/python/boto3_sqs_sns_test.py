#!/usr/bin/python3
"""Debian's python3-boto3 against a real localray: SQS over the query protocol (botocore 1.29), redrive, and SNS topics, subscriptions and batches."""
import json
import time
import unittest

import boto3
import botocore.exceptions

from localray_case import LocalrayCase, ACCOUNT, SNS_SUBSCRIBE_ARN, eventually, md5, md5_of_attributes, trace_root, with_trace_header


class SqsSnsTest(LocalrayCase):
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
