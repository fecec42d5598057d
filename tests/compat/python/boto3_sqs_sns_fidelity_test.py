#!/usr/bin/python3
"""Debian's python3-boto3 and AWS CLI against a real localray: SQS FIFO queues (group order under
concurrent consumers, deduplication, the FIFO rules' errors), receipt-handle rules, tags, permissions,
dead-letter sources and their allow policy; SNS FIFO topics fanning out to FIFO queues, http
endpoints, tags and permissions, mobile push, and filter policies on bodies and attributes."""
import json
import threading
import time
import unittest

import botocore.exceptions

from localray_case import LocalrayCase, eventually, trace_root, with_trace_header


class SqsFifoTest(LocalrayCase):
    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            call(**kwargs)
        return e.exception.response["Error"]

    def test_fifo_queue_attributes_and_creation_errors(self):
        sqs = self.client("sqs")
        err = self.error(sqs.create_queue, QueueName="no-suffix", Attributes={"FifoQueue": "true"})
        self.assertEqual(err["Code"], "InvalidParameterValue")
        self.assertEqual(err["Message"], "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                                         "must end with .fifo suffix and be 1 to 80 in length.")
        err = self.error(sqs.create_queue, QueueName="suffix-only.fifo")
        self.assertEqual(err["Message"], "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        err = self.error(sqs.create_queue, QueueName="std-dedup", Attributes={"ContentBasedDeduplication": "true"})
        self.assertEqual((err["Code"], err["Message"]), ("InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication."))
        err = self.error(sqs.create_queue, QueueName="std-scope", Attributes={"DeduplicationScope": "messageGroup"})
        self.assertEqual(err["Message"], "You can specify the DeduplicationScope only when FifoQueue is set to true.")

        url = sqs.create_queue(QueueName="attrs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual((a["FifoQueue"], a["ContentBasedDeduplication"], a["DeduplicationScope"], a["FifoThroughputLimit"]),
                         ("true", "false", "queue", "perQueue"))
        self.assertEqual(a["MaximumMessageSize"], "1048576")
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
                                                           "FifoThroughputLimit": "perMessageGroupId"})
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ContentBasedDeduplication", "FifoThroughputLimit"])["Attributes"]
        self.assertEqual(a, {"ContentBasedDeduplication": "true", "FifoThroughputLimit": "perMessageGroupId"})
        err = self.error(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": "false"})
        self.assertEqual((err["Code"], err["Message"]),
                         ("InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."))
        self.assertEqual(sqs.create_queue(QueueName="attrs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"], url, "idempotent")

        std_dlq = self.queue_arn(sqs, sqs.create_queue(QueueName="std-dlq")["QueueUrl"])
        policy = json.dumps({"deadLetterTargetArn": std_dlq, "maxReceiveCount": 3})
        err = self.error(sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": policy})
        self.assertEqual(err["Message"], f"Value {policy} for parameter RedrivePolicy is invalid. "
                                         "Reason: Dead-letter queue must be same type of queue as the source..")

    def test_send_rules_deduplication_and_sequence_numbers(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="dedup.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
        self.assertEqual((err["Code"], err["Message"]), ("MissingParameter", "The request must contain the parameter MessageGroupId."))
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g")
        self.assertEqual(err["Message"], "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=2)
        self.assertEqual(err["Message"], "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="group 1", MessageDeduplicationId="d")
        self.assertEqual(err["Message"], "Value group 1 for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include "
                                         "alphanumeric and punctuation characters. 1 to 128 in length.")
        err = self.error(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
                                                                        {"Id": "b", "MessageBody": "y", "MessageDeduplicationId": "2"}])
        self.assertEqual((err["Code"], err["Message"]), ("InvalidParameterValue", "The request must contain the parameter MessageGroupId."),
                         "a batch entry without a group fails the whole batch")
        self.assertEqual(self.counters(sqs, url), ("0", "0"), "and sends none of it")

        first = sqs.send_message(QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d-1")
        again = sqs.send_message(QueueUrl=url, MessageBody="once more", MessageGroupId="g", MessageDeduplicationId="d-1")
        self.assertEqual((again["MessageId"], again["SequenceNumber"]), (first["MessageId"], first["SequenceNumber"]))
        other = sqs.send_message(QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d-2")
        self.assertNotEqual(other["MessageId"], first["MessageId"], "another deduplication id is another message")
        self.assertEqual(len(first["SequenceNumber"]), 20)
        self.assertGreater(int(other["SequenceNumber"]), int(first["SequenceNumber"]))

        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
        self.assertEqual([m["Body"] for m in got], ["once", "once"])
        attrs = got[0]["Attributes"]
        self.assertEqual((attrs["MessageGroupId"], attrs["MessageDeduplicationId"], attrs["SequenceNumber"]),
                         ("g", "d-1", first["SequenceNumber"]))
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        # Deleting does not end the five minutes: the id is still known.
        sqs.send_message(QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d-1")
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=url))

        content = sqs.create_queue(QueueName="content.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
        sent = sqs.send_message_batch(QueueUrl=content, Entries=[{"Id": "a", "MessageBody": "same", "MessageGroupId": "g"},
                                                                 {"Id": "b", "MessageBody": "same", "MessageGroupId": "g"},
                                                                 {"Id": "c", "MessageBody": "different", "MessageGroupId": "g"}])
        ids = {e["Id"]: e["MessageId"] for e in sent["Successful"]}
        self.assertEqual(ids["a"], ids["b"], "the body's SHA-256 is the deduplication id")
        self.assertNotEqual(ids["a"], ids["c"])
        self.assertEqual(self.counters(sqs, content), ("2", "0"))

    def test_group_order_holds_under_concurrent_consumers(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true",
                                                                    "VisibilityTimeout": "30"})["QueueUrl"]
        groups = ["alpha", "beta", "gamma"]
        for n in range(0, 30, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"e{i}", "MessageBody": f"{groups[(n + i) % 3]}-{n + i:02d}",
                                                           "MessageGroupId": groups[(n + i) % 3]} for i in range(10)])
        seen = {g: [] for g in groups}
        lock = threading.Lock()
        in_flight_groups = []
        clashes = []  # groups two consumers held at once

        def consume():
            client = self.client("sqs")
            idle = 0
            while idle < 3:
                got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=3, WaitTimeSeconds=1).get("Messages", [])
                if not got:
                    idle += 1
                    continue
                held = {m["Body"].split("-")[0] for m in got}
                with lock:
                    clashes.extend(held & set(in_flight_groups))
                    in_flight_groups.extend(held)
                    for m in got:
                        seen[m["Body"].split("-")[0]].append(m["Body"])
                # Work on the messages while their groups are held, then let go before deleting
                # (a delete unlocks the group for the next consumer at once).
                threading.Event().wait(0.02)
                with lock:
                    for g in held:
                        in_flight_groups.remove(g)
                for m in got:
                    client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

        threads = [threading.Thread(target=consume) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(clashes, [], "two consumers held messages of one group at once")
        for g in groups:
            self.assertEqual(len(seen[g]), 10, seen)
            self.assertEqual(seen[g], sorted(seen[g]), f"group {g} out of order")

    def test_receipt_handles_as_sqs_treats_them(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="handles")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="m")
        first = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
        second = sqs.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"][0]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])  # stale: succeeds, deletes nothing
        self.assertEqual(self.counters(sqs, url), ("0", "1"))
        err = self.error(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=5)
        self.assertEqual(err["Message"], f"Value {first['ReceiptHandle']} for parameter ReceiptHandle is invalid. "
                                         "Reason: Message does not exist or is not available for visibility timeout change.")
        sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
        sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])  # used already: succeeds
        self.assertEqual(self.counters(sqs, url), ("0", "0"))
        err = self.error(sqs.delete_message, QueueUrl=url, ReceiptHandle="garbage")
        self.assertEqual((err["Code"], err["Message"]), ("ReceiptHandleIsInvalid", 'The input receipt handle "garbage" is not a valid receipt handle.'))

    def test_the_cli_sends_and_receives_in_group_order(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="cli.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        for i in range(3):
            r = self.aws_cli("sqs", "send-message", "--queue-url", url, "--message-body", f"m{i}", "--message-group-id", "g",
                             "--message-deduplication-id", f"d{i}")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("SequenceNumber", json.loads(r.stdout))
        r = self.aws_cli("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--attribute-names", "All")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = json.loads(r.stdout)["Messages"]
        self.assertEqual([m["Body"] for m in got], ["m0", "m1", "m2"])
        self.assertEqual({m["Attributes"]["MessageGroupId"] for m in got}, {"g"})


class SqsRedriveAndAdminTest(LocalrayCase):
    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            call(**kwargs)
        return e.exception.response

    def test_tags_and_permissions(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="tagged", tags={"team": "orders", "env": "dev"})["QueueUrl"]
        self.assertEqual(sqs.list_queue_tags(QueueUrl=url)["Tags"], {"team": "orders", "env": "dev"})
        sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "Env": "case-sensitive"})
        sqs.untag_queue(QueueUrl=url, TagKeys=["team", "not-there"])
        self.assertEqual(sqs.list_queue_tags(QueueUrl=url)["Tags"], {"env": "prod", "Env": "case-sensitive"})
        err = self.error(sqs.tag_queue, QueueUrl=url, Tags={f"k{i}": "v" for i in range(49)})["Error"]
        self.assertEqual((err["Code"], err["Message"]), ("InvalidParameterValue", "Too many tags added for queue tagged."))
        sqs.untag_queue(QueueUrl=url, TagKeys=["env", "Env"])
        self.assertNotIn("Tags", sqs.list_queue_tags(QueueUrl=url))

        arn = self.queue_arn(sqs, url)
        sqs.add_permission(QueueUrl=url, Label="send", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
        sqs.add_permission(QueueUrl=url, Label="read", AWSAccountIds=["111122223333", "444455556666"], Actions=["ReceiveMessage", "DeleteMessage"])
        policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
        self.assertEqual(policy["Version"], "2008-10-17")
        self.assertEqual(policy["Id"], f"{arn}/SQSDefaultPolicy")
        self.assertEqual(policy["Statement"][0], {"Sid": "send", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                                  "Action": "SQS:SendMessage", "Resource": arn})
        self.assertEqual(policy["Statement"][1]["Action"], ["SQS:ReceiveMessage", "SQS:DeleteMessage"])
        self.assertEqual(len(policy["Statement"][1]["Principal"]["AWS"]), 2)
        err = self.error(sqs.add_permission, QueueUrl=url, Label="send", AWSAccountIds=["111122223333"], Actions=["SendMessage"])["Error"]
        self.assertEqual(err["Message"], "Value send for parameter Label is invalid. Reason: Already exists.")
        err = self.error(sqs.add_permission, QueueUrl=url, Label="x", AWSAccountIds=["111122223333"], Actions=["ChangeMessageVisibilityBatch"])["Error"]
        self.assertEqual(err["Message"], "Value SQS:ChangeMessageVisibilityBatch for parameter ActionName is invalid. "
                                         "Reason: Please refer to the appropriate WSDL for a list of valid actions.")
        err = self.error(sqs.remove_permission, QueueUrl=url, Label="nope")["Error"]
        self.assertEqual(err["Message"], "Value nope for parameter Label is invalid. Reason: can't find label.")
        sqs.remove_permission(QueueUrl=url, Label="send")
        sqs.remove_permission(QueueUrl=url, Label="read")
        self.assertNotIn("Attributes", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]), "the last statement takes the policy")

    def test_dead_letter_sources_and_their_allow_policy(self):
        sqs = self.client("sqs")
        dlq = sqs.create_queue(QueueName="mv-dlq")["QueueUrl"]
        dlq_arn = self.queue_arn(sqs, dlq)
        sources = []
        for name in ("mv-a", "mv-b"):
            sources.append(sqs.create_queue(QueueName=name, Attributes={
                "VisibilityTimeout": "0", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"])
        self.assertEqual(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"], sources)
        page = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1)
        self.assertEqual((page["queueUrls"], sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1, NextToken=page["NextToken"])["queueUrls"]),
                         ([sources[0]], [sources[1]]))

        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue",
                                                                                             "sourceQueueArns": [self.queue_arn(sqs, sources[0])]})})
        err = self.error(sqs.create_queue, QueueName="mv-c", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})
        self.assertIn("RedriveAllowPolicy does not allow", err["Error"]["Message"])
        err = self.error(sqs.set_queue_attributes, QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue"})})
        self.assertIn("you must also specify one or more sourceQueueArns values", err["Error"]["Message"])
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})})

        # Two messages fail in each source and land in the DLQ, stamped with where they came from.
        for url in sources:
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"{url.rsplit('/', 1)[1]}-{i}"} for i in range(2)])
            sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            self.assertEmptyReceive(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10))
        self.assertTrue(eventually(lambda: self.counters(sqs, dlq)[0] == "4"))
        dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["All"])["Messages"]
        self.assertEqual({m["Attributes"]["DeadLetterQueueSourceArn"] for m in dead}, {self.queue_arn(sqs, u) for u in sources})

        r = self.aws_cli("sqs", "list-dead-letter-source-queues", "--queue-url", dlq)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["queueUrls"], sources)
        # Message move tasks are newer than Debian's botocore: js_v3.test.mjs drives them.

class SnsFifoTest(LocalrayCase):
    def test_a_fifo_topic_fans_out_to_two_fifo_queues_in_order_and_once(self):
        sns, sqs = self.client("sns"), self.client("sqs")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.create_topic(Name="no-suffix", Attributes={"FifoTopic": "true"})
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: Topic Name")
        topic = sns.create_topic(Name="events.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        self.assertEqual((attrs["FifoTopic"], attrs["ContentBasedDeduplication"]), ("true", "true"))
        queues = []
        for name in ("fan-a.fifo", "fan-b.fifo"):
            url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, url), Attributes={"RawMessageDelivery": "true"})
            queues.append(url)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint="arn:aws:lambda:us-east-1:000000000000:function:f")
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: Invalid protocol type: lambda")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.publish(TopicArn=topic, Message="no group")
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")

        sequence = []
        for i in range(6):
            r = sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId=f"g{i % 2}")
            sequence.append(int(r["SequenceNumber"]))
        repeat = sns.publish(TopicArn=topic, Message="m0", MessageGroupId="g0")
        self.assertEqual(int(repeat["SequenceNumber"]), sequence[0], "a repeat within five minutes is the first publish")
        self.assertEqual(sequence, sorted(sequence))
        batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "a", "Message": "b0", "MessageGroupId": "g0", "MessageDeduplicationId": "batch-0"},
            {"Id": "b", "Message": "b1", "MessageGroupId": "g1", "MessageDeduplicationId": "batch-1"}])
        self.assertEqual(len(batch["Successful"]), 2)
        self.assertTrue(all("SequenceNumber" in s for s in batch["Successful"]))

        for url in queues:
            got = []
            def drained():
                for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", []):
                    got.append((m["Body"], m["Attributes"]["MessageGroupId"], m["Attributes"]["MessageDeduplicationId"]))
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                return len(got) >= 8
            self.assertTrue(eventually(drained), got)
            self.assertEqual([b for b, g, _ in got if g == "g0"], ["m0", "m2", "m4", "b0"])
            self.assertEqual([b for b, g, _ in got if g == "g1"], ["m1", "m3", "m5", "b1"])
            self.assertEqual([d for b, _, d in got if b == "b1"], ["batch-1"], "the publish's deduplication id reaches the queue")
            self.assertEqual(len(got), 8, "the repeat was not delivered")


class SnsFifoDeadLetterTest(LocalrayCase):
    def test_a_fifo_subscription_dead_letters_to_a_fifo_queue_and_the_hops_are_graphed(self):
        sns, sqs, xray = self.client("sns"), self.client("sqs"), self.client("xray")
        topic = sns.create_topic(Name="orders-dlq.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        target_url = sqs.create_queue(QueueName="orders-target.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        standard_dlq = self.queue_arn(sqs, sqs.create_queue(QueueName="orders-standard-dlq")["QueueUrl"])
        dlq_url = sqs.create_queue(QueueName="orders-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, target_url),
                          Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": standard_dlq})})
        self.assertIn("must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.", e.exception.response["Error"]["Message"])
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, target_url),
                            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": self.queue_arn(sqs, dlq_url)})})["SubscriptionArn"]
        with self.assertRaises(botocore.exceptions.ClientError):
            sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RedrivePolicy",
                                            AttributeValue=json.dumps({"deadLetterTargetArn": standard_dlq}))

        # Delivered and traced: the topic's node has an edge to the queue's.
        root = trace_root("f1f0")
        with_trace_header(sns, "Publish", root)
        sns.publish(TopicArn=topic, Message="first", MessageGroupId="g1")
        got = eventually(lambda: sqs.receive_message(QueueUrl=target_url, AttributeNames=["All"]).get("Messages"))
        self.assertTrue(got)
        self.assertEqual(got[0]["Attributes"]["MessageGroupId"], "g1")

        def edges():
            graph = xray.get_service_graph(StartTime=time.time() - 60, EndTime=time.time() + 5)["Services"]
            by_id = {s["ReferenceId"]: s for s in graph}
            return {(s["Name"], by_id[e["ReferenceId"]]["Name"]) for s in graph for e in s.get("Edges", [])}
        self.assertTrue(eventually(lambda: ("orders-dlq.fifo", "orders-target.fifo") in edges()), edges())

        # The queue is gone: the next message goes to the FIFO dead-letter queue with its group.
        sqs.delete_queue(QueueUrl=target_url)
        sns.publish(TopicArn=topic, Message="second", MessageGroupId="g2")
        letters = eventually(lambda: sqs.receive_message(QueueUrl=dlq_url, AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages"))
        self.assertTrue(letters, "dead-lettered")
        self.assertEqual(json.loads(letters[0]["Body"])["Message"], "second")
        self.assertEqual(letters[0]["Attributes"]["MessageGroupId"], "g2")
        self.assertEqual(letters[0]["MessageAttributes"]["ErrorCode"]["StringValue"], "AWS.SimpleQueueService.NonExistentQueue")


class SnsHttpAndAdminTest(LocalrayCase):
    """An http endpoint this test serves, confirmed through boto3's ConfirmSubscription; topic tags
    and permissions through boto3 and the CLI."""
    def test_an_http_endpoint_confirms_and_receives(self):
        import http.server
        got = []

        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                got.append((dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}/in"
        sns = self.client("sns")
        topic = sns.create_topic(Name="py-http")["TopicArn"]
        self.assertEqual(sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)["SubscriptionArn"], "pending confirmation")
        confirmation = eventually(lambda: next((m for h, m in got if m["Type"] == "SubscriptionConfirmation"), None))
        self.assertIsNotNone(confirmation)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.confirm_subscription(TopicArn=topic, Token="not-a-token")
        self.assertEqual((e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]), ("InvalidParameter", "Invalid token"))
        arn = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"], AuthenticateOnUnsubscribe="true")["SubscriptionArn"]
        attrs = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        self.assertEqual((attrs["PendingConfirmation"], attrs["ConfirmationWasAuthenticated"]), ("false", "true"))
        message_id = sns.publish(TopicArn=topic, Message="to the web", Subject="s")["MessageId"]
        notification = eventually(lambda: next(((h, m) for h, m in got if m.get("MessageId") == message_id), None))
        self.assertIsNotNone(notification)
        headers, body = notification
        self.assertEqual(headers["x-amz-sns-subscription-arn"], arn)
        self.assertEqual((body["Type"], body["Message"], body["Subject"], body["TopicArn"]), ("Notification", "to the web", "s", topic))

    def test_topic_tags_and_permissions(self):
        sns = self.client("sns")
        topic = sns.create_topic(Name="py-admin")["TopicArn"]
        sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "team", "Value": "core"}])
        self.assertEqual(sns.list_tags_for_resource(ResourceArn=topic)["Tags"], [{"Key": "team", "Value": "core"}])
        sns.untag_resource(ResourceArn=topic, TagKeys=["team"])
        self.assertEqual(sns.list_tags_for_resource(ResourceArn=topic)["Tags"], [])
        with self.assertRaises(sns.exceptions.ResourceNotFoundException):
            sns.list_tags_for_resource(ResourceArn=topic + "-missing")
        sns.add_permission(TopicArn=topic, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
        policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
        self.assertEqual(policy["Statement"][-1]["Sid"], "pub")
        with self.assertRaises(sns.exceptions.InvalidParameterException):
            sns.add_permission(TopicArn=topic, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
        sns.remove_permission(TopicArn=topic, Label="pub")
        # The CLI, for its own serialization of lists.
        r = self.aws_cli("sns", "tag-resource", "--resource-arn", topic, "--tags", "Key=env,Value=dev", "Key=tier,Value=1")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.aws_cli("sns", "list-tags-for-resource", "--resource-arn", topic)
        self.assertEqual(sorted(t["Key"] for t in json.loads(r.stdout)["Tags"]), ["env", "tier"])
        r = self.aws_cli("sns", "add-permission", "--topic-arn", topic, "--label", "cli", "--aws-account-id", "111122223333", "--action-name", "Publish", "Subscribe")
        self.assertEqual(r.returncode, 0, r.stderr)
        policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
        self.assertEqual(policy["Statement"][-1]["Action"], ["SNS:Publish", "SNS:Subscribe"])


class SnsPlatformTest(LocalrayCase):
    """Mobile push through boto3 and the CLI: platform applications and endpoints with AWS's errors,
    a publish to an endpoint and to an `application` subscription, read back from
    /_localray/sns/deliveries with the message chosen for the endpoint's platform."""
    def deliveries(self, endpoint):
        import urllib.parse
        import urllib.request
        url = self.endpoint + "/_localray/sns/deliveries?endpoint=" + urllib.parse.quote(endpoint, safe="")
        return json.loads(urllib.request.urlopen(url).read())["deliveries"]

    def test_applications_endpoints_and_what_they_are_sent(self):
        sns = self.client("sns")
        creds = {"PlatformPrincipal": "client-id", "PlatformCredential": "client-secret"}
        app = sns.create_platform_application(Name="py-phones", Platform="ADM", Attributes=creds)["PlatformApplicationArn"]
        self.assertEqual(app, "arn:aws:sns:us-east-1:000000000000:app/ADM/py-phones")
        self.assertEqual(sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"], {"Enabled": "true"})
        for kwargs, code, message in [
            (dict(Name="x", Platform="ADM", Attributes={}), "ValidationError",
             "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null"),
            (dict(Name="x", Platform="AAA", Attributes=creds), "InvalidParameter", "Invalid parameter: Platform Reason: AAA is not supported"),
            (dict(Name="@name", Platform="ADM", Attributes=creds), "InvalidParameter",
             "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"),
            (dict(Name="x", Platform="ADM", Attributes={"PlatformPrincipal": "p"}), "InvalidParameter",
             "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential"),
        ]:
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                sns.create_platform_application(**kwargs)
            self.assertEqual((e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]), (code, message))

        endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_1", CustomUserData="user-7")["EndpointArn"]
        self.assertRegex(endpoint, r"^arn:aws:sns:us-east-1:000000000000:endpoint/ADM/py-phones/[0-9a-f-]{36}$")
        self.assertEqual(sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_1", CustomUserData="user-7")["EndpointArn"], endpoint)
        with self.assertRaises(sns.exceptions.InvalidParameterException) as e:
            sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_1", Attributes={"Enabled": "false"})
        self.assertIn(f"Endpoint {endpoint} already exists with the same Token, but different attributes.", str(e.exception))
        self.assertEqual(sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"], {"CustomUserData": "user-7", "Enabled": "true", "Token": "token_1"})
        listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
        self.assertEqual([e["EndpointArn"] for e in listed], [endpoint])
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.get_endpoint_attributes(EndpointArn=endpoint.rsplit("/", 1)[0] + "/0f7d5971-aa8b-4bd5-b585-0826e9f93a66")

        # Straight to the endpoint: its platform's entry of a JSON message.
        push = json.dumps({"default": "plain", "ADM": json.dumps({"data": {"text": "hello"}})})
        message_id = sns.publish(TargetArn=endpoint, MessageStructure="json", Message=push)["MessageId"]
        sent = self.deliveries(endpoint)
        self.assertEqual((sent[0]["message_id"], sent[0]["protocol"], sent[0]["platform"], sent[0]["message"]),
                         (message_id, "application", "ADM", '{"data": {"text": "hello"}}'))
        # Through a topic: the subscription needs no confirmation.
        topic = sns.create_topic(Name="py-pushes")["TopicArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint)["SubscriptionArn"]
        self.assertTrue(sub.startswith(topic + ":"), sub)
        from_topic = sns.publish(TopicArn=topic, Message="to every phone")["MessageId"]
        self.assertTrue(eventually(lambda: any(d["message_id"] == from_topic and d["subscription_arn"] == sub for d in self.deliveries(endpoint))))
        with self.assertRaises(sns.exceptions.InvalidParameterException) as e:
            sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint + "0")
        self.assertEqual(e.exception.response["Error"]["Message"], f"Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn{endpoint}0")

        # Disabled: a direct publish is refused, a topic's is not pushed.
        sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
        with self.assertRaises(sns.exceptions.EndpointDisabledException) as e:
            sns.publish(TargetArn=endpoint, Message="x")
        self.assertEqual(e.exception.response["Error"]["Message"], "Endpoint is disabled")
        # A second phone on the topic: once it has the message, the topic has passed the first by.
        other = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_2")["EndpointArn"]
        sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=other)
        only_other = sns.publish(TopicArn=topic, Message="not to the disabled one")["MessageId"]
        self.assertTrue(eventually(lambda: any(d["message_id"] == only_other for d in self.deliveries(other))))
        self.assertFalse(any(d["message_id"] == only_other for d in self.deliveries(endpoint)))
        with self.assertRaises(sns.exceptions.InvalidParameterException) as e:
            sns.publish(TargetArn="arn:aws:sns:us-east-1:000000000000:endpoint/APNS/abcdef/0f7d5971-aa8b-4bd5-b585-0826e9f93a66", Message="x")
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified")

        # The CLI: an FCM application (its credential alone) and the list of applications.
        r = self.aws_cli("sns", "create-platform-application", "--name", "cli-fcm", "--platform", "GCM", "--attributes", "PlatformCredential=server-key")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.aws_cli("sns", "list-platform-applications")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(a["PlatformApplicationArn"] for a in json.loads(r.stdout)["PlatformApplications"]),
                         [app, "arn:aws:sns:us-east-1:000000000000:app/GCM/cli-fcm"])

        # Deleting the endpoint keeps the subscription; deleting the application takes its endpoints.
        sns.delete_endpoint(EndpointArn=endpoint)
        self.assertIn(sub, [s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]])
        sns.delete_platform_application(PlatformApplicationArn=app)
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)


class SnsFilterPolicyTest(LocalrayCase):
    def test_policies_on_bodies_and_attributes_with_every_operator(self):
        sns, sqs = self.client("sns"), self.client("sqs")
        topic = sns.create_topic(Name="filtered")["TopicArn"]
        def queue(name):
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            return url, self.queue_arn(sqs, url)
        body_url, body_arn = queue("by-body")
        attr_url, attr_arn = queue("by-attributes")
        body_policy = {"order": {"status": ["paid"], "total": [{"numeric": [">", 100, "<=", 1000]}]},
                       "$or": [{"region": [{"prefix": "eu-"}]}, {"vip": [True]}]}
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=body_arn, ReturnSubscriptionArn=True,
                            Attributes={"FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps(body_policy),
                                        "RawMessageDelivery": "true"})["SubscriptionArn"]
        attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertEqual(attrs["FilterPolicyScope"], "MessageBody")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope", AttributeValue="MessageAttributes")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy")
        attr_policy = {"source": [{"anything-but": {"prefix": "test-"}}], "ip": [{"cidr": "192.168.0.0/16"}],
                       "level": [{"equals-ignore-case": "ERROR"}, {"suffix": "-fatal"}], "trace": [{"exists": False}]}
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=attr_arn,
                      Attributes={"FilterPolicy": json.dumps(attr_policy), "RawMessageDelivery": "true"})
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=attr_arn + "-x",
                          Attributes={"FilterPolicy": json.dumps({"n": [{"numeric": [">", 10, "<", 5]}]})})
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top")

        def s(v):
            return {"DataType": "String", "StringValue": v}
        messages = [
            ({"order": {"status": "paid", "total": 500}, "region": "eu-west-1"}, {}),             # body: yes
            ({"order": {"status": "paid", "total": 500}, "region": "us-east-1"}, {}),             # body: no ($or)
            ({"order": {"status": "paid", "total": 50}, "vip": True}, {}),                       # body: no (total)
            ({"order": [{"status": "new"}, {"status": "paid", "total": 101}], "vip": True}, {}),  # body: yes (array)
            ("not json", {"source": s("prod-api"), "ip": s("192.168.4.4"), "level": s("error")}),     # attributes: yes
            ("m", {"source": s("test-api"), "ip": s("192.168.4.4"), "level": s("error")}),           # no: anything-but
            ("m", {"source": s("prod-api"), "ip": s("10.0.0.1"), "level": s("db-fatal")}),           # no: cidr
            ("m2", {"source": s("prod-api"), "ip": s("192.168.0.9"), "level": s("db-fatal")}),       # attributes: yes
            ("m", {"source": s("prod-api"), "ip": s("192.168.0.9"), "level": s("db-fatal"), "trace": s("t")}),  # no: exists false
        ]
        for body, attributes in messages:
            sns.publish(TopicArn=topic, Message=body if isinstance(body, str) else json.dumps(body), MessageAttributes=attributes)
        def drain(url, n):
            got = []
            def enough():
                got.extend(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []))
                return len(got) >= n
            eventually(enough, 5)
            return got
        by_body = [json.loads(b) for b in drain(body_url, 2)]
        self.assertEqual([b.get("region", b.get("vip")) for b in by_body], ["eu-west-1", True])
        self.assertEqual(sorted(drain(attr_url, 2)), ["m2", "not json"])
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=body_url, WaitTimeSeconds=1))
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=attr_url))


if __name__ == "__main__":
    unittest.main()
